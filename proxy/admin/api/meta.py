"""The API about itself and the process: its OpenAPI document, the caller, health."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin.roles import ANY, OPERATOR, roles
from proxy.admin.routes import route
from proxy.admin.state_keys import PRINCIPAL


@route(
    "GET",
    "/admin/api/openapi.json",
    roles=ANY,
    summary="This API, as OpenAPI 3",
    api=True,
    tag="meta",
)
async def openapi(request: web.Request) -> web.Response:
    from proxy.admin.openapi import build_openapi

    return web.json_response(build_openapi())


@route(
    "GET",
    "/admin/api/whoami",
    roles=ANY,
    summary="The caller's name and role",
    api=True,
    tag="meta",
)
async def whoami(request: web.Request) -> web.Response:
    p = request[PRINCIPAL]
    if p is None:  # the access middleware refuses non-public routes without one: never here
        raise web.HTTPUnauthorized()
    return web.json_response({"name": p.name, "role": p.role, "via": p.via})


@route(
    "GET",
    "/admin/api/health",
    roles=roles(OPERATOR),
    summary="Liveness, policy, detection queue",
    api=True,
    tag="operations",
)
async def health(request: web.Request) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    detection = request.app[appkeys.DETECTION]
    return web.json_response(
        {
            "status": "ok",
            "policy_version": policy.version,
            "policy_mode": policy.mode,
            "detection_queue": detection.queue_depth,
            "detection_last_latency_ms": round(detection.last_latency * 1000, 2),
        }
    )
