"""The analytics copy end to end: a synthetic corpus with planted PHI through the real proxy,
exported as Parquet, read back with DuckDB, every column scanned for every planted string."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from prometheus_client import REGISTRY

from models.detector import Detector
from models.findings import Finding
from proxy import appkeys
from proxy.analytics import clinical, safe_harbor
from proxy.analytics.deidentifier import ThreadScanner
from proxy.analytics.export import export_partitioned
from proxy.analytics.segments import count as segment_count
from proxy.analytics.wiring import ANALYTICS
from proxy.audit.log import pseudonym
from proxy.crypto.local_secrets import load_or_create
from proxy.policy.model import Action, EntityRule
from tests.analytics import corpus
from tests.analytics.helpers import (
    leaks,
    policy_with,
    read_parquet_all_as_text,
    read_parquet_native,
    send,
    settle,
)
from tests.analytics.helpers import today as utc_today

pytestmark = pytest.mark.slow

KEEP_TEXT = policy_with("analytics: {keep_text: true, granularity: hour}")
NO_TEXT = policy_with("analytics: {keep_text: false}")


async def run_corpus(proxy, samples) -> list[int]:
    sem = asyncio.Semaphore(8)

    async def one(s: corpus.Sample) -> int:
        async with sem:
            return await send(proxy, s.text, s.to)

    statuses = await asyncio.gather(*(one(s) for s in samples))
    await settle()
    return list(statuses)


async def export_and_read(proxy, out: Path) -> list[dict[str, str]]:
    report = await export_partitioned(
        proxy.app[appkeys.STORE], utc_today(), utc_today(), "parquet", out
    )
    assert report.files == [out / f"date={utc_today().isoformat()}" / "part.parquet"]
    return read_parquet_all_as_text(out)


def undetected(detector: Detector, samples: Sequence[corpus.Sample]) -> set[str]:
    """Planted strings the full detector does not cover in the original text at all: the
    detector's recall gap, which no second scan by the same detector can close."""
    found = detector.detect([s.text for s in samples], safe_harbor.scan_types())
    gap = set()
    for s, fs in zip(samples, found, strict=True):
        spans = [(f.start, f.end) for f in fs if f.type in safe_harbor.transformed_types()]
        for p in s.planted:
            i = s.text.index(p)
            if not any(a <= i and i + len(p) <= b for a, b in spans):
                gap.add(p)
                gap.update(x for x in s.name_parts if x in p)
    return gap


async def test_corpus_keep_text_export_has_no_planted_phi_and_counts_match(
    make_proxy, upstream_server, upstream, detector, tmp_path
):
    samples = corpus.build(100)
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=KEEP_TEXT)
    statuses = await run_corpus(proxy, samples)
    rows = await export_and_read(proxy, tmp_path / "out")
    recorder = proxy.app[ANALYTICS]

    # Counts: every send left exactly one record, exported or held back; none failed.
    held = recorder.counters["held_back"]
    assert len(rows) + held == len(samples)
    assert recorder.counters["failed"] == 0 and recorder.counters["dropped"] == 0
    accepted = [r for r in rows if r["delivery_status"] == "accepted"]
    assert len(accepted) == len(upstream.requests) == statuses.count(201)
    blocked = [r for r in rows if r["delivery_status"] == "blocked"]
    held_rows = await proxy.app[appkeys.STORE].fetch("SELECT action FROM analytics_held_back")
    assert len(blocked) + sum(h["action"] in ("block", "portal") for h in held_rows) == (
        statuses.count(400)
    )
    # Per action, exported + held back matches the audit log's decisions.
    audit = await proxy.app[appkeys.STORE].fetch("SELECT body FROM audit_log WHERE kind = 'send'")
    decided = Counter(json.loads(a["body"])["action"] for a in audit)
    assert Counter(r["action"] for r in rows) + Counter(h["action"] for h in held_rows) == decided

    # No planted identifier, nor the recipients' numbers, in any column of any row.
    gap = undetected(detector, samples)
    planted = {p for s in samples for p in (*s.planted, *s.name_parts)} - gap
    assert leaks(rows, planted) == []
    assert leaks(rows, {s.to for s in samples}) == []
    # Clinical detail stays as classes; text is de-identified but useful.
    texts = [r["text"] for r in rows if r["text"]]
    assert any("[NAME]" in t for t in texts) and any("[PHONE]" in t for t in texts)
    native = read_parquet_native(tmp_path / "out")
    classes = {c for r in native for c in r["medication_classes"]}
    used = {corpus_med for s in samples for corpus_med in corpus.MEDS if corpus_med in s.text}
    assert classes and classes <= {clinical.medication_class(m) for m in used}
    chapters = {c for r in native for c in r["condition_classes"]}
    assert chapters and all(c.startswith("ICD-10 ch.") for c in chapters)
    print(f"held back: {held}")
    if gap:  # shown with -s: names the detector cannot see in any context, in either pass
        print(f"detector recall gap: {sorted(gap)}; exported: {leaks(rows, gap)}")


