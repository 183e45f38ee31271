"""Send outcomes under a flood of refusals (issue #18): the refusals are answered without waiting
for the store, their rows are written in batches (not one store transaction each, which queued
every other client's audit commits behind them), and a row that cannot be kept is counted in a
metric and logged, never silently lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY

from proxy import appkeys
from proxy.outbound import outcomes
from proxy.outbound.handler import AUDIT_RESULT_TASK, OUTCOME_WRITER
from proxy.store import open_database
from proxy.tasks import drain
from tests.support.proxy import SENDS

FLOOD = 40


def lost(reason: str) -> float:
    value = REGISTRY.get_sample_value("phi_proxy_send_outcomes_lost_total", {"reason": reason})
    return value or 0.0


class OutcomeWrites:
    """Counts the store calls that write ``send_outcomes``; the first one waits for ``gate``
    (a store that is slow right now)."""

    def __init__(self, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        execute, executemany = db.execute, db.executemany

        async def counted_execute(sql: str, *args: Any) -> int:
            if "send_outcomes" in sql:
                await self._count()
            return int(await execute(sql, *args))

        async def counted_executemany(sql: str, rows: Sequence[Sequence[Any]]) -> None:
            if "send_outcomes" in sql:
                await self._count()
            await executemany(sql, rows)

        monkeypatch.setattr(db, "execute", counted_execute)
        monkeypatch.setattr(db, "executemany", counted_executemany)

    async def _count(self) -> None:
        self.calls += 1
        if self.calls == 1:
            await self.gate.wait()


async def test_a_flood_of_refusals_is_answered_at_once_and_filed_in_batches(
    make_proxy, upstream_server, store_url, monkeypatch
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")))
    writes = OutcomeWrites(proxy.app[appkeys.STORE], monkeypatch)

    async def malformed(s: aiohttp.ClientSession) -> int:
        headers = {"Content-Type": "text/plain"}
        async with s.post(proxy.make_url(SENDS), data=b"x", headers=headers) as r:
            return r.status

    async with aiohttp.ClientSession() as s:
        # the store is held up from the first refusal's row on: every refusal is answered anyway
        assert await malformed(s) == 400
        statuses = await asyncio.gather(*(malformed(s) for _ in range(FLOOD - 1)))
    assert statuses == [400] * (FLOOD - 1)
    assert writes.calls == 1  # only the first row's write has started
    writes.gate.set()
    await drain(AUDIT_RESULT_TASK)
    # the first row, then the other refusals together: not one store transaction per refusal
    assert writes.calls == 2
    db = await open_database(store_url)
    try:
        rows, _ = await outcomes.search(db, outcomes.OutcomeFilter(limit=200))
    finally:
        await db.close()
    assert len(rows) == FLOOD
    assert {(r["outcome"], r["reason"]) for r in rows} == {("refused", "bad_request")}
    assert proxy.app[OUTCOME_WRITER].lost == {}


def refused(i: int) -> outcomes.SendOutcome:
    return outcomes.SendOutcome(f"req-{i}", "twilio", "refused", "bad_request")


async def test_rows_beyond_the_queue_are_counted_and_logged(store_url, caplog) -> None:
    db = await open_database(store_url)
    try:
        writer = outcomes.OutcomeWriter(db, task_name="test-outcomes", max_queued=3)
        before = lost("queue_full")
        with caplog.at_level(logging.ERROR):
            for i in range(5):  # all at once: the writer has not run yet
                writer.submit(refused(i))
        assert writer.lost == {"queue_full": 2}
        assert lost("queue_full") - before == 2
        assert "queue full" in caplog.text and "not recorded" in caplog.text
        await drain("test-outcomes")
        rows, _ = await outcomes.search(db, outcomes.OutcomeFilter())
        assert sorted(r["request_id"] for r in rows) == ["req-0", "req-1", "req-2"]
        assert writer.close() == 0
    finally:
        await db.close()


async def test_a_batch_the_store_refuses_is_counted_and_logged(store_url, caplog) -> None:
    db = await open_database(store_url)
    writer = outcomes.OutcomeWriter(db, task_name="test-outcomes")
    await db.close()  # the store is gone: the write fails
    before = lost("write_failed")
    with caplog.at_level(logging.ERROR):
        for i in range(3):
            writer.submit(refused(i))
        await drain("test-outcomes")
    assert writer.lost == {"write_failed": 3}
    assert lost("write_failed") - before == 3
    assert "could not record 3 row(s)" in caplog.text
    assert "req-" not in caplog.text  # logs carry counts and error types only
