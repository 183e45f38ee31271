"""The analytics tables (migration 0003_analytics) through the :class:`Database` interface."""

from __future__ import annotations

import json
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


def _write(rows: Sequence[Row], held: Sequence[Row]) -> Work[None]:
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
