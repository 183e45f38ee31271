"""The detector in a child process: same findings as in-process, policy patterns, restart."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from models.detector import Detector, DetectorSettings
from proxy.detector_process import DetectorChildFailed, IsolatedDetector
from proxy.policy import parse_policy
from proxy.policy_recognizers import build_recognizers

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
        "    patterns: [{name: emp, regex: '\\bEMP-\\d{5}\\b', score: 0.9}]\n"
    )
    text = "Badge EMP-12345 was found."
    view = isolated.with_recognizers(build_recognizers(policy))
    assert ("EMPLOYEE_ID", 6, 15) in _spans(view.detect([text]))[0]
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
