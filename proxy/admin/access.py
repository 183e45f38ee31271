"""Who may call which /admin route: authentication, roles, CSRF, and the security headers.

Default deny: a route under /admin that was not declared through :func:`proxy.admin.routes.route`
is refused whoever calls it. Credentials are an API key (``Authorization: Bearer <key>``) or a
console session cookie; cookie-authenticated changes also need the session's CSRF token.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from proxy.admin.auth import Principal
from proxy.admin.routes import Handler, RouteSpec, lookup
from proxy.admin.state_keys import AUTH, PRINCIPAL

log = logging.getLogger("phi_proxy.admin")

SESSION_COOKIE = "phi_admin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def is_admin_path(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


async def authenticate(request: web.Request) -> Principal | None:
    auth = request.app[AUTH]
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return await auth.principal_for_key(key.strip())
    token = request.cookies.get(SESSION_COOKIE, "")
    return await auth.principal_for_session(token) if token else None


def _refuse(
    request: web.Request,
    spec: RouteSpec | None,
    status: int,
    reason: str,
    principal: Principal | None = None,
) -> web.Response:
    if spec is not None and not spec.api and status == 401 and request.method == "GET":
        raise web.HTTPSeeOther("/admin/login")
    headers = {"WWW-Authenticate": 'Bearer realm="phi-proxy admin"'} if status == 401 else {}
    if spec is not None and not spec.api:
        from proxy.admin.html import e, notice, page

        body = notice(
            f"{e(reason)}. Your role cannot open this page; ask an administrator if you need "
            'it. <a href="/admin/">Back to the console home</a>.',
            "error",
        )
        resp = page("Not allowed", body, principal, status=status)
        resp.headers.update(headers)
        return resp
    return web.json_response({"error": reason}, status=status, headers=headers)


async def _csrf_ok(request: web.Request, principal: Principal) -> bool:
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        value = form.get("csrf", "")
        sent = value if isinstance(value, str) else ""
    return bool(sent) and hmac.compare_digest(sent, principal.csrf)


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_admin_path(request.path):
        return await handler(request)
    exc = request.match_info.http_exception
    if exc is not None:
        raise exc
    spec = lookup(request)
    if spec is None:
        log.error(
            "refused %s %s: admin route has no role declaration", request.method, request.path
        )
        return _refuse(request, None, 403, "this route declares no roles")
    principal = await authenticate(request)
    request[PRINCIPAL] = principal
    if not spec.public:
        if principal is None:
            return _refuse(request, spec, 401, "sign in or send an API key")
        if principal.role not in spec.roles:
            return _refuse(request, spec, 403, f"Role {principal.role} may not do this", principal)
        if (
            principal.via == "session"
            and request.method not in SAFE_METHODS
            and not await _csrf_ok(request, principal)
        ):
            return _refuse(request, spec, 403, "Missing or wrong CSRF token", principal)
    return await handler(request)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if not is_admin_path(request.path):
        return
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")


def secure_cookies(request: web.Request) -> bool:
    """Secure when the console is reached over https (directly or per public_base_url)."""
    from proxy import appkeys

    base = request.app[appkeys.SETTINGS].server.public_base_url
    return request.secure or base.startswith("https://")
