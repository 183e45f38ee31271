"""``phi-proxy users add|list|revoke|key``: admin console users and API keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def register(sub: Any) -> None:
    u = sub.add_parser("users", help="admin console users and API keys")
    u.set_defaults(run=run)
    u.add_argument("--config", help="service settings (for the storage URL)")
    us = u.add_subparsers(dest="users_command", required=True)
    a = us.add_parser("add", help="add a user; prints the generated password and API key once")
    a.add_argument("name")
    a.add_argument("--role", required=True)
    us.add_parser("list", help="users, roles and key ids (no secrets)")
    r = us.add_parser("revoke", help="revoke a user with their keys and sessions")
    r.add_argument("name")
    k = us.add_parser("key", help="issue another API key for a user (printed once)")
    k.add_argument("name")


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_users(args))


async def _users(args: argparse.Namespace) -> int:
    from proxy.admin.auth import AdminAuth, AuthError
    from proxy.settings import load_settings
    from proxy.store import open_database

    settings = load_settings(args.config)
    db = await open_database(settings.storage.url)
    auth = AdminAuth(db)
    try:
        if args.users_command == "add":
            new = await auth.add_user(args.name, args.role)
            print(f"user {new.name} ({new.role}) added. Shown once, stored only as hashes:")
            print(f"password: {new.password}")
            print(f"api key:  {new.api_key}")
        elif args.users_command == "list":
            for u in await auth.users():
                keys = " ".join(
                    f"{k['id']}{'(revoked)' if k['revoked_at'] else ''}"
                    for k in u["keys"]  # type: ignore[attr-defined]
                )
                state = "revoked" if u["revoked_at"] else "active"
                print(f"{u['name']}\t{u['role']}\t{state}\tkeys: {keys or '-'}")
        elif args.users_command == "revoke":
            await auth.revoke_user(args.name)
            print(f"user {args.name} revoked (keys and sessions too)")
        elif args.users_command == "key":
            key_id, key = await auth.add_key(args.name)
            print(f"api key {key_id} for {args.name} (shown once): {key}")
    except AuthError as e:
        print(f"phi-proxy users: {e}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    return 0
