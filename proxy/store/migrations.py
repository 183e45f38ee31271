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

from proxy.store.interface import Database


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
    # proxy.audit.log: the hash-chained audit log
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
    # proxy.crypto + proxy.portal: wrapped data keys and the portal vault (sealed originals)
    Migration(
        "0004_portal_vault",
        """
        CREATE TABLE vault_keys (
            key_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            wrapped BLOB,
            kek_id TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE portal_links (
            token_hash TEXT PRIMARY KEY,
            record_id TEXT NOT NULL UNIQUE,
            key_id TEXT NOT NULL,
            body BLOB,
            secret BLOB,
            recipient TEXT NOT NULL,
            organization TEXT NOT NULL,
            verification TEXT NOT NULL,
            view_once INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            purge_after REAL NOT NULL,
            locked_at REAL,
            viewed_at REAL,
            views INTEGER NOT NULL DEFAULT 0,
            code_hash TEXT,
            code_expires_at REAL,
            code_sends INTEGER NOT NULL DEFAULT 0,
            code_sent_at REAL,
            request_id TEXT NOT NULL,
            decision_id TEXT NOT NULL,
            policy_version TEXT NOT NULL
        );
        CREATE INDEX portal_links_key ON portal_links (key_id);
        CREATE INDEX portal_links_purge ON portal_links (purge_after)
        """,
    ),
    # proxy.policy.versions: every policy loaded or published (hash, YAML, who, when, why)
    Migration(
        "0005_policy_versions",
        """
        CREATE TABLE policy_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            version TEXT NOT NULL,
            name TEXT NOT NULL,
            mode TEXT NOT NULL,
            event TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT NOT NULL,
            ts REAL NOT NULL,
            yaml TEXT NOT NULL
        );
        CREATE INDEX policy_versions_version ON policy_versions (version)
        """,
    ),
    # proxy.admin.auth: console users, API keys (SHA-256 only), sessions, policy drafts
    Migration(
        "0006_admin_auth",
        """
        CREATE TABLE admin_users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            revoked_at REAL
        );
        CREATE TABLE admin_api_keys (
            id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            user_name TEXT NOT NULL,
            created_at REAL NOT NULL,
            revoked_at REAL,
            last_used_at REAL
        );
        CREATE TABLE admin_sessions (
            id_hash TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            csrf TEXT NOT NULL,
            created_at REAL NOT NULL,
            last_seen REAL NOT NULL
        );
        CREATE TABLE admin_drafts (
            user_name TEXT PRIMARY KEY,
            yaml TEXT NOT NULL,
            updated_at REAL NOT NULL
        )
        """,
    ),
    # proxy.analytics: the de-identified copy of each message, and the ones held back (no text)
    Migration(
        "0007_analytics",
        """
        CREATE TABLE analytics_messages (
            id TEXT PRIMARY KEY,
            decision_id TEXT NOT NULL,
            ts REAL NOT NULL,
            day TEXT NOT NULL,
            provider TEXT NOT NULL,
            action TEXT NOT NULL,
            enforce_action TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            entity_types TEXT NOT NULL,
            entity_counts TEXT NOT NULL,
            condition_classes TEXT NOT NULL,
            medication_classes TEXT NOT NULL,
            encoding TEXT NOT NULL,
            segments BIGINT NOT NULL,
            sender TEXT,
            recipient TEXT,
            upstream_status BIGINT,
            delivery_status TEXT,
            text TEXT
        );
        CREATE INDEX analytics_messages_ts ON analytics_messages (ts);
        CREATE INDEX analytics_messages_day ON analytics_messages (day);
        CREATE INDEX analytics_messages_decision ON analytics_messages (decision_id);
        CREATE TABLE analytics_held_back (
            id TEXT PRIMARY KEY,
            ts REAL NOT NULL,
            day TEXT NOT NULL,
            provider TEXT NOT NULL,
            action TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            residual_types TEXT NOT NULL
        );
        CREATE INDEX analytics_held_back_ts ON analytics_held_back (ts)
        """,
    ),
    # proxy.audit.log / proxy.audit.checkpoints: signed checkpoints and retention anchors
    Migration(
        "0008_audit_checkpoints",
        """
        CREATE TABLE audit_checkpoints (
            seq BIGINT NOT NULL,
            hash TEXT NOT NULL,
            ts REAL NOT NULL,
            kind TEXT NOT NULL,
            key_id TEXT NOT NULL,
            public_key TEXT NOT NULL,
            signature TEXT NOT NULL,
            PRIMARY KEY (seq, kind)
        )
        """,
    ),
    # proxy.outbound.idempotency: first response per (provider + credential hash, key)
    Migration(
        "0009_idempotency",
        """
        CREATE TABLE idempotency_keys (
            scope TEXT NOT NULL,
            idem_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            state TEXT NOT NULL,
            created REAL NOT NULL,
            status INTEGER,
            headers TEXT,
            body BLOB,
            PRIMARY KEY (scope, idem_key)
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys (created)
        """,
    ),
    # proxy.crypto.shared_keys: fingerprints of the keys a shared store's data was written with
    Migration(
        "0010_key_fingerprints",
        "CREATE TABLE key_fingerprints"
        " (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, created_at REAL NOT NULL)",
    ),
    # store.failure_counts: recent failures per keyed hash (portal address limit, sign-in lockout)
    Migration(
        "0011_failure_events",
        """
        CREATE TABLE failure_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            ts REAL NOT NULL
        );
        CREATE INDEX failure_events_key ON failure_events (scope, key_hash, ts);
        CREATE INDEX failure_events_ts ON failure_events (scope, ts)
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
