"""Users and keys in the console (issue #19, point 12): revoking asks first, the last admin can
be neither revoked nor demoted, new users get the least privileged role, API keys are issued and
revoked from the console."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from proxy.admin.state_keys import AUTH
from proxy.cli import main
from tests.admin.conftest import AdminEnv


async def call(
    env: AdminEnv, method: str, path: str, key: str | None = None, **form: str
) -> tuple[int, str]:
    r = await env.request(method, path, key=key, form=form)
    return r.status, r.text()


async def roles_of(env: AdminEnv) -> dict[str, tuple[str, bool]]:
    users = await env.server.app[AUTH].users()
    return {str(u["name"]): (str(u["role"]), not u["revoked_at"]) for u in users}


async def test_new_users_default_to_the_least_privileged_role(admin_env: AdminEnv) -> None:
    status, page = await call(admin_env, "GET", "/admin/users")
    assert '<option value="analyst" selected>' in page
    status, page = await call(admin_env, "POST", "/admin/users", name="newbie")
    assert status == 200 and (await roles_of(admin_env))["newbie"] == ("analyst", True)
    async with (
        aiohttp.ClientSession() as s,
        s.post(admin_env.url("/admin/api/users"), json={"name": "api_newbie"},
               headers=admin_env.bearer("admin")) as r,
    ):  # fmt: skip
        assert r.status == 201 and (await r.json())["role"] == "analyst"


async def test_revoke_asks_first(admin_env: AdminEnv) -> None:
    status, page = await call(admin_env, "GET", "/admin/users")
    assert 'href="/admin/users/u_auditor/revoke"' in page  # a link to a confirmation, not a POST
    status, page = await call(admin_env, "GET", "/admin/users/u_auditor/revoke")
    assert status == 200 and "Revoke u_auditor?" in page and 'name="confirm" value="yes"' in page
    status, page = await call(admin_env, "POST", "/admin/users/u_auditor/revoke")
    assert status == 200 and (await roles_of(admin_env))["u_auditor"] == ("auditor", True)
    status, page = await call(admin_env, "POST", "/admin/users/u_auditor/revoke", confirm="yes")
    assert "u_auditor revoked" in page
    assert (await roles_of(admin_env))["u_auditor"] == ("auditor", False)


async def test_the_last_admin_stays(admin_env: AdminEnv) -> None:
    status, page = await call(admin_env, "POST", "/admin/users/u_admin/revoke", confirm="yes")
    assert status == 409 and "last active admin" in page
    status, page = await call(admin_env, "POST", "/admin/users/u_admin/role", role="analyst")
    assert status == 409 and "cannot be demoted" in page
    status, _ = await call(admin_env, "POST", "/admin/api/users/u_admin/revoke")
    assert status == 409
    assert (await roles_of(admin_env))["u_admin"] == ("admin", True)
    # with a second admin, either may go
    await call(admin_env, "POST", "/admin/users/u_operator/role", role="admin")
    status, page = await call(admin_env, "POST", "/admin/users/u_admin/role", role="auditor")
    assert status == 200 and (await roles_of(admin_env))["u_admin"] == ("auditor", True)


async def test_keys_are_issued_and_revoked_in_the_console(admin_env: AdminEnv) -> None:
    status, page = await call(admin_env, "POST", "/admin/users/u_analyst/keys")
    key = re.search(r"<code class='secret'>(phk_[^<]+)</code>", page)
    assert status == 200 and key
    key_id = key.group(1).split("_")[1]
    assert (await call(admin_env, "GET", "/admin/api/whoami", key=key.group(1)))[0] == 200
    status, page = await call(admin_env, "GET", "/admin/users")
    assert f'href="/admin/keys/{key_id}/revoke"' in page
    status, page = await call(admin_env, "GET", f"/admin/keys/{key_id}/revoke")
    assert "u_analyst" in page and 'name="confirm" value="yes"' in page
    await call(admin_env, "POST", f"/admin/keys/{key_id}/revoke")  # no confirmation: kept
    assert (await call(admin_env, "GET", "/admin/api/whoami", key=key.group(1)))[0] == 200
    status, page = await call(admin_env, "POST", f"/admin/keys/{key_id}/revoke", confirm="yes")
    assert status == 200 and "revoked" in page
    assert (await call(admin_env, "GET", "/admin/api/whoami", key=key.group(1)))[0] == 401


def test_cli_users_add_defaults_to_analyst(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "proxy.yaml"
    cfg.write_text(f"storage: {{data_dir: '{tmp_path}', url: 'sqlite:///{tmp_path}/p.db'}}\n")
    assert main(["users", "--config", str(cfg), "--create", "add", "dana"]) == 0
    assert "(analyst)" in capsys.readouterr().out
