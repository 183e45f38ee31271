"""``serve --workers N``: N processes share one listening socket, each with its own detector.

The parent binds the socket, forks the workers and supervises them. SIGTERM or SIGINT to the
parent is passed on; each worker stops accepting, drains the requests in flight (aiohttp's
graceful shutdown, up to ``drain_seconds``), then exits. A worker that dies is not silently
replaced: the parent stops the others and exits non-zero, so the orchestrator sees the failure.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import socket
import tempfile
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from aiohttp import web

from proxy.logs import get_logger

log = get_logger(__name__)

AppFactory = Callable[[], web.Application]


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _worker(
    factory: AppFactory,
    sock: socket.socket,
    drain_seconds: float,
    index: int,
    server_kw: dict[str, Any] | None = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; SIGTERM drains
    app = factory()
    log.info("worker %d (pid %d) serving", index, os.getpid())
    web.run_app(
        app,
        sock=sock,
        shutdown_timeout=drain_seconds,
        access_log=None,
        print=None,
        handle_signals=True,
        **(server_kw or {}),  # header limits, idle timeout, ssl_context (outbound.limits, tls)
    )


def run_workers(
    factory: AppFactory,
    host: str,
    port: int,
    workers: int,
    *,
    drain_seconds: float = 30.0,
    extra: list[BaseProcess] | None = None,
    server_kw: dict[str, Any] | None = None,
) -> int:
    """Fork ``workers`` processes serving ``factory()`` on host:port; return the exit status."""
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="phi-proxy-metrics-"))
    sock = bind(host, port)
    ctx = mp.get_context("fork")
    procs = [
        ctx.Process(
            target=_worker,
            args=(factory, sock, drain_seconds, i, server_kw),
            name=f"phi-proxy-worker-{i}",
        )
        for i in range(workers)
    ]
    for p in [*(extra or []), *procs]:
        p.start()
    scheme = "https" if (server_kw or {}).get("ssl_context") else "http"
    print(f"phi-proxy listening on {scheme}://{host}:{port} with {workers} workers", flush=True)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for p in [*procs, *(extra or [])]:
            if p.is_alive() and p.pid:
                os.kill(p.pid, signal.SIGTERM)

    def reload(signum: int, frame: FrameType | None) -> None:
        for p in procs:
            if p.is_alive() and p.pid:
                os.kill(p.pid, signal.SIGHUP)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)  # policy reload: every worker re-reads the file
    status = 0
    while any(p.is_alive() for p in procs):
        for p in procs:
            p.join(timeout=0.5)
            if not p.is_alive() and p.exitcode not in (0, None) and not stopping:
                log.error("worker %s exited with %s; stopping the others", p.name, p.exitcode)
                status = 1
                stop(signal.SIGTERM, None)
    for p in extra or []:
        p.join(timeout=5)
    sock.close()
    return status
