"""phi-proxy: the command line.

Each package's ``cli.py`` has ``register(subparsers)``: it adds its commands and sets ``run``,
the function that carries one out. This module only collects them, in the order ``--help``
lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from proxy.admin import cli as admin_cli
from proxy.analytics import cli as analytics_cli
from proxy.audit import cli as audit_cli
from proxy.crypto import cli as crypto_cli
from proxy.detection import cli as detection_cli
from proxy.optout import cli as optout_cli
from proxy.policy import cli as policy_cli
from proxy.portal import cli as portal_cli
from proxy.sandbox import cli as sandbox_cli
from proxy.server import cli as server_cli
from proxy.store import cli as store_cli
from proxy.yamlfile import ConfigError

COMMANDS: tuple[Callable[[Any], None], ...] = (
    server_cli.register,  # serve
    store_cli.register,  # db
    detection_cli.register,  # scrub
    audit_cli.register,  # audit
    policy_cli.register,  # policy
    admin_cli.register,  # users
    sandbox_cli.register,  # sandbox
    crypto_cli.register,  # keys
    portal_cli.register,  # portal
    optout_cli.register,  # optout
    analytics_cli.register,  # deidentify, export
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="phi-proxy", description="PHI-scrubbing proxy for SMS APIs")
    sub = p.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as e:
        print(f"phi-proxy: configuration error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
