"""``phi-proxy serve``: run the proxy (:mod:`proxy.server.serve`)."""

from __future__ import annotations

import argparse
from typing import Any

from proxy.server.serve import serve


def _upstream_pair(value: str) -> tuple[str, str]:
    name, sep, url = value.partition("=")
    if not sep or not name or not url:
        raise argparse.ArgumentTypeError("expected NAME=URL, e.g. twilio=http://127.0.0.1:4010")
    return name, url


def register(sub: Any) -> None:
    s = sub.add_parser("serve", help="run the proxy")
    s.set_defaults(run=serve)
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
