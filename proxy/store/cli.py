"""``phi-proxy db upgrade``: apply pending schema migrations."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from proxy.settings import load_settings
from proxy.store import open_database, upgrade


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db.set_defaults(run=run)
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply pending schema migrations")
    up.add_argument("--config")
    up.add_argument("--url", help="storage URL (overrides the config)")


def run(args: argparse.Namespace) -> int:
    url = args.url or load_settings(args.config).storage.url

    async def apply() -> list[str]:
        db = await open_database(url, migrate=False)
        try:
            return await upgrade(db)
        finally:
            await db.close()

    applied = asyncio.run(apply())
    print(json.dumps({"applied": applied}))
    return 0
