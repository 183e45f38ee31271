"""``phi-proxy sandbox``: run only the local sandbox provider."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    sb = sub.add_parser("sandbox", help="run only the local sandbox provider")
    sb.set_defaults(run=run)
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8025)


def run(args: argparse.Namespace) -> int:
    from aiohttp import web

    from proxy.sandbox.app import create_sandbox

    web.run_app(create_sandbox(), host=args.host, port=args.port)
    return 0
