"""The console home: the live policy, who you are, and (for those who may) the sends dashboard."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin.console import sends
from proxy.admin.console.pages import page, who
from proxy.admin.html import e
from proxy.admin.roles import ANY, DESCRIPTIONS
from proxy.admin.routes import route


@route("GET", "/admin", roles=ANY, summary="Redirect to the console home", api=False)
async def home_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/admin/")


@route("GET", "/admin/", roles=ANY, summary="Console home", api=False)
async def home(request: web.Request) -> web.Response:
    p = who(request)
    policy = request.app[appkeys.POLICY].current
    body = f"""
<div class="cards">
  <div class="card"><h2>Live policy</h2>
    <p class="big"><code>{e(policy.version)}</code></p>
    <p>{e(policy.name)} · mode <strong>{e(policy.mode)}</strong></p></div>
  <div class="card"><h2>You</h2><p class="big">{e(p.name)}</p>
    <p>{e(p.role)}: {e(DESCRIPTIONS.get(p.role, ""))}</p></div>
</div>"""
    if p.role in sends.DASHBOARD_READERS:
        body += await sends.dashboard(request)
    return page(request, "phi-proxy administration", body, active="/admin/")
