"""The detection service: batches concurrent requests, keeps each caller's answers, fails closed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Collection, Sequence

import pytest

from models.findings import Finding
from proxy.detection.service import DetectionService, DetectionUnavailable


class GatedDetector:
    """Finds one finding per text (its length); each call waits until the test opens the gate."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.fail = False

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        self.batches.append(list(texts))
        self.gate.wait(5)
        if self.fail:
            raise RuntimeError("model crashed")
        return [[Finding("PERSON", 0, len(t), 0.9, "test")] for t in texts]


async def _started(det: GatedDetector, n: int) -> None:
    while len(det.batches) < n:
        await asyncio.sleep(0.001)


async def test_requests_queued_during_a_batch_form_the_next_batch() -> None:
    det = GatedDetector()
    svc = DetectionService(det, deadline=5)
    await svc.start()
    try:
        first = asyncio.create_task(svc.detect(["a"], {"PERSON"}))
        await _started(det, 1)  # the first text is being detected alone: nobody waited for it
        later = [asyncio.create_task(svc.detect(["b" * i], {"PERSON"})) for i in range(2, 6)]
        await asyncio.sleep(0.05)
        det.gate.set()
        answers = await asyncio.gather(first, *later)
    finally:
        await svc.stop()
    assert det.batches == [["a"], ["bb", "bbb", "bbbb", "bbbbb"]]
    # each caller gets the findings of its own text
    assert [a[0][0].end for a in answers] == [1, 2, 3, 4, 5]


async def test_different_entity_sets_are_not_mixed_in_one_call() -> None:
    det = GatedDetector()
    svc = DetectionService(det, deadline=5)
    await svc.start()
    try:
        first = asyncio.create_task(svc.detect(["a"], {"PERSON"}))
        await _started(det, 1)
        other = asyncio.create_task(svc.detect(["bb"], {"US_SSN"}))
        same = asyncio.create_task(svc.detect(["ccc"], {"PERSON"}))
        await asyncio.sleep(0.05)
        det.gate.set()
        await asyncio.gather(first, other, same)
    finally:
        await svc.stop()
    assert sorted(map(tuple, det.batches[1:])) == [("bb",), ("ccc",)]


async def test_detector_failure_fails_every_caller_in_the_batch() -> None:
    det = GatedDetector()
    det.fail = True
    det.gate.set()
    svc = DetectionService(det, deadline=5)
    await svc.start()
    try:
        results = await asyncio.gather(
            svc.detect(["a"], {"PERSON"}), svc.detect(["b"], {"PERSON"}), return_exceptions=True
        )
    finally:
        await svc.stop()
    assert all(isinstance(r, DetectionUnavailable) for r in results)


async def test_missed_deadline_is_unavailable() -> None:
    det = GatedDetector()  # the gate stays shut: detection hangs
    svc = DetectionService(det, deadline=0.05)
    await svc.start()
    try:
        with pytest.raises(DetectionUnavailable, match="deadline"):
            await svc.detect(["a"], {"PERSON"})
    finally:
        det.gate.set()
        await svc.stop()
