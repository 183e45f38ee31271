"""SQLite backend: the embedded default. WAL and synchronous=FULL, so a committed audit record
survives a crash before the send it covers goes out.

Each connection lives on a thread of its own and is only ever touched there. Every call from
the event loop is a trip: a queue hand-off, a thread wake-up, a loop wake-up. So a call does as
much as it can in one trip: a one-statement write runs BEGIN, the statement and COMMIT together,
a :data:`~proxy.store.interface.Work` runs whole, and a transaction's BEGIN rides with its first
statement. Plain reads go to a second connection, so a send's opt-out check never waits behind
another request's commit (WAL lets readers and one writer run side by side).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from proxy.store.interface import Row, Step, StoreUnavailable, Work

T = TypeVar("T")
_Job = tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


def _path(url: str) -> str:
    rest = url[len("sqlite:") :]
    if rest in ("", "//", "//:memory:", ":memory:"):
        return ":memory:"
    if rest.startswith("///"):
        return rest[3:] if not rest[3:].startswith("/") else rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


def _resolve(fut: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if fut.done():  # the caller gave up (cancelled) meanwhile
        return
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(value)


class _Connection:
    """One sqlite3 connection owned by one thread; callers await functions run on it, in order."""

    def __init__(self, path: str, name: str) -> None:
        self._path = path
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._db: sqlite3.Connection | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                if self._db is not None:
                    self._db.close()
                return
            fn, fut, loop = job
            try:
                if self._db is None:
                    self._db = _connect(self._path)
                value, error = fn(self._db), None
            except BaseException as e:  # noqa: BLE001 - handed to the caller, who decides
                value, error = None, e
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_resolve, fut, value, error)

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise StoreUnavailable("sqlite: the connection is closed")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self._jobs.put((fn, fut, loop))
        return await fut

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA busy_timeout=5000")
    _wal(db)
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _wal(db: sqlite3.Connection, seconds: float = 5.0) -> None:
    """Switch to WAL. Processes opening a new file together (``serve --workers N``) can get
    "database is locked" here without the busy handler being consulted, so retry briefly."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                db.close()
                raise StoreUnavailable(f"sqlite: {type(e).__name__}") from None
            time.sleep(0.02)


# ------------------------------------------------------------------ run on the connection's thread
def _step(db: sqlite3.Connection, step: Step) -> Any:
    if step.op == "execute":
        return db.execute(step.sql, step.args).rowcount
    if step.op == "executemany":
        db.executemany(step.sql, step.args[0])
        return None
    if step.op == "fetch":
        return [dict(r) for r in db.execute(step.sql, step.args).fetchall()]
    if step.op == "fetchrow":
        row = db.execute(step.sql, step.args).fetchone()
        return dict(row) if row is not None else None
    return None  # lock: BEGIN IMMEDIATE already holds the database's single write lock


def _begin(db: sqlite3.Connection) -> None:
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as e:
        raise StoreUnavailable(f"sqlite: {type(e).__name__}") from None


def _rollback(db: sqlite3.Connection) -> None:
    """Roll back unless SQLite already did (it does on its own after e.g. SQLITE_FULL); a
    second ROLLBACK would raise and hide the error that caused the first."""
    if db.in_transaction:
        db.execute("ROLLBACK")


def _commit(db: sqlite3.Connection) -> None:
    try:
        db.execute("COMMIT")
    except sqlite3.Error as e:
        _rollback(db)
        raise StoreUnavailable(f"sqlite commit: {type(e).__name__}") from None


def _run_work(db: sqlite3.Connection, work: Work[T]) -> T:
    """A whole transaction in one go: BEGIN, every step, COMMIT (or ROLLBACK on any error)."""
    _begin(db)
    try:
        result: Any = None
        while True:
            try:
                step = work.send(result)
            except StopIteration as done:
                value: T = done.value
                break
            result = _step(db, step)
    except BaseException:
        _rollback(db)
        raise
    _commit(db)
    return value


def _once(step: Step) -> Callable[[sqlite3.Connection], Any]:
    """A one-statement transaction."""

    def work() -> Work[Any]:
        return (yield step)

    return lambda db: _run_work(db, work())


# ------------------------------------------------------------------------------ the event loop
class _SqliteTx:
    """Statements of an open transaction; BEGIN goes with the first one."""

    def __init__(self, conn: _Connection) -> None:
        self._conn = conn
        self.begun = False

    async def _do(self, step: Step) -> Any:
        if self.begun:
            return await self._conn.call(lambda db: _step(db, step))

        def first(db: sqlite3.Connection) -> Any:
            _begin(db)
            self.begun = True
            return _step(db, step)

        return await self._conn.call(first)

    async def execute(self, sql: str, *args: Any) -> int:
        count: int = await self._do(Step("execute", sql, args))
        return count

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._do(Step("executemany", sql, (rows,)))

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        rows: list[Row] = await self._do(Step("fetch", sql, args))
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        row: Row | None = await self._do(Step("fetchrow", sql, args))
        return row

    async def lock(self, table: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already holds the database's single write lock."""


class SqliteDatabase:
    dialect = "sqlite"

    def __init__(self, writer: _Connection, reader: _Connection, path: str) -> None:
        self._writer = writer
        self._reader = reader
        self._lock = asyncio.Lock()  # one transaction at a time on the writing connection
        self.path = path

    @classmethod
    async def open(cls, url: str) -> SqliteDatabase:
        path = _path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = _Connection(path, "phi-sqlite-write")
        try:
            await writer.call(lambda db: None)  # connects, or raises why not
        except BaseException:
            await writer.close()
            raise
        # an in-memory database exists once per connection: it reads where it writes
        reader = writer if path == ":memory:" else _Connection(path, "phi-sqlite-read")
        return cls(writer, reader, path)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SqliteTx]:
        async with self._lock:
            tx = _SqliteTx(self._writer)
            try:
                yield tx
            except BaseException:
                if tx.begun:
                    await self._writer.call(_rollback)
                raise
            if tx.begun:
                await self._writer.call(_commit)

    async def run(self, work: Work[T]) -> T:
        async with self._lock:
            return await self._writer.call(lambda db: _run_work(db, work))

    async def execute(self, sql: str, *args: Any) -> int:
        async with self._lock:
            count: int = await self._writer.call(_once(Step("execute", sql, args)))
            return count

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self._lock:
            await self._writer.call(_once(Step("executemany", sql, (rows,))))

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        rows: list[Row] = await self._read(Step("fetch", sql, args))
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        row: Row | None = await self._read(Step("fetchrow", sql, args))
        return row

    async def _read(self, step: Step) -> Any:
        if self._reader is self._writer:
            async with self._lock:
                return await self._writer.call(lambda db: _step(db, step))
        return await self._reader.call(lambda db: _step(db, step))

    async def stream(self, sql: str, *args: Any) -> AsyncIterator[Row]:
        rows = await self.fetch(sql, *args)
        for r in rows:
            yield r

    async def close(self) -> None:
        await self._writer.close()
        if self._reader is not self._writer:
            await self._reader.close()
