"""Instances sharing a store must share its keys: the pseudonym key is checked against the store.

Opt-outs (and portal recipients) are stored under pseudonyms: an HMAC of the number under the
pseudonym key. An instance started with another key would compute pseudonyms nobody stored, so
it would not see opt-outs recorded by its peers and would let sends to opted-out recipients
through: a silent fail-open. So the first process to use a store records a fingerprint of its
key there, and any process with a different key refuses to start. (The vault KEK has its own
check: every data key records the KEK that wrapped it, see :mod:`proxy.crypto.vault_keys`.)
The analytics key is checked the same way, so that analytics pseudonyms agree across instances.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

from proxy.crypto.local_secrets import load_or_create
from proxy.store import Database


class KeyMismatch(RuntimeError):
    """This process's key is not the one the store's data was written with."""


def fingerprint(name: str, key: bytes) -> str:
    """A short public identifier of a key (an HMAC under the key; reveals nothing of it)."""
    return hmac.new(
        key, f"phi-proxy key fingerprint v1 {name}".encode(), hashlib.sha256
    ).hexdigest()[:16]


async def check_key(db: Database, name: str, key: bytes) -> None:
    """Record the fingerprint of ``key`` if the store has none for ``name``; else require it."""
    mine = fingerprint(name, key)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO key_fingerprints (name, fingerprint, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING",
            name,
            mine,
            time.time(),
        )
        row = await tx.fetchrow("SELECT fingerprint FROM key_fingerprints WHERE name = ?", name)
    if row is None:
        raise RuntimeError("key fingerprint missing right after it was stored")
    if row["fingerprint"] != mine:
        raise KeyMismatch(
            f"the {name} key (fingerprint {mine}) is not the one this store was written with "
            f"({row['fingerprint']}); every instance sharing a store needs the same keys "
            f"(PHI_PROXY_{name.upper()}_KEY or <data_dir>/{name}.key)"
        )


async def load_shared_key(db: Database, name: str, data_dir: str | Path) -> bytes:
    """A key every instance on this store must share (environment or data dir), verified."""
    key = load_or_create(name, data_dir)
    await check_key(db, name, key)
    return key


async def load_pseudonym_key(db: Database, data_dir: str | Path) -> bytes:
    """The pseudonym key (environment or data dir), verified against the store."""
    return await load_shared_key(db, "pseudonym", data_dir)
