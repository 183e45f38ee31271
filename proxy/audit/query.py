"""Reading the audit log for people: filtered, paginated search and per-day decision counts.

The log holds no message text or phone numbers, so what these return is safe to show an auditor.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from proxy.store import Database

MAX_PAGE = 200
DAY = 86400.0


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class AuditFilter:
    kind: str = ""  # exact kind, or a prefix ending in '.' / '*' ("policy.*")
    since: float | None = None
    until: float | None = None
    action: str = ""
    entity_type: str = ""
    before: int | None = None  # page cursor: only records with seq below this
    limit: int = 50


@dataclass
class AuditPage:
    records: list[dict[str, Any]]
    next_before: int | None
    filters: dict[str, Any] = field(default_factory=dict)


def _matches(body: dict[str, Any], f: AuditFilter) -> bool:
    if f.action and body.get("action") != f.action:
        return False
    return not (f.entity_type and f.entity_type not in body.get("entity_types", ()))


async def search(db: Database, f: AuditFilter) -> AuditPage:
    """Newest first. SQL narrows by kind, time and (as text) action and type; Python confirms."""
    where: list[str] = ["1 = 1"]
    args: list[Any] = []
    if f.kind:
        if f.kind.endswith("*"):
            # a case-sensitive prefix on both backends (SQLite's LIKE ignores ASCII case)
            prefix = f.kind[:-1]
            where.append("substr(kind, 1, ?) = ?")
            args.extend([len(prefix), prefix])
        else:
            where.append("kind = ?")
            args.append(f.kind)
    if f.since is not None:
        where.append("ts >= ?")
        args.append(f.since)
    if f.until is not None:
        where.append("ts < ?")
        args.append(f.until)
    if f.action:
        where.append("body LIKE ? ESCAPE '\\'")
        args.append("%" + _like_escape(f'"action":{json.dumps(f.action)}') + "%")
    if f.entity_type:
        where.append("body LIKE ? ESCAPE '\\'")
        args.append("%" + _like_escape(json.dumps(f.entity_type)) + "%")
    if f.before is not None:
        where.append("seq < ?")
        args.append(f.before)
    limit = max(1, min(f.limit, MAX_PAGE))
    batch = limit + 1
    sql = f"SELECT seq, event_id, ts, kind, body FROM audit_log WHERE {' AND '.join(where)}"
    out: list[dict[str, Any]] = []
    cursor: int | None = None
    while True:
        page_sql, page_args = sql, list(args)
        if cursor is not None:
            page_sql += " AND seq < ?"
            page_args.append(cursor)
        rows = await db.fetch(page_sql + " ORDER BY seq DESC LIMIT ?", *page_args, batch)
        # SQL narrowed by text; Python confirms (a type name could appear elsewhere in a body)
        for i, r in enumerate(rows):
            cursor = r["seq"]
            body = json.loads(r["body"])
            if not _matches(body, f):
                continue
            if len(out) == limit:
                return AuditPage(out, out[-1]["seq"])
            out.append(_record(r, body))
            if len(out) == limit and i == len(rows) - 1 and len(rows) == batch:
                return AuditPage(out, r["seq"])
        if len(rows) < batch:
            return AuditPage(out, None)


def _record(r: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": r["seq"],
        "event_id": r["event_id"],
        "ts": r["ts"],
        "time": iso(r["ts"]),
        "kind": r["kind"],
        **{k: v for k, v in body.items() if k != "kind"},
    }


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


@dataclass
class DailyDecisions:
    """Decisions per UTC day, by action and by entity type (one count per decision)."""

    days: list[str]
    by_action: dict[str, Counter[str]]
    by_entity_type: dict[str, Counter[str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "by_action": {d: dict(self.by_action[d]) for d in self.days},
            "by_entity_type": {d: dict(self.by_entity_type[d]) for d in self.days},
        }

    def totals(self, which: str) -> Counter[str]:
        src = self.by_action if which == "action" else self.by_entity_type
        total: Counter[str] = Counter()
        for d in self.days:
            total.update(src[d])
        return total


async def daily_decisions(db: Database, days: int = 14, now: float | None = None) -> DailyDecisions:
    """Count the last ``days`` UTC days of 'send' decisions from the audit log."""
    now = time.time() if now is None else now
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today.timestamp() - (days - 1) * DAY
    labels = [day_of(start + i * DAY + 1) for i in range(days)]
    by_action: dict[str, Counter[str]] = defaultdict(Counter)
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[str] = set()
    last = 0
    while True:
        rows = await db.fetch(
            "SELECT seq, ts, body FROM audit_log WHERE kind = 'send' AND ts >= ? AND seq > ?"
            " ORDER BY seq LIMIT 5000",
            start,
            last,
        )
        if not rows:
            break
        for r in rows:
            last = r["seq"]
            body = json.loads(r["body"])
            decision = body.get("decision_id") or r["seq"]
            if decision in seen:  # one record per recipient; count the decision once
                continue
            seen.add(decision)
            d = day_of(r["ts"])
            by_action[d][body.get("action") or "unknown"] += 1
            for t in body.get("entity_types") or ():
                by_type[d][t] += 1
    return DailyDecisions(
        labels, {d: by_action[d] for d in labels}, {d: by_type[d] for d in labels}
    )
