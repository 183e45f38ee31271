"""The admin API's analytics endpoints, declared in the admin route table (default deny).

``GET /admin/api/exports`` (role ``analyst``) streams the de-identified records of a range of
days; ``GET /admin/api/analytics/summary`` returns the console figures. Authentication and the
role check are the admin package's access middleware; importing this module declares the routes
(:mod:`proxy.analytics.wiring` does, so they exist before ``create_app`` registers the table).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp import web

from proxy import appkeys
from proxy.admin.roles import ANALYST, AUDITOR, OPERATOR, PRIVACY_OFFICER, roles
from proxy.admin.routes import Param, route
from proxy.analytics.export import FORMATS, stream_range
from proxy.analytics.summary import console_summary

_CONTENT_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
MAX_DAYS = 3660  # ten years: beyond that a request is a mistake, not an export
_DATE = {"type": "string", "format": "date"}
SINCE = Param("since", _DATE, "first day, YYYY-MM-DD (UTC; default today)")
UNTIL = Param("until", _DATE, "last day, inclusive (default: since)")
FORMAT = Param("format", {"type": "string", "enum": list(FORMATS)}, "jsonl (default), csv, parquet")


def _dates(request: web.Request) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    try:
        since = date.fromisoformat(request.query.get("since", today.isoformat()))
        until = date.fromisoformat(request.query.get("until", since.isoformat()))
    except ValueError:
        raise web.HTTPBadRequest(text="since/until must be dates (YYYY-MM-DD)") from None
    if until < since:
        raise web.HTTPBadRequest(text="until is before since")
    if until - since > timedelta(days=MAX_DAYS) or until >= date.max - timedelta(days=1):
        raise web.HTTPBadRequest(text=f"at most {MAX_DAYS} days per request")
    return since, until


@route(
    "GET",
    "/admin/api/exports",
    roles=roles(ANALYST),
    summary="De-identified analytics records (Safe Harbor) for a range of days, as one file",
    api=True,
    params=(SINCE, UNTIL, FORMAT),
    response_type="application/octet-stream",
    response={"type": "string", "format": "binary"},
    tag="exports",
)
async def export_handler(request: web.Request) -> web.StreamResponse:
    """One file covering ``since``..``until`` (inclusive days) in ``format``, streamed."""
    since, until = _dates(request)
    fmt = request.query.get("format", "jsonl")
    if fmt not in FORMATS:
        raise web.HTTPBadRequest(text=f"format must be one of {', '.join(FORMATS)}")
    name = f"analytics_{since.isoformat()}_{until.isoformat()}.{fmt}"
    resp = web.StreamResponse(headers={"Content-Disposition": f'attachment; filename="{name}"'})
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


@route(
    "GET",
    "/admin/api/analytics/summary",
    roles=roles(OPERATOR, AUDITOR, PRIVACY_OFFICER),  # as the admin API's other metrics
    summary="Texts per day by action, top entity types, held back, opt-outs, portal views",
    api=True,
    params=(SINCE, UNTIL),
    tag="metrics",
)
async def summary_handler(request: web.Request) -> web.StreamResponse:
    since, until = _dates(request)
    return web.json_response(await console_summary(request.app[appkeys.STORE], since, until))
