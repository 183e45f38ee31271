"""The Database interface and the URL that picks its backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Row = dict[str, Any]


class StoreUnavailable(Exception):
    """The store failed; callers that need durability must refuse the request."""


class Tx(Protocol):
    """A unit of work: all its statements commit together or not at all."""

    async def execute(self, sql: str, *args: Any) -> int: ...
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...
    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...

    async def lock(self, table: str) -> None:
        """Serialise this transaction against every other writer of ``table``, in any process
        or instance, until it ends: for read-then-write steps (a chain's tail, "is there an
        active key yet?") that must see what a concurrent writer just committed."""


class Database(Protocol):
    """What feature modules use. ``dialect`` is 'sqlite' or 'postgres'."""

    dialect: str

    async def execute(self, sql: str, *args: Any) -> int: ...
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...
    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...
    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...
    def stream(self, sql: str, *args: Any) -> AsyncIterator[Row]: ...
    async def close(self) -> None: ...


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open ``sqlite:///path`` or ``postgresql://…`` and apply migrations."""
    from proxy.store.migrations import upgrade

    db: Database
    if url.startswith("sqlite:"):
        from proxy.store.sqlite import SqliteDatabase

        db = await SqliteDatabase.open(url)
    elif url.startswith(("postgres://", "postgresql://")):
        from proxy.store.postgres import PostgresDatabase

        db = await PostgresDatabase.open(url)
    else:
        raise ValueError(f"unsupported storage URL scheme in {url.split(':', 1)[0]!r}")
    if migrate:
        await upgrade(db)
    return db
