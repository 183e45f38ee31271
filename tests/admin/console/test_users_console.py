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


async def test_a_locked_out_user_has_an_unlock_button_that_works_and_is_audited(
    admin_env: AdminEnv,
) -> None:
    """Issue #18: the console's users page shows who is locked out of sign-in, with a button
    (admin only, CSRF-protected form) that lifts it; lock-out and unlock land in the audit log."""
    import json

    from proxy import appkeys
    from tests.admin.console.test_console_session import jar
    from tests.admin.test_signin_throttle import attempt

    unlock = 'action="/admin/users/u_auditor/unlock"'
    status, page = await call(admin_env, "GET", "/admin/users")
    assert status == 200 and unlock not in page and "locked out" not in page
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        for _ in range(5):
            await attempt(s, admin_env, "u_auditor", "wrong")
        assert (await attempt(s, admin_env, "u_auditor", admin_env.passwords["auditor"]))[0] == 429
    status, page = await call(admin_env, "GET", "/admin/users")
    row = page[page.index("u_auditor") :].split("</tr>")[0]
    assert "locked out" in row and unlock in row and 'name="csrf"' in row
    assert 'action="/admin/users/u_operator/unlock"' not in page  # only the locked name
    # the page and the action are the admin's alone
    assert (await call(admin_env, "GET", "/admin/users", key=admin_env.keys["operator"]))[0] == 403
    status, _ = await call(
        admin_env, "POST", "/admin/users/u_auditor/unlock", key=admin_env.keys["operator"]
    )
    assert status == 403 and await admin_env.server.app[AUTH].locked("u_auditor")
    # the button's form, as the admin posts it
    status, page = await call(admin_env, "POST", "/admin/users/u_auditor/unlock")
    assert status == 200 and "u_auditor may sign in again" in page and unlock not in page
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        assert (await attempt(s, admin_env, "u_auditor", admin_env.passwords["auditor"]))[0] == 303
    store = admin_env.server.app[appkeys.STORE]
    kinds = [
        (r["kind"], json.loads(r["body"]).get("details", {}).get("user"))
        for r in await store.fetch(
            "SELECT kind, body FROM audit_log WHERE kind IN ('admin.lockout', 'admin.user.unlock')"
            " ORDER BY seq"
        )
    ]
    assert [k for k, _ in kinds] == ["admin.lockout", "admin.user.unlock"]
    assert kinds[1][1] == "u_auditor"
