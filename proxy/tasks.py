"""Background work, written once.

Fire-and-forget work that must not be garbage-collected mid-flight: :func:`spawn` keeps a
reference to every task until it ends, logs (by type only) a failure nobody awaited, and
:func:`drain` lets shutdown and tests wait for what is still running. Work that repeats for the
life of the app: :func:`periodic` starts it, :func:`stop` ends it (aiohttp's background-task
recipe: start in a cleanup context, cancel and await after its ``yield``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from proxy.logs import get_logger

log = get_logger(__name__)

T = TypeVar("T")
_live: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
    """Schedule ``coro`` on the running loop and hold it until it finishes."""
    task = asyncio.get_running_loop().create_task(coro, name=name)
    _live.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _live.discard(task)
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task %s failed: %s", task.get_name(), type(exc).__name__)


def pending(prefix: str = "") -> list[asyncio.Task[Any]]:
    """Unfinished tasks of the running loop whose name starts with ``prefix``."""
    loop = asyncio.get_running_loop()
    return [
        t
        for t in _live
        if not t.done() and t.get_loop() is loop and t.get_name().startswith(prefix)
    ]


async def drain(prefix: str = "", timeout: float | None = None) -> int:
    """Wait for the matching tasks (and any they spawn); cancel what is left at the timeout.
    Returns how many were cancelled."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    while tasks := pending(prefix):
        remaining = None if deadline is None else deadline - loop.time()
        if remaining is not None and remaining <= 0:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return len(tasks)
        await asyncio.wait(tasks, timeout=remaining)
    return 0


def periodic(
    name: str, every: float, fn: Callable[[], Awaitable[object]], *, first: float | None = None
) -> asyncio.Task[None]:
    """Run ``fn`` every ``every`` seconds (the first time after ``first``, default ``every``)
    until the task is stopped. A failure ``fn`` lets out is logged by type and retried on the
    next round. Not tracked by :func:`drain`: it never finishes on its own."""

    async def loop() -> None:
        await asyncio.sleep(every if first is None else first)
        while True:
            try:
                await fn()
            except Exception as e:  # noqa: BLE001 - a periodic job is retried next round
                log.error("periodic %s failed: %s", name, type(e).__name__)
            await asyncio.sleep(every)

    return asyncio.get_running_loop().create_task(loop(), name=name)


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a :func:`periodic` task and wait until it has ended."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
