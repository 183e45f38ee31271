"""Read-then-write steps that SQLite serialises (one connection, one lock) but PostgreSQL runs
concurrently across instances: each must still have exactly one winner."""

from __future__ import annotations

import asyncio

from proxy.crypto.vault_keys import KeyRing
from proxy.optout.registry import OptOutRegistry
from proxy.store import Database, open_database

KEK = bytes(range(32))
KEY = b"k" * 32


async def _instances(url: str, n: int) -> list[Database]:
    return list(await asyncio.gather(*(open_database(url) for _ in range(n))))


async def test_instances_starting_together_create_one_active_data_key(db_url):
    dbs = await _instances(db_url, 4)
    try:
        ids = await asyncio.gather(*(KeyRing(db, KEK).check() for db in dbs))
        rows = await dbs[0].fetch("SELECT key_id FROM vault_keys WHERE state = 'active'")
        assert len(rows) == 1 and set(ids) == {rows[0]["key_id"]}
        assert len(await dbs[0].fetch("SELECT key_id FROM vault_keys")) == 1
        # concurrent rotations still leave exactly one active key
        await asyncio.gather(*(KeyRing(db, KEK).add_key() for db in dbs))
        rows = await dbs[0].fetch("SELECT key_id FROM vault_keys WHERE state = 'active'")
        assert len(rows) == 1
    finally:
        for db in dbs:
            await db.close()


async def test_the_same_webhook_on_two_instances_applies_once(db_url):
    dbs = await _instances(db_url, 4)
    try:
        results = await asyncio.gather(
            *(
                OptOutRegistry(db, KEY).record(
                    "+15550100001", ["+15550109999"], "out", "twilio", "STOP", event="SM1"
                )
                for db in dbs
            )
        )
        assert sorted(r is None for r in results) == [False, True, True, True]
    finally:
        for db in dbs:
            await db.close()


async def test_one_user_name_added_on_two_instances_at_once(db_url, monkeypatch):
    from proxy.admin import auth as auth_mod
    from proxy.admin.auth import AdminAuth, AuthError

    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)
    dbs = await _instances(db_url, 3)
    try:
        results = await asyncio.gather(
            *(AdminAuth(db).add_user("olivia", "auditor") for db in dbs), return_exceptions=True
        )
        assert sum(isinstance(r, AuthError) for r in results) == 2
        assert len(await dbs[0].fetch("SELECT name FROM admin_users")) == 1
    finally:
        for db in dbs:
            await db.close()
