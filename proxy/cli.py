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


CONFIG_HINT = (
    "--config FILE (the service settings, config/proxy.yaml) may go anywhere on the line: "
    "'phi-proxy --config F users list' and 'phi-proxy users list --config F' are the same."
)


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("phi-proxy")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="phi-proxy", description="PHI-scrubbing proxy for SMS APIs", epilog=CONFIG_HINT
    )
    p.add_argument("--version", action="version", version=f"phi-proxy {version()}")
    sub = p.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    return p


def _lift_config(argv: list[str]) -> tuple[list[str], str | None, str]:
    """``--config F`` / ``--config=F`` taken out from wherever it was typed (before ``--``):
    (the rest, the value, an error)."""
    rest: list[str] = []
    value: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        given: str | None = None
        if arg == "--config":
            if i + 1 >= len(argv):
                return argv, None, "--config needs a file"
            given, i = argv[i + 1], i + 2
        elif arg.startswith("--config="):
            given, i = arg.partition("=")[2], i + 1
        else:
            rest.append(arg)
            i += 1
            continue
        if value is not None and given != value:
            return argv, None, f"--config given twice ({value}, {given})"
        value = given
    return rest, value, ""


def _deepest(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.ArgumentParser:
    """The (sub)command parser the words of ``argv`` lead to, for its own usage line."""
    current = parser
    for word in argv:
        subs = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if subs and word in subs[0].choices:
            current = subs[0].choices[word]
    return current


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    words, config, problem = _lift_config(words)
    if problem:
        _deepest(parser, words).error(problem)
    args, extras = parser.parse_known_args(words)
    if extras:  # the usage of the command that was meant, not the top-level one
        _deepest(parser, words).error(f"unrecognized arguments: {' '.join(extras)}")
    if config is not None:
        if not hasattr(args, "config"):
            _deepest(parser, words).error(
                "this command reads no --config (it takes its files as arguments)"
            )
        args.config = config
    try:
        return int(args.run(args))
    except ConfigError as e:
        print(f"phi-proxy: configuration error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
