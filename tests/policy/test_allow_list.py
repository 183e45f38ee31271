"""The allow-list matches the organisation's own details whole, never a word of them.

With "Saint Mary Hospital" allowed, a patient called Mary is still a patient: the entry covers a
finding only when the finding lies inside an occurrence of the whole phrase (or is the phrase),
and entries too short or too common to be an organisation's own are refused before they load.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.allow import AllowList, covered
from models.detector import Detector, DetectorSettings
from proxy.cli import main
from proxy.policy import cli as policy_cli
from proxy.policy.parse import parse_policy
from proxy.yamlfile import ConfigError

POLICY = """\
version: 1
name: allow-test
default: {action: redact}
entities:
  PROVIDER_NAME: allow
  APPOINTMENT_DATETIME: allow
allow:
  names: [{names}]
"""


def policy_file(tmp_path: Path, *names: str) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(POLICY.replace("{names}", ", ".join(json.dumps(n) for n in names)))
    return p


def test_a_word_of_an_allowed_name_is_not_the_name() -> None:
    allow = AllowList.of(["Saint Mary Hospital", "Lakeview Health"])
    for part in ("Mary", "Saint Mary", "Mary Hospital", "Health", "Lakeview"):
        assert not allow.allows(part), part
    assert allow.allows("Saint Mary Hospital") and allow.allows("saint  MARY hospital")
    text = "Hi Mary, Saint Mary Hospital here. Saint Maryland Hospitality"
    assert [text[s:e] for s, e in allow.spans(text)] == ["Saint Mary Hospital"]


def test_a_finding_around_an_allowed_name_is_excused_only_by_glue_words() -> None:
    allow = AllowList.of(["Lakeview Health"])
    for text, excused in [
        ("It's Lakeview Health", True),  # a recognizer's over-long span of the org's own name
        ("the Lakeview Health Pharmacy", True),
        ("Mary Lakeview Health Jones", False),  # a patient's name around it
        ("14 Lakeview Health Drive", False),  # an address
        ("Lakeview Health Oncology", False),  # a clinical department
        ("Lakeview", False),  # a word of the entry alone
    ]:
        assert covered(text, 0, len(text), allow.spans(text)) is excused, text


@pytest.mark.slow
def test_hi_mary_is_redacted_with_saint_mary_hospital_allowed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported hole: the allowed hospital's name let its patients' first names out."""
    detector = Detector(DetectorSettings(allow=("Saint Mary Hospital",)))
    monkeypatch.setattr(policy_cli, "make_detector", lambda model=None: detector)
    path = policy_file(tmp_path, "Saint Mary Hospital")
    text = "Hi Mary, Saint Mary Hospital here: your results are ready. Call Mary Lopez back."
    assert main(["policy", "test", str(path), text]) == 0
    out = json.loads(capsys.readouterr().out)
    outgoing = out["outgoing"]
    assert "Saint Mary Hospital" in outgoing  # the organisation's own name stays
    assert "Mary" not in outgoing.replace("Saint Mary Hospital", "")
    assert "Lopez" not in outgoing


@pytest.mark.slow
def test_an_allowed_word_inside_a_finding_does_not_excuse_the_finding(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    detector = Detector(DetectorSettings(allow=("Lakeview Health",)))
    monkeypatch.setattr(policy_cli, "make_detector", lambda model=None: detector)
    path = policy_file(tmp_path, "Lakeview Health")
    text = "Lakeview Health: Maria Lopez, 14 Lakeview Health Drive, is due today."
    assert main(["policy", "test", str(path), text]) == 0
    outgoing = json.loads(capsys.readouterr().out)["outgoing"]
    assert outgoing.startswith("Lakeview Health:")
    for phi in ("Maria", "Lopez", "14 Lakeview", "Drive"):
        assert phi not in outgoing, (phi, outgoing)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("a", "too short"),
        ("1", "too short"),
        ("Dr", "too short"),
        ("12345", "only digits"),
        ("Care", "common word"),
        ("Hospital", "common word"),
        ("the", "common word"),
        ("Mary", "first name or surname"),
        ("Lopez", "first name or surname"),
    ],
)
def test_policy_check_refuses_short_and_common_entries_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, reason: str
) -> None:
    path = policy_file(tmp_path, "Saint Mary Hospital", entry)
    assert main(["policy", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "allow.names[1]" in err and "refused allow-list entry" in err and reason in err, err
    with pytest.raises(ConfigError):  # the loader refuses it too: such a policy never starts
        parse_policy(path.read_text(), str(path))


@pytest.mark.parametrize(
    ("kind", "entry"), [("websites", "a"), ("websites", "x.y"), ("emails", "info")]
)
def test_websites_and_emails_must_look_like_one(kind: str, entry: str) -> None:
    text = f"version: 1\nallow:\n  {kind}: [{json.dumps(entry)}]\n"
    with pytest.raises(ConfigError, match=rf"allow\.{kind}\[0\].*refused allow-list entry"):
        parse_policy(text, "p.yaml")


def test_policy_check_accepts_full_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_file(tmp_path, "Saint Mary Hospital", "Lakeview", "Lakeview Health Clinic")
    assert main(["policy", "check", str(path)]) == 0, capsys.readouterr().err
