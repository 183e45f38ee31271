"""What every console page needs: the signed-in user, the page frame (with the live
policy's version and mode) and its stylesheet, the posted form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin import html
from proxy.admin.auth import Principal
from proxy.admin.roles import PUBLIC
from proxy.admin.routes import route
from proxy.admin.state_keys import PRINCIPAL

STATIC = Path(__file__).resolve().parent.parent / "static"


def who(request: web.Request) -> Principal:
    p = request[PRINCIPAL]
    if p is None:  # the access middleware refuses non-public routes without one: never here
        raise web.HTTPUnauthorized()
    return p


def page(request: web.Request, title: str, body: str, **kw: Any) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    return html.page(
        title,
        body,
        request.get(PRINCIPAL),
        monitor=policy.monitor,
        policy_version=policy.version,
        **kw,
    )


async def posted_form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


@route("GET", "/admin/static/admin.css", roles=PUBLIC, summary="Console stylesheet", api=False)
async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        text=(STATIC / "admin.css").read_text(encoding="utf-8"),
        content_type="text/css",
        headers={"Cache-Control": "max-age=3600"},
    )
