"""Detection off the event loop, with a deadline, batching concurrent requests into one call,
and a fair share of detector time per client.

spaCy is fastest on batches (``nlp.pipe``), and a request rarely carries more than a few texts, so
texts from requests that arrive together are detected in one call: awaited on the pipe of a
detector in a child process (``detect_async``), or else run on a dedicated thread. A caller
that does not get its answer within the deadline gets :class:`DetectionUnavailable` (the handler
then forwards nothing). A detector exception fails every request in its batch the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from models.findings import Finding
from proxy import metrics
from proxy.errors import Unavailable
from proxy.logs import get_logger

log = get_logger(__name__)


class TextDetector(Protocol):
    """What the proxy needs of a detector (``models.Detector`` is one)."""

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]: ...


class DetectionUnavailable(Unavailable):
    """Detection failed or missed its deadline; nothing may be forwarded."""

    def __init__(self, reason: str) -> None:
        super().__init__("detection", reason)


#: the client of a caller that names none (background work, tests)
ANONYMOUS = "-"
#: a client whose recent detector time exceeds HEAVY_FACTOR x the lightest waiting client's
#: (plus HEAVY_SLACK seconds) is not batched together with lighter clients
HEAVY_FACTOR = 4.0
HEAVY_SLACK = 0.02


@dataclass
class _Job:
    texts: Sequence[str]
    entities: frozenset[str]
    future: asyncio.Future[list[list[Finding]]]
    client: str = ANONYMOUS

    @property
    def chars(self) -> int:
        return sum(len(t) for t in self.texts)


class DetectionBusy(DetectionUnavailable):
    """This client already has its share of detection queued; others are not kept waiting."""


class DetectionService:
    """Async front of a detector: micro-batches, one call at a time, per-call deadline, and a
    fair share of detector time per client (issue #18).

    Fairness: each client has its own queue. A batch is built client by client, those that used
    the least detector time lately (decayed over ``usage_half_life`` seconds) first; each client
    adds jobs only up to ``client_batch_chars`` characters per batch (always at least one job),
    and a client that used far more than the lightest waiting one is left for a batch of its own
    (so light clients never wait inside a heavy client's batch, only behind one running batch).
    A client with ``max_client_jobs`` jobs already queued is refused at once
    (:class:`DetectionBusy`, 503 for that client only). So a client sending pathological texts
    continuously costs every other client at most one of its jobs' worth of waiting, and its
    backlog never grows without bound.
    """

    def __init__(
        self,
        detector: TextDetector,
        *,
        deadline: float = 5.0,
        batch_size: int = 64,
        max_wait: float = 0.0,
        client_batch_chars: int = 4000,
        max_client_jobs: int = 32,
        usage_half_life: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._detector = detector
        self._deadline = deadline
        self._batch_size = batch_size
        self._max_wait = max_wait
        self._client_chars = client_batch_chars
        self._max_client_jobs = max_client_jobs
        self._half_life = usage_half_life
        self._clock = clock
        self._queues: dict[str, deque[_Job]] = {}
        self._usage: dict[str, tuple[float, float]] = {}  # client -> (seconds, as of)
        self._wake: asyncio.Event | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phi-detect")
        self._runner: asyncio.Task[None] | None = None
        self.last_latency: float = 0.0

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._runner = asyncio.create_task(self._run(), name="detection-batcher")

    async def stop(self) -> None:
        if self._runner:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def queue_depth(self) -> int:
        return sum(len(q) for q in self._queues.values())

    async def detect(
        self, texts: Sequence[str], entities: Collection[str], client: str = ANONYMOUS
    ) -> list[list[Finding]]:
        """Findings per text, or :class:`DetectionUnavailable` on error or deadline."""
        if not texts:
            return []
        if self._wake is None or self._runner is None or self._runner.done():
            raise DetectionUnavailable("detection service is not running")
        queue = self._queues.setdefault(client, deque())
        if sum(1 for j in queue if not j.future.done()) >= self._max_client_jobs:
            raise DetectionBusy("this client's detection queue is full")
        fut: asyncio.Future[list[list[Finding]]] = asyncio.get_running_loop().create_future()
        queue.append(_Job(texts, frozenset(entities), fut, client))
        self._wake.set()
        metrics.QUEUE_DEPTH.set(self.queue_depth)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), self._deadline)
        except TimeoutError:
            fut.cancel()
            raise DetectionUnavailable(f"detection missed its {self._deadline}s deadline") from None

    def usage(self, client: str) -> float:
        """The client's recent detector seconds (decayed)."""
        seconds, at = self._usage.get(client, (0.0, 0.0))
        if not seconds:
            return 0.0
        return seconds * 0.5 ** ((self._clock() - at) / self._half_life)

    def _charge(self, jobs: Sequence[_Job], elapsed: float) -> None:
        total = sum(j.chars for j in jobs) or 1
        now = self._clock()
        for j in jobs:
            self._usage[j.client] = (self.usage(j.client) + elapsed * j.chars / total, now)
        # forget idle clients, so the table stays as small as the set of active ones
        for c in [c for c in self._usage if c not in self._queues and self.usage(c) < 1e-4]:
            del self._usage[c]

    def _take(self) -> list[_Job]:
        """The next batch: least-used clients first, each within its per-batch share."""
        for client in [c for c, q in self._queues.items() if not q]:
            del self._queues[client]
        for q in self._queues.values():
            while q and q[0].future.done():  # given up on (deadline passed): never run
                q.popleft()
        batch: list[_Job] = []
        size = 0
        order = sorted(self._queues, key=self.usage)
        lightest = self.usage(order[0]) if order else 0.0
        for client in order:
            # a client that used far more than the lightest waiting one gets a batch of its own
            # after theirs: the light clients never wait inside a heavy client's batch
            if batch and self.usage(client) > HEAVY_FACTOR * lightest + HEAVY_SLACK:
                break
            q = self._queues[client]
            chars = 0
            while q and size < self._batch_size:
                job = q[0]
                if job.future.done():
                    q.popleft()
                    continue
                if chars and chars + job.chars > self._client_chars:
                    break
                batch.append(q.popleft())
                chars += job.chars
                size += len(job.texts)
            if size >= self._batch_size:
                break
        return batch

    def _pending(self) -> int:
        return sum(len(j.texts) for q in self._queues.values() for j in q if not j.future.done())

    async def _run(self) -> None:
        if self._wake is None:
            raise RuntimeError("detection service not started")
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending():
                self._wake.clear()
                await self._wake.wait()
                continue
            # ``max_wait`` > 0 waits for more texts to join a batch that is not full yet
            deadline = loop.time() + self._max_wait
            while self._pending() < self._batch_size:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), remaining)
            live = self._take()
            metrics.QUEUE_DEPTH.set(self.queue_depth)
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
            self._charge(jobs, self.last_latency)
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
