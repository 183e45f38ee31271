"""Envelope encryption: sealing binds record and key; rotation, retirement, KEK checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from proxy.crypto.vault_keys import KEK_ENV, IntegrityError, KeyRing, KeyringError, load_kek
from proxy.store import Database

KEK = bytes(range(32))


async def test_seal_round_trip_uses_fresh_nonce_and_active_key(db: Database) -> None:
    ring = KeyRing(db, KEK)
    key_id, a = await ring.seal("rec1", "body", b"synthetic clinical text")
    _, b = await ring.seal("rec1", "body", b"synthetic clinical text")
    assert a[:12] != b[:12] and a != b  # 96-bit nonce, fresh each time
    assert await ring.open(key_id, "rec1", "body", a) == b"synthetic clinical text"
    assert b"synthetic" not in a


async def test_ciphertext_is_bound_to_record_key_and_purpose(db: Database) -> None:
    ring = KeyRing(db, KEK)
    key_id, blob = await ring.seal("rec1", "body", b"secret")
    with pytest.raises(IntegrityError):
        await ring.open(key_id, "rec2", "body", blob)  # moved to another record
    with pytest.raises(IntegrityError):
        await ring.open(key_id, "rec1", "secret", blob)  # used for another field
    other = await ring.add_key()
    with pytest.raises(IntegrityError):
        await ring.open(other, "rec1", "body", blob)  # relabelled with another key
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(IntegrityError):
        await ring.open(key_id, "rec1", "body", flipped)


async def test_data_keys_are_stored_only_wrapped(db: Database) -> None:
    ring = KeyRing(db, KEK)
    key_id = await ring.active_key_id()
    row = await db.fetchrow("SELECT wrapped, kek_id FROM vault_keys WHERE key_id = ?", key_id)
    assert row is not None and len(row["wrapped"]) == 12 + 32 + 16
    # A fresh ring (no cache) with the same KEK unwraps it; another KEK is told apart.
    _, blob = await ring.seal("r", "body", b"x")
    assert await KeyRing(db, KEK).open(key_id, "r", "body", blob) == b"x"
    with pytest.raises(KeyringError, match="wrapped by KEK"):
        await KeyRing(db, bytes(32)).open(key_id, "r", "body", blob)


async def test_rotation_leaves_one_active_key_and_retire_waits_for_records(db: Database) -> None:
    ring = KeyRing(db, KEK)
    old = await ring.active_key_id()
    await db.execute(
        "INSERT INTO portal_links (token_hash, record_id, key_id, recipient, organization,"
        " verification, view_once, max_attempts, created_at, expires_at, purge_after,"
        " request_id, decision_id, policy_version) VALUES"
        " ('h', 'r', ?, '', 'Org', 'dob', 0, 5, 0, 1, 1, '', '', '')",
        old,
    )
    new = await ring.add_key()
    states = {k.key_id: (k.state, k.records) for k in await ring.list()}
    assert states == {old: ("decrypt", 1), new: ("active", 0)}
    with pytest.raises(KeyringError, match="still protects 1"):
        await ring.retire(old)
    with pytest.raises(KeyringError, match="active"):
        await ring.retire(new)
    await db.execute("DELETE FROM portal_links")
    await ring.retire(old)
    row = await db.fetchrow("SELECT state, wrapped FROM vault_keys WHERE key_id = ?", old)
    assert row == {"state": "retired", "wrapped": None}
    with pytest.raises(KeyringError):
        await KeyRing(db, KEK).open(old, "r", "body", b"\0" * 40)


async def test_rewrap_under_a_new_kek(db: Database) -> None:
    ring = KeyRing(db, KEK)
    key_id, blob = await ring.seal("r", "body", b"x")
    new_kek = bytes(range(1, 33))
    assert await ring.rewrap_all(new_kek) == 1
    assert await KeyRing(db, new_kek).open(key_id, "r", "body", blob) == b"x"
    with pytest.raises(KeyringError):
        await KeyRing(db, KEK).open(key_id, "r", "body", blob)


def test_kek_from_env_file_or_generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEK_ENV, raising=False)
    generated = load_kek(tmp_path / "data")
    assert len(generated) == 32
    path = tmp_path / "data" / "kek.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_kek(tmp_path / "data") == generated  # stable across runs

    f = tmp_path / "kek.hex"
    f.write_text(KEK.hex())
    os.chmod(f, 0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        load_kek(tmp_path, str(f))
    os.chmod(f, 0o600)
    assert load_kek(tmp_path, str(f)) == KEK

    monkeypatch.setenv(KEK_ENV, "ab" * 16)
    with pytest.raises(KeyringError, match="32 bytes"):
        load_kek(tmp_path)
    monkeypatch.setenv(KEK_ENV, "cd" * 32)
    assert load_kek(tmp_path, str(f)) == bytes([0xCD]) * 32
