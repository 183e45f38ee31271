"""The secure portal: clinical detail leaves as an expiring, verified link, never as SMS text.

``issue`` (the handler's PORTAL step), ``service`` (links and verification), ``vault`` (sealed
originals), ``routes`` + ``pages`` (the reader's side), ``notice`` (the SMS wording),
``delivery`` (one-time codes through the sender's own provider account).
:func:`setup` mounts the routes and the start-up (vault keys, checks, purge).
"""

from __future__ import annotations

from aiohttp import web

from proxy.portal import routes


def setup(app: web.Application) -> None:
    """Register the portal routes and its start-up; call after the store's cleanup context."""
    app.cleanup_ctx.append(routes.portal_context)
    app.on_response_prepare.append(routes.security_headers)
    app.router.add_get("/portal/{token:" + routes.TOKEN + "}", routes.page)
    app.router.add_post("/portal/{token:" + routes.TOKEN + "}", routes.answer)
    app.router.add_post("/portal/{token:" + routes.TOKEN + "}/code", routes.send_code)
    app.router.add_route("*", "/portal/{tail:.*}", routes.not_available)
