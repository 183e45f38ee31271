"""The committed corpus is valid, reproducible, balanced, synthetic, and its splits are disjoint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.corpus import generate as G
from bench.corpus import vocab
from bench.corpus.textnorm import norm

CORPUS = Path(G.__file__).resolve().parent
ENTITY_NAMES = {
    "PERSON",
    "PROVIDER_NAME",
    "DATE_OF_BIRTH",
    "DATE",
    "APPOINTMENT_DATETIME",
    "AGE_OVER_89",
    "PHONE_NUMBER",
    "FAX_NUMBER",
    "EMAIL_ADDRESS",
    "URL",
    "IP_ADDRESS",
    "US_SSN",
    "MEDICAL_RECORD_NUMBER",
    "HEALTH_PLAN_ID",
    "ACCOUNT_NUMBER",
    "LICENSE_NUMBER",
    "VEHICLE_ID",
    "DEVICE_ID",
    "STREET_ADDRESS",
    "LOCATION",
    "ZIP_CODE",
    "FACILITY",
    "CONDITION",
    "MEDICATION",
    "LAB_RESULT",
    "PROCEDURE",
    "CLINICAL_DEPARTMENT",
}
UNGLYPH = str.maketrans({v: k for k, v in G.HOMOGLYPHS.items()})
MAY_STAY = {"APPOINTMENT_DATETIME", "PROVIDER_NAME", "ORG_ALLOWED"}
NUMERIC = {
    "PHONE_NUMBER",
    "FAX_NUMBER",
    "US_SSN",
    "MEDICAL_RECORD_NUMBER",
    "HEALTH_PLAN_ID",
    "ACCOUNT_NUMBER",
    "LICENSE_NUMBER",
    "DEVICE_ID",
    "VEHICLE_ID",
    "ZIP_CODE",
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict]]:
    return {s: G.load(CORPUS / f"{s}.jsonl") for s in ("dev", "test")}


def must_go(example: dict) -> list[dict]:
    return [s for s in example["spans"] if not s["keep"]]


def test_sizes_and_file_limits(corpus: dict[str, list[dict]]) -> None:
    assert len(corpus["dev"]) >= 1500
    assert len(corpus["test"]) >= 600
    for split in corpus:
        assert (CORPUS / f"{split}.jsonl").stat().st_size < 3_000_000


def test_committed_files_match_the_generator(tmp_path: Path) -> None:
    G.main(["--out", str(tmp_path)])
    for split in ("dev", "test"):
        fresh = (tmp_path / f"{split}.jsonl").read_bytes()
        assert fresh == (CORPUS / f"{split}.jsonl").read_bytes()


@pytest.mark.parametrize("split", ["dev", "test"])
def test_every_example_is_well_formed(corpus: dict[str, list[dict]], split: str) -> None:
    ids = [ex["id"] for ex in corpus[split]]
    assert len(set(ids)) == len(ids)
    for ex in corpus[split]:
        assert re.fullmatch(rf"{split}-\d{{5}}", ex["id"])
        assert ex["category"] in G.CATEGORIES
        text = ex["text"]
        last_end = 0
        for s in ex["spans"]:
            assert set(s) == {"start", "end", "type", "keep"}
            assert 0 <= last_end <= s["start"] < s["end"] <= len(text), ex["id"]
            last_end = s["end"]
            assert s["type"] in ENTITY_NAMES | {"ORG_ALLOWED"}
            assert s["keep"] == (s["type"] in MAY_STAY), ex["id"]
            assert text[s["start"] : s["end"]].strip() == text[s["start"] : s["end"]]
        # every occurrence of a must-go value lies inside a must-go span
        assert G.check(text, ex["spans"]) is None, ex["id"]
        if ex["category"] == "admin_only":
            assert not must_go(ex)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_balance(corpus: dict[str, list[dict]], split: str) -> None:
    rows = corpus[split]
    clean = sum(1 for ex in rows if not must_go(ex)) / len(rows)
    assert 0.33 <= clean <= 0.41
    assert {ex["category"] for ex in rows} == set(G.CATEGORIES)
    types = {s["type"] for ex in rows for s in ex["spans"]}
    assert types >= ENTITY_NAMES
    tricky = [ex for ex in rows if ex["category"] == "adversarial"]
    assert sum(1 for ex in tricky if not ex["text"].isascii()) / len(tricky) > 0.6
    assert any(re.search("[\uff10-\uff19]", ex["text"]) for ex in tricky)
    assert any("\u200b" in ex["text"] for ex in tricky)


def _values(rows: list[dict]) -> tuple[set[str], set[str]]:
    texts, digits = set(), set()
    for ex in rows:
        for s in must_go(ex):
            v = norm(ex["text"][s["start"] : s["end"]])
            texts.add(v.lower())
            d = "".join(c for c in v if c.isdigit())
            if s["type"] in NUMERIC and len(d) >= 5:
                digits.add(d)
    return texts, digits


def test_dev_and_test_values_are_disjoint(corpus: dict[str, list[dict]]) -> None:
    dev_text, dev_digits = _values(corpus["dev"])
    test_text, test_digits = _values(corpus["test"])
    assert not dev_text & test_text
    assert not dev_digits & test_digits


def test_fragments_are_split_between_dev_and_test() -> None:
    dev, test = G.Pools("dev"), G.Pools("test")
    for cat in dev.body:
        for kind in ("phi", "clean"):
            assert not set(dev.body[cat][kind]) & set(test.body[cat][kind])
    assert not set(dev.closers) & set(test.closers)
    assert not set(dev.conditions) & set(test.conditions)
    assert len(test.conditions) >= 30 and len(test.meds) >= 30


def test_vocabulary_is_broad() -> None:
    def variants(groups: list[str]) -> int:
        return sum(len(g.split("|")) for g in groups)

    assert variants(vocab.CONDITIONS) >= 150 and len(vocab.CONDITIONS) >= 100
    assert variants(vocab.MEDICATIONS) >= 150 and len(vocab.MEDICATIONS) >= 100
    assert len(vocab.PROCEDURES) >= 60 and len(vocab.REVEALING_DEPARTMENTS) >= 30
    for abbr in ("T2DM", "HIV+", "MDD", "COPD"):
        assert any(abbr in g.split("|") for g in vocab.CONDITIONS)


def test_identifiers_are_obviously_synthetic(corpus: dict[str, list[dict]]) -> None:
    for rows in corpus.values():
        for ex in rows:
            for s in ex["spans"]:
                v = norm(ex["text"][s["start"] : s["end"]]).translate(UNGLYPH)
                d = "".join(c for c in v if c.isdigit())
                if s["type"] in ("PHONE_NUMBER", "FAX_NUMBER"):
                    assert "55501" in d or d.lstrip("1").startswith("5550"), v
                elif s["type"] == "US_SSN":
                    assert d.startswith("9") and len(d) == 9, v
                elif s["type"] == "EMAIL_ADDRESS":
                    assert re.search(r"(?i)(\.example|@example\.(com|net|org))$", v), v
                elif s["type"] == "IP_ADDRESS":
                    assert d.startswith(("19202", "19851100", "2030113", "2001")), v
                elif s["type"] == "ORG_ALLOWED":
                    assert (
                        v.lower() == "lakeview health"
                        or "lakeviewhealth.example" in v.lower()
                        or d.endswith("5550104400")
                    ), v
