"""Issue #18 point 5: console sign-in answers the same for known and unknown names, throttles
per name (with a back-off, not a 15-minute lock anyone can impose) and per client address,
an admin can lift a name's back-off, and lock-outs are audited."""

from __future__ import annotations

import json
import re

import aiohttp

from proxy import appkeys
from proxy.admin import auth as auth_mod
from proxy.admin.auth import AdminAuth, Failed, Throttled
from proxy.admin.state_keys import AUTH
from proxy.store import open_database
from tests.admin.conftest import AdminEnv
from tests.admin.console.test_console_session import jar
from tests.support.fakes import Clock


async def attempt(
    s: aiohttp.ClientSession, env: AdminEnv, name: str, password: str
) -> tuple[int, str, str | None]:
    async with s.get(env.url("/admin/login")) as r:
        token = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)  # type: ignore[union-attr]
    async with s.post(
        env.url("/admin/login"),
        data={"csrf": token, "name": name, "password": password},
        allow_redirects=False,
    ) as r:
        body = await r.text()
        message = re.search(r'class="notice[^"]*"[^>]*>([^<]*)<', body)
        return r.status, message.group(1) if message else body[:0], r.headers.get("Retry-After")


async def test_known_and_unknown_names_get_the_same_answers(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        known = [await attempt(s, admin_env, "u_auditor", "wrong") for _ in range(7)]
        unknown = [await attempt(s, admin_env, "u_nobody", "wrong") for _ in range(7)]
    # status, message and Retry-After alike, attempt by attempt
    assert [k[0] for k in known] == [401, 401, 401, 401, 429, 429, 429]
    assert [(k[0], k[1]) for k in known] == [(u[0], u[1]) for u in unknown]
    assert [k[2] is None for k in known] == [u[2] is None for u in unknown]


async def test_the_same_code_path_runs_for_a_known_and_an_unknown_name(db_url, monkeypatch):
    """Not timing: the same password check runs (scrypt against the user's hash, or a dummy
    one), and the same failure is counted, whether or not the name exists."""
    db = await open_database(db_url)
    try:
        auth = AdminAuth(db)
        await auth.add_user("olivia", "auditor")
        checked: list[str] = []
        real = auth_mod.check_password
        monkeypatch.setattr(
            auth_mod,
            "check_password",
            lambda pw, stored: (
                checked.append("dummy" if stored == auth_mod._DUMMY_HASH else "user")
                or real(pw, stored)
            ),
        )
        a = await auth.sign_in("olivia", "wrong", "10.0.0.1")
        b = await auth.sign_in("nobody", "wrong", "10.0.0.1")
        assert a == b == Failed(locked=False, retry_after=0.0)
        assert checked == ["user", "dummy"]
        assert (
            (await auth.failures.recent("olivia"))[0]
            == (await auth.failures.recent("nobody"))[0]
            == 1
        )
    finally:
        await db.close()


async def test_back_off_grows_and_ends_and_attempts_during_it_are_not_counted(db_url) -> None:
    db = await open_database(db_url)
    clock = Clock(1_000_000.0)
    try:
        auth = AdminAuth(db)
        auth.failures.clock = clock
        auth.address_failures.clock = clock
        new = await auth.add_user("olivia", "auditor")
        results = [await auth.sign_in("olivia", "wrong", f"10.0.0.{i}") for i in range(5)]
        assert results[-1] == Failed(locked=True, retry_after=auth_mod.BACKOFF_BASE_SECONDS)
        # during the back-off even the right password is not checked, and nothing is counted
        for _ in range(10):
            got = await auth.sign_in("olivia", new.password, "10.0.0.9")
            assert isinstance(got, Throttled) and got.scope == "name"
        assert (await auth.failures.recent("olivia"))[0] == 5
        clock.t += auth_mod.BACKOFF_BASE_SECONDS + 1
        again = await auth.sign_in("olivia", "wrong", "10.0.0.9")  # the 6th failure: doubles
        assert again == Failed(locked=False, retry_after=2 * auth_mod.BACKOFF_BASE_SECONDS)
        clock.t += 2 * auth_mod.BACKOFF_BASE_SECONDS + 1
        # so a stranger cannot keep the real admin out for long: the back-off ends
        assert isinstance(await auth.sign_in("olivia", new.password, "10.0.0.9"), tuple)
    finally:
        await db.close()


async def test_password_spraying_from_one_address_is_throttled(db_url) -> None:
    db = await open_database(db_url)
    try:
        auth = AdminAuth(db)
        for i in range(auth_mod.ADDRESS_FAILURES):
            got = await auth.sign_in(f"name{i}", "Spring2026!", "203.0.113.7")
            assert isinstance(got, Failed) and not got.locked  # one try per name
        assert await auth.sign_in("name-next", "Spring2026!", "203.0.113.7") == Throttled(
            auth_mod.ADDRESS_WINDOW_SECONDS, "address"
        )
        assert isinstance(await auth.sign_in("name-next", "x", "198.51.100.1"), Failed)
    finally:
        await db.close()


async def test_an_admin_can_unlock_a_name_and_it_is_audited(admin_env: AdminEnv) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as s:
        for _ in range(5):
            await attempt(s, admin_env, "u_auditor", "wrong")
        assert (await attempt(s, admin_env, "u_auditor", admin_env.passwords["auditor"]))[0] == 429
        # only an admin may lift it
        async with s.post(
            admin_env.url("/admin/api/users/u_auditor/unlock"), headers=admin_env.bearer("operator")
        ) as r:
            assert r.status == 403
        async with s.post(
            admin_env.url("/admin/api/users/u_auditor/unlock"), headers=admin_env.bearer("admin")
        ) as r:
            assert r.status == 200
        assert (await attempt(s, admin_env, "u_auditor", admin_env.passwords["auditor"]))[0] == 303
    store = admin_env.server.app[appkeys.STORE]
    kinds = [
        (r["kind"], json.loads(r["body"]).get("actor"))
        for r in await store.fetch(
            "SELECT kind, body FROM audit_log WHERE kind IN ('admin.lockout', 'admin.user.unlock')"
            " ORDER BY seq"
        )
    ]
    assert kinds == [("admin.lockout", "u_auditor"), ("admin.user.unlock", "u_admin")]
    assert not await admin_env.server.app[AUTH].locked("u_auditor")
