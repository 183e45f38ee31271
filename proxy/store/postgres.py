"""PostgreSQL backend (asyncpg with a connection pool): shared state for many proxy instances.

Queries are written once with ``?`` placeholders (see :mod:`proxy.store.interface`); they are
rewritten to ``$1, $2, …`` here, leaving any ``?`` inside a quoted literal or identifier alone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg

from proxy.store.interface import Row, StoreUnavailable, Work, drive

T = TypeVar("T")

# a quoted literal or identifier (kept as is), or a placeholder
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    counter = iter(range(1, 10_000))
    return _TOKEN.sub(lambda m: f"${next(counter)}" if m.group(0) == "?" else m.group(0), sql)


def _count(status: str) -> int:
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class _PgTx:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        return _count(await self._conn.execute(numbered(sql), *args))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(numbered(sql), rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(r) for r in await self._conn.fetch(numbered(sql), *args)]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        r = await self._conn.fetchrow(numbered(sql), *args)
        return dict(r) if r is not None else None

    async def lock(self, table: str) -> None:
        # EXCLUSIVE blocks other writers (and other lockers) but not plain readers
        if not _IDENTIFIER.fullmatch(table):
            raise ValueError("lock: not a table name")
        await self._conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


class PostgresDatabase:
    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> PostgresDatabase:
        try:
            pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size)
        except (OSError, asyncpg.PostgresError) as e:
            raise StoreUnavailable(f"postgres: cannot connect ({type(e).__name__})") from None
        if pool is None:
            raise RuntimeError("no connection pool")
        return cls(pool)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PgTx]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield _PgTx(conn)

    async def run(self, work: Work[T]) -> T:
        async with self.transaction() as tx:
            return await drive(tx, work)

    async def execute(self, sql: str, *args: Any) -> int:
        return _count(await self._pool.execute(numbered(sql), *args))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._pool.executemany(numbered(sql), rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(r) for r in await self._pool.fetch(numbered(sql), *args)]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        r = await self._pool.fetchrow(numbered(sql), *args)
        return dict(r) if r is not None else None

    async def stream(self, sql: str, *args: Any) -> AsyncIterator[Row]:
        async with self._pool.acquire() as conn, conn.transaction():
            async for r in conn.cursor(numbered(sql), *args):
                yield dict(r)

    async def close(self) -> None:
        await self._pool.close()
