"""Admin actions in the audit log, recorded one way: durable first, or the action answers 503.

The console and the API record the same events (sign-in, users, keys); only the shape of the
503 differs (a plain-text page for the console, a JSON error for the API).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin.state_keys import PRINCIPAL
from proxy.audit.log import AuditEvent, AuditUnavailable


def actor(request: web.Request) -> str:
    """The signed-in caller's name ("?" on a public route, which has none)."""
    p = request[PRINCIPAL]
    return p.name if p else "?"


async def record(
    request: web.Request,
    kind: str,
    *,
    outcome: str = "done",
    by: str | None = None,
    details: dict[str, Any] | None = None,
    json_error: bool = False,
) -> None:
    """Append an admin event (``by`` defaults to the caller); unwritable → 503, action refused."""
    event = AuditEvent(
        kind=kind,
        outcome=outcome,
        actor=actor(request) if by is None else by,
        details=details or {},
    )
    try:
        await request.app[appkeys.AUDIT].append(event)
    except AuditUnavailable:
        if json_error:
            raise web.HTTPServiceUnavailable(
                text='{"error": "audit log unavailable"}', content_type="application/json"
            ) from None
        raise web.HTTPServiceUnavailable(text="audit log unavailable") from None
