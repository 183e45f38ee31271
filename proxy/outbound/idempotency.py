"""Idempotent sends: a retried request with the same key gets the first answer, not a 2nd SMS.

Clients send ``Idempotency-Key`` (or Twilio's ``I-Twilio-Idempotency-Token``). Keys are scoped
per provider and per hashed credential (the ``Authorization`` header), so tenants cannot see or
collide with each other's keys. The first request with a key *claims* it (a ``pending`` row);
once the provider has answered, its status, headers and body are stored and replayed to every
later request with that key (marked ``Idempotent-Replayed: true``). The stored body is the
provider's answer to the already-scrubbed text; the client's original text is never stored, only
a keyed HMAC of the request to tell a reused key with a different body (answered 422).

A duplicate that arrives while the first is still in flight waits for it (up to
``idempotency.wait_seconds``) and then gets the first answer, or 409 if it is still running.
If the proxy refuses before anything reaches the provider (inspection/audit unavailable,
blocked, malformed), the claim is released, so a retry is inspected afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.errors import BadRequest, Unavailable
from proxy.store import Database

IDEMPOTENCY: web.AppKey[IdempotencyStore] = web.AppKey("idempotency")
HEADERS = ("Idempotency-Key", "I-Twilio-Idempotency-Token")
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyUnavailable(Unavailable):
    """The key store failed; a keyed send must then be refused (it could not be de-duplicated).
    Logged; not counted in the metrics (it never was)."""

    outcome = None

    def __init__(self, reason: str) -> None:
        super().__init__("idempotency", reason)
        self.error = None


class KeyConflict(BadRequest):
    """The key is in use: ``status`` 409 (still in flight) or 422 (a different request)."""

    log_level = None  # the client's own retry: neither logged nor counted (as before)
    outcome = None

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, status=status)


class InvalidKey(BadRequest):
    """The key header is malformed."""

    log_level = None
    outcome = None


@dataclass(frozen=True)
class Claim:
    scope: str
    key: str


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def response(self) -> web.Response:
        headers: CIMultiDict[str] = CIMultiDict(self.headers)
        headers[REPLAYED_HEADER] = "true"
        return web.Response(status=self.status, headers=headers, body=self.body)


def key_from(headers: CIMultiDictProxy[str]) -> str | None:
    """The client's key, if any; :class:`InvalidKey` if it is empty, too long or not ASCII."""
    for name in HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        value = value.strip()
        if (
            not value
            or len(value) > MAX_KEY_LENGTH
            or not value.isascii()
            or not value.isprintable()
        ):
            raise InvalidKey(f"{name} must be 1-{MAX_KEY_LENGTH} printable ASCII characters")
        return value
    return None


_AWS_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def credential_id(headers: CIMultiDictProxy[str]) -> str:
    """What identifies the caller: the ``Authorization`` header, except for AWS Signature V4,
    whose header changes with every (re-)signed request — there, the access key id."""
    auth = headers.get("Authorization", "")
    if auth.startswith("AWS4-HMAC-SHA256"):
        m = _AWS_CREDENTIAL.search(auth)
        if m:
            return "aws4:" + m.group(1)
    return auth


def scope_for(provider: str, headers: CIMultiDictProxy[str]) -> str:
    """Provider + a hash of the credential: keys never cross tenants or providers."""
    credential = credential_id(headers)
    return provider + ":" + hashlib.sha256(credential.encode()).hexdigest()[:32]


def fingerprint(secret: bytes, method: str, path: str, body: bytes) -> str:
    """A keyed digest of the request, never reversible to its text."""
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (method.encode(), path.encode(), body):
        mac.update(len(part).to_bytes(8, "big") + part)
    return mac.hexdigest()


class IdempotencyStore:
    def __init__(self, db: Database, *, ttl: float, wait: float) -> None:
        self.db, self.ttl, self.wait = db, ttl, wait

    async def begin(self, scope: str, key: str, fp: str) -> Claim | Stored:
        """Claim the key for this request, or return the answer stored for it. A duplicate in
        flight is waited for; :class:`KeyConflict` if it stays in flight or differs."""
        deadline = time.monotonic() + self.wait
        delay = 0.01
        while True:
            row = await self._claim_or_get(scope, key, fp)
            if row is None:
                return Claim(scope, key)
            if row["fingerprint"] != fp:
                raise KeyConflict(
                    422, "This idempotency key was already used for a different request."
                )
            if row["state"] == "done":
                return Stored(int(row["status"]), json.loads(row["headers"]), bytes(row["body"]))
            if time.monotonic() >= deadline:
                raise KeyConflict(
                    409, "A request with this idempotency key is still being processed."
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)

    async def _claim_or_get(self, scope: str, key: str, fp: str) -> dict[str, Any] | None:
        now = time.time()
        try:
            async with self.db.transaction() as tx:
                row = await tx.fetchrow(
                    "SELECT fingerprint, state, created, status, headers, body"
                    " FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
                    scope,
                    key,
                )
                if row is not None and row["created"] >= now - self.ttl:
                    return row
                if row is not None:  # expired: the key may be used afresh
                    await tx.execute(
                        "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?", scope, key
                    )
                # Another instance (shared PostgreSQL) may claim it between our read and write:
                # then nothing is inserted and its row is what we answer from.
                inserted = await tx.execute(
                    "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, state, created)"
                    " VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (scope, idem_key) DO NOTHING",
                    scope,
                    key,
                    fp,
                    now,
                )
                if inserted == 1:
                    return None
                return await tx.fetchrow(
                    "SELECT fingerprint, state, created, status, headers, body"
                    " FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
                    scope,
                    key,
                ) or {"fingerprint": fp, "state": "pending", "created": now}
        except Exception as e:  # noqa: BLE001 - any store failure: cannot de-duplicate
            raise IdempotencyUnavailable(f"idempotency store failed: {type(e).__name__}") from None

    async def complete(self, claim: Claim, response: web.Response) -> None:
        """Store the provider's answer (the upstream may have acted: never release now)."""
        body = response.body if isinstance(response.body, bytes) else b""
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        await self.db.execute(
            "UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?"
            " WHERE scope = ? AND idem_key = ?",
            response.status,
            json.dumps(headers),
            body,
            claim.scope,
            claim.key,
        )

    async def release(self, claim: Claim) -> None:
        """Nothing reached the provider: forget the claim so a retry is processed afresh."""
        await self.db.execute(
            "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND state = 'pending'",
            claim.scope,
            claim.key,
        )

    async def expire(self, now: float | None = None) -> int:
        cutoff = (now if now is not None else time.time()) - self.ttl
        return await self.db.execute("DELETE FROM idempotency_keys WHERE created < ?", cutoff)
