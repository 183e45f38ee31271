"""bench.compare and its loaders: the PhysioNet split, the tagger builder's safe unpickling, the
scoring and the table, on small synthetic inputs (the real corpora are not in the repository)."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import pytest

from bench import compare
from bench.external import nltk_tagger, physionet
from bench.quality import Outcome

NOTES = (
    "START_OF_RECORD=1||||1||||\nSeen by Dr. Hale on 7/23 at Calvert Hospital.\n||||END_OF_RECORD\n"
    "START_OF_RECORD=1||||2||||\nQuiet night. Vent 5/5.\n||||END_OF_RECORD\n"
    "START_OF_RECORD=2||||1||||\nWife Anna called from 555-0100 in 1992.\n||||END_OF_RECORD\n"
    "START_OF_RECORD=3||||1||||\nNo events.\n||||END_OF_RECORD\n"
)
PHRASES = (
    "1 1 12 16 HCPName Hale\n"
    "1 1 20 24 Date 7/23\n"
    "1 1 28 35 Location Calvert\n"
    "2 1 5 9 RelativeProxyName Anna\n"
    "2 1 22 30 Phone 555-0100\n"
    "2 1 34 38 DateYear 1992\n"
)


@pytest.fixture
def deid(tmp_path: Path) -> Path:
    (tmp_path / "id.text").write_text(NOTES)
    (tmp_path / "id-phi.phrase").write_text(PHRASES)
    return tmp_path


def test_physionet_halves_follow_file_order_and_offsets_match(deid: Path) -> None:
    first = physionet.load(deid, "first")
    second = physionet.load(deid, "second")
    assert [e["id"] for e in first] == ["deid-1-1", "deid-1-2"]
    assert [e["id"] for e in second] == ["deid-2-1", "deid-3-1"]
    note = first[0]
    assert [note["text"][s["start"] : s["end"]] for s in note["spans"]] == [
        "Hale",
        "7/23",
        "Calvert",
    ]
    assert {s["type"] for s in note["spans"]} == {"PROVIDER_NAME", "DATE", "LOCATION"}
    year = next(s for s in second[0]["spans"] if s["type"] == "YEAR")
    assert year["keep"] is True  # a year alone may stay under Safe Harbor


def test_score_counts_leaks_and_altered_clean_texts(deid: Path) -> None:
    examples = physionet.load(deid, "all")
    outs = (
        [Outcome(ex["text"].replace("Hale", "[provider]"), "redact") for ex in examples[:1]]
        + [Outcome(ex["text"], "allow") for ex in examples[1:3]]
        + [Outcome("changed", "redact")]
    )
    got = compare.score(examples, outs)
    # must go: Hale, 7/23, Calvert, Anna, 555-0100 -> only Hale removed
    assert (got["leaked"], got["must_go"]) == (4, 5)
    assert (got["altered"], got["clean_texts"]) == (1, 2)
    assert got["leak_by_type"]["DATE"] == {"leaked": 1, "total": 1, "leak": 1.0}
    table = compare.markdown({"c": {"results": {"ours": got | {"msgs_per_sec": 1.0}}}}, "cmd", {})
    assert "| c | 4 | 5 | 2 | 80.0% / 50.0% |" in table


@pytest.mark.parametrize(
    "value,is_date",
    [("7/23", True), ("Oct 3", True), ("3rd of May", True), ("1/2", False), ("3/4", False)],
)
def test_calendar_dates_are_told_from_fractions(value: str, is_date: bool) -> None:
    assert bool(compare.CALENDAR_DATE.search(value)) is is_date


def _zip_of(obj: object, raw: bytes | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "averaged_perceptron_tagger/averaged_perceptron_tagger.pickle",
            raw if raw is not None else pickle.dumps(obj, protocol=2),
        )
    buf.seek(0)
    return buf


def test_tagger_json_is_built_from_the_pickle(tmp_path: Path) -> None:
    weights = {"bias": {"NN": 1.0}}
    zip_path = tmp_path / "apt.zip"
    zip_path.write_bytes(_zip_of((weights, {"the": "DT"}, {"NN", "DT"})).getvalue())
    out = nltk_tagger.build(zip_path, tmp_path / "data")
    name = nltk_tagger.NAME
    assert json.loads((out / f"{name}.weights.json").read_text()) == weights
    assert json.loads((out / f"{name}.tagdict.json").read_text()) == {"the": "DT"}
    assert json.loads((out / f"{name}.classes.json").read_text()) == ["DT", "NN"]


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("pwned",))


def test_tagger_builder_refuses_a_pickle_that_would_run_code(tmp_path: Path) -> None:
    zip_path = tmp_path / "evil.zip"
    zip_path.write_bytes(_zip_of(None, pickle.dumps((_Evil(), {}, set()))).getvalue())
    with pytest.raises(pickle.UnpicklingError):
        nltk_tagger.build(zip_path, tmp_path / "data")
