"""Decisions per day as charts, and the exports page (de-identified records, daily counts)."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin import charts
from proxy.admin.console.pages import page, who
from proxy.admin.html import badge, table
from proxy.admin.params import int_param
from proxy.admin.roles import ANALYST, AUDITOR, METRICS_READERS, roles
from proxy.admin.routes import route
from proxy.audit import query as audit_query
from proxy.policy.model import Action


@route(
    "GET", "/admin/charts", roles=METRICS_READERS, summary="Decisions per day, as charts", api=False
)
async def charts_page(request: web.Request) -> web.Response:
    days = int_param(request, "days", 14, 1, 366) or 14
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    actions = [a.label for a in Action]
    by_type = daily.totals("entity_type")
    types = charts.top_keys(by_type)
    series_types = {d: daily.by_entity_type[d] for d in daily.days}
    svg_a = charts.stacked_bars(
        "Decisions per day by action", daily.days, daily.by_action, actions, charts.ACTION_COLOURS
    )
    svg_t = charts.stacked_bars(
        "Findings per day by entity type (top types)",
        daily.days,
        series_types,
        types,
        charts.entity_colours(types),
    )
    totals = daily.totals("action")
    summary = table(
        ["Action", "Decisions"], [[badge(a), str(totals[a])] for a in actions if totals[a]]
    )
    picker = " · ".join(f'<a href="/admin/charts?days={n}">{n} days</a>' for n in (7, 14, 30, 90))
    body = f"""<p>{picker}</p>
<figure class="card">{svg_a}</figure>
<figure class="card">{svg_t}</figure>
<h2>Totals ({days} days)</h2>{summary}"""
    return page(request, "Decisions", body, active="/admin/charts")


@route("GET", "/admin/exports", roles=roles(ANALYST, AUDITOR), summary="Exports", api=False)
async def exports_page(request: web.Request) -> web.Response:
    from datetime import UTC, datetime, timedelta

    from proxy.admin.html import can_see_api

    p = who(request)
    today = datetime.now(UTC).date()
    records = ""
    if can_see_api(p, "/admin/api/exports"):
        records = f"""<section class="card narrow"><h2>De-identified messages</h2>
<p>One record per message, Safe Harbor de-identified (no names, numbers or exact dates), for a
range of days (UTC), as one file.</p>
<form method="get" action="/admin/api/exports">
<label>First day <input type="date" name="since" required
 value="{(today - timedelta(days=6)).isoformat()}"></label>
<label>Last day <input type="date" name="until" required value="{today.isoformat()}"></label>
<label>Format <select name="format">
<option value="csv">CSV (spreadsheets)</option><option value="jsonl">JSON lines</option>
<option value="parquet">Parquet (data tools)</option></select></label>
<button type="submit">Download</button></form>
<p class="muted">The same from a script:
<code>GET /admin/api/exports?since=…&amp;until=…&amp;format=…</code>
with an API key; from the server: <code>phi-proxy export</code>.</p></section>"""
    body = f"""<p>No message text, no phone numbers.</p>
{records}
<section class="card narrow"><h2>Decisions per day (counts)</h2>
<ul class="links">
<li><a href="/admin/api/exports/decisions.csv?days=30">Last 30 days (CSV)</a></li>
<li><a href="/admin/api/exports/decisions.csv?days=90">Last 90 days (CSV)</a></li>
</ul></section>"""
    return page(request, "Exports", body, active="/admin/exports")
