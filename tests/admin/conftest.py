"""Admin fixtures: a real proxy (real socket, SQLite, policy file in tmp) with one user per role."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import proxy.admin.auth as auth_mod
from proxy.admin.roles import ROLES
from proxy.admin.state_keys import AUTH
from proxy.app import create_app
from proxy.detection.service import TextDetector
from proxy.policy.parse import default_policy_path, load_policy
from proxy.settings import Settings, StorageSettings
from tests.support import proxy as proxy_fixtures
from tests.support.proxy import ACCOUNT, SENDS, Reply

# the proxy fixtures (tests/support/proxy.py)
default_policy = proxy_fixtures.default_policy
make_proxy = proxy_fixtures.make_proxy
upstream = proxy_fixtures.upstream
upstream_server = proxy_fixtures.upstream_server


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests make many users; a cheaper scrypt cost keeps them fast (the hash records its cost)."""
    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    """A copy of the shipped policy: publishing rewrites it, never the repository's file."""
    p = tmp_path / "policy.yaml"
    shutil.copy(default_policy_path(), p)
    return p


@dataclass
class AdminEnv:
    server: TestServer
    keys: dict[str, str] = field(default_factory=dict)  # role → API key
    passwords: dict[str, str] = field(default_factory=dict)  # role → password
    revoked_key: str = ""  # a revoked key of an active admin
    revoked_user_key: str = ""  # a key of a revoked admin

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        role: str = "admin",
        key: str | None = None,
        form: dict[str, str] | None = None,
    ) -> Reply:
        """One call as ``role`` (or with ``key``), a form body if any, redirects not followed."""
        headers = {"Authorization": f"Bearer {key or self.keys[role]}"}
        async with (
            aiohttp.ClientSession() as s,
            s.request(
                method, self.url(path), data=form or None, headers=headers, allow_redirects=False
            ) as r,
        ):
            return Reply(r.status, r.headers, await r.read())


async def add_role_users(app: web.Application, env: AdminEnv) -> None:
    auth = app[AUTH]
    for role in ROLES:
        new = await auth.add_user(f"u_{role}", role)
        env.keys[role] = new.api_key
        env.passwords[role] = new.password
    key_id, env.revoked_key = await auth.add_key("u_admin")
    await auth.revoke_key(key_id)
    gone = await auth.add_user("gone", "admin")
    env.revoked_user_key = gone.api_key
    await auth.revoke_user("gone")


@pytest.fixture
async def admin_env(make_proxy: Any, upstream_server: TestServer, policy_file: Path) -> AdminEnv:
    server = await make_proxy(
        str(upstream_server.make_url("")),
        policy=load_policy(policy_file),
        settings=Settings(policy_path=str(policy_file)),
    )
    env = AdminEnv(server)
    await add_role_users(server.app, env)
    return env


class ThreadedProxy:
    """The proxy on its own event loop in a thread, for synchronous clients (schemathesis)."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(30), "proxy did not start"

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def stop(self) -> None:
        self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def threaded_admin(
    store_url: str, tmp_path: Path, detector: TextDetector, policy_file: Path
) -> Iterator[tuple[ThreadedProxy, AdminEnv]]:
    settings = replace(
        Settings(policy_path=str(policy_file)),
        storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
    ).with_upstreams({"twilio": "http://127.0.0.1:9"})
    app = create_app(settings, policy=load_policy(policy_file), detector=detector)
    proxy = ThreadedProxy(app)
    proxy.start()
    env = AdminEnv(server=None)  # type: ignore[arg-type]
    proxy.call(add_role_users(app, env))
    try:
        yield proxy, env
    finally:
        proxy.stop()


__all__ = ["ACCOUNT", "SENDS"]
