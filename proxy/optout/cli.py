"""``phi-proxy optout import|check``: seed the registry from an existing opt-out list (e.g. one
exported from the provider when the proxy is first deployed) and look one recipient up.

Numbers are read from a file (one per line; a CSV's first column), pseudonymised with the same
key the server uses and never printed back.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from proxy.audit.log import AuditEvent, AuditLog
from proxy.crypto.shared_keys import load_pseudonym_key
from proxy.optout.registry import OUT, OptOutRegistry, recipient_key
from proxy.settings import load_settings
from proxy.store import open_database


def register(sub: Any) -> None:
    p = sub.add_parser("optout", help="opt-out registry: import a list, check a recipient")
    p.set_defaults(run=run)
    ops = p.add_subparsers(dest="optout_command", required=True)
    imp = ops.add_parser("import", help="record every number in FILE as opted out")
    imp.add_argument("file", help="one number per line (a CSV's first column); '-' for stdin")
    scope = imp.add_mutually_exclusive_group(required=True)
    scope.add_argument("--sender", help="the sender number or messaging service id they left")
    scope.add_argument("--global", dest="global_", action="store_true", help="every sender")
    imp.add_argument("--provider", default="import")
    imp.add_argument("--config")
    chk = ops.add_parser("check", help="is NUMBER opted out of SENDER?")
    chk.add_argument("number")
    chk.add_argument("--sender", default="")
    chk.add_argument("--config")


def _numbers(path: str) -> list[str]:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        cell = line.split(",", 1)[0].strip().strip('"')
        if sum(c.isdigit() for c in cell) >= 7:  # skips headers and blank lines
            out.append(cell)
    return out


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)

    async def go() -> dict[str, object]:
        db = await open_database(settings.storage.url)
        try:
            key = await load_pseudonym_key(db, settings.storage.data_dir)
            registry = OptOutRegistry(db, key)
            if args.optout_command == "check":
                st = await registry.status(args.number, args.sender)
                return {"opted_out": st.opted_out, "scope": st.scope}
            numbers = _numbers(args.file)
            audit = AuditLog(db)
            for n in numbers:
                await audit.append(
                    AuditEvent(
                        kind="optout",
                        outcome="imported",
                        provider=args.provider,
                        recipient=recipient_key(n, key),
                        actor="cli",
                        details={"scope": "global" if args.global_ else "sender", "rule": "import"},
                    )
                )
                await registry.record(
                    n, [args.sender or ""], OUT, args.provider, "import", global_=args.global_
                )
            return {"imported": len(numbers)}
        finally:
            await db.close()

    print(json.dumps(asyncio.run(go())))
    return 0
