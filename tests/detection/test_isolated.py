"""The detector in a child process: same findings as in-process, policy patterns, restart."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator

import pytest

from models.detector import Detector, DetectorSettings
from proxy.detection.isolated import DetectorChildFailed, IsolatedDetector
from proxy.detection.service import DetectionService
from proxy.policy.custom import PolicyDetector, build_recognizers
from proxy.policy.parse import parse_policy

TEXTS = [
    "Hi Maria Lopez, your appointment with Dr. Lee is Tuesday at 3pm.",
    "Your A1c was 9.2; start metformin 500 mg. SSN 219-09-9999.",
    "Your prescription is ready for pickup.",
]


@pytest.fixture(scope="module")
def isolated() -> Iterator[IsolatedDetector]:
    d = IsolatedDetector(DetectorSettings())
    yield d
    d.close()


def _spans(found: list[list]) -> list[list[tuple[str, int, int]]]:
    return [[(f.type, f.start, f.end) for f in fs] for fs in found]


def test_runs_in_another_process_and_finds_what_the_in_process_detector_finds(
    isolated: IsolatedDetector, detector: Detector
) -> None:
    assert isolated.pid is not None and isolated.pid != os.getpid()
    assert _spans(isolated.detect(TEXTS)) == _spans(detector.detect(TEXTS))
    only = {"US_SSN"}
    assert _spans(isolated.detect(TEXTS, only)) == _spans(detector.detect(TEXTS, only))


def test_policy_patterns_travel_to_the_child(isolated: IsolatedDetector) -> None:
    policy = parse_policy(
        "version: 1\n"
        "recognizers:\n"
        "  - name: employee\n"
        "    supported_entity: EMPLOYEE_ID\n"
        "    label: employee id\n"
        "    patterns: [{name: emp, regex: '\\bEMP\\d{5}\\b', score: 0.9}]\n"
    )
    # (no dash: the base detector takes "EMP-12345", capitals-dash-digits, as a record number)
    text = "Badge EMP12345 was found."
    view = isolated.with_recognizers(build_recognizers(policy))
    assert ("EMPLOYEE_ID", 6, 14) in _spans(view.detect([text]))[0]
    assert _spans(isolated.detect([text])) == [[]]  # the base detector is unchanged


def test_a_dead_child_fails_the_call_and_the_next_call_starts_a_new_one() -> None:
    d = IsolatedDetector(DetectorSettings())
    try:
        first = d.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        with pytest.raises(DetectorChildFailed):
            d.detect(TEXTS[:1])
        assert d.pid not in (None, first)
        assert _spans(d.detect(TEXTS[:1]))[0]
    finally:
        d.close()


def test_a_call_past_its_timeout_kills_the_child_and_the_next_call_gets_a_new_one() -> None:
    d = IsolatedDetector(DetectorSettings(), timeout=0.0005)
    try:
        first = d.pid
        with pytest.raises(TimeoutError):
            d.detect([TEXTS[0] * 50])
        assert d.pid not in (None, first)
        assert first is not None and not _alive(first)
    finally:
        d.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# ---------------------------------------------------------------- from the event loop (serving)
async def test_async_calls_find_what_blocking_calls_find(isolated: IsolatedDetector) -> None:
    assert _spans(await isolated.detect_async(TEXTS)) == _spans(isolated.detect(TEXTS))
    only = {"US_SSN"}
    assert _spans(await isolated.detect_async(TEXTS, only)) == _spans(isolated.detect(TEXTS, only))


async def test_an_abandoned_async_call_does_not_hand_its_answer_to_the_next(
    isolated: IsolatedDetector,
) -> None:
    # A caller cancelled mid-call (shutdown, a dropped request) leaves its answer in the pipe;
    # the next caller must get the answer to its own texts, never that one.
    task = asyncio.ensure_future(isolated.detect_async([TEXTS[1]] * 40))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _spans(await isolated.detect_async([TEXTS[2]])) == [[]]
    assert _spans(await isolated.detect_async([TEXTS[0]])) == _spans(isolated.detect([TEXTS[0]]))


async def test_a_dead_child_fails_the_async_call_and_the_next_starts_a_new_one() -> None:
    d = IsolatedDetector(DetectorSettings())
    try:
        first = d.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        with pytest.raises(DetectorChildFailed):
            await d.detect_async(TEXTS[:1])
        assert d.pid not in (None, first)
        assert _spans(await d.detect_async(TEXTS[:1]))[0]
    finally:
        d.close()


async def test_an_async_call_past_its_timeout_kills_the_child() -> None:
    d = IsolatedDetector(DetectorSettings(), timeout=0.0005)
    try:
        first = d.pid
        with pytest.raises(TimeoutError):
            await d.detect_async([TEXTS[0] * 50])
        assert d.pid not in (None, first)
        assert first is not None and not _alive(first)
    finally:
        d.close()


async def test_the_serving_path_awaits_the_child_without_a_thread(
    isolated: IsolatedDetector,
) -> None:
    # The app wraps the detector in a PolicyDetector and feeds it through the DetectionService;
    # with a child process behind it, no detection may run on an executor thread.
    service = DetectionService(PolicyDetector(isolated), deadline=10)
    await service.start()
    threads_before = {t.name for t in threading.enumerate()}
    try:
        found = await service.detect(TEXTS, {"PERSON", "US_SSN"})
        started = {t.name for t in threading.enumerate()} - threads_before
    finally:
        await service.stop()
    assert _spans(found) == _spans(isolated.detect(TEXTS, {"PERSON", "US_SSN"}))
    assert not any(name.startswith(("phi-detect", "asyncio_")) for name in started), started
