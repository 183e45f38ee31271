"""Server-rendered HTML for the console: escaping, the page frame, small building blocks.

No template engine and no JavaScript: every value goes through :func:`e`, and the CSP allows
only our stylesheet (no inline styles or scripts).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from aiohttp import web

from proxy.admin.auth import Principal
from proxy.admin.routes import ROUTES

NAV = (
    ("/admin/", "Home"),
    ("/admin/policy", "Policy"),
    ("/admin/policy/edit", "Edit & test"),
    ("/admin/versions", "Versions"),
    ("/admin/sends", "Sends"),
    ("/admin/audit", "Audit log"),
    ("/admin/charts", "Charts"),
    ("/admin/exports", "Exports"),
    ("/admin/users", "Users & keys"),
)


ACTIVE = ' class="active"'


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def can_see(principal: Principal | None, path: str) -> bool:
    for spec in ROUTES:
        if spec.method == "GET" and spec.path == path:
            return principal is not None and principal.role in spec.roles
    return False


def can_see_api(principal: Principal | None, path: str) -> bool:
    """Whether ``principal`` may GET the API route ``path`` (to show a link only to them)."""
    return can_see(principal, path)


def csrf_field(principal: Principal | None) -> str:
    token = principal.csrf if principal and principal.via == "session" else ""
    return f'<input type="hidden" name="csrf" value="{e(token)}">'


def page(
    title: str,
    body: str,
    principal: Principal | None,
    *,
    monitor: bool = False,
    policy_version: str = "",
    status: int = 200,
    active: str = "",
) -> web.Response:
    nav = ""
    who = ""
    if principal is not None:
        links = "".join(
            f'<a href="{href}"{ACTIVE if href == active else ""}>{e(label)}</a>'
            for href, label in NAV
            if can_see(principal, href)
        )
        nav = f"<nav>{links}</nav>"
        who = (
            f'<div class="who"><span>{e(principal.name)} · {e(principal.role)}</span>'
            f'<form method="post" action="/admin/logout">{csrf_field(principal)}'
            '<button class="link" type="submit">Sign out</button></form></div>'
        )
    banner = ""
    if monitor:
        banner = (
            '<div class="banner-monitor" role="alert"><strong>MONITOR MODE.</strong> Policy '
            f"{e(policy_version)} forwards every text UNCHANGED — PHI included. Decisions are "
            "only recorded. Switch to <code>mode: enforce</code> to protect patients.</div>"
        )
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · phi-proxy admin</title>
<link rel="stylesheet" href="/admin/static/admin.css">
</head><body>
<header><a class="brand" href="/admin/">phi-proxy <span>admin</span></a>{nav}{who}</header>
{banner}
<main><h1>{e(title)}</h1>
{body}
</main></body></html>"""
    return web.Response(text=html, content_type="text/html", status=status)


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """Cells are HTML already (escape values with :func:`e` first)."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    # wide tables scroll inside their box instead of widening the page (phones, 820 px)
    return (
        f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def badge(action: str) -> str:
    return f'<span class="badge a-{e(action)}">{e(action)}</span>'


def notice(text: str, kind: str = "ok") -> str:
    return f'<div class="notice {e(kind)}">{text}</div>'
