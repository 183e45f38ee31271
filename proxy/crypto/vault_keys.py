"""Envelope encryption for the vault: data keys in the store, wrapped by a key-encryption key.

The KEK never touches the database. It comes from ``PHI_PROXY_KEK`` (64 hex characters), else
from the configured ``storage.kek_file`` (must be mode 0600), else from ``<data_dir>/kek.key``,
generated on first run by :mod:`proxy.crypto.local_secrets`. Each data key is a random AES-256 key,
stored only wrapped (AES-256-GCM under the KEK, bound to its key id) next to a fingerprint of the
KEK that wrapped it, so a wrong KEK is reported as such instead of as corrupt data.

Records are sealed with AES-256-GCM, a fresh 96-bit nonce each, and associated data naming the
record id, the key id and the purpose: ciphertext copied into another record, or relabelled with
another key, fails authentication. Exactly one data key is ``active`` (used for new records);
older ones stay ``decrypt``-only until no record uses them and they are ``retired``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from proxy.crypto.local_secrets import load_or_create
from proxy.store import Database

KeyState = Literal["active", "decrypt", "retired"]  # new records · old ones only · destroyed

KEK_ENV = "PHI_PROXY_KEK"
NONCE_BYTES = 12
_WRAP_AAD = b"phi-proxy/data-key/v1|"
_SEAL_AAD = b"phi-proxy/vault/v1|"


class KeyringError(Exception):
    """A key is missing, malformed, wrapped by another KEK, or still in use."""


class IntegrityError(Exception):
    """Ciphertext failed authentication: tampered, moved to another record, or wrong key."""


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    state: KeyState
    created_at: float
    kek_id: str
    records: int


def load_kek(data_dir: str | Path, kek_file: str = "") -> bytes:
    """The KEK: environment, else the configured file (0600), else generated in the data dir."""
    if KEK_ENV in os.environ:
        try:
            value = bytes.fromhex(os.environ[KEK_ENV].strip())
        except ValueError:
            raise KeyringError(f"{KEK_ENV} must be hex") from None
        return _check_kek(value, KEK_ENV)
    if kek_file:
        return read_kek_file(kek_file)
    return _check_kek(load_or_create("kek", data_dir, 32), f"{data_dir}/kek.key")


def read_kek_file(kek_file: str | Path) -> bytes:
    """A KEK from a hex file that only its owner can read."""
    path = Path(kek_file)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as e:
        raise KeyringError(f"KEK file {path} is unreadable ({type(e).__name__})") from None
    if mode & 0o077:
        raise KeyringError(f"KEK file {path} must not be readable by others (chmod 600)")
    try:
        value = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise KeyringError(f"KEK file {path} is not a hex key") from None
    return _check_kek(value, str(path))


def _check_kek(value: bytes, where: str) -> bytes:
    if len(value) != 32:
        raise KeyringError(f"{where}: the KEK must be 32 bytes (64 hex characters)")
    return value


def kek_fingerprint(kek: bytes) -> str:
    """A public id for a KEK (HMAC of a constant), to tell which KEK wrapped a data key."""
    return hmac.new(kek, b"phi-proxy kek id", hashlib.sha256).hexdigest()[:16]


def derive(kek: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose (CSRF tokens, code hashes), so the KEK itself is used once."""
    return hmac.new(kek, b"phi-proxy/derive/" + purpose.encode(), hashlib.sha256).digest()


def _seal_aad(record_id: str, key_id: str, purpose: str) -> bytes:
    return _SEAL_AAD + f"{record_id}|{key_id}|{purpose}".encode()


