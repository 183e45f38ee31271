"""The privacy officer's and administrators' side: JSON API, console pages, auth and roles.

:mod:`.routes` is the declared table every /admin route is in (it drives access, the OpenAPI
document and the role tests); :mod:`.api` and :mod:`.console` declare their routes by area
(policy, versions, audit, reports, users, ...), one module each.

:func:`setup` is called by ``create_app``: it registers the declared routes, the access
middleware (default deny), security headers, and the start-up step that opens the user and
version stores and records the policy the process started with.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from proxy import appkeys
from proxy.logs import get_logger
from proxy.tasks import periodic, stop

log = get_logger(__name__)


def setup(app: web.Application) -> None:
    from proxy.admin import api, console  # noqa: F401  (route declarations)
    from proxy.admin.access import access_middleware, security_headers
    from proxy.admin.routes import register

    if app[appkeys.SETTINGS].admin.enabled:
        register(app)
    # always: with the console disabled, anything else under /admin is refused too
    app.middlewares.append(access_middleware)
    app.on_response_prepare.append(security_headers)
    app.cleanup_ctx.append(_admin_store)


async def _admin_store(app: web.Application) -> AsyncIterator[None]:
    """After the store is open: users/keys, policy versions, and the start-up policy recorded."""
    from proxy.admin.auth import AdminAuth
    from proxy.admin.state_keys import AUTH, VERSIONS
    from proxy.crypto.vault_keys import derive
    from proxy.policy.versions import PolicyVersions

    db = app[appkeys.STORE]
    settings = app[appkeys.SETTINGS].admin
    app[AUTH] = AdminAuth(
        db,
        settings.session_idle_minutes * 60,
        settings.session_max_hours * 3600,
        hash_key=derive(app[appkeys.PSEUDONYM_KEY], "failure-counts"),
    )
    versions = PolicyVersions(db)
    app[VERSIONS] = versions
    holder = app[appkeys.POLICY]
    holder.versions = versions
    holder.audit = app[appkeys.AUDIT]
    await holder.record_load()
    if settings.enabled and not await db.fetchrow("SELECT name FROM admin_users LIMIT 1"):
        log.warning(
            "the admin console has no users yet: create one with "
            "'phi-proxy users --config <proxy.yaml> add NAME --role admin'"
        )
    follower = periodic("policy-sync", settings.policy_sync_seconds, holder.follow_store)
    yield
    await stop(follower)
