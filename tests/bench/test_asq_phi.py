"""bench.external.asq_phi: the ASQ-PHI query loader and its corpora in bench.compare, on a tiny
synthetic file in ASQ-PHI's format (the real set is not in the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import compare
from bench.external import asq_phi

QUERIES = """===QUERY===
Dosing for a 70yo, Zed Q., seen at Qwerty Clinic on March 3rd, 2099 and again at Qwerty Clinic?
===PHI_TAGS===
{"identifier_type": "NAME", "value": "Zed Q."}
{"identifier_type": "GEOGRAPHIC_LOCATION", "value": "Qwerty Clinic"}
{"identifier_type": "DATE", "value": "March 3rd, 2099"}

===QUERY===
Statin choice for a 60-year-old with CKD?
===PHI_TAGS===

===QUERY===
Follow-up at Zorblax’s Clinic in 2098 (MRN: 000111)?
===PHI_TAGS===
{"identifier_type": "GEOGRAPHIC_LOCATION", "value": "Zorblax's Clinic"}
{"identifier_type": "DATE", "value": "2098"}
{"identifier_type": "MEDICAL_RECORD_NUMBER", "value": "000111"}

===QUERY===
Asthma plan for a child, phone 555-0100?
===PHI_TAGS===
{"identifier_type": "PHONE_NUMBER", "value": "555-0100"}
"""


@pytest.fixture
def asq(tmp_path: Path) -> Path:
    path = tmp_path / asq_phi.FILE
    path.write_text(QUERIES, encoding="utf-8")
    return path


def _values(example: dict[str, object]) -> list[tuple[str, str, bool]]:
    text = str(example["text"])
    spans = example["spans"]
    assert isinstance(spans, list)
    return [(s["type"], text[s["start"] : s["end"]], s["keep"]) for s in spans]


def test_halves_follow_file_order(asq: Path) -> None:
    first = asq_phi.load(asq, "first")
    second = asq_phi.load(asq, "second")
    assert [e["id"] for e in first] == ["asq-1", "asq-2"]
    assert [e["id"] for e in second] == ["asq-3", "asq-4"]
    assert len(asq_phi.load(asq, "all")) == 4


def test_every_occurrence_of_a_value_is_a_span(asq: Path) -> None:
    first = asq_phi.load(asq, "first")
    assert _values(first[0]) == [
        ("NAME", "Zed Q.", False),
        ("GEOGRAPHIC_LOCATION", "Qwerty Clinic", False),
        ("DATE", "March 3rd, 2099", False),
        ("GEOGRAPHIC_LOCATION", "Qwerty Clinic", False),
    ]


def test_a_query_without_tags_is_a_hard_negative(asq: Path) -> None:
    clean = asq_phi.load(asq, "first")[1]
    assert clean["spans"] == [] and clean["category"] == "query-clean"


def test_typographic_quotes_are_matched_and_a_bare_year_may_stay(asq: Path) -> None:
    third = asq_phi.load(asq, "second")[0]
    assert _values(third) == [
        ("GEOGRAPHIC_LOCATION", "Zorblax’s Clinic", False),
        ("YEAR", "2098", True),
        ("MEDICAL_RECORD_NUMBER", "000111", False),
    ]


def test_a_directory_holding_the_file_is_accepted(asq: Path) -> None:
    assert asq_phi.load(asq.parent, "first") == asq_phi.load(asq, "first")


def test_a_tag_missing_from_its_query_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / asq_phi.FILE
    path.write_text(
        '===QUERY===\nNo name here.\n===PHI_TAGS===\n{"identifier_type": "NAME", "value": "Zed"}\n'
    )
    with pytest.raises(asq_phi.AsqFormatError, match="1 tag value"):
        asq_phi.load(path, "all")


def test_compare_names_the_two_halves_as_corpora(asq: Path) -> None:
    args = compare.argparse.Namespace(asq_phi=asq)
    assert [e["id"] for e in compare.load("asq-first", args)] == ["asq-1", "asq-2"]
    assert [e["id"] for e in compare.load("asq-second", args)] == ["asq-3", "asq-4"]
    with pytest.raises(SystemExit, match="--asq-phi"):
        compare.load("asq-first", compare.argparse.Namespace(asq_phi=None))


def test_scores_of_a_query_half(asq: Path) -> None:
    from bench.quality import Outcome

    examples = asq_phi.load(asq, "first")
    redacted = examples[0]["text"].replace("Zed Q.", "[name]").replace("Qwerty Clinic", "[f]")
    got = compare.score(
        examples, [Outcome(redacted, "redact"), Outcome(examples[1]["text"], "allow")]
    )
    # the date leaked; both clinic mentions are gone
    assert (got["leaked"], got["must_go"]) == (1, 4)
    assert (got["altered"], got["clean_texts"]) == (0, 1)


def test_held_out_corpora_show_no_examples(
    asq: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.quality import Outcome

    def forward_as_is(self: object, system: str, corpus: str) -> object:
        return lambda texts: [Outcome(t, "allow") for t in texts]

    monkeypatch.setattr(compare.Systems, "get", forward_as_is)
    argv = ["--systems", "ours", "--asq-phi", str(asq), "--examples", "5", "--corpora"]
    compare.main([*argv, "asq-first"])
    assert "Zed Q." in capsys.readouterr().out  # the tuning half shows its leaks
    compare.main([*argv, "asq-second"])
    captured = capsys.readouterr()
    assert "555-0100" not in captured.out and "Zorblax" not in captured.out
    assert "held out" in captured.err
    assert "| asq-second | 2 | 3 | 0 |" in captured.out  # still scored
