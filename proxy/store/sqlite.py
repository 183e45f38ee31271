"""SQLite backend (aiosqlite): the embedded default. WAL and synchronous=FULL, so a committed
audit record survives a crash before the send it covers goes out."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from proxy.store.db import Row, StoreUnavailable


def _path(url: str) -> str:
    rest = url[len("sqlite:") :]
    if rest in ("", "//", "//:memory:", ":memory:"):
        return ":memory:"
    if rest.startswith("///"):
        return rest[3:] if not rest[3:].startswith("/") else rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


async def _wal(conn: aiosqlite.Connection, seconds: float = 5.0) -> None:
    """Switch to WAL. Processes opening a new file together (``serve --workers N``) can get
    "database is locked" here without the busy handler being consulted, so retry briefly."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or asyncio.get_running_loop().time() > deadline:
                await conn.close()
                raise StoreUnavailable(f"sqlite: {type(e).__name__}") from None
            await asyncio.sleep(0.02)


class _SqliteTx:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        cur = await self._conn.execute(sql, args)
        return cur.rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        # one trip to the connection's thread (execute + fetchall + close would be three)
        return [dict(r) for r in await self._conn.execute_fetchall(sql, args)]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = list(await self._conn.execute_fetchall(sql, args))
        return dict(rows[0]) if rows else None

    async def lock(self, table: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already holds the database's single write lock."""


class SqliteDatabase:
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, url: str) -> SqliteDatabase:
        path = _path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout=5000")
        await _wal(conn)
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        return cls(conn, path)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SqliteTx]:
        async with self._lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise StoreUnavailable(f"sqlite: {type(e).__name__}") from None
            try:
                yield _SqliteTx(self._conn)
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._conn.execute("COMMIT")
            except sqlite3.Error as e:
                await self._rollback()
                raise StoreUnavailable(f"sqlite commit: {type(e).__name__}") from None

    async def _rollback(self) -> None:
        """Roll back unless SQLite already did (it does on its own after e.g. SQLITE_FULL); a
        second ROLLBACK would raise and hide the error that caused the first."""
        if self._conn.in_transaction:
            await self._conn.execute("ROLLBACK")

    async def execute(self, sql: str, *args: Any) -> int:
        async with self.transaction() as tx:
            return await tx.execute(sql, *args)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._lock:
            return await _SqliteTx(self._conn).fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        async with self._lock:
            return await _SqliteTx(self._conn).fetchrow(sql, *args)

    async def stream(self, sql: str, *args: Any) -> AsyncIterator[Row]:
        rows = await self.fetch(sql, *args)
        for r in rows:
            yield r

    async def close(self) -> None:
        await self._conn.close()
