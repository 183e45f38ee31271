"""The labelled bench corpus (``bench/corpus/dev.jsonl``) through the proxy into a Parquet export.

Without kept text the export is free of every labelled identifier whatever the detector misses.
With kept text it is free of every identifier the detector can see, in either pass; what the
detector cannot see at all is its recall gap (measured by ``bench.quality``), printed here.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from models.detector import Detector
from proxy import appkeys
from proxy.analytics import safe_harbor
from proxy.analytics.export import export_partitioned
from proxy.analytics.wiring import ANALYTICS
from proxy.policy.model import Policy
from proxy.settings import LimitSettings, Settings
from tests.analytics.helpers import (
    leaks,
    policy_with,
    read_parquet_all_as_text,
    send,
    settle,
)
from tests.analytics.helpers import today as utc_today

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "dev.jsonl"
N = 300


def load() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(N), f, strict=False)]


def planted(row: dict) -> list[str]:
    """Labelled Safe Harbor identifiers of one text, long enough to search for unambiguously."""
    types = safe_harbor.safe_harbor_types()
    values = [
        row["text"][s["start"] : s["end"]]
        for s in row["spans"]
        if s["type"] in types and not s["keep"]
    ]
    return [v for v in values if sum(c.isalnum() for c in v) >= 4]


def detected(detector: Detector, policy: Policy, rows: list[dict]) -> set[str]:
    """Planted values a finding the policy acts on overlaps wherever the value occurs in the
    corpus. (An exported row cannot be traced back to its text, so a value counts only if every
    occurrence, labelled or not, inside a longer missed value or not, was detected.)"""
    found = detector.detect([r["text"] for r in rows], safe_harbor.scan_types())
    hits: dict[str, int] = {}
    missed: set[str] = set()
    for r, fs in zip(rows, found, strict=True):
        acting = [
            f
            for f in fs
            if f.type in safe_harbor.transformed_types()
            and f.score >= policy.rule_for(f.type).min_score
        ]
        for s in r["spans"]:
            v = r["text"][s["start"] : s["end"]]
            if any(f.start < s["end"] and s["start"] < f.end for f in acting):
                hits[v] = hits.get(v, 0) + 1
            else:
                missed.add(v)
    everywhere = "\n".join(r["text"] for r in rows)
    return {
        v for v, n in hits.items() if everywhere.count(v) == n and not any(v in m for m in missed)
    }


# 300 sends from one test client would trip the per-client rate limit; it is not under test here.
UNTHROTTLED = Settings(limits=LimitSettings(rate_limit_enabled=False))


async def run(proxy, rows: list[dict]) -> list[int]:
    sem = asyncio.Semaphore(8)

    async def one(i: int, r: dict) -> int:
        async with sem:
            return await send(proxy, r["text"], f"+1212555{1000 + i:04d}")

    statuses = await asyncio.gather(*(one(i, r) for i, r in enumerate(rows)))
    await settle()
    return list(statuses)


async def export(proxy, out: Path) -> list[dict[str, str]]:
    await export_partitioned(proxy.app[appkeys.STORE], utc_today(), utc_today(), "parquet", out)
    return read_parquet_all_as_text(out)


@pytest.mark.skipif(not CORPUS.exists(), reason="bench corpus not generated")
async def test_bench_corpus_without_text_exports_no_identifier(
    make_proxy, upstream_server, tmp_path
):
    rows = load()
    proxy = await make_proxy(
        str(upstream_server.make_url("")),
        policy=policy_with("analytics: {keep_text: false}"),
        settings=UNTHROTTLED,
    )
    await run(proxy, rows)
    exported = await export(proxy, tmp_path / "out")
    assert len(exported) == len(rows)
    needles = {v for r in rows for v in planted(r)}
    needles |= {f"+1212555{1000 + i:04d}" for i in range(len(rows))}
    assert len(needles) > 500
    assert leaks(exported, needles) == []


@pytest.mark.skipif(not CORPUS.exists(), reason="bench corpus not generated")
async def test_bench_corpus_with_text_exports_nothing_the_detector_can_see(
    make_proxy, upstream_server, detector, tmp_path
):
    rows = load()
    policy = policy_with("analytics: {keep_text: true}")
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=policy, settings=UNTHROTTLED)
    await run(proxy, rows)
    exported = await export(proxy, tmp_path / "out")
    held = proxy.app[ANALYTICS].counters["held_back"]
    assert len(exported) + held == len(rows)
    seen = detected(detector, policy, rows)
    needles = {v for r in rows for v in planted(r)}
    visible = needles & seen
    assert len(visible) > 100
    assert leaks(exported, visible) == []
    # Placeholders, years and "90+" are all the kept text holds where identifiers were.
    texts = " ".join(r["text"] or "" for r in exported)
    assert re.search(r"\[(NAME|PHONE|MRN|SSN|EMAIL|ADDRESS|DATE)\]", texts)
    gap = leaks(exported, needles - seen)
    print(f"held back {held}/{len(rows)}; identifiers the detector cannot see: {len(gap)}")
