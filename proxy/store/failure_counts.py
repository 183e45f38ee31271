"""Failure counts kept in the store, so every worker and instance sharing it enforces one count.

The portal's per-address limit and the console's sign-in lockout count failures here: kept per
process, N workers or instances would give a guesser N times the attempts. Each failure is one
row (scope, keyed hash of the key, time); a check is one indexed, bounded COUNT over the window.
Rows past the window are deleted in small batches every :data:`PRUNE_EVERY` failures, faster than
they are added, so a flood cannot grow the table without bound. Keys (client addresses, user
names) are stored only as keyed hashes.

Any store error is raised as :class:`StoreUnavailable`: a count that cannot be read or written
must refuse the request (fail closed), never let it through uncounted.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

from proxy.logs import get_logger
from proxy.store import Database
from proxy.store.interface import StoreUnavailable

log = get_logger(__name__)

PRUNE_EVERY = 16  # failures recorded (per process) between prunes
PRUNE_BATCH = 256  # rows one prune deletes at most: well above PRUNE_EVERY, so pruning keeps up


class FailureCounts:
    """A sliding window of failures per key within one ``scope``: at most ``limit`` failures per
    ``window`` seconds before :meth:`blocked` says so. ``hash_key`` keys the hash of each key
    (give every instance the same one, e.g. derived from the shared pseudonym key)."""

    def __init__(
        self,
        db: Database,
        scope: str,
        limit: int,
        window: float,
        hash_key: bytes = b"",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db, self.scope, self.limit, self.window = db, scope, limit, window
        self.clock = clock
        self._hash_key = hash_key
        self._hits = 0

    def key_hash(self, key: str) -> str:
        msg = f"{self.scope}|{key}".encode()
        return hmac.new(self._hash_key, msg, hashlib.sha256).hexdigest()[:32]

    async def blocked(self, key: str) -> bool:
        """True when ``key`` has had ``limit`` failures within the window."""
        try:
            row = await self.db.fetchrow(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM failure_events"
                " WHERE scope = ? AND key_hash = ? AND ts > ? LIMIT ?) AS recent",
                self.scope,
                self.key_hash(key),
                self.clock() - self.window,
                self.limit,
            )
        except Exception as e:  # noqa: BLE001 - fail closed: the caller must refuse
            raise StoreUnavailable(f"failure counts: {type(e).__name__}") from None
        return row is not None and int(row["n"]) >= self.limit

    async def recent(self, key: str) -> tuple[int, float]:
        """How many failures ``key`` had within the window, and when the last one was (0.0 for
        none)."""
        try:
            row = await self.db.fetchrow(
                "SELECT COUNT(*) AS n, MAX(ts) AS last FROM failure_events"
                " WHERE scope = ? AND key_hash = ? AND ts > ?",
                self.scope,
                self.key_hash(key),
                self.clock() - self.window,
            )
        except Exception as e:  # noqa: BLE001 - fail closed: the caller must refuse
            raise StoreUnavailable(f"failure counts: {type(e).__name__}") from None
        if row is None or not row["n"]:
            return 0, 0.0
        return int(row["n"]), float(row["last"])

    async def hit(self, key: str) -> None:
        """Count one failure for ``key``."""
        now = self.clock()
        try:
            await self.db.execute(
                "INSERT INTO failure_events (scope, key_hash, ts) VALUES (?, ?, ?)",
                self.scope,
                self.key_hash(key),
                now,
            )
        except Exception as e:  # noqa: BLE001 - fail closed: the caller must refuse
            raise StoreUnavailable(f"failure counts: {type(e).__name__}") from None
        self._hits += 1
        if (self._hits - 1) % PRUNE_EVERY == 0:  # the first failure after start, then every Nth
            try:
                await self.prune(now)
            except Exception as e:  # noqa: BLE001 - housekeeping; the failure is counted
                log.warning("failure counts: prune failed: %s", type(e).__name__)

    async def clear(self, key: str) -> None:
        """Forget ``key``'s failures (a successful sign-in)."""
        try:
            await self.db.execute(
                "DELETE FROM failure_events WHERE scope = ? AND key_hash = ?",
                self.scope,
                self.key_hash(key),
            )
        except Exception as e:  # noqa: BLE001 - fail closed: the caller must refuse
            raise StoreUnavailable(f"failure counts: {type(e).__name__}") from None

    async def prune(self, now: float | None = None) -> int:
        """Delete up to :data:`PRUNE_BATCH` of this scope's rows that have left the window."""
        cutoff = (self.clock() if now is None else now) - self.window
        return await self.db.execute(
            "DELETE FROM failure_events WHERE id IN (SELECT id FROM failure_events"
            " WHERE scope = ? AND ts <= ? LIMIT ?)",
            self.scope,
            cutoff,
            PRUNE_BATCH,
        )
