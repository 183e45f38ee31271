"""The append-only, hash-chained audit log. No message text and no phone numbers, ever.

Each record's hash covers its canonical JSON and the previous record's hash, so an edit, deletion
or reordering breaks the chain (:func:`verify`). Appends are serialised in one transaction that
reads the tail and writes the new record, so concurrent writers (even several instances sharing
PostgreSQL) cannot fork the chain.

A chain alone cannot show that its tail was cut off, so every N records or T seconds the tail's
(seq, hash, time) is signed with an Ed25519 key (:mod:`proxy.audit.checkpoints`); checkpoints
exported and kept outside the system reveal truncation. Retention purges the oldest records but
first stores a signed *anchor* for the last purged one, so the rest still verifies.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from functools import lru_cache
from typing import Any

from proxy.audit.checkpoints import Checkpoint, CheckpointSigner
from proxy.errors import Unavailable
from proxy.sms import digits
from proxy.store import Database
from proxy.store import interface as steps
from proxy.store.interface import Step, Tx, Work

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


class AuditUnavailable(Unavailable):
    """The audit record could not be made durable; the action it covers must not happen."""

    def __init__(self, reason: str) -> None:
        super().__init__("audit", reason)


@lru_cache(maxsize=4096)  # the same numbers recur: an HMAC per number, not per send
def pseudonym(value: str, key: bytes) -> str:
    """A keyed, irreversible stand-in for a phone number, stable for counting per recipient."""
    plain = digits(value) or value
    return "r_" + hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()[:20]


def _plain(value: object) -> Any:
    """JSON for a dataclass nested in ``details`` (what ``asdict`` would have made of it)."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _hash(prev: str, seq: int, event_id: str, ts: float, kind: str, body: str) -> str:
    material = json.dumps([prev, seq, event_id, repr(ts), kind, body], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


class AuditLog:
    """Appends with group commit: records that arrive while a commit is in flight are written
    together in the next transaction, so durability (one fsync per commit) does not cap
    throughput at one send per fsync. Each caller still returns only once its record is durable.

    With a signer, the tail is also signed (a checkpoint) every ``every_records`` records or
    ``every_seconds`` seconds, in the same transaction as the records it covers.
    """

    def __init__(
        self,
        db: Database,
        signer: CheckpointSigner | None = None,
        *,
        every_records: int = 1000,
        every_seconds: float = 300.0,
        max_batch: int = 256,
    ) -> None:
        self.db = db
        self.signer = signer
        self.every_records = every_records
        self.every_seconds = every_seconds
        self._max_batch = max_batch
        self._pending: list[tuple[str, str, asyncio.Future[str]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._last_cp: tuple[int, float] | None = None  # (seq, time) of the newest checkpoint

    async def append(self, event: AuditEvent) -> str:
        """Write one record durably and return its event id, or raise :class:`AuditUnavailable`."""
        # the fields as they are (dataclasses.asdict deep-copies each one first, on every send)
        body = json.dumps(vars(event), sort_keys=True, separators=(",", ":"), default=_plain)
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
                self._last_cp = None  # re-read: the transaction's checkpoint may not exist
                err = AuditUnavailable(f"audit append failed: {type(e).__name__}")
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(err)
                continue
            for (_, _, fut), event_id in zip(batch, ids, strict=True):
                if not fut.done():
                    fut.set_result(event_id)

    async def _write(self, records: list[tuple[str, str]]) -> list[str]:
        return await self.db.run(self._append(records))

    def _append(self, records: list[tuple[str, str]]) -> Work[list[str]]:
        """Chain ``records`` onto the tail, signing a checkpoint when one is due: one transaction,
        written as steps so SQLite runs it in one trip (it is on every send's path)."""
        yield steps.lock("audit_log")  # one chain, whichever instance writes
        tail = yield steps.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        if tail is None:  # everything purged: go on from the retention anchor
            tail = yield steps.fetchrow(
                "SELECT seq, hash FROM audit_checkpoints WHERE kind = 'anchor'"
                " ORDER BY seq DESC LIMIT 1"
            )
        seq = tail["seq"] if tail else 0
        prev = tail["hash"] if tail else GENESIS
        ts = time.time()
        rows, ids = [], []
        for kind, body in records:
            seq += 1
            event_id = uuid.uuid4().hex
            ts = time.time()
            h = _hash(prev, seq, event_id, ts, kind, body)
            rows.append((seq, event_id, ts, kind, body, prev, h))
            prev = h
            ids.append(event_id)
        yield steps.executemany(  # one statement for the whole group
            "INSERT INTO audit_log (seq, event_id, ts, kind, body, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if self.signer is not None:
            if self._last_cp is None:
                row = yield steps.fetchrow(
                    "SELECT seq, ts FROM audit_checkpoints ORDER BY seq DESC LIMIT 1"
                )
                self._last_cp = (row["seq"], row["ts"]) if row else (0, 0.0)
            last_seq, last_ts = self._last_cp
            if seq - last_seq >= self.every_records or ts - last_ts >= self.every_seconds:
                yield _checkpoint_insert(self.signer.sign(seq, prev, ts, "periodic"))
                self._last_cp = (seq, ts)
        return ids

    async def _write_checkpoint(self, tx: Tx, seq: int, h: str, ts: float, kind: str) -> Checkpoint:
        if self.signer is None:
            raise RuntimeError("checkpoint without a signer")
        cp = self.signer.sign(seq, h, ts, kind)
        await _insert_checkpoint(tx, cp)
        self._last_cp = (seq, ts)
        return cp

    async def checkpoint(self) -> Checkpoint | None:
        """Sign the current tail now if it is newer than the last checkpoint (the T-second tick)."""
        if self.signer is None:
            return None
        try:
            async with self.db.transaction() as tx:
                if self.db.dialect == "postgres":
                    await tx.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                tail = await tx.fetchrow(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
                )
                last = await tx.fetchrow("SELECT MAX(seq) AS seq FROM audit_checkpoints")
                if tail is None or (
                    last and last["seq"] is not None and last["seq"] >= tail["seq"]
                ):
                    return None
                return await self._write_checkpoint(
                    tx, tail["seq"], tail["hash"], time.time(), "periodic"
                )
        except Exception as e:  # noqa: BLE001
            raise AuditUnavailable(f"audit checkpoint failed: {type(e).__name__}") from None

    async def records(self, since_seq: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        return await self.db.fetch(
            "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", since_seq, limit
        )


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    records: int
    problems: Sequence[str]
    first_seq: int = 1
    last_seq: int = 0
    checkpoints_checked: int = 0


async def _anchor(db: Database, problems: list[str], trusted: set[str] | None) -> Checkpoint | None:
    """The newest retention anchor, if records were purged; a bad signature is a problem."""
    row = await db.fetchrow(
        "SELECT * FROM audit_checkpoints WHERE kind = 'anchor' ORDER BY seq DESC LIMIT 1"
    )
    if row is None:
        return None
    cp = Checkpoint.from_row(row)
    if not cp.valid(trusted):
        problems.append(f"retention anchor at seq {cp.seq}: signature does not verify")
    return cp


async def verify(
    db: Database,
    exported: Sequence[Checkpoint] = (),
    trusted_keys: set[str] | None = None,
) -> VerifyReport:
    """Walk the whole chain; report every break (edit, deletion, reordering), every stored
    checkpoint that does not match, and — given checkpoints exported earlier — truncation."""
    problems: list[str] = []
    anchor = await _anchor(db, problems, trusted_keys)
    prev = anchor.hash if anchor else GENESIS
    first = expected_seq = (anchor.seq + 1) if anchor else 1
    count = 0
    last = first - 1
    stale = await db.fetchrow("SELECT COUNT(*) AS n FROM audit_log WHERE seq < ?", first)
    if stale and stale["n"]:
        problems.append(f"{stale['n']} records at or below the retention anchor (seq {first - 1})")
    hashes: dict[int, str] = {}
    stored = [Checkpoint.from_row(r) for r in await db.fetch("SELECT * FROM audit_checkpoints")]
    wanted = {cp.seq for cp in (*stored, *exported)}
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
            if r["seq"] in wanted:
                hashes[r["seq"]] = r["hash"]
            prev = r["hash"]
            expected_seq = r["seq"] + 1
            last = r["seq"]
    checked = 0
    for source, cps in (("stored", stored), ("exported", exported)):
        for cp in cps:
            checked += 1
            where = f"{source} checkpoint at seq {cp.seq}"
            if not cp.valid(trusted_keys):
                problems.append(f"{where}: signature does not verify")
            elif cp.seq < first:
                continue  # purged under retention, covered by the anchor
            elif cp.seq > last:
                problems.append(f"{where}: the log ends at seq {last} (truncated)")
            elif hashes.get(cp.seq) != cp.hash:
                problems.append(f"{where}: record hash differs (rewritten)")
    return VerifyReport(not problems, count, problems, first, last, checked)


@dataclass(frozen=True)
class PurgeReport:
    purged: int
    anchor_seq: int | None


async def purge(
    db: Database, signer: CheckpointSigner, retention_days: float, now: float | None = None
) -> PurgeReport:
    """Delete records older than the retention period, keeping the rest verifiable: the last
    purged record's (seq, hash) is stored first as a signed anchor, in the same transaction."""
    cutoff = (now if now is not None else time.time()) - retention_days * 86400
    async with db.transaction() as tx:
        if db.dialect == "postgres":
            await tx.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        # Only a prefix may go: stop before the first record that is still within retention.
        keep = await tx.fetchrow("SELECT MIN(seq) AS seq FROM audit_log WHERE ts >= ?", cutoff)
        bound = keep["seq"] if keep and keep["seq"] is not None else None
        if bound is None:
            row = await tx.fetchrow("SELECT MAX(seq) AS seq FROM audit_log")
            bound = (row["seq"] + 1) if row and row["seq"] is not None else None
        if bound is None:
            return PurgeReport(0, None)
        last = await tx.fetchrow(
            "SELECT seq, hash, ts FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT 1", bound
        )
        if last is None:
            return PurgeReport(0, None)
        cp = signer.sign(last["seq"], last["hash"], last["ts"], "anchor")
        await tx.execute("DELETE FROM audit_checkpoints WHERE seq = ? AND kind = 'anchor'", cp.seq)
        await _insert_checkpoint(tx, cp)
        n = await tx.execute("DELETE FROM audit_log WHERE seq <= ?", cp.seq)
    return PurgeReport(n, cp.seq)


async def all_checkpoints(db: Database) -> list[Checkpoint]:
    rows = await db.fetch("SELECT * FROM audit_checkpoints ORDER BY seq, kind")
    return [Checkpoint.from_row(r) for r in rows]


async def _insert_checkpoint(tx: Tx, cp: Checkpoint) -> None:
    step = _checkpoint_insert(cp)
    await tx.execute(step.sql, *step.args)


def _checkpoint_insert(cp: Checkpoint) -> Step:
    return steps.execute(
        "INSERT INTO audit_checkpoints (seq, hash, ts, kind, key_id, public_key, signature)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        cp.seq,
        cp.hash,
        cp.ts,
        cp.kind,
        cp.key_id,
        cp.public_key,
        cp.signature,
    )
