"""Each console user's policy draft (``admin_drafts``): what they are editing, kept across pages
and sessions until they publish or discard it."""

from __future__ import annotations

import time

from aiohttp import web

from proxy import appkeys
from proxy.admin.auth import Principal


async def load_draft(request: web.Request, principal: Principal) -> str:
    """The user's draft, or the live policy's YAML when they have none."""
    row = await request.app[appkeys.STORE].fetchrow(
        "SELECT yaml FROM admin_drafts WHERE user_name = ?", principal.name
    )
    return row["yaml"] if row else request.app[appkeys.POLICY].current.text


async def save_draft(request: web.Request, principal: Principal, text: str) -> None:
    db = request.app[appkeys.STORE]
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM admin_drafts WHERE user_name = ?", principal.name)
        await tx.execute(
            "INSERT INTO admin_drafts (user_name, yaml, updated_at) VALUES (?, ?, ?)",
            principal.name,
            text,
            time.time(),
        )