async def test_corpus_without_text_is_structurally_free_of_phi(
    make_proxy, upstream_server, tmp_path
):
    """keep_text false: no planted string can be exported even where the detector misses it."""
    samples = corpus.build(100, seed=3)
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=NO_TEXT)
    await run_corpus(proxy, samples)
    rows = await export_and_read(proxy, tmp_path / "out")
    assert len(rows) == len(samples)
    assert all(r["text"] is None for r in rows)
    planted = {p for s in samples for p in (*s.planted, *s.name_parts, s.to)}
    assert leaks(rows, planted) == []
    assert proxy.app[ANALYTICS].counters["held_back"] == 0


class BlindTo:
    """A first-pass detector that misses everything in texts containing ``marker``."""

    def __init__(self, real: Detector, marker: str) -> None:
        self.real, self.marker = real, marker

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        found = self.real.detect(texts, entities)
        return [[] if self.marker in t else f for t, f in zip(texts, found, strict=True)]


async def test_a_text_the_first_pass_misses_is_held_back_not_exported(
    make_proxy, upstream_server, upstream, detector, tmp_path
):
    tricky = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
    plain = "Your appointment with Dr. Patel is on Tuesday at 3:15 PM. Reply C to confirm."
    proxy = await make_proxy(
        str(upstream_server.make_url("")),
        detector_=BlindTo(detector, "Maria"),
        policy=KEEP_TEXT,
    )
    # The second scan uses the full, real detector.
    proxy.app[ANALYTICS].deidentifier.scanner = ThreadScanner(detector)
    assert await send(proxy, tricky, "+12125550101") == 201
    assert await send(proxy, plain, "+12125550102") == 201
    await settle()
    assert b"Maria" in upstream.bodies[0]  # the (fooled) proxy forwarded it...
    rows = await export_and_read(proxy, tmp_path / "out")
    assert len(rows) == 1 and "Maria" not in json.dumps(rows)  # ...analytics did not keep it
    assert proxy.app[ANALYTICS].counters["held_back"] == 1
    held = await proxy.app[appkeys.STORE].fetch("SELECT * FROM analytics_held_back")
    assert len(held) == 1 and "PERSON" in json.loads(held[0]["residual_types"])
    assert "text" not in held[0]  # the held-back table has no text column at all


async def test_a_permissive_policy_still_gets_a_full_safe_harbor_scan(
    make_proxy, upstream_server, upstream, tmp_path
):
    """Names allowed by the SMS policy are still removed from analytics (re-detected)."""
    text = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
    permissive = policy_with("analytics: {keep_text: true}")
    permissive = replace(permissive, rules={**permissive.rules, "PERSON": EntityRule(Action.ALLOW)})
    assert "PERSON" not in permissive.needed_entities()
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=permissive)
    assert await send(proxy, text, "+12125550103") == 201
    await settle()
    assert b"Maria" in upstream.bodies[0]  # the SMS policy allowed the name through
    rows = await export_and_read(proxy, tmp_path / "out")
    assert len(rows) == 1 and proxy.app[ANALYTICS].counters["held_back"] == 0
    assert rows[0]["text"].startswith("Hi [NAME], your appointment with Dr. Patel is on ")
    assert "Maria" not in json.dumps(rows) and "Lopez" not in json.dumps(rows)


