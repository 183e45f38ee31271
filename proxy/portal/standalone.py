"""The portal outside the server (``scrub``, ``keys``, ``portal purge``): same store, same keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxy.audit.log import AuditLog
from proxy.crypto.vault import open_vault
from proxy.portal.service import Portal
from proxy.settings import Settings


@asynccontextmanager
async def open_portal(settings: Settings) -> AsyncIterator[Portal]:
    """A :class:`Portal` on the settings' storage URL and KEK, closed on exit."""
    async with open_vault(settings.storage) as v:
        yield Portal(
            v.db, v.keys, v.kek, AuditLog(v.db), v.pseudonym_key, settings.server.public_base_url
        )
