"""Console sessions: sign-in, cookie flags, CSRF, idle timeout, CSP, the monitor banner."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from proxy import appkeys
from proxy.admin.state_keys import AUTH
from proxy.policy.parse import load_policy
from proxy.settings import AdminSettings, ServerSettings, Settings
from tests.admin.conftest import AdminEnv


async def sign_in(
    session: aiohttp.ClientSession, env: AdminEnv, role: str, password: str | None = None
) -> aiohttp.ClientResponse:
    async with session.get(env.url("/admin/login")) as r:
        token = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)  # type: ignore[union-attr]
    r = await session.post(
        env.url("/admin/login"),
        data={"csrf": token, "name": f"u_{role}", "password": password or env.passwords[role]},
        allow_redirects=False,
    )
    await r.read()
    return r


def jar() -> aiohttp.CookieJar:
    return aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1


async def page_csrf(session: aiohttp.ClientSession, env: AdminEnv, path: str) -> str:
    async with session.get(env.url(path)) as r:
        return re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)  # type: ignore[union-attr]


async def test_sign_in_sets_a_strict_httponly_cookie(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        bad = await sign_in(s, admin_env, "privacy_officer", "wrong-password")
        assert bad.status == 401
        ok = await sign_in(s, admin_env, "privacy_officer")
        assert ok.status == 303 and ok.headers["Location"] == "/admin/"
        cookie = next(c for c in ok.headers.getall("Set-Cookie") if c.startswith("phi_admin="))
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
        assert "Secure" not in cookie  # plain http here; see the https test
        async with s.get(admin_env.url("/admin/policy")) as r:
            assert r.status == 200
            html = await r.text()
        assert "u_privacy_officer" in html and "PERSON" in html
        assert "style=" not in html and "<script" not in html
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"


async def test_login_form_needs_its_csrf_cookie(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        r = await s.post(
            admin_env.url("/admin/login"),
            data={"csrf": "forged", "name": "u_admin", "password": admin_env.passwords["admin"]},
            allow_redirects=False,
        )
        assert r.status == 403
        assert "phi_admin=" not in " ".join(r.headers.getall("Set-Cookie", []))


async def test_session_changes_need_the_csrf_token(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, admin_env, "privacy_officer")
        data = {"entity": "PERSON", "action": "mask", "min_score": "0.5"}
        r = await s.post(admin_env.url("/admin/policy/rule"), data=data, allow_redirects=False)
        assert r.status == 403
        data["csrf"] = "not-the-token"
        r = await s.post(admin_env.url("/admin/policy/rule"), data=data, allow_redirects=False)
        assert r.status == 403
        data["csrf"] = await page_csrf(s, admin_env, "/admin/policy/edit")
        r = await s.post(admin_env.url("/admin/policy/rule"), data=data, allow_redirects=False)
        assert r.status == 303
        # the JSON API also accepts the session, with the token in a header
        r = await s.post(admin_env.url("/admin/api/policy/test"), json={"text": "Hi Maria Lopez"})
        assert r.status == 403
        r = await s.post(
            admin_env.url("/admin/api/policy/test"),
            json={"text": "Hi Maria Lopez"},
            headers={"X-CSRF-Token": data["csrf"]},
        )
        assert r.status == 200


async def test_sign_out_ends_the_session(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, admin_env, "auditor")
        token = await page_csrf(s, admin_env, "/admin/")
        r = await s.post(
            admin_env.url("/admin/logout"), data={"csrf": token}, allow_redirects=False
        )
        assert r.status == 303
        async with s.get(admin_env.url("/admin/audit"), allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/admin/login"


async def _env_with(
    make_proxy: Any, upstream_server: TestServer, policy_file: Path, settings: Settings
) -> AdminEnv:
    from tests.admin.conftest import add_role_users

    server = await make_proxy(
        str(upstream_server.make_url("")),
        policy=load_policy(policy_file),
        settings=replace(settings, policy_path=str(policy_file)),
    )
    env = AdminEnv(server)
    await add_role_users(server.app, env)
    return env


async def test_idle_sessions_end(make_proxy: Any, upstream_server: TestServer, policy_file: Path):
    env = await _env_with(
        make_proxy,
        upstream_server,
        policy_file,
        Settings(admin=AdminSettings(session_idle_minutes=0.5 / 60)),
    )
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, env, "auditor")
        async with s.get(env.url("/admin/audit"), allow_redirects=False) as r:
            assert r.status == 200
        await asyncio.sleep(0.7)
        async with s.get(env.url("/admin/audit"), allow_redirects=False) as r:
            assert r.status == 303
    rows = await env.server.app[appkeys.STORE].fetch("SELECT * FROM admin_sessions")
    assert rows == []  # the expired session is gone, not just ignored


async def test_cookie_is_secure_when_the_console_is_served_over_https(
    make_proxy: Any, upstream_server: TestServer, policy_file: Path
):
    env = await _env_with(
        make_proxy,
        upstream_server,
        policy_file,
        Settings(server=ServerSettings(public_base_url="https://proxy.example")),
    )
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        async with s.get(env.url("/admin/login")) as r0:
            set_cookie = r0.headers["Set-Cookie"]
            token = re.search(r'name="csrf" value="([^"]+)"', await r0.text()).group(1)  # type: ignore[union-attr]
        assert "Secure" in set_cookie
        r = await s.post(
            env.url("/admin/login"),
            data={"csrf": token, "name": "u_auditor", "password": env.passwords["auditor"]},
            headers={"Cookie": f"phi_admin_login={token}"},
            allow_redirects=False,
        )
        cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith("phi_admin="))
        assert "Secure" in cookie and "HttpOnly" in cookie


async def test_monitor_mode_shows_a_red_banner(admin_env: AdminEnv) -> None:
    holder = admin_env.server.app[appkeys.POLICY]
    text = holder.current.text.replace(
        "mode: enforce ", "mode: monitor\nmonitor_acknowledged: true\n"
    )
    await holder.publish(text, actor="test", reason="pilot in monitor mode")
    assert holder.current.monitor
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, admin_env, "operator")
        async with s.get(admin_env.url("/admin/")) as r:
            html = await r.text()
    assert 'class="banner-monitor"' in html and "MONITOR MODE" in html


async def test_revoked_user_session_stops_working(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, admin_env, "auditor")
        await admin_env.server.app[AUTH].revoke_user("u_auditor")
        async with s.get(admin_env.url("/admin/audit"), allow_redirects=False) as r:
            assert r.status == 303


async def test_repeated_failed_sign_ins_lock_the_name_and_are_audited(admin_env: AdminEnv):
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        statuses = [(await sign_in(s, admin_env, "auditor", "wrong")).status for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        ok = await sign_in(s, admin_env, "auditor")  # even the right password, for a while
        assert ok.status == 429
        assert (await sign_in(s, admin_env, "operator")).status == 303  # other names unaffected
    rows = await admin_env.server.app[appkeys.STORE].fetch(
        "SELECT body FROM audit_log WHERE kind = 'admin.signin' ORDER BY seq"
    )
    bodies = [json.loads(r["body"]) for r in rows]
    outcomes = [(b["actor"], b["outcome"]) for b in bodies]
    # attempts during the back-off are not checked (nor counted)
    assert outcomes == [("u_auditor", "failed")] * 5 + [("u_operator", "ok")]
    assert all("wrong" not in r["body"] for r in rows)
    lockouts = await admin_env.server.app[appkeys.STORE].fetch(
        "SELECT body FROM audit_log WHERE kind = 'admin.lockout'"
    )
    assert [json.loads(r["body"])["actor"] for r in lockouts] == ["u_auditor"]


async def test_a_successful_sign_in_clears_the_failures(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        statuses = [(await sign_in(s, admin_env, "auditor", "wrong")).status for _ in range(4)]
        assert statuses == [401] * 4
        assert (await sign_in(s, admin_env, "auditor")).status == 303
        statuses = [(await sign_in(s, admin_env, "auditor", "wrong")).status for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]  # counting starts again from nought
    stored = await admin_env.server.app[appkeys.STORE].fetch(
        "SELECT key_hash FROM failure_events WHERE scope = 'admin.signin'"
    )
    assert len(stored) == 5 and all("auditor" not in r["key_hash"] for r in stored)


async def test_sign_in_is_refused_when_failures_cannot_be_counted(admin_env: AdminEnv) -> None:
    await admin_env.server.app[appkeys.STORE].execute("DROP TABLE failure_events")
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        r = await sign_in(s, admin_env, "auditor")  # the right password
        assert r.status == 503
        assert not any(c.startswith("phi_admin=") for c in r.headers.getall("Set-Cookie", []))
        async with s.get(admin_env.url("/admin/audit"), allow_redirects=False) as page:
            assert page.status == 303  # not signed in


async def test_console_pages_refuse_hostile_input_without_server_errors(admin_env: AdminEnv):
    paths = [
        "/admin/versions/99999999999999999999999999",
        "/admin/versions/diff?from=1&to=99999",
        "/admin/versions/diff?from=abc",
        "/admin/audit?since=yesterday",
        "/admin/audit?limit=-1&before=0",
        "/admin/audit?kind=%25%5F%5C&entity_type=%27%3B--",
        "/admin/charts?days=0",
        "/admin/charts?days=100000",
        "/admin/versions?before=-5",
    ]
    async with aiohttp.ClientSession() as s:
        for path in paths:
            async with s.get(admin_env.url(path), headers=admin_env.bearer("admin")) as r:
                assert 400 <= r.status < 500 or r.status == 200, (path, r.status)
        r = await s.post(
            admin_env.url("/admin/policy/rule"),
            data={"entity": "PERSON", "action": "mask", "min_score": "nan"},
            headers=admin_env.bearer("privacy_officer"),
        )
        assert r.status == 400
        r = await s.post(
            admin_env.url("/admin/policy/rule"),
            data={"entity": "NOT_A_TYPE", "action": "mask", "min_score": "0.5"},
            headers=admin_env.bearer("privacy_officer"),
        )
        assert r.status == 422 and "unknown entity type" in await r.text()


async def test_an_old_version_can_be_loaded_into_the_draft_and_discarded(admin_env: AdminEnv):
    holder = admin_env.server.app[appkeys.POLICY]
    first = holder.current
    await holder.publish(
        first.text.replace("PERSON: {action: redact", "PERSON: {action: block"),
        actor="olivia",
        reason="stricter",
    )
    officer = admin_env.bearer("privacy_officer")
    async with aiohttp.ClientSession() as s:
        r = await s.post(admin_env.url("/admin/versions/1/draft"), headers=officer)
        assert r.status == 200 and r.url.path == "/admin/policy/edit"
        assert "Draft is the live policy" not in await r.text()
        row = await admin_env.server.app[appkeys.STORE].fetchrow(
            "SELECT yaml FROM admin_drafts WHERE user_name = 'u_privacy_officer'"
        )
        assert row is not None and row["yaml"] == first.text
        r = await s.post(admin_env.url("/admin/policy/discard"), headers=officer)
        assert "Draft is the live policy" in await r.text()
        r = await s.post(
            admin_env.url("/admin/versions/1/draft"), headers=admin_env.bearer("auditor")
        )
        assert r.status == 403


async def test_a_stale_form_keeps_the_typed_yaml_and_says_why(admin_env: AdminEnv) -> None:
    """Signing in again elsewhere makes an open page's form stale (issue #19, point 11): the
    typed YAML is kept in the draft, and the page says what happened, not "your role"."""
    typed = load_policy().text.replace("name: default-sms", "name: typed-before-signing-in")
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        await sign_in(s, admin_env, "privacy_officer")
        stale = await page_csrf(s, admin_env, "/admin/policy/edit")
        await sign_in(s, admin_env, "privacy_officer")  # another tab: a new session
        async with s.post(
            admin_env.url("/admin/policy/draft"), data={"csrf": stale, "yaml": typed}
        ) as r:
            assert r.status == 403
            html = await r.text()
        assert "earlier session" in html and "kept in your draft" in html
        assert "role" not in html.split("<main>")[1]
        async with s.get(admin_env.url("/admin/policy/edit")) as r:
            assert "typed-before-signing-in" in await r.text()
        # a stale form elsewhere changes nothing and says so
        data = {"csrf": stale, "entity": "PERSON", "action": "allow", "min_score": "0.5"}
        async with s.post(admin_env.url("/admin/policy/rule"), data=data) as r:
            assert r.status == 403 and "nothing was changed" in await r.text()
