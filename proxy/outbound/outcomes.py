"""What became of every send: one row per request in ``send_outcomes`` (never text or numbers).

The audit log says what was decided per recipient; this says, per request, what the proxy did
in the end — so a send the policy wanted in the portal but the portal refused is filed as
*refused* (and why), not charted as *portal*:

* ``forwarded``: sent as written (nothing acted, or monitor mode);
* ``redacted``: sent with identifiers redacted or masked;
* ``portal``: sent as a portal-link notice;
* ``blocked``: the policy blocks it; nothing sent;
* ``refused``: not sent for another reason, named in ``reason`` (a closed set below).

Rows are written after the answer (best effort, off the response's path): the audit log stays
the durable record; a lost row here costs a count, never a send. The row links to its audit
records by request id, decision ids and portal token ids.

One :class:`OutcomeWriter` per app writes them in batches: rows queue up (bounded) and one
background task writes everything queued in one transaction per :data:`BATCH_ROWS` rows. So a
client whose requests are refused by the hundred per second costs the store a few commits per
second, not one each, and the audit commits of other clients' sends do not queue behind them
(issue #18: one commit per refusal let a malformed-request flood delay every send by seconds).
A row that finds the queue full, or whose batch cannot be written, is counted in
``phi_proxy_send_outcomes_lost_total`` and logged (by count and error type), never silently lost.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from proxy import metrics
from proxy.logs import get_logger
from proxy.store import Database
from proxy.tasks import spawn

log = get_logger(__name__)

Outcome = Literal["forwarded", "redacted", "portal", "blocked", "refused"]
OUTCOMES: tuple[Outcome, ...] = ("forwarded", "redacted", "portal", "blocked", "refused")
Reason = Literal[
    "",
    "monitor",  # forwarded in monitor mode although enforce mode would not have
    "upstream_error",  # the provider answered with an error (status in upstream_status)
    "upstream_unreachable",
    "bad_request",
    "opted_out",
    "detection_unavailable",
    "portal_unavailable",
    "optout_registry_unavailable",
    "idempotency_unavailable",
    "portal_no_dob",  # portal-bound, verification by date of birth, none given
    "portal_notice_too_long",
    "portal_recipients",  # sms_code verification needs one recipient per message
    "portal_refused",
    "audit_unavailable",
    "refused_other",
]
REASONS: tuple[str, ...] = Reason.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SendOutcome:
    request_id: str
    provider: str
    outcome: Outcome
    reason: Reason = ""
    action: str = ""  # the policy's most severe action for the request ("" if never decided)
    policy_version: str = ""
    entity_types: tuple[str, ...] = ()
    decision_ids: tuple[str, ...] = ()
    portal_token_ids: tuple[str, ...] = ()
    recipients: int = 0
    upstream_status: int | None = None
    ts: float = field(default_factory=time.time)


def portal_reason(message: str) -> Reason:
    """The closed reason for a PortalRefused message (which names settings, never values)."""
    if "date of birth" in message:
        return "portal_no_dob"
    if "recipient" in message:
        return "portal_recipients"
    if "long" in message or "characters" in message:
        return "portal_notice_too_long"
    return "portal_refused"


def unavailable_reason(component: str) -> Reason:
    """The reason for a part that failed (proxy.errors.Component)."""
    reason = f"{component}_unavailable"
    return reason if reason in REASONS else "refused_other"  # type: ignore[return-value]


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


_INSERT = (
    "INSERT INTO send_outcomes (request_id, ts, day, provider, outcome, reason, action,"
    " policy_version, entity_types, decision_ids, portal_token_ids, recipients,"
    " upstream_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _values(o: SendOutcome) -> tuple[Any, ...]:
    return (
        o.request_id,
        o.ts,
        day_of(o.ts),
        o.provider,
        o.outcome,
        o.reason,
        o.action,
        o.policy_version,
        json.dumps(list(o.entity_types)),
        json.dumps(list(o.decision_ids)),
        json.dumps(list(o.portal_token_ids)),
        o.recipients,
        o.upstream_status,
    )


async def record(db: Database, o: SendOutcome) -> None:
    """Store one outcome now; errors are logged (by type) and swallowed. The proxy's own sends
    go through :class:`OutcomeWriter` instead (batched)."""
    try:
        await db.execute(_INSERT, *_values(o))
    except Exception as e:  # noqa: BLE001 - a count lost, never a send
        log.error(
            "request %s: could not record the send outcome: %s", o.request_id, type(e).__name__
        )


#: rows waiting to be written at most; a row beyond it is counted as lost (and logged)
MAX_QUEUED = 20_000
#: rows per write (one transaction)
BATCH_ROWS = 500
#: at most one "queue full" log line per this many seconds (with the count since the last one)
LOST_LOG_EVERY = 10.0

LostReason = Literal["queue_full", "write_failed", "shutdown"]


class OutcomeWriter:
    """Writes :class:`SendOutcome` rows in batches from one background task.

    :meth:`submit` never blocks and never raises: it queues the row and, if no writer task is
    running, spawns one (named ``task_name``, so the app's shutdown drain waits for it). The task
    writes everything queued, :data:`BATCH_ROWS` rows per transaction, until the queue is empty.
    """

    def __init__(
        self,
        db: Database,
        *,
        task_name: str = "send-outcomes",
        max_queued: int = MAX_QUEUED,
        batch_rows: int = BATCH_ROWS,
        clock: Any = time.monotonic,
    ) -> None:
        self._db = db
        self._task_name = task_name
        self._max = max_queued
        self._batch = batch_rows
        self._clock = clock
        self._rows: deque[SendOutcome] = deque()
        self._task: asyncio.Task[None] | None = None
        self._full_unlogged = 0
        self._full_logged_at: float | None = None
        self.lost: Counter[LostReason] = Counter()

    @property
    def queued(self) -> int:
        return len(self._rows)

    def submit(self, o: SendOutcome) -> None:
        if len(self._rows) >= self._max:
            self._lose("queue_full", 1)
            self._full_unlogged += 1
            now = self._clock()
            if self._full_logged_at is None or now - self._full_logged_at >= LOST_LOG_EVERY:
                log.error(
                    "send outcomes: queue full (%d rows); %d row(s) not recorded",
                    self._max,
                    self._full_unlogged,
                )
                self._full_logged_at, self._full_unlogged = now, 0
            return
        self._rows.append(o)
        if self._task is None or self._task.done():
            self._task = spawn(self._write_all(), name=self._task_name)

    async def _write_all(self) -> None:
        while self._rows:
            batch = [self._rows.popleft() for _ in range(min(self._batch, len(self._rows)))]
            try:
                await self._db.executemany(_INSERT, [_values(o) for o in batch])
            except Exception as e:  # noqa: BLE001 - counts lost, never a send
                self._lose("write_failed", len(batch))
                log.error(
                    "send outcomes: could not record %d row(s): %s", len(batch), type(e).__name__
                )
            except BaseException:  # cancelled (shutdown timeout): the batch may not be written
                self._lose("shutdown", len(batch))
                log.error("send outcomes: %d row(s) may not be recorded (shutdown)", len(batch))
                raise

    def close(self) -> int:
        """At shutdown, after the drain: count and log what is still queued (not written)."""
        left = len(self._rows)
        self._rows.clear()
        if left:
            self._lose("shutdown", left)
            log.error("send outcomes: %d row(s) not recorded at shutdown", left)
        if self._full_unlogged:
            log.error(
                "send outcomes: %d more row(s) not recorded (queue full)", self._full_unlogged
            )
            self._full_unlogged = 0
        return left

    def _lose(self, reason: LostReason, n: int) -> None:
        self.lost[reason] += n
        metrics.OUTCOMES_LOST.labels(reason).inc(n)


@dataclass(frozen=True)
class OutcomeFilter:
    outcome: str = ""
    reason: str = ""
    provider: str = ""
    entity_type: str = ""
    since: float | None = None
    until: float | None = None
    before: float | None = None  # page cursor (ts)
    limit: int = 50


def _row(r: Any) -> dict[str, Any]:
    return {
        "request_id": r["request_id"],
        "ts": r["ts"],
        "time": datetime.fromtimestamp(r["ts"], UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "provider": r["provider"],
        "outcome": r["outcome"],
        "reason": r["reason"],
        "action": r["action"],
        "policy_version": r["policy_version"],
        "entity_types": json.loads(r["entity_types"]),
        "decision_ids": json.loads(r["decision_ids"]),
        "portal_token_ids": json.loads(r["portal_token_ids"]),
        "recipients": r["recipients"],
        "upstream_status": r["upstream_status"],
    }


def _where(f: OutcomeFilter) -> tuple[str, list[Any]]:
    where, args = ["1 = 1"], []
    for col in ("outcome", "reason", "provider"):
        v = getattr(f, col)
        if v:
            where.append(f"{col} = ?")
            args.append(v)
    if f.entity_type:
        where.append("entity_types LIKE ?")
        args.append("%" + json.dumps(f.entity_type) + "%")
    if f.since is not None:
        where.append("ts >= ?")
        args.append(f.since)
    if f.until is not None:
        where.append("ts < ?")
        args.append(f.until)
    return " AND ".join(where), args


async def search(db: Database, f: OutcomeFilter) -> tuple[list[dict[str, Any]], float | None]:
    """Newest first; the second value is the cursor for the next (older) page, if any."""
    where, args = _where(f)
    if f.before is not None:
        where += " AND ts < ?"
        args.append(f.before)
    limit = max(1, min(f.limit, 200))
    rows = await db.fetch(
        f"SELECT * FROM send_outcomes WHERE {where} ORDER BY ts DESC LIMIT ?", *args, limit + 1
    )
    out = [_row(r) for r in rows[:limit]]
    return out, (out[-1]["ts"] if len(rows) > limit else None)


async def get(db: Database, request_id: str) -> dict[str, Any] | None:
    r = await db.fetchrow("SELECT * FROM send_outcomes WHERE request_id = ?", request_id)
    return _row(r) if r is not None else None


@dataclass
class OutcomeCounts:
    days: list[str]
    by_day: dict[str, Counter[str]]
    entity_types: Counter[str]
    reasons: Counter[str]

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for c in self.by_day.values():
            total.update(c)
        return total


async def counts(db: Database, since: float, until: float) -> OutcomeCounts:
    """Sends per UTC day by outcome, entity types and refusal reasons, in [since, until).
    ``days`` lists every day of the range (up to 400; longer ranges list the days with sends)."""
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    types: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    rows = await db.fetch(
        "SELECT day, outcome, reason, entity_types FROM send_outcomes WHERE ts >= ? AND ts < ?",
        since,
        until,
    )
    for r in rows:
        by_day[r["day"]][r["outcome"]] += 1
        if r["reason"]:
            reasons[r["reason"]] += 1
        types.update(json.loads(r["entity_types"]))
    if until - since <= 400 * 86400:
        days = sorted({day_of(t) for t in _steps(since, until)})
    else:
        days = sorted(by_day)
    return OutcomeCounts(days, {d: by_day.get(d, Counter()) for d in days} | by_day, types, reasons)


def _steps(since: float, until: float) -> list[float]:
    out, t = [], since
    while t < until:
        out.append(t)
        t += 3600 * 6
    if until > since:
        out.append(until - 1)
    return out


def outcome_of(actions: Sequence[str], sent_as_link: bool, monitor: bool) -> Outcome:
    """forwarded | redacted | portal for a request that went out."""
    if sent_as_link:
        return "portal"
    if monitor or all(a == "allow" for a in actions):
        return "forwarded"
    return "redacted"
