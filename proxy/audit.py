"""The append-only, hash-chained audit log. No message text and no phone numbers, ever.

Each record's hash covers its canonical JSON and the previous record's hash, so an edit, deletion
or reordering breaks the chain (:func:`verify`). Appends are serialised in one transaction that
reads the tail and writes the new record, so concurrent writers (even several instances sharing
PostgreSQL) cannot fork the chain.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from proxy.store import Database

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """One auditable fact. ``kind`` e.g. 'send', 'portal.view', 'optout', 'policy.publish'.

    ``recipient`` must already be a pseudonym (see :func:`pseudonym`); ``details`` holds ids and
    types only. Nothing here may carry message text or a phone number.
    """

    kind: str
    outcome: str
    request_id: str = ""
    decision_id: str = ""
    provider: str = ""
    recipient: str = ""
    action: str = ""
    entity_types: tuple[str, ...] = ()
    policy_version: str = ""
    portal_token_id: str = ""
    actor: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class AuditUnavailable(Exception):
    """The audit record could not be made durable; the action it covers must not happen."""


def pseudonym(value: str, key: bytes) -> str:
    """A keyed, irreversible stand-in for a phone number, stable for counting per recipient."""
    digits = "".join(c for c in value if c.isdigit()) or value
    return "r_" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:20]


def _hash(prev: str, seq: int, event_id: str, ts: float, kind: str, body: str) -> str:
    material = json.dumps([prev, seq, event_id, repr(ts), kind, body], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


class AuditLog:
    """Appends with group commit: records that arrive while a commit is in flight are written
    together in the next transaction, so durability (one fsync per commit) does not cap
    throughput at one send per fsync. Each caller still returns only once its record is durable.
    """

    def __init__(self, db: Database, *, max_batch: int = 256) -> None:
        self.db = db
        self._max_batch = max_batch
        self._pending: list[tuple[str, str, asyncio.Future[str]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(self, event: AuditEvent) -> str:
        """Write one record durably and return its event id, or raise :class:`AuditUnavailable`."""
        body = json.dumps(asdict(event), sort_keys=True, separators=(",", ":"))
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending.append((event.kind, body, fut))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="audit-writer")
        return await fut

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                ids = await self._write([(kind, body) for kind, body, _ in batch])
            except Exception as e:  # noqa: BLE001 - any failure means "not durable"
                err = AuditUnavailable(f"audit append failed: {type(e).__name__}")
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(err)
                continue
            for (_, _, fut), event_id in zip(batch, ids, strict=True):
                if not fut.done():
                    fut.set_result(event_id)

    async def _write(self, records: list[tuple[str, str]]) -> list[str]:
        ids = []
        async with self.db.transaction() as tx:
            if self.db.dialect == "postgres":
                await tx.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            tail = await tx.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            seq = tail["seq"] if tail else 0
            prev = tail["hash"] if tail else GENESIS
            for kind, body in records:
                seq += 1
                event_id = uuid.uuid4().hex
                ts = time.time()
                h = _hash(prev, seq, event_id, ts, kind, body)
                await tx.execute(
                    "INSERT INTO audit_log (seq, event_id, ts, kind, body, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    seq,
                    event_id,
                    ts,
                    kind,
                    body,
                    prev,
                    h,
                )
                prev = h
                ids.append(event_id)
        return ids

    async def records(self, since_seq: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        return await self.db.fetch(
            "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", since_seq, limit
        )


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    records: int
    problems: Sequence[str]


async def verify(db: Database) -> VerifyReport:
    """Walk the whole chain; report every break (edit, deletion, reordering)."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    last = 0
    while True:
        rows = await db.fetch("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 5000", last)
        if not rows:
            break
        for r in rows:
            count += 1
            if r["seq"] != expected_seq:
                problems.append(f"seq {r['seq']}: expected {expected_seq} (record missing)")
            if r["prev_hash"] != prev:
                problems.append(f"seq {r['seq']}: prev_hash does not match the record before it")
            h = _hash(r["prev_hash"], r["seq"], r["event_id"], r["ts"], r["kind"], r["body"])
            if h != r["hash"]:
                problems.append(f"seq {r['seq']}: content does not match its hash (edited)")
            prev = r["hash"]
            expected_seq = r["seq"] + 1
            last = r["seq"]
    return VerifyReport(not problems, count, problems)
