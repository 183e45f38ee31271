"""``phi-proxy portal purge``: delete portal records past their retention period.

It opens the store and KEK the server uses (``--config``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from proxy.crypto.vault_keys import KeyringError
from proxy.portal.standalone import open_portal
from proxy.settings import load_settings


def register(sub: Any) -> None:
    pt = sub.add_parser("portal", help="portal maintenance")
    pt.set_defaults(run=run)
    psub = pt.add_subparsers(dest="portal_command", required=True)
    pp = psub.add_parser("purge", help="delete portal records past their retention period")
    pp.add_argument("--config")


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except KeyringError as e:
        print(f"phi-proxy: {e}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace) -> int:
    async with open_portal(load_settings(args.config)) as portal:
        n = await portal.purge()
        print(f"purged {n} portal record(s)")
        return 0