class KeyRing:
    """Data keys in the ``vault_keys`` table; unwrapped keys are cached in memory only."""

    def __init__(self, db: Database, kek: bytes) -> None:
        self.db = db
        self._kek = AESGCM(kek)
        self.kek_id = kek_fingerprint(kek)
        self._cache: dict[str, AESGCM] = {}

    async def active_key_id(self) -> str:
        """The key for new records, created on first use."""
        row = await self.db.fetchrow("SELECT key_id FROM vault_keys WHERE state = 'active'")
        if row is not None:
            return str(row["key_id"])
        return await self.add_key(unless_active=True)

    async def check(self) -> str:
        """Unwrap the active key (creating one if none): a wrong KEK fails here, before any
        change, with a message naming both KEK fingerprints."""
        key_id = await self.active_key_id()
        await self._key(key_id)
        return key_id

    async def add_key(self, *, unless_active: bool = False) -> str:
        """A new active data key; the previous active key becomes decrypt-only. With
        ``unless_active``, an active key another instance made meanwhile is used instead (so
        instances starting together on an empty store agree on one key)."""
        key_id = "dk_" + uuid.uuid4().hex[:16]
        raw = AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(NONCE_BYTES)
        wrapped = nonce + self._kek.encrypt(nonce, raw, _WRAP_AAD + key_id.encode())
        async with self.db.transaction() as tx:
            await tx.lock("vault_keys")  # one active key, however many instances rotate
            if unless_active:
                row = await tx.fetchrow("SELECT key_id FROM vault_keys WHERE state = 'active'")
                if row is not None:
                    return str(row["key_id"])
            await tx.execute("UPDATE vault_keys SET state = 'decrypt' WHERE state = 'active'")
            await tx.execute(
                "INSERT INTO vault_keys (key_id, state, wrapped, kek_id, created_at)"
                " VALUES (?, 'active', ?, ?, ?)",
                key_id,
                wrapped,
                self.kek_id,
                time.time(),
            )
        self._cache[key_id] = AESGCM(raw)
        return key_id

    async def _key(self, key_id: str) -> AESGCM:
        cached = self._cache.get(key_id)
        if cached is not None:
            return cached
        row = await self.db.fetchrow(
            "SELECT wrapped, kek_id, state FROM vault_keys WHERE key_id = ?", key_id
        )
        if row is None or row["state"] == "retired" or row["wrapped"] is None:
            raise KeyringError(f"data key {key_id} is not available")
        if row["kek_id"] != self.kek_id:
            raise KeyringError(
                f"data key {key_id} was wrapped by KEK {row['kek_id']}, not the configured "
                f"KEK {self.kek_id}"
            )
        wrapped = bytes(row["wrapped"])
        try:
            raw = self._kek.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _WRAP_AAD + key_id.encode()
            )
        except InvalidTag:
            raise KeyringError(f"data key {key_id} failed to unwrap") from None
        key = AESGCM(raw)
        self._cache[key_id] = key
        return key

    async def seal(self, record_id: str, purpose: str, plaintext: bytes) -> tuple[str, bytes]:
        """Encrypt with the active key → (key id, nonce ‖ ciphertext)."""
        key_id = await self.active_key_id()
        return key_id, await self.seal_with(key_id, record_id, purpose, plaintext)

    async def seal_with(self, key_id: str, record_id: str, purpose: str, plaintext: bytes) -> bytes:
        key = await self._key(key_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + key.encrypt(nonce, plaintext, _seal_aad(record_id, key_id, purpose))

    async def open(self, key_id: str, record_id: str, purpose: str, blob: bytes) -> bytes:
        key = await self._key(key_id)
        blob = bytes(blob)
        try:
            return key.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _seal_aad(record_id, key_id, purpose)
            )
        except InvalidTag:
            raise IntegrityError(f"record {record_id}: {purpose} failed authentication") from None

    async def rewrap_all(self, new_kek: bytes) -> int:
        """Re-wrap every live data key under a new KEK (records are untouched)."""
        new = AESGCM(new_kek)
        new_id = kek_fingerprint(new_kek)
        rows = await self.db.fetch("SELECT key_id FROM vault_keys WHERE state != 'retired'")
        updates = []
        for r in rows:
            key_id = str(r["key_id"])
            raw = await self._raw(key_id)
            nonce = secrets.token_bytes(NONCE_BYTES)
            updates.append((nonce + new.encrypt(nonce, raw, _WRAP_AAD + key_id.encode()), key_id))
        async with self.db.transaction() as tx:
            for wrapped, key_id in updates:
                await tx.execute(
                    "UPDATE vault_keys SET wrapped = ?, kek_id = ? WHERE key_id = ?",
                    wrapped,
                    new_id,
                    key_id,
                )
        self._cache.clear()
        return len(updates)

    async def _raw(self, key_id: str) -> bytes:
        row = await self.db.fetchrow("SELECT wrapped FROM vault_keys WHERE key_id = ?", key_id)
        if row is None or row["wrapped"] is None:
            raise KeyringError(f"data key {key_id} is not available")
        wrapped = bytes(row["wrapped"])
        try:
            return self._kek.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _WRAP_AAD + key_id.encode()
            )
        except InvalidTag:
            raise KeyringError(f"data key {key_id} failed to unwrap") from None

    async def list(self) -> list[KeyInfo]:
        rows = await self.db.fetch(
            "SELECT k.key_id, k.state, k.created_at, k.kek_id,"
            " (SELECT COUNT(*) FROM portal_links p WHERE p.key_id = k.key_id) AS records"
            " FROM vault_keys k ORDER BY k.created_at"
        )
        return [
            KeyInfo(
                str(r["key_id"]),
                cast(KeyState, str(r["state"])),  # the store writes only these three
                float(r["created_at"]),
                str(r["kek_id"]),
                int(r["records"]),
            )
            for r in rows
        ]

    async def retire(self, key_id: str) -> None:
        """Destroy a data key's wrapped material; only when no record still uses it."""
        async with self.db.transaction() as tx:
            row = await tx.fetchrow("SELECT state FROM vault_keys WHERE key_id = ?", key_id)
            if row is None:
                raise KeyringError(f"no data key {key_id}")
            if row["state"] == "active":
                raise KeyringError(f"{key_id} is the active key; rotate first")
            used = await tx.fetchrow(
                "SELECT COUNT(*) AS n FROM portal_links WHERE key_id = ?", key_id
            )
            if used and used["n"]:
                raise KeyringError(
                    f"{key_id} still protects {used['n']} record(s); run 'keys rotate' "
                    "(re-encrypts them) or wait for 'portal purge'"
                )
            await tx.execute(
                "UPDATE vault_keys SET state = 'retired', wrapped = NULL WHERE key_id = ?", key_id
            )
        self._cache.pop(key_id, None)
