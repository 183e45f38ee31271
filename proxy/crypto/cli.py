"""``phi-proxy keys list|rotate|retire|rewrap``: the vault's data keys.

It opens the store and KEK the server uses (``--config``). Nothing here prints or logs message
text: rotation decrypts and re-encrypts records in memory only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from proxy.crypto.vault import open_vault, reencrypt
from proxy.crypto.vault_keys import (
    KEK_ENV,
    KeyringError,
    kek_fingerprint,
    read_kek_file,
)
from proxy.settings import load_settings


def register(sub: Any) -> None:
    k = sub.add_parser("keys", help="vault data keys: list, rotate, retire")
    k.set_defaults(run=run)
    ksub = k.add_subparsers(dest="keys_command", required=True)
    for name, text in (
        ("list", "list data keys and how many records each protects"),
        ("rotate", "add a new active data key and re-encrypt every record with it"),
        ("retire", "destroy a data key that no record uses any more"),
        ("rewrap", "re-wrap every data key under a new KEK (then configure the new KEK)"),
    ):
        p = ksub.add_parser(name, help=text)
        p.add_argument("--config", help="service settings (storage URL, data dir, KEK file)")
        if name == "rotate":
            p.add_argument(
                "--no-reencrypt",
                action="store_true",
                help="only add the key; existing records keep their old key until purged",
            )
        if name == "retire":
            p.add_argument("key_id")
        if name == "rewrap":
            p.add_argument(
                "--new-kek-file", required=True, help="the new KEK: 64 hex characters, mode 0600"
            )


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except KeyringError as e:
        print(f"phi-proxy: {e}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace) -> int:
    async with open_vault(load_settings(args.config).storage) as vault:
        keys = vault.keys
        if args.keys_command == "list":
            print(f"KEK {keys.kek_id}")
            for k in await keys.list():
                created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(k.created_at))
                print(f"{k.key_id}  {k.state:8}  created {created}  records {k.records}")
            return 0
        if args.keys_command == "rotate":
            await keys.active_key_id()  # there is something to rotate from
            new = await keys.add_key()
            print(f"new active key {new}")
            if not args.no_reencrypt:
                n = await reencrypt(keys.db, keys, new)
                print(f"re-encrypted {n} record(s) with {new}")
            return 0
        if args.keys_command == "rewrap":
            new_kek = read_kek_file(args.new_kek_file)
            n = await keys.rewrap_all(new_kek)
            print(
                f"re-wrapped {n} data key(s) under KEK {kek_fingerprint(new_kek)}; now point "
                f"storage.kek_file (or {KEK_ENV}) at the new KEK and restart"
            )
            return 0
        await keys.retire(args.key_id)
        print(f"retired {args.key_id}")
        return 0
