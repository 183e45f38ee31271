"""The audit log, filtered and paginated."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin.api import audit_filter
from proxy.admin.console.pages import page
from proxy.admin.html import badge, e, table
from proxy.admin.roles import AUDITOR, PRIVACY_OFFICER, roles
from proxy.admin.routes import route
from proxy.audit import query as audit_query
from proxy.policy.model import Action


@route(
    "GET",
    "/admin/audit",
    roles=roles(AUDITOR, PRIVACY_OFFICER),
    summary="The audit log with filters",
    api=False,
)
async def audit_page(request: web.Request) -> web.Response:
    f = audit_filter(request)
    result = await audit_query.search(request.app[appkeys.STORE], f)
    q = request.query
    options = "".join(
        f'<option value="{a}"{" selected" if q.get("action") == a else ""}>{a or "any"}</option>'
        for a in ("", *[x.label for x in Action])
    )
    form = f"""
<form class="filters" method="get" action="/admin/audit">
  <label>Kind
    <input name="kind" value="{e(q.get("kind", ""))}" placeholder="send, policy.*"></label>
  <label>Since <input name="since" value="{e(q.get("since", ""))}" placeholder="2026-11-01"></label>
  <label>Until <input name="until" value="{e(q.get("until", ""))}"></label>
  <label>Action <select name="action">{options}</select></label>
  <label>Entity type <input name="entity_type" value="{e(q.get("entity_type", ""))}"></label>
  <label>Per page <input name="limit" type="number" min="1" max="200" value="{f.limit}"></label>
  <button type="submit">Filter</button>
</form>"""
    rows = [
        [
            str(r["seq"]),
            e(r["time"]),
            f"<code>{e(r['kind'])}</code>",
            e(r.get("outcome", "")),
            badge(r["action"]) if r.get("action") else "",
            e(", ".join(r.get("entity_types") or ())),
            f"<code>{e(r.get('policy_version', ''))}</code>",
            e(r.get("actor") or r.get("provider") or ""),
            e(r.get("recipient", "")),
        ]
        for r in result.records
    ]
    nxt = ""
    if result.next_before:
        params = {k: v for k, v in q.items() if k != "before"}
        params["before"] = str(result.next_before)
        qs = "&amp;".join(f"{e(k)}={e(v)}" for k, v in params.items())
        nxt = f'<p><a href="/admin/audit?{qs}">Older →</a></p>'
    headers = [
        "#",
        "Time (UTC)",
        "Kind",
        "Outcome",
        "Action",
        "Types",
        "Policy",
        "Who/via",
        "Recipient",
    ]
    body = (
        form
        + (
            f'<div class="scroll">{table(headers, rows, "audit")}</div>'
            if rows
            else "<p>No records match.</p>"
        )
        + nxt
    )
    return page(request, "Audit log", body, active="/admin/audit")
