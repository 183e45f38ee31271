"""Sign in and out: the login form (its own CSRF cookie), back-off, audited outcomes."""

from __future__ import annotations

import secrets

from aiohttp import web

from proxy import appkeys
from proxy.admin.access import SESSION_COOKIE, secure_cookies
from proxy.admin.audit_events import record
from proxy.admin.auth import Failed, Throttled
from proxy.admin.console.pages import posted_form, who
from proxy.admin.html import e, notice, page
from proxy.admin.roles import ANY, PUBLIC
from proxy.admin.routes import route
from proxy.admin.state_keys import AUTH
from proxy.store.interface import StoreUnavailable

LOGIN_CSRF_COOKIE = "phi_admin_login"


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    token = secrets.token_urlsafe(24)
    body = f"""
<form class="card narrow" method="post" action="/admin/login">
  {notice(e(error), "error") if error else ""}
  <input type="hidden" name="csrf" value="{e(token)}">
  <label>User name <input name="name" autocomplete="username" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"
    required></label>
  <button type="submit">Sign in</button>
</form>"""
    resp = page("Sign in", body, None, status=status)
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        path="/admin/login",
        max_age=1800,
    )
    return resp


def _too_many(request: web.Request, retry_after: float) -> web.Response:
    """429 with Retry-After in whole seconds (at least 1)."""
    resp = _login_page(request, "Too many failed attempts; try again later.", 429)
    resp.headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
    return resp


@route("GET", "/admin/login", roles=PUBLIC, summary="Sign-in form", api=False)
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


@route("POST", "/admin/login", roles=PUBLIC, summary="Sign in", api=False)
async def login(request: web.Request) -> web.StreamResponse:
    form = await posted_form(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, form.get("csrf", "")):
        return _login_page(request, "The form expired; please sign in again.", 403)
    auth = request.app[AUTH]
    name = form.get("name", "")
    try:
        result = await auth.sign_in(name, form.get("password", ""), request.remote or "")
        # the same answers for a known and an unknown name: the audit records which it was
        if isinstance(result, Throttled):
            return _too_many(request, result.retry_after)
        if isinstance(result, Failed):
            # audit failures only for real user names (a mistyped password in the name field is
            # not something to keep); a name's lock-out always
            by = name if await auth.is_user(name) else ""
            await record(request, "admin.signin", outcome="failed", by=by)
            if result.locked:  # this failure starts the name's back-off
                await record(
                    request,
                    "admin.lockout",
                    outcome="locked",
                    by=by,
                    details={
                        "known_user": bool(by),
                        "retry_after_seconds": int(result.retry_after),
                    },
                )
                return _too_many(request, result.retry_after)
            return _login_page(request, "Wrong user name or password.", 401)
    except StoreUnavailable:  # the failure count cannot be read or kept: no sign-in (fail closed)
        return _login_page(request, "Sign-in is unavailable; try again later.", 503)
    token, principal = result
    await record(request, "admin.signin", outcome="ok", by=principal.name)
    resp = web.HTTPSeeOther("/admin/")
    settings = request.app[appkeys.SETTINGS].admin
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        path="/admin",
        max_age=int(settings.session_max_hours * 3600),
    )
    resp.del_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return resp


@route("POST", "/admin/logout", roles=ANY, summary="Sign out", api=False)
async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[AUTH].sign_out(who(request))
    resp = web.HTTPSeeOther("/admin/login")
    resp.del_cookie(SESSION_COOKIE, path="/admin")
    return resp
