"""Policy version history: the list, one version's YAML, and the diff between two."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin.api import diff_records, path_id
from proxy.admin.console.pages import page, who
from proxy.admin.html import badge, csrf_field, e, notice, table
from proxy.admin.params import int_param
from proxy.admin.roles import POLICY_READERS, POLICY_WRITERS
from proxy.admin.routes import route
from proxy.admin.state_keys import VERSIONS
from proxy.audit import query as audit_query


@route("GET", "/admin/versions", roles=POLICY_READERS, summary="Version history", api=False)
async def versions_page(request: web.Request) -> web.Response:
    before = int_param(request, "before", None, 1, 2**62)
    rows = await request.app[VERSIONS].list(50, before)
    live = request.app[appkeys.POLICY].current.version
    message = ""
    if request.query.get("published"):
        message = notice(
            f"Version <code class='published'>{e(request.query['published'])}</code> is live."
        )
    trs = []
    for i, r in enumerate(rows):
        trs.append(
            [
                f'<input type="radio" name="from" value="{r.id}"{" checked" if i == 1 else ""}'
                f' aria-label="compare from #{r.id}">'
                f'<input type="radio" name="to" value="{r.id}"{" checked" if i == 0 else ""}'
                f' aria-label="compare to #{r.id}">',
                f'<a href="/admin/versions/{r.id}">#{r.id}</a>',
                f"<code>{e(r.version)}</code>"
                + (' <span class="live">live</span>' if r.version == live and i == 0 else ""),
                e(r.event),
                e(r.actor),
                e(r.reason),
                e(audit_query.iso(r.ts)),
            ]
        )
    more = (
        f'<p><a href="/admin/versions?before={rows[-1].id}">Older →</a></p>'
        if len(rows) == 50
        else ""
    )
    body = f"""{message}
<form method="get" action="/admin/versions/diff">
{table(["From / to", "Id", "Version", "Event", "Who", "Why", "When (UTC)"], trs, "versions")}
<button type="submit">Compare selected</button></form>{more}"""
    return page(request, "Policy versions", body, active="/admin/versions")


@route(
    "GET", "/admin/versions/diff", roles=POLICY_READERS, summary="Compare two versions", api=False
)
async def versions_diff_page(request: web.Request) -> web.Response:
    a = int_param(request, "from", None, 1, 2**62)
    b = int_param(request, "to", None, 1, 2**62)
    if a is None or b is None:
        return page(request, "Compare versions", notice("Pick two versions.", "error"), status=400)
    d = await diff_records(request, a, b)
    lines = []
    for line in d["text_diff"]:
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx"
        lines.append(f'<span class="{cls}">{e(line)}</span>')
    body = f"""
<p>From <code>{e(d["from"]["version"])}</code> (#{d["from"]["id"]}) to
<code>{e(d["to"]["version"])}</code> (#{d["to"]["id"]}).</p>
{risk_block(d.get("risks", []))}
<h2>What changed, setting by setting</h2>{changes_table(d["rule_changes"])}
<h2>Text</h2><pre class="diff">{"".join(lines) or "identical"}</pre>"""
    return page(request, "Compare versions", body, active="/admin/versions")


def risk_block(risks: list[str]) -> str:
    if not risks:
        return ""
    items = "".join(f"<li>{e(r)}</li>" for r in risks)
    return notice(f"<strong>Check these changes:</strong><ul class='risks'>{items}</ul>", "error")


def changes_table(changes: list[dict[str, Any]]) -> str:
    if not changes:
        return "<p>No setting changed.</p>"
    return table(
        ["What", "Before", "After"],
        [
            [f"<code>{e(c['what'])}</code>", _fmt_rule(c["old"]), _fmt_rule(c["new"])]
            for c in changes
        ],
        "changes",
    )


def _fmt_rule(value: Any) -> str:
    if value is None:
        return '<span class="muted">(not set)</span>'
    if isinstance(value, dict) and "action" in value:
        return f"{badge(str(value['action']))} ≥ {e(value.get('min_score'))}"
    return f"<code>{e(json.dumps(value, sort_keys=True))}</code>"


@route("GET", "/admin/versions/{id}", roles=POLICY_READERS, summary="One version's YAML", api=False)
async def version_page(request: web.Request) -> web.Response:
    rec = await request.app[VERSIONS].get(path_id(request))
    if rec is None:
        raise web.HTTPNotFound(text="no such version")
    p = who(request)
    restore = ""
    if p.role in POLICY_WRITERS:
        restore = (
            f'<form method="post" action="/admin/versions/{rec.id}/draft">{csrf_field(p)}'
            '<button type="submit">Load into my draft (to test and republish)</button></form>'
        )
    body = f"""<p><code>{e(rec.version)}</code> · {e(rec.event)} by {e(rec.actor)} at
{e(audit_query.iso(rec.ts))} UTC — {e(rec.reason)}</p>{restore}
<pre class="code">{e(rec.yaml)}</pre>"""
    return page(request, f"Version #{rec.id}", body, active="/admin/versions")
