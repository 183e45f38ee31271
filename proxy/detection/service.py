"""Detection off the event loop, with a deadline, batching concurrent requests into one call.

spaCy is fastest on batches (``nlp.pipe``), and a request rarely carries more than a few texts, so
texts from requests that arrive together are detected in one call: awaited on the pipe of a
detector in a child process (``detect_async``), or else run on a dedicated thread. A caller
that does not get its answer within the deadline gets :class:`DetectionUnavailable` (the handler
then forwards nothing). A detector exception fails every request in its batch the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from models.findings import Finding
from proxy import metrics
from proxy.errors import Unavailable

log = logging.getLogger("phi_proxy.detection")


class TextDetector(Protocol):
    """What the proxy needs of a detector (``models.Detector`` is one)."""

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]: ...


class DetectionUnavailable(Unavailable):
    """Detection failed or missed its deadline; nothing may be forwarded."""

    def __init__(self, reason: str) -> None:
        super().__init__("detection", reason)


@dataclass
class _Job:
    texts: Sequence[str]
    entities: frozenset[str]
    future: asyncio.Future[list[list[Finding]]]


class DetectionService:
    """Async front of a detector: micro-batches, one call at a time, per-call deadline."""

    def __init__(
        self,
        detector: TextDetector,
        *,
        deadline: float = 5.0,
        batch_size: int = 64,
        max_wait: float = 0.0,
    ) -> None:
        self._detector = detector
        self._deadline = deadline
        self._batch_size = batch_size
        self._max_wait = max_wait
        self._queue: asyncio.Queue[_Job] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phi-detect")
        self._runner: asyncio.Task[None] | None = None
        self.last_latency: float = 0.0

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._runner = asyncio.create_task(self._run(), name="detection-batcher")

    async def stop(self) -> None:
        if self._runner:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize() if self._queue else 0

    async def detect(self, texts: Sequence[str], entities: Collection[str]) -> list[list[Finding]]:
        """Findings per text, or :class:`DetectionUnavailable` on error or deadline."""
        if not texts:
            return []
        if self._queue is None or self._runner is None or self._runner.done():
            raise DetectionUnavailable("detection service is not running")
        fut: asyncio.Future[list[list[Finding]]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(texts, frozenset(entities), fut))
        metrics.QUEUE_DEPTH.set(self._queue.qsize())
        try:
            return await asyncio.wait_for(asyncio.shield(fut), self._deadline)
        except TimeoutError:
            fut.cancel()
            raise DetectionUnavailable(f"detection missed its {self._deadline}s deadline") from None

    async def _run(self) -> None:
        if self._queue is None:
            raise RuntimeError("detection service not started")
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            size = len(jobs[0].texts)
            # Whatever queued up while the last batch ran joins this one: batches grow with load
            # by themselves, and an idle service adds no wait. ``max_wait`` > 0 waits for more.
            while size < self._batch_size and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
                size += len(jobs[-1].texts)
            deadline = loop.time() + self._max_wait
            while size < self._batch_size:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    jobs.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
                size += len(jobs[-1].texts)
            live = [j for j in jobs if not j.future.done()]
            for group in _by_entities(live):
                await self._run_group(loop, group)

    async def _run_group(self, loop: asyncio.AbstractEventLoop, jobs: list[_Job]) -> None:
        texts = [t for j in jobs for t in j.texts]
        started = time.perf_counter()
        try:
            direct = getattr(self._detector, "detect_async", None)
            if direct is not None:  # a detector in a child process: await its pipe
                results = await direct(texts, jobs[0].entities)
            else:
                results = await loop.run_in_executor(
                    self._pool, self._detector.detect, texts, jobs[0].entities
                )
            if len(results) != len(texts):
                raise RuntimeError("detector returned a wrong number of results")
        except Exception as e:  # noqa: BLE001 - any detector failure fails the batch closed
            log.error("detector failed: %s", type(e).__name__)
            for j in jobs:
                if not j.future.done():
                    j.future.set_exception(
                        DetectionUnavailable(f"detector error: {type(e).__name__}")
                    )
            return
        finally:
            self.last_latency = time.perf_counter() - started
        i = 0
        for j in jobs:
            part = results[i : i + len(j.texts)]
            i += len(j.texts)
            if not j.future.done():
                j.future.set_result(part)


def _by_entities(jobs: list[_Job]) -> list[list[_Job]]:
    groups: dict[frozenset[str], list[_Job]] = {}
    for j in jobs:
        groups.setdefault(j.entities, []).append(j)
    return list(groups.values())
