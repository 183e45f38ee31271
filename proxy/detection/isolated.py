"""A detector in a process of its own, so the event loop and the detector never share a GIL.

Detection is CPU work, most of it Python. Run in a thread beside the event loop, it holds the GIL
while every socket read, SQLite hand-off and timer of the loop waits for it (up to the switch
interval each time), and both threads pay for the hand-offs. In a child process the two run side
by side (``bench/load.py --no-isolate`` compares the two on the same build).

One child per serving process, started eagerly (the model loads before the first send), talking
over one pipe: a call is one message each way, with no pool or feeder threads in between. If the
child dies, the call fails (the detection service turns that into "nothing is sent") and a new
child is started; a call that outlives ``timeout`` (the detection deadline) kills the child, so
one stuck text cannot hold up every send after it. The policy's own recognizers travel with each
call, pickled, and the child keeps a clone of its detector per distinct set.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Collection, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from presidio_analyzer import EntityRecognizer

from models.detector import Detector, DetectorSettings
from models.findings import Finding

START_SECONDS = 120.0  # loading the spaCy pipeline and the lexicons
_VIEWS_KEPT = 4  # policy versions whose recognizer sets the child keeps built


class DetectorChildFailed(RuntimeError):
    """The child died, or its detector raised; the call has no answer."""


class IsolatedDetector:
    """A :class:`proxy.detection.service.TextDetector` whose work runs in one child process."""

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
        return self._child.call((list(texts), wanted, self._key, self._extra))

    async def detect_async(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        """:meth:`detect` from the event loop, waiting on the pipe itself rather than on a
        thread that waits on it (no thread wake-ups or GIL hand-offs on the send's path)."""
        wanted = None if entities is None else frozenset(entities)
        return await self._child.call_async((list(texts), wanted, self._key, self._extra))

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
        self._lock = threading.Lock()  # one call at a time on the pipe
        self._stale = False  # an answer nobody waits for any more is still in the pipe
        self.pid: int | None = None
        self._conn, self._proc = self._start()

    def _start(self) -> tuple[Connection, BaseProcess]:
        ctx = multiprocessing.get_context("spawn")
        conn, theirs = ctx.Pipe()
        proc = ctx.Process(
            target=_serve, args=(theirs, self._settings), name="phi-detector", daemon=True
        )
        proc.start()
        theirs.close()
        if not conn.poll(START_SECONDS):
            proc.kill()
            raise DetectorChildFailed("the detector child did not start in time")
        try:
            conn.recv()  # "ready"
        except EOFError:
            raise DetectorChildFailed("the detector child exited while starting") from None
        self.pid = proc.pid
        return conn, proc

    def call(self, request: tuple[Any, ...]) -> list[list[Finding]]:
        with self._lock:
            try:
                self._conn.send(request)
                answered = self._conn.poll(self._timeout)
                if answered:
                    ok, value = self._conn.recv()
            except (EOFError, OSError):
                self._restart()
                raise DetectorChildFailed("the detector child died") from None
            if not answered:
                self._restart()
                raise TimeoutError("detection outlived its deadline; the child was replaced")
        if not ok:
            raise DetectorChildFailed(f"the detector raised {value}")
        result: list[list[Finding]] = value
        return result

    async def call_async(self, request: tuple[Any, ...]) -> list[list[Finding]]:
        if not self._lock.acquire(blocking=False):  # a blocking call is using the pipe
            return await asyncio.to_thread(self.call, request)
        try:
            ok, value = await self._exchange(request)
        finally:
            self._lock.release()
        if not ok:
            raise DetectorChildFailed(f"the detector raised {value}")
        result: list[list[Finding]] = value
        return result

    async def _exchange(self, request: tuple[Any, ...]) -> tuple[bool, Any]:
        loop = asyncio.get_running_loop()
        try:
            if self._stale:  # a caller gave up mid-call: its answer is still on the way
                await self._readable(loop)
                self._conn.recv()
                self._stale = False
            # The child is waiting in recv, so the write drains as fast as it is made.
            self._conn.send(request)
            self._stale = True
            await self._readable(loop)
            reply: tuple[bool, Any] = self._conn.recv()
            self._stale = False
            return reply
        except TimeoutError:  # before OSError, of which it is a subclass
            await asyncio.to_thread(self._restart)
            raise TimeoutError("detection outlived its deadline; the child was replaced") from None
        except (EOFError, OSError):
            await asyncio.to_thread(self._restart)
            raise DetectorChildFailed("the detector child died") from None

    async def _readable(self, loop: asyncio.AbstractEventLoop) -> None:
        """Until the child's answer (or EOF) is there to read, at most ``timeout`` seconds."""
        ready: asyncio.Future[None] = loop.create_future()
        fd = self._conn.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, wake)
        try:
            await asyncio.wait_for(ready, self._timeout)
        finally:
            loop.remove_reader(fd)

    def _restart(self) -> None:
        self._stop()
        self._stale = False
        self._conn, self._proc = self._start()

    def _stop(self) -> None:
        self._conn.close()  # the child sees EOF and ends
        self._proc.join(1)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)

    def close(self) -> None:
        with self._lock:
            self._stop()


# ----------------------------------------------------------------------------- in the child
def _serve(conn: Connection, settings: DetectorSettings) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the serving process decides when to stop
    detector = Detector(settings)
    detector.warm()  # lazily built parts now, not in the first sends' detection
    views: dict[str, Detector] = {}
    # The pipeline and lexicons live as long as the child: out of the cyclic collector's way,
    # or every full collection walks them again, in the middle of some send's detection.
    gc.collect()
    gc.freeze()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            texts, entities, key, extra = conn.recv()
        except (EOFError, OSError):
            return  # the serving process closed the pipe or went away
        try:
            d = detector
            if key:
                d = views.get(key) or _view(detector, views, key, extra)
            reply: tuple[bool, Any] = (True, d.detect(texts, entities))
        except Exception as e:  # noqa: BLE001 - reported to the caller, which fails closed
            reply = (False, type(e).__name__)
        conn.send(reply)


def _view(detector: Detector, views: dict[str, Detector], key: str, extra: bytes) -> Detector:
    view = detector.with_recognizers(pickle.loads(extra))  # noqa: S301 - from our own parent
    while len(views) >= _VIEWS_KEPT:
        views.pop(next(iter(views)))
    views[key] = view
    return view
