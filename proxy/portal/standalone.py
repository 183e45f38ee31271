"""The portal outside the server (``scrub``, ``keys``, ``portal purge``): same store, same keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxy.audit.log import AuditLog
from proxy.crypto.shared_keys import load_pseudonym_key
from proxy.crypto.vault_keys import KeyRing, load_kek
from proxy.portal.service import Portal
from proxy.settings import Settings
from proxy.store import open_database


@asynccontextmanager
async def open_portal(settings: Settings) -> AsyncIterator[Portal]:
    """A :class:`Portal` on the settings' storage URL and KEK, closed on exit."""
    storage = settings.storage
    kek = load_kek(storage.data_dir, storage.kek_file)
    db = await open_database(storage.url)
    try:
        keys = KeyRing(db, kek)
        await keys.check()
        yield Portal(
            db,
            keys,
            kek,
            AuditLog(db),
            await load_pseudonym_key(db, storage.data_dir),
            settings.server.public_base_url,
        )
    finally:
        await db.close()
