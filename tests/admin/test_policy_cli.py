"""``phi-proxy policy check|test|diff`` and ``phi-proxy users`` as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import proxy.admin.auth as auth_mod
from models.detector import Detector
from proxy.cli import main
from proxy.policy import cli as policy_cli
from proxy.policy.parse import default_policy_path, load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "config" / "examples"


@pytest.fixture
def shared_detector(monkeypatch: pytest.MonkeyPatch, detector: Detector) -> Detector:
    monkeypatch.setattr(policy_cli, "make_detector", lambda model=None: detector)
    return detector


def test_check_ok_and_error_with_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(default_policy_path())]) == 0
    assert "ok:" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nentities:\n  PERSON: {action: redact}\n  DATE: {min_score: 2}\n")
    assert main(["policy", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4: entities.DATE: missing 'action'" in err


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_example_is_valid(example: Path) -> None:
    assert main(["policy", "check", str(example)]) == 0


def test_policy_test_prints_findings_decision_and_outgoing_text(
    shared_detector: Detector, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Hi Maria Lopez, your member ID LV-1234567 is active."
    rc = main(["policy", "test", str(EXAMPLES / "lakeview-overrides.yaml"), text])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["action"] == "mask"
    types = {f["type"] for f in out["findings"] if f["acts"]}
    assert types == {"PERSON", "LAKEVIEW_MEMBER_ID"}
    assert out["outgoing"].startswith("Hi [name], your member ID ")
    assert "LV-1234567" not in out["outgoing"] and out["outgoing"].endswith("4567 is active.")
    rc = main(
        [
            "policy",
            "test",
            str(EXAMPLES / "lakeview-overrides.yaml"),
            text,
            "--sender",
            "MG00000000000000000000000000000042",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["action"], out["policy_view"], out["outgoing"]) == (
        "block",
        "lab-results-service",
        None,
    )


def test_policy_diff_over_a_corpus(
    shared_detector: Detector, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        [
            "policy",
            "diff",
            str(default_policy_path()),
            str(EXAMPLES / "strict-block.yaml"),
            "--corpus",
            str(EXAMPLES / "corpus.jsonl"),
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    s = out["summary"]
    assert s["texts"] == 7 and s["changed"] + s["unchanged"] == 7
    changes = {c["id"]: c["change"] for c in out["changes"]}
    assert changes["name-1"] == "redact->block"
    assert "admin-1" not in changes  # administrative detail stays allowed in both
    assert s["by_change"]["redact->block"] >= 1
    assert s["old_version"] == load_policy().version


def test_policy_diff_reports_a_bad_corpus_line(
    shared_detector: Detector, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": 1, "text": "ok"}\nnot json\n')
    p = str(default_policy_path())
    assert main(["policy", "diff", p, p, "--corpus", str(corpus)]) == 1
    assert f"{corpus}:2:" in capsys.readouterr().err


def test_users_add_list_revoke(
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)
    cfg = tmp_path / "proxy.yaml"
    cfg.write_text(f"storage:\n  url: {store_url}\n  data_dir: {tmp_path}\n")
    assert main(["users", "--config", str(cfg), "add", "olivia", "--role", "privacy_officer"]) == 0
    out = capsys.readouterr().out
    assert "password: " in out and "api key:  phk_" in out
    assert main(["users", "--config", str(cfg), "add", "olivia", "--role", "auditor"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["users", "--config", str(cfg), "add", "zed", "--role", "emperor"]) == 1
    assert main(["users", "--config", str(cfg), "list"]) == 0
    listing = capsys.readouterr().out
    assert "olivia\tprivacy_officer\tactive" in listing and "phk_" not in listing
    assert main(["users", "--config", str(cfg), "revoke", "olivia"]) == 0
    capsys.readouterr()
    assert main(["users", "--config", str(cfg), "list"]) == 0
    assert "olivia\tprivacy_officer\trevoked" in capsys.readouterr().out
