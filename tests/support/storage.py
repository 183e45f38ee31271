"""Which store the suite runs against, and backend-neutral ways for tests to look inside it.

``PHI_PROXY_TEST_STORAGE=postgres`` runs every proxy test on a fresh PostgreSQL store (a schema
of its own, see :class:`PgSchemas`; ``PHI_PROXY_TEST_PG`` names the server's admin URL); the
default is SQLite in ``tmp_path``.
The helpers here are synchronous (they run asyncpg on a private loop in a worker thread) so
that sync tests, CLI tests and sync helpers can use them as well as async tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

BACKENDS = ("sqlite", "postgres")
BACKEND = os.environ.get("PHI_PROXY_TEST_STORAGE", "sqlite").strip().lower() or "sqlite"
if BACKEND not in BACKENDS:
    raise RuntimeError(f"PHI_PROXY_TEST_STORAGE must be one of {BACKENDS}, not {BACKEND!r}")

PG_ADMIN_URL = os.environ.get("PHI_PROXY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

T = TypeVar("T")


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on its own loop in a worker thread (safe inside a loop)."""

    async def go() -> T:
        return await make()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(60)


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_pg_database() -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    name = f"phi_test_{uuid.uuid4().hex[:12]}"
    run_sync(lambda: _admin(f'CREATE DATABASE "{name}"'))
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    run_sync(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class PgSchemas:
    """Fresh, already migrated PostgreSQL stores for the proxy tests: one schema per test in
    one database per session, picked by ``?search_path=`` in the store URL.

    Why not a database per test: DROP DATABASE forces a checkpoint (around a second once the
    suite has written a little) and CREATE DATABASE copies a template, which made the
    PostgreSQL pass several times slower than the SQLite one. A schema is as isolated for our
    tables and costs milliseconds, prepared with ``synchronous_commit=off`` (the tests' own
    connections keep the default). ``pg_url`` still gives store tests whole fresh databases.
    """

    def __init__(self) -> None:
        self.database = create_pg_database()

    def take(self) -> str:
        from proxy.store import open_database

        name = f"t_{uuid.uuid4().hex[:12]}"
        url = f"{self.database}?search_path={name}"

        async def prepare() -> None:
            await _pg_execute(self.database, f'CREATE SCHEMA "{name}"')
            db = await open_database(f"{url}&synchronous_commit=off")
            await db.close()

        run_sync(prepare)
        return url

    def give_back(self, url: str) -> None:
        name = url.rsplit("search_path=", 1)[1]
        sql = f'SET lock_timeout = 5000; DROP SCHEMA IF EXISTS "{name}" CASCADE'
        # still locked by something? then it goes with the session's database
        with contextlib.suppress(Exception):
            run_sync(lambda: _pg_execute(self.database + "?synchronous_commit=off", sql))

    def close(self) -> None:
        drop_pg_database(self.database)


def sqlite_path(url: str) -> Path:
    assert url.startswith("sqlite:///"), url
    return Path(url[len("sqlite://") :])


async def _pg_fetch(url: str, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one read-only query on the store at ``url`` (no placeholders), as plain tuples."""
    if url.startswith("sqlite:"):
        import sqlite3

        con = sqlite3.connect(sqlite_path(url))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    return run_sync(lambda: _pg_fetch(url, sql))


async def _pg_execute(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def execute(url: str, sql: str) -> None:
    """Run one statement on the store at ``url`` behind the proxy's back (e.g. to tamper)."""
    if url.startswith("sqlite:"):
        import sqlite3

        con = sqlite3.connect(sqlite_path(url))
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()
        return
    run_sync(lambda: _pg_execute(url, sql))


def _as_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


async def _pg_dump(url: str) -> bytes:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        out = bytearray()
        for t in tables:
            for r in await conn.fetch(f'SELECT * FROM "{t["tablename"]}"'):
                out += b"\x00".join(_as_bytes(v) for v in r.values()) + b"\n"
        return bytes(out)
    finally:
        await conn.close()


def store_bytes(url: str) -> bytes:
    """Everything the store holds, for "no secret anywhere in the store" checks.

    SQLite: every byte of the database file, its WAL and journal (including free pages).
    PostgreSQL: every value of every row of every table in the schema (bytea raw, others as
    text), the closest SQL-level equivalent.
    """
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    return run_sync(lambda: _pg_dump(url))
