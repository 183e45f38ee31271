"""tasks.periodic: the one background-loop recipe (audit checkpoints, idempotency expiry, policy
sync, portal purge) keeps running through failures and stops when told."""

from __future__ import annotations

import asyncio
import logging

from proxy.tasks import periodic, stop


async def test_runs_repeatedly_after_the_first_interval_and_stops():
    calls: list[float] = []
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def tick() -> None:
        calls.append(loop.time() - start)

    job = periodic("t", 0.02, tick)
    await asyncio.sleep(0.15)
    await stop(job)
    n = len(calls)
    assert n >= 3 and calls[0] >= 0.02  # waits one interval first
    await asyncio.sleep(0.05)
    assert len(calls) == n and job.cancelled()


async def test_first_zero_runs_at_once():
    ran = asyncio.Event()

    async def tick() -> None:
        ran.set()

    job = periodic("t", 3600, tick, first=0)
    await asyncio.wait_for(ran.wait(), 1)
    await stop(job)


async def test_a_failure_is_logged_by_type_and_the_loop_goes_on(caplog):
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("555-0100 must never reach a log")

    with caplog.at_level(logging.ERROR, logger="phi_proxy.tasks"):
        job = periodic("flaky-job", 0.01, flaky)
        await asyncio.sleep(0.1)
        await stop(job)
    assert calls >= 3
    assert "periodic flaky-job failed: ValueError" in caplog.text
    assert "555-0100" not in caplog.text
