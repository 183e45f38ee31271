"""The store remembers which pseudonym key its data was written with (both backends)."""

from __future__ import annotations

import asyncio
import os

import pytest

from proxy.crypto.shared_keys import KeyMismatch, check_key, fingerprint, load_pseudonym_key
from proxy.store import open_database


async def test_first_key_is_recorded_and_another_is_refused(db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("PHI_PROXY_PSEUDONYM_KEY", raising=False)
    db = await open_database(db_url)
    try:
        key = await load_pseudonym_key(db, tmp_path / "a")  # generated, then recorded
        assert await load_pseudonym_key(db, tmp_path / "a") == key
        rows = await db.fetch("SELECT name, fingerprint FROM key_fingerprints")
        assert rows == [{"name": "pseudonym", "fingerprint": fingerprint("pseudonym", key)}]
        assert key.hex() not in str(rows)
        with pytest.raises(KeyMismatch):
            await load_pseudonym_key(db, tmp_path / "b")  # a different generated key
        monkeypatch.setenv("PHI_PROXY_PSEUDONYM_KEY", key.hex())  # the same key, from the env
        assert await load_pseudonym_key(db, tmp_path / "b") == key
    finally:
        await db.close()


async def test_instances_starting_together_agree_on_one_key(pg_url):
    keys = [os.urandom(32), os.urandom(32)]
    dbs = [await open_database(pg_url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(check_key(db, "pseudonym", keys[i % 2]) for i, db in enumerate(dbs)),
            return_exceptions=True,
        )
    finally:
        for db in dbs:
            await db.close()
    failed = [i for i, r in enumerate(results) if isinstance(r, KeyMismatch)]
    assert failed in ([0, 2], [1, 3])  # whichever key won, only its holders started
    assert all(r is None for i, r in enumerate(results) if i not in failed)