async def test_pseudonyms_use_the_analytics_key_and_are_stable(
    make_proxy, upstream_server, tmp_path
):
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=NO_TEXT)
    for _ in range(2):
        assert await send(proxy, "Your appointment is tomorrow.", "+12125550104") == 201
    await send(proxy, "Your appointment is tomorrow.", "+12125550105")
    await settle()
    rows = await export_and_read(proxy, tmp_path / "out")
    data_dir = proxy.app[appkeys.SETTINGS].storage.data_dir
    key = load_or_create("analytics", data_dir)
    audit_key = proxy.app[appkeys.PSEUDONYM_KEY]
    assert key != audit_key
    recipients = [r["recipient"] for r in rows]
    assert recipients.count(pseudonym("+12125550104", key)) == 2
    assert pseudonym("+12125550105", key) in recipients
    assert pseudonym("+12125550104", audit_key) not in recipients  # not joinable to the audit
    assert {r["sender"] for r in rows} == {pseudonym("+12125550199", key)}


def failed_metric() -> float:
    value = REGISTRY.get_sample_value("phi_proxy_analytics_records_total", {"outcome": "failed"})
    return value or 0.0


class Exploding:
    async def detect(self, texts, entities):
        raise RuntimeError("scanner down")


async def test_an_analytics_failure_is_counted_and_never_fails_the_send(
    make_proxy, upstream_server, upstream
):
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=KEEP_TEXT)
    proxy.app[ANALYTICS].deidentifier.scanner = Exploding()
    before = failed_metric()
    assert await send(proxy, "Your appointment is tomorrow.", "+12125550106") == 201
    await settle()
    assert len(upstream.requests) == 1
    assert proxy.app[ANALYTICS].counters["failed"] == 1
    assert failed_metric() == before + 1  # exported on /metrics too
    n = await proxy.app[appkeys.STORE].fetchrow("SELECT COUNT(*) AS n FROM analytics_messages")
    assert n == {"n": 0}


async def test_blocked_texts_are_recorded_with_segments_zero(
    make_proxy, upstream_server, upstream, tmp_path
):
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=NO_TEXT)
    assert (
        await send(proxy, "Your HIV test came back; we started metformin.", "+12125550107") == 400
    )
    assert await send(proxy, "Reminder: " + "x" * 151, "+12125550108") == 201
    await settle()
    await export_and_read(proxy, tmp_path / "out")
    rows = sorted(read_parquet_native(tmp_path / "out"), key=lambda r: r["action"])
    assert [(r["action"], r["delivery_status"], r["segments"], r["encoding"]) for r in rows] == [
        ("allow", "accepted", 2, "GSM-7"),
        ("portal", "blocked", 0, ""),
    ]
    blocked = rows[1]
    assert blocked["entity_types"] == ["CONDITION", "MEDICATION"]
    assert json.loads(blocked["entity_counts"]) == {"CONDITION": 1, "MEDICATION": 1}
    assert [c[:12] for c in blocked["condition_classes"]] == ["ICD-10 ch.1:"]
    assert blocked["medication_classes"] == ["biguanide"]
    assert len(upstream.requests) == 1


async def test_a_portal_notice_counts_its_own_segments(
    make_proxy, upstream_server, upstream, tmp_path
):
    """Clinical text goes out as a portal link notice: the record counts what was sent."""
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=NO_TEXT)
    clinical = "Your HIV test came back positive; we started you on metformin. " * 3
    assert await send(proxy, clinical, "+12125550109", dob="1980-02-03") == 201
    await settle()
    sent = parse_qs(upstream.bodies[0].decode())["Body"][0]
    assert "HIV" not in sent
    await export_and_read(proxy, tmp_path / "out")
    [r] = read_parquet_native(tmp_path / "out")
    assert (r["action"], r["delivery_status"]) == ("portal", "accepted")
    expected = segment_count(sent)
    assert (r["segments"], r["encoding"]) == (expected.segments, expected.encoding)
    assert expected.segments < segment_count(clinical).segments
    assert r["condition_classes"] and r["medication_classes"] == ["biguanide"]
