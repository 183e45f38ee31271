"""A detector in a process of its own, so the event loop and the detector never share a GIL.

Detection is CPU work, most of it Python. Run in a thread beside the event loop, it holds the GIL
while every socket read, SQLite hand-off and timer of the loop waits for it (up to the switch
interval each time), and both threads pay for the hand-offs. In a child process the two run side
by side: on this 2-core machine at 200 msg/s offered, p50/p99 added latency went from about
30/175 ms to 10/65 ms (``bench/load.py``, same build, thread versus process).

One child per serving process, started eagerly (the model loads before the first send). If the
child dies, the calls in flight fail (the detection service turns that into "nothing is sent")
and the next call starts a new child; a call that outlives ``timeout`` (the detection deadline)
kills the child, so one stuck text cannot hold up every send after it. The policy's own
recognizers travel with each call, pickled, and the child keeps a clone of its detector per
distinct set.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from presidio_analyzer import EntityRecognizer

from models.detector import Detector, DetectorSettings
from models.findings import Finding

_VIEWS_KEPT = 4  # policy versions whose recognizer sets the child keeps built


class IsolatedDetector:
    """A :class:`proxy.detection.TextDetector` whose work runs in one child process."""

    def __init__(
        self,
        settings: DetectorSettings,
        extra: Sequence[EntityRecognizer] = (),
        *,
        timeout: float | None = None,
        _child: _Child | None = None,
    ) -> None:
        self.settings = settings
        self._child = _child or _Child(settings, timeout)
        self._extra = pickle.dumps(list(extra)) if extra else b""
        self._key = hashlib.sha256(self._extra).hexdigest() if extra else ""

    def with_recognizers(self, extra: Sequence[EntityRecognizer]) -> IsolatedDetector:
        """The same child, with ``extra`` (a policy's own patterns) added to every call."""
        return IsolatedDetector(self.settings, extra, _child=self._child)

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        wanted = None if entities is None else frozenset(entities)
        return self._child.call(list(texts), wanted, self._key, self._extra)

    @property
    def pid(self) -> int | None:
        """The child's process id (for operators and tests)."""
        return self._child.pid

    def close(self) -> None:
        self._child.close()


class _Child:
    def __init__(self, settings: DetectorSettings, timeout: float | None) -> None:
        self._settings = settings
        self._timeout = timeout
        self._lock = threading.Lock()
        self.pid: int | None = None
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            1, multiprocessing.get_context("spawn"), initializer=_init, initargs=(self._settings,)
        )
        self.pid = pool.submit(_ping).result()  # loads the model now, not on the first send
        return pool

    def call(
        self, texts: list[str], entities: frozenset[str] | None, key: str, extra: bytes
    ) -> list[list[Finding]]:
        pool = self._pool
        try:
            return pool.submit(_detect, texts, entities, key, extra).result(self._timeout)
        except TimeoutError:
            with self._lock:
                if self._pool is pool and self.pid is not None:
                    os.kill(self.pid, signal.SIGKILL)  # breaks the pool: restarted below
                    pool.shutdown(wait=True, cancel_futures=True)
                    self._pool = self._start()
            raise
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:  # the first caller to notice starts a new child
                    self._pool = self._start()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# ----------------------------------------------------------------------------- in the child
_DETECTOR: Detector | None = None
_VIEWS: dict[str, Detector] = {}


def _init(settings: DetectorSettings) -> None:
    global _DETECTOR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the serving process decides when to stop
    _DETECTOR = Detector(settings)


def _ping() -> int:
    return os.getpid()


def _detect(
    texts: list[str], entities: frozenset[str] | None, key: str, extra: bytes
) -> list[list[Finding]]:
    assert _DETECTOR is not None, "detector child did not initialise"
    detector = _DETECTOR
    if key:
        view = _VIEWS.get(key)
        if view is None:
            view = _DETECTOR.with_recognizers(pickle.loads(extra))  # noqa: S301 - from our parent
            while len(_VIEWS) >= _VIEWS_KEPT:
                _VIEWS.pop(next(iter(_VIEWS)))
            _VIEWS[key] = view
        detector = view
    return detector.detect(texts, entities)
