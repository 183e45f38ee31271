"""The storage interface behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from proxy.audit import AuditEvent, AuditLog, verify
from proxy.store import MIGRATIONS, open_database, upgrade


async def test_migrations_apply_once(db_url):
    db = await open_database(db_url)
    try:
        rows = await db.fetch("SELECT id FROM schema_migrations ORDER BY id")
        assert [r["id"] for r in rows] == sorted(m.id for m in MIGRATIONS)
        assert await upgrade(db) == []
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db_url):
    db = await open_database(db_url)
    try:
        await db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (k, v) VALUES (?, ?)", "a", 1)
                raise RuntimeError("boom")
        assert await db.fetch("SELECT * FROM t") == []
        async with db.transaction() as tx:
            assert await tx.execute("INSERT INTO t (k, v) VALUES (?, ?)", "a", 1) == 1
        assert await db.fetchrow("SELECT v FROM t WHERE k = ?", "a") == {"v": 1}
        assert [r async for r in db.stream("SELECT k FROM t")] == [{"k": "a"}]
    finally:
        await db.close()


async def test_two_instances_writing_keep_one_valid_audit_chain(pg_url):
    # Two proxy instances = two independent pools on one PostgreSQL database.
    a, b = await open_database(pg_url), await open_database(pg_url)
    try:
        log_a, log_b = AuditLog(a), AuditLog(b)
        await asyncio.gather(
            *(
                (log_a if i % 2 else log_b).append(
                    AuditEvent(kind="send", outcome="forwarding", request_id=str(i))
                )
                for i in range(60)
            )
        )
        report = await verify(a)
        assert report.ok, report.problems
        assert report.records == 60
    finally:
        await a.close()
        await b.close()


async def test_concurrent_startup_migrates_once(pg_url):
    dbs = await asyncio.gather(*(open_database(pg_url, migrate=False) for _ in range(3)))
    try:
        results = await asyncio.gather(*(upgrade(d) for d in dbs))
        applied = [m for r in results for m in r]
        assert sorted(applied) == sorted(m.id for m in MIGRATIONS)  # each exactly once
    finally:
        for d in dbs:
            await d.close()
