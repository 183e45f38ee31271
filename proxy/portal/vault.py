"""The vault: one row per portal link — the original sealed, the token only as its hash.

Two sealed fields per record, each bound to (record id, key id, purpose): ``body`` (the original
text) and ``secret`` (what verification and code delivery need: the date of birth, the provider
request to reuse). Counters and timestamps stay in the clear so lockout and expiry work without
decrypting anything. State changes are single conditional UPDATEs, so two tabs racing on a
view-once link cannot both read it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from proxy.crypto.vault import BODY, SECRET, reencrypt
from proxy.crypto.vault_keys import KeyRing
from proxy.store import Database


@dataclass(frozen=True)
class NewLink:
    token_hash: str
    record_id: str
    text: str
    secret: dict[str, Any]
    recipient: str
    organization: str
    verification: str
    view_once: bool
    max_attempts: int
    expires_at: float
    purge_after: float
    request_id: str
    decision_id: str
    policy_version: str


@dataclass(frozen=True)
class Link:
    """A stored link's clear-text bookkeeping (never the original or the secret)."""

    token_hash: str
    record_id: str
    key_id: str
    recipient: str
    organization: str
    verification: str
    view_once: bool
    max_attempts: int
    failures: int
    created_at: float
    expires_at: float
    locked_at: float | None
    viewed_at: float | None
    views: int
    has_body: bool
    code_hash: str | None
    code_expires_at: float | None
    code_sends: int
    code_sent_at: float | None

    def state(self, now: float) -> str:
        """available | expired | locked | viewed (expired wins: it must look like not-found)."""
        if now >= self.expires_at or not self.has_body and not self.view_once:
            return "expired"
        if self.locked_at is not None:
            return "locked"
        if self.view_once and self.viewed_at is not None:
            return "viewed"
        return "available"

    @property
    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self.failures)


_COLUMNS = (
    "token_hash, record_id, key_id, recipient, organization, verification, view_once,"
    " max_attempts, failures, created_at, expires_at, locked_at, viewed_at, views,"
    " body IS NOT NULL AS has_body, code_hash, code_expires_at, code_sends, code_sent_at"
)


class Vault:
    def __init__(self, db: Database, keys: KeyRing) -> None:
        self.db = db
        self.keys = keys

    async def create(self, link: NewLink, now: float | None = None) -> str:
        """Seal and store; returns the data key id used."""
        key_id = await self.keys.active_key_id()
        body = await self.keys.seal_with(key_id, link.record_id, BODY, link.text.encode())
        secret = await self.keys.seal_with(
            key_id, link.record_id, SECRET, json.dumps(link.secret).encode()
        )
        await self.db.execute(
            "INSERT INTO portal_links (token_hash, record_id, key_id, body, secret, recipient,"
            " organization, verification, view_once, max_attempts, created_at, expires_at,"
            " purge_after, request_id, decision_id, policy_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            link.token_hash,
            link.record_id,
            key_id,
            body,
            secret,
            link.recipient,
            link.organization,
            link.verification,
            int(link.view_once),
            link.max_attempts,
            now if now is not None else time.time(),
            link.expires_at,
            link.purge_after,
            link.request_id,
            link.decision_id,
            link.policy_version,
        )
        return key_id

    async def get(self, token_hash: str) -> Link | None:
        row = await self.db.fetchrow(
            f"SELECT {_COLUMNS} FROM portal_links WHERE token_hash = ?", token_hash
        )
        return _link(row) if row is not None else None

    async def read_secret(self, link: Link) -> dict[str, Any]:
        row = await self.db.fetchrow(
            "SELECT secret, key_id FROM portal_links WHERE record_id = ?", link.record_id
        )
        if row is None or row["secret"] is None:
            return {}
        raw = await self.keys.open(str(row["key_id"]), link.record_id, SECRET, row["secret"])
        value: dict[str, Any] = json.loads(raw)
        return value

    async def read_body(self, link: Link) -> str | None:
        row = await self.db.fetchrow(
            "SELECT body, key_id FROM portal_links WHERE record_id = ?", link.record_id
        )
        if row is None or row["body"] is None:
            return None
        raw = await self.keys.open(str(row["key_id"]), link.record_id, BODY, row["body"])
        return raw.decode()

    async def record_failure(self, link: Link, now: float) -> Link | None:
        """Count a failed answer; lock the link when the limit is reached."""
        await self.db.execute(
            "UPDATE portal_links SET failures = failures + 1,"
            " locked_at = CASE WHEN failures + 1 >= max_attempts THEN ? ELSE locked_at END"
            " WHERE record_id = ? AND locked_at IS NULL",
            now,
            link.record_id,
        )
        return await self.get(link.token_hash)

    async def mark_viewed(self, link: Link, now: float) -> bool:
        """Count a view. A view-once link is claimed atomically and its original destroyed."""
        if link.view_once:
            n = await self.db.execute(
                "UPDATE portal_links SET viewed_at = ?, views = views + 1, body = NULL,"
                " secret = NULL WHERE record_id = ? AND viewed_at IS NULL AND locked_at IS NULL",
                now,
                link.record_id,
            )
            return n == 1
        n = await self.db.execute(
            "UPDATE portal_links SET viewed_at = COALESCE(viewed_at, ?), views = views + 1"
            " WHERE record_id = ? AND locked_at IS NULL",
            now,
            link.record_id,
        )
        return n == 1

    async def set_code(
        self, link: Link, hashed: str, expires_at: float, now: float, max_sends: int
    ) -> bool:
        """Store a new one-time code's hash, within the per-link send limit."""
        n = await self.db.execute(
            "UPDATE portal_links SET code_hash = ?, code_expires_at = ?, code_sent_at = ?,"
            " code_sends = code_sends + 1 WHERE record_id = ? AND code_sends < ?"
            " AND locked_at IS NULL",
            hashed,
            expires_at,
            now,
            link.record_id,
            max_sends,
        )
        return n == 1

    async def clear_code(self, link: Link) -> None:
        await self.db.execute(
            "UPDATE portal_links SET code_hash = NULL, code_expires_at = NULL WHERE record_id = ?",
            link.record_id,
        )

    async def purge(self, now: float | None = None) -> int:
        """Delete every record past its retention period; returns how many."""
        return await self.db.execute(
            "DELETE FROM portal_links WHERE purge_after <= ?",
            now if now is not None else time.time(),
        )

    async def reencrypt(self, to_key: str, batch: int = 200) -> int:
        """Re-seal every record not under ``to_key`` with it (:mod:`proxy.crypto.vault`)."""
        return await reencrypt(self.db, self.keys, to_key, batch)


def _link(r: dict[str, Any]) -> Link:
    return Link(
        token_hash=str(r["token_hash"]),
        record_id=str(r["record_id"]),
        key_id=str(r["key_id"]),
        recipient=str(r["recipient"]),
        organization=str(r["organization"]),
        verification=str(r["verification"]),
        view_once=bool(r["view_once"]),
        max_attempts=int(r["max_attempts"]),
        failures=int(r["failures"]),
        created_at=float(r["created_at"]),
        expires_at=float(r["expires_at"]),
        locked_at=r["locked_at"],
        viewed_at=r["viewed_at"],
        views=int(r["views"]),
        has_body=bool(r["has_body"]),
        code_hash=r["code_hash"],
        code_expires_at=r["code_expires_at"],
        code_sends=int(r["code_sends"]),
        code_sent_at=r["code_sent_at"],
    )
