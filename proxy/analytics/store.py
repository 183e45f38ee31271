"""The analytics tables (migration 0003_analytics) through the :class:`Database` interface."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from proxy.store import Database, Row
from proxy.store import interface as steps
from proxy.store.interface import Work

MESSAGE_COLUMNS = (
    "id",
    "decision_id",
    "ts",
    "day",
    "provider",
    "action",
    "enforce_action",
    "policy_version",
    "entity_types",
    "entity_counts",
    "condition_classes",
    "medication_classes",
    "encoding",
    "segments",
    "sender",
    "recipient",
    "upstream_status",
    "delivery_status",
    "text",
)
HELD_COLUMNS = ("id", "ts", "day", "provider", "action", "policy_version", "residual_types")
#: JSON-encoded columns, decoded on the way out.
JSON_COLUMNS = ("entity_types", "entity_counts", "condition_classes", "medication_classes")


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


async def write(db: Database, rows: Sequence[Row], held: Sequence[Row]) -> None:
    """Both kinds of rows, of one request or of many, in one transaction (one SQLite trip)."""
    await db.run(_write(rows, held))


#: the row key carrying the recipient's lookup hash to the writer (not a column)
RECIPIENT_LOOKUP = "_recipient_lookup"
#: how long a recipient keeps one analytics code: after that the mapping row is deleted and the
#: recipient's next record gets a new random code (longitudinal linkage bounded to this window)
RECIPIENT_CODE_DAYS = 30


def _recipient_codes(rows: Sequence[Row], now: float) -> Work[dict[str, str]]:
    """The random code of each row's recipient, made on first sight (45 CFR 164.514(c): a code
    not derived from the number; the mapping is private and short-lived)."""
    yield steps.execute(
        "DELETE FROM analytics_recipient_codes WHERE created_at < ?",
        now - RECIPIENT_CODE_DAYS * 86400,
    )
    codes: dict[str, str] = {}
    for lookup in {r.get(RECIPIENT_LOOKUP) for r in rows} - {None}:
        yield steps.execute(
            "INSERT INTO analytics_recipient_codes (lookup, code, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (lookup) DO NOTHING",
            lookup,
            "r_" + secrets.token_hex(10),
            now,
        )
        row = yield steps.fetchrow(
            "SELECT code FROM analytics_recipient_codes WHERE lookup = ?", lookup
        )
        codes[str(lookup)] = str(row["code"])
    return codes


def _write(rows: Sequence[Row], held: Sequence[Row]) -> Work[None]:
    if any(r.get(RECIPIENT_LOOKUP) for r in rows):
        codes = yield from _recipient_codes(rows, time.time())
        rows = [
            {**r, "recipient": codes.get(str(r.get(RECIPIENT_LOOKUP)))}
            if r.get(RECIPIENT_LOOKUP)
            else r
            for r in rows
        ]
    if rows:
        yield steps.executemany(
            _insert_sql("analytics_messages", MESSAGE_COLUMNS),
            [tuple(r.get(c) for c in MESSAGE_COLUMNS) for r in rows],
        )
    if held:
        yield steps.executemany(
            _insert_sql("analytics_held_back", HELD_COLUMNS),
            [tuple(h[c] for c in HELD_COLUMNS) for h in held],
        )


async def set_delivery_status(db: Database, decision_id: str, status: str) -> int:
    """For status callbacks: the provider's final word on a message the proxy forwarded."""
    return await db.execute(
        "UPDATE analytics_messages SET delivery_status = ? WHERE decision_id = ?",
        status,
        decision_id,
    )


def decode(row: Row) -> dict[str, Any]:
    out = dict(row)
    for c in JSON_COLUMNS:
        if c in out and isinstance(out[c], str):
            out[c] = json.loads(out[c])
    return out


async def days(db: Database, since: float, until: float) -> list[tuple[str, int]]:
    rows = await db.fetch(
        "SELECT day, COUNT(*) AS n FROM analytics_messages WHERE ts >= ? AND ts < ?"
        " GROUP BY day ORDER BY day",
        since,
        until,
    )
    return [(r["day"], int(r["n"])) for r in rows]


async def rows_of_day(
    db: Database, day: str, columns: Sequence[str]
) -> AsyncIterator[dict[str, Any]]:
    sql = f"SELECT {', '.join(columns)} FROM analytics_messages WHERE day = ? ORDER BY ts, id"
    async for r in db.stream(sql, day):
        yield decode(r)


async def held_back_count(db: Database, since: float, until: float) -> int:
    row = await db.fetchrow(
        "SELECT COUNT(*) AS n FROM analytics_held_back WHERE ts >= ? AND ts < ?", since, until
    )
    return int(row["n"]) if row else 0
