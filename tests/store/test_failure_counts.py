"""Failure counts in the store (portal address limit, sign-in lockout), on SQLite and PostgreSQL:
the sliding window, one count across processes and instances, keyed hashes only, pruning, and
refusal when the store fails."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from proxy.store import Database, failure_counts, open_database
from proxy.store.failure_counts import PRUNE_EVERY, FailureCounts
from proxy.store.interface import StoreUnavailable
from tests.support.fakes import Clock

KEY = b"h" * 32


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    yield database
    await database.close()


async def _rows(db: Database) -> int:
    row = await db.fetchrow("SELECT COUNT(*) AS n FROM failure_events")
    assert row is not None
    return int(row["n"])


async def test_a_sliding_window_of_failures_per_key(db: Database) -> None:
    clock = Clock()
    t0 = clock.t
    counts = FailureCounts(db, "portal.client", limit=3, window=10, hash_key=KEY, clock=clock)
    assert not await counts.blocked("10.0.0.1")
    for dt in (0, 1, 2):
        clock.t = t0 + dt
        await counts.hit("10.0.0.1")
    assert await counts.blocked("10.0.0.1")
    assert not await counts.blocked("10.0.0.2")  # per key
    clock.t = t0 + 10.5  # the first failure has left the window
    assert not await counts.blocked("10.0.0.1")
    await counts.hit("10.0.0.1")
    assert await counts.blocked("10.0.0.1")


async def test_scopes_are_separate_and_clear_forgets_one_key(db: Database) -> None:
    portal = FailureCounts(db, "portal.client", limit=2, window=60, hash_key=KEY)
    signin = FailureCounts(db, "admin.signin", limit=2, window=60, hash_key=KEY)
    for _ in range(2):
        await portal.hit("olivia")
        await signin.hit("olivia")
        await signin.hit("omar")
    assert await portal.blocked("olivia") and await signin.blocked("olivia")
    await signin.clear("olivia")
    assert not await signin.blocked("olivia")
    assert await signin.blocked("omar")  # another key keeps its count
    assert await portal.blocked("olivia")  # another scope keeps its count


async def test_processes_on_one_store_share_one_count(db_url: str) -> None:
    """Two connections stand for two workers or instances (SQLite: two processes on one file;
    PostgreSQL: two instances): failures on either count against both."""
    a, b = await open_database(db_url), await open_database(db_url)
    try:
        on_a = FailureCounts(a, "admin.signin", limit=5, window=900, hash_key=KEY)
        on_b = FailureCounts(b, "admin.signin", limit=5, window=900, hash_key=KEY)
        for counts in (on_a, on_b, on_a, on_b):
            await counts.hit("olivia")
        assert not await on_a.blocked("olivia") and not await on_b.blocked("olivia")
        await on_b.hit("olivia")  # the fifth, on B
        assert await on_a.blocked("olivia") and await on_b.blocked("olivia")
        await on_a.clear("olivia")  # a success on A clears it for B too
        assert not await on_b.blocked("olivia")
    finally:
        await a.close()
        await b.close()


async def test_only_keyed_hashes_are_stored(db: Database) -> None:
    counts = FailureCounts(db, "portal.client", limit=3, window=60, hash_key=KEY)
    await counts.hit("203.0.113.7")
    (row,) = await db.fetch("SELECT scope, key_hash FROM failure_events")
    assert row["scope"] == "portal.client"
    assert "203.0.113" not in row["key_hash"] and len(row["key_hash"]) == 32
    # another hash key (another deployment) makes another hash, so it is not a plain SHA-256
    assert FailureCounts(db, "portal.client", 3, 60, hash_key=b"x" * 32).key_hash(
        "203.0.113.7"
    ) != counts.key_hash("203.0.113.7")


async def test_old_rows_are_pruned_in_bounded_batches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    t0 = clock.t
    old = FailureCounts(db, "portal.client", limit=30, window=10, hash_key=KEY, clock=clock)
    for i in range(100):
        await old.hit(f"10.0.{i}.1")
    monkeypatch.setattr(failure_counts, "PRUNE_BATCH", 40)
    clock.t = t0 + 11  # all 100 have left the window
    other_scope = FailureCounts(db, "admin.signin", limit=5, window=10, hash_key=KEY, clock=clock)
    await other_scope.prune()
    assert await _rows(db) == 100  # pruning one scope leaves the other's rows alone
    fresh = FailureCounts(db, "portal.client", limit=30, window=10, hash_key=KEY, clock=clock)
    await fresh.hit("10.1.0.1")  # a new process's first failure prunes at once ...
    assert await _rows(db) == 100 - 40 + 1  # ... at most PRUNE_BATCH rows


async def test_a_flood_does_not_grow_the_table(db: Database) -> None:
    """One failure a second from ever-new addresses: the table holds the window's rows plus at
    most one pruning interval's, however long the flood goes on."""
    clock = Clock()
    counts = FailureCounts(db, "portal.client", limit=30, window=10, hash_key=KEY, clock=clock)
    sizes = []
    for i in range(300):
        clock.t += 1
        await counts.hit(f"198.51.{i // 256}.{i % 256}")
        sizes.append(await _rows(db))
    assert max(sizes[200:]) <= max(sizes[:100])  # no growth with the flood's length
    assert max(sizes) <= 10 + PRUNE_EVERY
    assert sizes[-1] >= 10  # the window's own rows stay


async def test_a_failing_store_refuses(db: Database) -> None:
    counts = FailureCounts(db, "admin.signin", limit=5, window=900, hash_key=KEY)
    await db.execute("DROP TABLE failure_events")
    with pytest.raises(StoreUnavailable):
        await counts.blocked("olivia")
    with pytest.raises(StoreUnavailable):
        await counts.hit("olivia")
    with pytest.raises(StoreUnavailable):
        await counts.clear("olivia")
