"""Versioned schema migrations, applied in order by ``phi-proxy db upgrade`` and at start-up.

Every feature's tables are here, in one explicit list: a feature adds a new :class:`Migration`
at the end and never edits a shipped one. SQL is written
once in a portable subset; ``BLOB`` becomes ``BYTEA`` and ``AUTOINCREMENT`` keys become
``BIGSERIAL`` on PostgreSQL.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from proxy.store.db import Database


@dataclass(frozen=True)
class Migration:
    id: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        "0001_schema_migrations",
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (id TEXT PRIMARY KEY, applied_at REAL NOT NULL)",
    ),
    # proxy.audit: the hash-chained audit log
    Migration(
        "0002_audit_log",
        """
        CREATE TABLE audit_log (
            seq BIGINT PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            ts REAL NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_log_ts ON audit_log (ts);
        CREATE INDEX audit_log_kind ON audit_log (kind)
        """,
    ),
    # proxy.optout: the TCPA opt-out registry (pseudonymous recipient and scope, never a number)
    Migration(
        "0003_optouts",
        """
        CREATE TABLE optouts (
            recipient TEXT NOT NULL,
            scope TEXT NOT NULL,
            state TEXT NOT NULL,
            provider TEXT NOT NULL,
            rule TEXT NOT NULL,
            updated_at REAL NOT NULL,
            confirmed BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (recipient, scope)
        );
        CREATE TABLE optout_events (
            provider TEXT NOT NULL,
            event TEXT NOT NULL,
            seen_at REAL NOT NULL,
            PRIMARY KEY (provider, event)
        )
        """,
    ),
]


def adapt(sql: str, dialect: str) -> str:
    if dialect != "postgres":
        return sql
    sql = re.sub(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", "BIGSERIAL PRIMARY KEY", sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return sql


async def upgrade(db: Database) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction; returns those applied.

    On PostgreSQL a transaction-scoped advisory lock serialises instances that start together.
    """
    applied = []
    for i, m in enumerate(MIGRATIONS):
        async with db.transaction() as tx:
            if db.dialect == "postgres":
                await tx.execute("SELECT pg_advisory_xact_lock(7011201)")
            if i == 0:
                await tx.execute(adapt(m.sql, db.dialect))
            if await tx.fetchrow("SELECT id FROM schema_migrations WHERE id = ?", m.id):
                continue
            if i > 0:
                for stmt in (s.strip() for s in m.sql.split(";")):
                    if stmt:
                        await tx.execute(adapt(stmt, db.dialect))
            await tx.execute(
                "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", m.id, time.time()
            )
        applied.append(m.id)
    return applied
