"""Who may call which /admin route: authentication, roles, CSRF, and the security headers.

Default deny: a route under /admin that was not declared through :func:`proxy.admin.routes.route`
is refused whoever calls it. Credentials are an API key (``Authorization: Bearer <key>``) or a
console session cookie; cookie-authenticated changes also need the session's CSRF token.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from proxy.admin.auth import Principal
from proxy.admin.routes import Handler, RouteSpec, lookup
from proxy.admin.state_keys import AUTH, PRINCIPAL
from proxy.logs import get_logger

log = get_logger(__name__)

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

        if status == 401:
            title, text = (
                "Please sign in again",
                (
                    "Your session has ended, so nothing was changed. "
                    '<a href="/admin/login">Sign in</a> and try again.'
                ),
            )
        else:
            title, text = (
                "Not allowed",
                (
                    f"{e(reason)}. Your role cannot open this page; ask an administrator if you "
                    'need it. <a href="/admin/">Back to the console home</a>.'
                ),
            )
        resp = page(title, notice(text, "error"), principal, status=status)
        resp.headers.update(headers)
        return resp
    return web.json_response({"error": reason}, status=status, headers=headers)


async def _stale_form(request: web.Request, principal: Principal) -> web.Response:
    """A console form from an older session (signed in again elsewhere, or a page left open):
    nothing is done, the reason is said plainly, and typed policy YAML is kept in the draft."""
    from proxy.admin.html import notice, page

    kept = ""
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        yaml = form.get("yaml")
        if isinstance(yaml, str) and yaml.strip() and request.path == "/admin/policy/draft":
            from proxy.admin.drafts import save_draft

            await save_draft(request, principal, yaml.replace("\r\n", "\n"))
            kept = (
                " What you typed in the policy YAML is kept in your draft: "
                '<a href="/admin/policy/edit">continue editing</a>.'
            )
    body = notice(
        "This page was opened in an earlier session (you have since signed in again, perhaps in "
        "another tab or browser), so for your protection nothing was changed."
        + kept
        + ("" if kept else ' <a href="/admin/">Reload the console</a> and try again.'),
        "error",
    )
    return page("Your session changed", body, principal, status=403)


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


def _is_api(path: str) -> bool:
    return path.startswith("/admin/api/") or path == "/admin/api"


_TITLES = {400: "Check what you typed", 404: "Page not found", 405: "Not allowed here"}


def _console_error(request: web.Request, status: int, reason: str) -> web.Response:
    """An error as a console page (header, navigation, a way back), never raw JSON."""
    from proxy.admin.html import e, notice, page

    if status >= 500:
        title, text = (
            "Something went wrong",
            (
                "The console could not complete this request; nothing was changed. Try again, "
                "and if it keeps happening tell your administrator (the server log has the "
                "details)."
            ),
        )
    else:
        title, text = _TITLES.get(status, "Cannot do that"), reason
    body = notice(f'{e(text)} <a href="/admin/">Back to the console home</a>.', "error")
    return page(title, body, request.get(PRINCIPAL), status=status)


def _reason(exc: web.HTTPException) -> str:
    import json

    text = exc.text or ""
    if exc.content_type == "application/json":
        try:
            return str(json.loads(text).get("error", text))
        except (ValueError, AttributeError):
            return text
    if exc.status == 404:
        return "There is no such page in the console."
    return text.strip() or exc.reason


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_admin_path(request.path):
        return await handler(request)
    if _is_api(request.path):
        return await _access(request, handler)
    try:
        return await _access(request, handler)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if request.get(PRINCIPAL) is None and exc.status == 404:
            request[PRINCIPAL] = await _maybe_principal(request)
        return _console_error(request, exc.status, _reason(exc))
    except Exception as exc:  # noqa: BLE001 - a console page, not a bare 500
        log.error("admin %s %s failed: %s", request.method, request.path, type(exc).__name__)
        return _console_error(request, 500, "")


async def _maybe_principal(request: web.Request) -> Principal | None:
    try:
        return await authenticate(request)
    except Exception:  # noqa: BLE001 - the error page shows without navigation then
        return None


async def _access(request: web.Request, handler: Handler) -> web.StreamResponse:
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
            if not spec.api:
                return await _stale_form(request, principal)
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
