"""The vault's sealed records (table ``portal_links``): two sealed fields per record, ``body``
and ``secret``, each bound to (record id, key id, purpose) by :class:`~proxy.crypto.vault_keys.
KeyRing`. Re-encryption under a new data key lives here, next to the keys, so the ``keys``
command needs nothing from the portal that issues the records (:mod:`proxy.portal.vault`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from proxy.crypto.shared_keys import load_pseudonym_key
from proxy.crypto.vault_keys import KeyRing, load_kek
from proxy.store import Database, open_database

if TYPE_CHECKING:
    from proxy.settings import StorageSettings

BODY = "body"
SECRET = "secret"


@dataclass(frozen=True)
class OpenVault:
    db: Database
    kek: bytes
    keys: KeyRing
    pseudonym_key: bytes


@asynccontextmanager
async def open_vault(storage: StorageSettings) -> AsyncIterator[OpenVault]:
    """The store, KEK and key ring as the server opens them, for commands run outside it
    (``keys``, ``portal purge``, ``scrub``): the KEK is checked against the store, and so is the
    pseudonym key, as for every process that opens the store. The store is closed on exit."""
    kek = load_kek(storage.data_dir, storage.kek_file)
    db = await open_database(storage.url)
    try:
        keys = KeyRing(db, kek)
        await keys.check()
        yield OpenVault(db, kek, keys, await load_pseudonym_key(db, storage.data_dir))
    finally:
        await db.close()


async def reencrypt(db: Database, keys: KeyRing, to_key: str, batch: int = 200) -> int:
    """Re-seal every record not under ``to_key`` with it. Plaintext stays in memory only."""
    done = 0
    while True:
        rows = await db.fetch(
            "SELECT record_id, key_id, body, secret FROM portal_links WHERE key_id != ?"
            " ORDER BY record_id LIMIT ?",
            to_key,
            batch,
        )
        if not rows:
            return done
        updates = []
        for r in rows:
            rid, old = str(r["record_id"]), str(r["key_id"])
            sealed: list[bytes | None] = []
            for purpose in (BODY, SECRET):
                blob = r[purpose]
                if blob is None:
                    sealed.append(None)
                    continue
                plain = await keys.open(old, rid, purpose, blob)
                sealed.append(await keys.seal_with(to_key, rid, purpose, plain))
            updates.append(_reseal_update(to_key, rid, old, sealed[0], sealed[1]))
        async with db.transaction() as tx:
            for sql, args in updates:
                done += await tx.execute(sql, *args)
        # a record changed meanwhile (e.g. a view-once read) kept its old key: next round


def _reseal_update(
    to_key: str, record_id: str, old_key: str, body: bytes | None, secret: bytes | None
) -> tuple[str, list[Any]]:
    """The UPDATE for one re-sealed record. It applies only if the record still looks as it did
    when read, so a field a view-once read destroyed meanwhile is never brought back."""
    sets: list[str] = ["key_id = ?"]
    args: list[Any] = [to_key]
    conds, cond_args = ["record_id = ?", "key_id = ?"], [record_id, old_key]
    for column, blob in (("body", body), ("secret", secret)):
        if blob is None:
            conds.append(f"{column} IS NULL")
        else:
            sets.append(f"{column} = ?")
            args.append(blob)
            conds.append(f"{column} IS NOT NULL")
    sql = f"UPDATE portal_links SET {', '.join(sets)} WHERE {' AND '.join(conds)}"
    return sql, [*args, *cond_args]
