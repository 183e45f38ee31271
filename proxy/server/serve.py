"""Running the proxy: one process, or several sharing the port (:mod:`.workers`), with the
sandbox provider and the metrics endpoint alongside when asked for. Imports are deferred to the
call: the command line must start fast for every other command."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from proxy.logs import get_logger

if TYPE_CHECKING:
    from aiohttp import web

log = get_logger(__name__)


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    from proxy.server import logsafety

    logsafety.apply()


def serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from models.engine import ModelNotInstalled
    from proxy.outbound.limits import server_handler_args
    from proxy.policy.parse import load_policy
    from proxy.server.tls import check_http_parser, server_ssl_context
    from proxy.settings import load_settings

    _setup_logging(args.log_level)
    # nothing the proxy writes (database, WAL, keys, exports) is for other users (issue #18)
    os.umask(0o077)
    settings = load_settings(args.config)
    server = settings.server
    if args.host:
        server = replace(server, host=args.host)
    if args.port:
        server = replace(server, port=args.port)
    import secrets

    from proxy.server.public_url import PublicUrlError, install_probe, resolve_public_url

    configured = settings.server.public_base_url
    try:
        public = resolve_public_url(
            configured if "server.public_base_url" in settings.configured else None,
            server.port,
            sandbox=args.sandbox,
            tls=bool(server.tls_cert),
        )
    except PublicUrlError as e:
        print(f"phi-proxy: {e}", file=sys.stderr)
        return 2
    if public.note:
        log.log(logging.WARNING if public.warn else logging.INFO, "%s", public.note)
    server = replace(server, public_base_url=public.url)
    instance = secrets.token_hex(16)  # one id for every worker of this start
    settings = replace(settings, server=server)
    sandbox_port = server.port + 1
    if args.sandbox:
        from proxy.sandbox.app import sandbox_settings

        settings = sandbox_settings(settings, f"http://127.0.0.1:{sandbox_port}")
    settings = settings.with_upstreams(dict(args.upstream))
    policy = load_policy(args.policy or settings.policy_path)
    settings = replace(settings, policy_path=args.policy or settings.policy_path or policy.source)
    log.info(
        "policy %s (%s) version %s, mode %s",
        policy.name,
        policy.source,
        policy.version,
        policy.mode,
    )
    from proxy.store import at_rest

    at_rest.check_settings(settings)  # before anything starts: the error names the fix
    if args.workers < 1:
        print("phi-proxy: --workers must be at least 1", file=sys.stderr)
        return 2
    check_http_parser()
    # Header/line caps and idle timeout for aiohttp's parser, and TLS termination if configured.
    server_kw: dict[str, Any] = {
        **server_handler_args(settings),
        "ssl_context": server_ssl_context(settings),
    }

    def build() -> web.Application:
        from models.detector import Detector, DetectorSettings
        from proxy.app import create_app
        from proxy.detection.isolated import IsolatedDetector
        from proxy.detection.service import TextDetector
        from proxy.policy.holder import sighup_on_startup

        ds = DetectorSettings(model=settings.detection.model, allow=policy.allow.values)
        detector: TextDetector
        if settings.detection.isolate:  # the child warms its detector (lazily built parts)
            detector = IsolatedDetector(ds, timeout=settings.detection.deadline_seconds)
        else:
            detector = Detector(ds)
            detector.warm()  # not in the first sends' detection
        app = create_app(settings, policy=policy, detector=detector)
        install_probe(app, settings.server.public_base_url, instance)
        if isinstance(detector, IsolatedDetector):
            app.on_cleanup.append(_closer(detector))  # or its child outlives the worker
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector's way, or each full collection walks it all again (pauses of 100s of ms).
        gc.collect()
        gc.freeze()
        app.on_startup.append(sighup_on_startup)  # SIGHUP re-reads the policy file
        return app

    try:
        if args.workers == 1:
            app = build()
    except ModelNotInstalled as e:
        print(f"phi-proxy: {e}", file=sys.stderr)
        return 2
    if args.workers > 1:
        import multiprocessing as mp

        from proxy.server.workers import run_workers

        extra: list[Any] = []
        ctx = mp.get_context("fork")
        if args.sandbox:
            extra.append(
                ctx.Process(target=_run_sandbox, args=("127.0.0.1", sandbox_port), daemon=True)
            )
        if args.metrics_port:
            extra.append(ctx.Process(target=_run_metrics, args=(args.metrics_port,), daemon=True))
        return run_workers(
            build, server.host, server.port, args.workers, extra=extra, server_kw=server_kw
        )
    return asyncio.run(
        _serve_one(
            app,
            server.host,
            server.port,
            args.sandbox,
            sandbox_port,
            args.metrics_port,
            server_kw,
        )
    )


def _closer(detector: Any) -> Callable[[web.Application], Awaitable[None]]:
    async def close(app: web.Application) -> None:
        await asyncio.to_thread(detector.close)

    return close


def _run_sandbox(host: str, port: int) -> None:
    from aiohttp import web

    from proxy.sandbox.app import create_sandbox

    web.run_app(create_sandbox(), host=host, port=port, print=None, access_log=None)


def _run_metrics(port: int) -> None:
    from aiohttp import web

    from proxy.metrics import metrics_app

    web.run_app(metrics_app(), host="127.0.0.1", port=port, print=None, access_log=None)


async def _serve_one(
    app: Any,
    host: str,
    port: int,
    sandbox: bool,
    sandbox_port: int,
    metrics_port: int | None,
    server_kw: dict[str, Any] | None = None,
) -> int:
    import signal

    from aiohttp import web

    from proxy.metrics import metrics_app
    from proxy.sandbox.app import create_sandbox

    runners = []
    if sandbox:
        runners.append(
            (web.AppRunner(create_sandbox(), access_log=None), "127.0.0.1", sandbox_port)
        )
    if metrics_port:
        runners.append((web.AppRunner(metrics_app(), access_log=None), "127.0.0.1", metrics_port))
    kw = dict(server_kw or {})
    ssl_context = kw.pop("ssl_context", None)
    proxy_runner = web.AppRunner(app, access_log=None, shutdown_timeout=30, **kw)
    runners.append((proxy_runner, host, port))
    started = []
    for runner, h, p in runners:
        await runner.setup()
        started.append(runner)
        tls = ssl_context if runner is proxy_runner else None
        try:
            await web.TCPSite(runner, h, p, ssl_context=tls).start()
        except OSError as e:
            what = "the sandbox" if p == sandbox_port and sandbox else "phi-proxy"
            print(f"phi-proxy: {what} cannot listen on {h}:{p}: {e.strerror}", file=sys.stderr)
            for r in reversed(started):
                await r.cleanup()
            return 2
    extra = (
        f" (sandbox provider on http://127.0.0.1:{sandbox_port}; see /_sandbox/messages)"
        if sandbox
        else ""
    )
    scheme = "https" if ssl_context else "http"
    print(f"phi-proxy listening on {scheme}://{host}:{port}{extra}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        # The proxy first: it stops accepting and drains in-flight sends, which may still need
        # the sandbox upstream.
        for runner, _, _ in reversed(runners):
            await runner.cleanup()
    return 0
