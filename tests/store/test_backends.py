"""The storage interface behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from proxy.audit.log import AuditEvent, AuditLog, verify
from proxy.store import MIGRATIONS, open_database, upgrade
from proxy.store import interface as steps
from proxy.store.interface import Work


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


def _bump(key: str, fail: bool = False) -> Work[int]:
    """Read-then-write as steps: the shape of the audit chain's append."""
    yield steps.lock("t")
    row = yield steps.fetchrow("SELECT v FROM t WHERE k = ?", key)
    value = (row["v"] if row else 0) + 1
    yield steps.execute(
        "INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        key,
        value,
    )
    yield steps.executemany("INSERT INTO log (k) VALUES (?)", [(key,), (key,)])
    if fail:
        raise RuntimeError("boom")
    rows = yield steps.fetch("SELECT k FROM log WHERE k = ?", key)
    return value * 100 + len(rows)


async def test_work_commits_on_return_and_rolls_back_on_raise(db_url):
    db = await open_database(db_url)
    try:
        await db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
        await db.execute("CREATE TABLE log (k TEXT NOT NULL)")
        assert await db.run(_bump("a")) == 102  # every step saw the ones before it
        assert await db.run(_bump("a")) == 204
        with pytest.raises(RuntimeError):
            await db.run(_bump("a", fail=True))
        assert await db.fetchrow("SELECT v FROM t WHERE k = ?", "a") == {"v": 2}
        assert len(await db.fetch("SELECT k FROM log")) == 4
        # many at once through one connection (one instance's concurrent sends): none lost
        await asyncio.gather(*(db.run(_bump("b")) for _ in range(20)))
        assert await db.fetchrow("SELECT v FROM t WHERE k = ?", "b") == {"v": 20}
    finally:
        await db.close()


async def test_a_read_does_not_wait_for_an_open_write_transaction(db_url):
    # A send's opt-out check must not queue behind another request's commit.
    db = await open_database(db_url)
    try:
        await db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
        await db.execute("INSERT INTO t (k, v) VALUES (?, ?)", "a", 1)
        async with db.transaction() as tx:
            await tx.execute("UPDATE t SET v = ? WHERE k = ?", 2, "a")
            seen = await asyncio.wait_for(db.fetchrow("SELECT v FROM t WHERE k = ?", "a"), 5)
            assert seen == {"v": 1}  # the committed state, not the open transaction's
        assert await db.fetchrow("SELECT v FROM t WHERE k = ?", "a") == {"v": 2}
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


async def test_a_question_mark_in_a_literal_is_not_a_placeholder(db_url):
    db = await open_database(db_url)
    try:
        row = await db.fetchrow("SELECT 'why?' AS a, ? AS b, 'it''s ?' AS c, ? AS d", "x", "y")
        assert row == {"a": "why?", "b": "x", "c": "it's ?", "d": "y"}
    finally:
        await db.close()
