"""Decisions per day by action and entity type: as JSON (charts) and as CSV (exports)."""

from __future__ import annotations

import csv
import io

from aiohttp import web

from proxy import appkeys
from proxy.admin.params import int_param
from proxy.admin.roles import ANALYST, AUDITOR, METRICS_READERS, roles
from proxy.admin.routes import Param, route
from proxy.audit import query as audit_query

_DAYS = Param("days", {"type": "integer", "minimum": 1, "maximum": 366}, "how many days back")


@route(
    "GET",
    "/admin/api/metrics/decisions",
    roles=METRICS_READERS,
    summary="Decisions per day by action and entity type",
    api=True,
    params=(_DAYS,),
    tag="metrics",
)
async def metrics_decisions(request: web.Request) -> web.Response:
    days = int_param(request, "days", 14, 1, 366) or 14
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    return web.json_response(daily.as_dict())


@route(
    "GET",
    "/admin/api/exports/decisions.csv",
    roles=roles(ANALYST, AUDITOR),
    summary="Daily decision counts as CSV (no text, no numbers)",
    api=True,
    params=(_DAYS,),
    response_type="text/csv",
    response={"type": "string"},
    tag="exports",
)
async def export_decisions(request: web.Request) -> web.Response:
    days = int_param(request, "days", 30, 1, 366) or 30
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["day", "dimension", "value", "decisions"])
    for d in daily.days:
        for k, n in sorted(daily.by_action[d].items()):
            w.writerow([d, "action", k, n])
        for k, n in sorted(daily.by_entity_type[d].items()):
            w.writerow([d, "entity_type", k, n])
    return web.Response(
        text=buf.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="decisions.csv"'},
    )
