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


class _SqliteTx:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        cur = await self._conn.execute(sql, args)
        return cur.rowcount

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._conn.execute(sql, args) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        async with self._conn.execute(sql, args) as cur:
            r = await cur.fetchone()
            return dict(r) if r is not None else None


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
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
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
        async with self.transaction():
            await self._conn.executemany(sql, rows)

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
