"""The hand-written challenge corpus: reproducible, well-formed, synthetic and varied."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest

from bench.corpus.challenge import build as B
from bench.corpus.generate import load
from bench.corpus.textnorm import norm

MAY_STAY = {"APPOINTMENT_DATETIME", "PROVIDER_NAME", "ORG_ALLOWED"}
WORD_NAMES = ["Hope", "Will", "Grace", "May", "June", "Faith", "Bill", "Mark", "Rose", "Iris"]
WORD_NAMES += ["Sky", "Dawn", "Summer", "Joy"]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load(B.OUT)


def must_go(example: dict) -> list[dict]:
    return [s for s in example["spans"] if not s["keep"]]


def test_committed_file_matches_a_fresh_build() -> None:
    assert B.OUT.read_text(encoding="utf-8") == B.dumps(B.build())


def test_parse_turns_markup_into_spans_and_labels_the_org() -> None:
    marked = "Hi [[N:Ana Ruiz]], call Lakeview Health at (555) 010-4400 [[AP:Mon 9am]]"
    text, spans = B.parse(marked)
    assert text == "Hi Ana Ruiz, call Lakeview Health at (555) 010-4400 Mon 9am"
    got = [(text[s["start"] : s["end"]], s["type"], s["keep"]) for s in spans]
    assert got == [
        ("Ana Ruiz", "PERSON", False),
        ("Lakeview Health", "ORG_ALLOWED", True),
        ("(555) 010-4400", "ORG_ALLOWED", True),
        ("Mon 9am", "APPOINTMENT_DATETIME", True),
    ]


def test_parse_rejects_bad_markup() -> None:
    with pytest.raises(ValueError, match="unknown type"):
        B.parse("Hi [[NAME:Ana]]")
    with pytest.raises(ValueError, match="unbalanced"):
        B.parse("Hi [[N:Ana")


def test_problem_catches_a_value_left_outside_its_span() -> None:
    text, spans = B.parse("[[N:Rose]] called; Rose will call back")
    assert B.problem("informal", text, spans) == "value also occurs outside a removable span"
    text, spans = B.parse("Hi [[N:Rose]], see you")
    assert B.problem("admin_only", text, spans) == "admin_only text with something to remove"
    assert B.problem("informal", text, spans) is None


def test_every_example_is_well_formed(rows: list[dict]) -> None:
    ids = [r["id"] for r in rows]
    assert ids == [f"ch-{i:04d}" for i in range(1, len(rows) + 1)]
    for r in rows:
        assert r["category"] in B.CATEGORIES
        text = r["text"]
        assert 10 <= len(text) <= 640, r["id"]
        assert "[[" not in text and "]]" not in text, r["id"]
        last_end = 0
        for s in r["spans"]:
            assert set(s) == {"start", "end", "type", "keep"}
            assert last_end <= s["start"] < s["end"] <= len(text), r["id"]
            last_end = s["end"]
            assert s["type"] in B.TYPES
            assert s["keep"] == (s["type"] in MAY_STAY), r["id"]
        assert B.problem(r["category"], text, r["spans"]) is None, r["id"]


def test_size_balance_and_coverage(rows: list[dict]) -> None:
    assert 400 <= len(rows) <= 520
    clean = sum(1 for r in rows if not must_go(r)) / len(rows)
    assert 0.37 <= clean <= 0.45
    assert {r["category"] for r in rows} == set(B.CATEGORIES)
    counts = Counter(s["type"] for r in rows for s in r["spans"])
    assert set(counts) == B.TYPES
    assert all(n >= 3 for n in counts.values()), counts
    lengths = [len(r["text"]) for r in rows]
    assert min(lengths) < 20 and max(lengths) > 250


def test_adversarial_tricks_are_present(rows: list[dict]) -> None:
    texts = [r["text"] for r in rows]
    assert sum("\u200b" in t for t in texts) >= 8
    assert sum(bool(re.search("[\uff10-\uff19]", t)) for t in texts) >= 6
    assert any(re.search(r"\d \d \d \d", t) for t in texts)  # spaced-out digits
    assert any(re.search(r"\d-\d-\d-\d", t) for t in texts)  # hyphen-split digits
    assert sum(bool(re.search(r"(?i)\b(si|su|sus|es|el)\b", t)) for t in texts) >= 10  # Spanish
    assert any(t == t.upper() and t != t.lower() for t in texts)
    assert sum("\n" in t for t in texts) >= 6
    assert sum(any(unicodedata.category(c) == "So" for c in t) for t in texts) >= 20  # emoji


@pytest.mark.parametrize("name", WORD_NAMES)
def test_word_names_appear_as_names_and_as_words(rows: list[dict], name: str) -> None:
    as_name = as_word = False
    pat = re.compile(rf"(?i)(?<!\w){name}(?!\w)")
    for r in rows:
        people = [s for s in r["spans"] if s["type"] == "PERSON"]
        for m in pat.finditer(r["text"]):
            inside = [s for s in r["spans"] if s["start"] <= m.start() < s["end"]]
            if any(s in people for s in inside):
                as_name = True
            elif not inside:
                as_word = True
    assert as_name and as_word, name


def test_texts_are_not_templated(rows: list[dict]) -> None:
    """Hand-written: no two texts share a skeleton once their labelled values are blanked."""
    skeletons = Counter()
    for r in rows:
        text, out, pos = r["text"], "", 0
        for s in r["spans"]:
            out += text[pos : s["start"]] + "<" + s["type"] + ">"
            pos = s["end"]
        skeletons[re.sub(r"\s+", " ", (out + text[pos:]).lower())] += 1
    assert skeletons.most_common(1)[0][1] == 1


def test_identifiers_are_obviously_synthetic(rows: list[dict]) -> None:
    for r in rows:
        for s in r["spans"]:
            v = norm(r["text"][s["start"] : s["end"]])
            d = "".join(c for c in v if c.isdigit())
            if s["type"] in ("PHONE_NUMBER", "FAX_NUMBER") and d:  # spelled-out ones have none
                assert "55501" in d or d.lstrip("1").startswith("5550"), v
            elif s["type"] == "US_SSN":
                assert d.startswith("9") and len(d) == 9, v
            elif s["type"] == "EMAIL_ADDRESS":
                assert re.search(r"(?i)(\.|\bdot )example$", v), v
            elif s["type"] == "URL":
                assert re.search(r"(?i)^(https?://)?(www\.)?[\w.-]+\.example/", v), v
            elif s["type"] == "IP_ADDRESS":
                assert d.startswith(("19202", "19851100", "2030113", "2001")), v
            elif s["type"] == "ORG_ALLOWED":
                low = v.lower()
                assert (
                    low == "lakeview health"
                    or "lakeviewhealth.example" in low
                    or d.endswith("5550104400")
                ), v
