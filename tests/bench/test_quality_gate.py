"""CI's quality gate: the product's scrub path on the committed corpora against README's figures.

README states leak, over-scrub, kept and portal share for the dev, test and challenge corpora;
the figures live in one data file, bench/thresholds.json, which README's table cites. This runs
the same scoring as ``python -m bench.quality --corpus C --check-readme`` (our side only; stock
Presidio's column is a comparison, not a promise) and fails when a figure gets worse than stated,
or when README and the data file disagree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bench import quality as Q

README = Path(__file__).resolve().parents[2] / "README.md"
COLUMNS = ("leak", "over_scrub", "kept", "portal_share")


@pytest.fixture(scope="module")
def scrub() -> Q.Pipeline:
    return Q.ours_scrubber()  # the proxy's scrub path with the shipped policy, as the bench runs


def _readme_rows() -> dict[str, dict[str, float]]:
    text = README.read_text(encoding="utf-8")
    assert "bench/thresholds.json" in text, "README's figures no longer cite bench/thresholds.json"
    rows = {}
    for corpus in Q.thresholds():
        m = re.search(rf"^\| {corpus} \| (.+) \|$", text, re.M)
        assert m, f"README has no figures row for {corpus}"
        cells = [c.strip() for c in m.group(1).split("|")]
        ours = [float(c.split("/")[0].strip().rstrip("%")) for c in cells]
        rows[corpus] = dict(zip(COLUMNS, ours, strict=True))
    return rows


def test_readme_states_the_gated_figures() -> None:
    assert _readme_rows() == Q.thresholds()


@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(Q.thresholds()))
def test_quality_is_no_worse_than_readme_says(scrub: Q.Pipeline, corpus: str) -> None:
    examples = Q.load_corpus(corpus)
    assert len(examples) >= 400  # the committed corpus, not a sample
    outcomes = scrub([ex["text"] for ex in examples])
    result: dict[str, Any] = Q.score(examples, outcomes)
    assert Q.against_thresholds(corpus, result) == []


def test_the_gate_goes_red_when_leak_rises() -> None:
    stated = Q.thresholds()["dev"]
    worse = {k: v / 100 for k, v in stated.items()} | {"leak": stated["leak"] / 100 + 0.002}
    assert Q.against_thresholds("dev", worse) == [
        f"dev leak: {stated['leak'] + 0.2:.1f}% (README: {stated['leak']:.1f}%)"
    ]
    assert Q.against_thresholds("dev", {k: v / 100 for k, v in stated.items()}) == []
