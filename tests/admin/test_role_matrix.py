"""Every admin route against every caller, generated from the route table.

A route added later is covered automatically: it is in ``ROUTES`` or it is refused (see
test_undeclared_admin_route_is_refused).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import ClientSession, web

import proxy.admin.api  # noqa: F401  (declares routes)
import proxy.admin.console  # noqa: F401
from proxy.admin.roles import ROLES
from proxy.admin.routes import ROUTES, RouteSpec
from proxy.app import create_app
from proxy.policy.parse import load_policy
from proxy.settings import Settings, StorageSettings
from tests.admin.conftest import AdminEnv
from tests.support.fakes import RaisingDetector

SAMPLE_PATH_VALUES = {"id": "1", "name": "nobody", "key_id": "00000000"}
CALLERS = ("no credentials", "revoked key", "revoked user", "wrong scheme", *ROLES)


def _path(spec: RouteSpec) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], spec.path)


def _headers(env: AdminEnv, caller: str) -> dict[str, str]:
    if caller == "no credentials":
        return {}
    if caller == "revoked key":
        return {"Authorization": f"Bearer {env.revoked_key}"}
    if caller == "revoked user":
        return {"Authorization": f"Bearer {env.revoked_user_key}"}
    if caller == "wrong scheme":
        return {"Authorization": f"Basic {env.keys['admin']}"}
    return env.bearer(caller)


async def _call(session: ClientSession, env: AdminEnv, spec: RouteSpec, caller: str) -> Any:
    kw: dict[str, Any] = {"headers": _headers(env, caller), "allow_redirects": False}
    if spec.method == "POST":
        kw["json" if spec.api else "data"] = {}
    async with session.request(spec.method, env.url(_path(spec)), **kw) as r:
        await r.read()
        return r.status, r.headers.get("Location", "")


def test_route_table_is_not_empty_and_every_route_names_roles() -> None:
    assert len(ROUTES) >= 30
    for spec in ROUTES:
        assert spec.roles, spec.path
        assert spec.path.startswith("/admin")


@pytest.mark.parametrize("spec", ROUTES, ids=lambda s: f"{s.method} {s.path}")
async def test_role_matrix(admin_env: AdminEnv, spec: RouteSpec) -> None:
    results = {}
    async with ClientSession() as session:
        for caller in CALLERS:
            results[caller] = await _call(session, admin_env, spec, caller)
    for caller, (status, location) in results.items():
        where = f"{spec.method} {spec.path} as {caller}: {status}"
        assert status < 500, where
        if spec.public:  # the same answer whoever asks (login's own 401/403 are its form's)
            assert status == results["no credentials"][0], where
        elif caller not in ROLES:
            if not spec.api and spec.method == "GET":
                assert status == 303 and location.endswith("/admin/login"), where
            else:
                assert status == 401, where
        elif caller in spec.roles:
            assert status not in (401, 403), where
        else:
            assert status == 403, where


async def test_undeclared_admin_route_is_refused(
    store_url: str, tmp_path: Any, aiohttp_server: Any
) -> None:
    """Default deny: a handler added under /admin without a role declaration is refused."""
    settings = Settings(storage=StorageSettings(url=store_url, data_dir=str(tmp_path)))
    app = create_app(settings, policy=load_policy(), detector=RaisingDetector())

    async def sneaky(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app.router.add_get("/admin/api/sneaky", sneaky)
    server = await aiohttp_server(app)
    from proxy.admin.state_keys import AUTH

    new = await server.app[AUTH].add_user("root", "admin")
    async with (
        ClientSession() as s,
        s.get(
            server.make_url("/admin/api/sneaky"),
            headers={"Authorization": f"Bearer {new.api_key}"},
        ) as r,
    ):
        assert r.status == 403
        assert "secret" not in await r.text()


def test_roles_are_least_privilege() -> None:
    """Spot-check the intent of the table: analysts only export, operators only see health."""
    by_role = {r: {(s.method, s.path) for s in ROUTES if r in s.roles} for r in ROLES}
    api_analyst = {p for m, p in by_role["analyst"] if p.startswith("/admin/api/")}
    assert api_analyst == {
        "/admin/api/openapi.json",
        "/admin/api/whoami",
        "/admin/api/exports/decisions.csv",
        "/admin/api/exports",  # proxy.analytics: the de-identified records
    }
    assert ("GET", "/admin/policy") not in by_role["analyst"]
    assert ("POST", "/admin/api/policy/publish") not in by_role["auditor"]
    assert ("POST", "/admin/api/users") not in by_role["privacy_officer"]
    assert ("GET", "/admin/api/audit") not in by_role["operator"]
    assert all(("admin" in s.roles) for s in ROUTES if not s.public)
