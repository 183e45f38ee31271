"""The Database interface every backend implements (this module imports no backend)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

Row = dict[str, Any]
T = TypeVar("T")


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


@dataclass(frozen=True, slots=True)
class Step:
    """One statement of a :data:`Work`: what it would await on a :class:`Tx`, as data."""

    op: Literal["execute", "executemany", "fetch", "fetchrow", "lock"]
    sql: str
    args: tuple[Any, ...] = ()


def execute(sql: str, *args: Any) -> Step:
    return Step("execute", sql, args)


def executemany(sql: str, rows: Sequence[Sequence[Any]]) -> Step:
    return Step("executemany", sql, (rows,))


def fetch(sql: str, *args: Any) -> Step:
    return Step("fetch", sql, args)


def fetchrow(sql: str, *args: Any) -> Step:
    return Step("fetchrow", sql, args)


def lock(table: str) -> Step:
    return Step("lock", table)


#: A transaction written as a generator: it yields :class:`Step`s, is sent each one's result
#: (what the same call on a :class:`Tx` returns) and returns its own result. Being data, it can
#: run where the connection is: SQLite runs all of it in one trip to its connection's thread,
#: where awaiting each statement would cost a trip (and an event-loop wake-up) apiece.
Work = Generator[Step, Any, T]


async def drive(tx: Tx, work: Work[T]) -> T:
    """Run ``work`` on an open transaction, one awaited statement per step."""
    result: Any = None
    try:
        while True:
            step = work.send(result)
            if step.op == "execute":
                result = await tx.execute(step.sql, *step.args)
            elif step.op == "executemany":
                await tx.executemany(step.sql, step.args[0])
                result = None
            elif step.op == "fetch":
                result = await tx.fetch(step.sql, *step.args)
            elif step.op == "fetchrow":
                result = await tx.fetchrow(step.sql, *step.args)
            else:
                await tx.lock(step.sql)
                result = None
    except StopIteration as done:
        value: T = done.value
        return value


class Database(Protocol):
    """What feature modules use. ``dialect`` is 'sqlite' or 'postgres'."""

    dialect: str

    async def execute(self, sql: str, *args: Any) -> int: ...
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...
    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...
    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...

    async def run(self, work: Work[T]) -> T:
        """Run ``work`` as one transaction (committed if it returns, rolled back if it raises)."""
        ...

    def stream(self, sql: str, *args: Any) -> AsyncIterator[Row]: ...
    async def close(self) -> None: ...
