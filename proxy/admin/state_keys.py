"""Typed aiohttp application and request keys of the admin package (core ones: proxy.appkeys)."""

from __future__ import annotations

from aiohttp import web

from proxy.admin.auth import AdminAuth, Principal
from proxy.policy.versions import PolicyVersions

AUTH: web.AppKey[AdminAuth] = web.AppKey("admin_auth")
VERSIONS: web.AppKey[PolicyVersions] = web.AppKey("policy_versions")
PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("admin_principal")
