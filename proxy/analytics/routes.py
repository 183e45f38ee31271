"""The admin API's analytics endpoints, for the ``analyst`` role.

:func:`register_routes` takes the role check as a dependency, so the admin package's real
authentication plugs in unchanged; until it lands, :func:`bearer_key_guard` is a minimal stand-in
(one bearer key from ``PHI_PROXY_ANALYTICS_API_KEY`` or ``<data_dir>/analytics_api.key``).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from aiohttp import web

from proxy import appkeys
from proxy.analytics.export import FORMATS, stream_range
from proxy.analytics.summary import console_summary
from proxy.secrets_store import load_or_create

RoleCheck = Callable[[web.Request, str], Awaitable[None]]
ROLE = "analyst"
_CONTENT_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}


def register_routes(
    app: web.Application, require_role: RoleCheck, prefix: str = "/admin/api"
) -> None:
    """``GET {prefix}/exports`` and ``GET {prefix}/analytics/summary``, both for analysts."""

    async def exports(request: web.Request) -> web.StreamResponse:
        await require_role(request, ROLE)
        return await export_handler(request)

    async def summary(request: web.Request) -> web.StreamResponse:
        await require_role(request, ROLE)
        return await summary_handler(request)

    app.router.add_get(f"{prefix}/exports", exports)
    app.router.add_get(f"{prefix}/analytics/summary", summary)


def _dates(request: web.Request) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    try:
        since = date.fromisoformat(request.query.get("since", today.isoformat()))
        until = date.fromisoformat(request.query.get("until", since.isoformat()))
    except ValueError:
        raise web.HTTPBadRequest(text="since/until must be dates (YYYY-MM-DD)") from None
    if until < since:
        raise web.HTTPBadRequest(text="until is before since")
    return since, until


async def export_handler(request: web.Request) -> web.StreamResponse:
    """One file covering ``since``..``until`` (inclusive days) in ``format``, streamed."""
    since, until = _dates(request)
    fmt = request.query.get("format", "jsonl")
    if fmt not in FORMATS:
        raise web.HTTPBadRequest(text=f"format must be one of {', '.join(FORMATS)}")
    name = f"analytics_{since.isoformat()}_{until.isoformat()}.{fmt}"
    resp = web.StreamResponse(
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    resp.content_type = _CONTENT_TYPES[fmt]
    started = False
    async for chunk in stream_range(request.app[appkeys.STORE], since, until, fmt):
        if not started:
            await resp.prepare(request)
            started = True
        await resp.write(chunk)
    if not started:
        await resp.prepare(request)
    await resp.write_eof()
    return resp


async def summary_handler(request: web.Request) -> web.StreamResponse:
    since, until = _dates(request)
    return web.json_response(await console_summary(request.app[appkeys.STORE], since, until))


def bearer_key_guard(key_name: str = "analytics_api") -> RoleCheck:
    """A stand-in role check: any caller holding the one bearer key counts as an analyst."""
    cache: dict[str, str] = {}

    async def check(request: web.Request, role: str) -> None:
        if "key" not in cache:
            data_dir = request.app[appkeys.SETTINGS].storage.data_dir
            cache["key"] = load_or_create(key_name, data_dir).hex()
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), cache["key"].encode()
        ):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})

    return check
