"""Fixtures for running the real proxy app on a real socket in front of a recording upstream."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from proxy.app import create_app
from proxy.detection.service import TextDetector
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy
from proxy.providers import REGISTRY
from proxy.settings import Settings, StorageSettings
from tests.support.fakes import RecordingUpstream

ACCOUNT = "AC" + "1" * 32
# The media and callback hosts the provider tests' fixtures use (``hosts=False``: none allowed,
# as in a fresh configuration).
TEST_MEDIA_HOSTS = ("media.example",)
TEST_CALLBACK_HOSTS = ("cb.example",)
SENDS = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


@dataclass(frozen=True)
class Reply:
    """A whole answer, read: what a test asserts on after the connection is closed."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip()

    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


async def post_form(url: str | URL, data: str | bytes) -> Reply:
    """POST a form-encoded body (a Twilio send) the way an SDK would, and read the answer."""
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}) as r,
    ):
        return Reply(r.status, r.headers, await r.read())


@pytest.fixture
def upstream() -> RecordingUpstream:
    return RecordingUpstream()


@pytest.fixture
async def upstream_server(aiohttp_server: Any, upstream: RecordingUpstream) -> TestServer:
    return await aiohttp_server(upstream.app())


@pytest.fixture
def default_policy() -> Policy:
    return load_policy()


ProxyFactory = Callable[..., Awaitable[TestServer]]


@pytest.fixture
def make_proxy(
    store_url: str,
    aiohttp_server: Any,
    tmp_path: Path,
    detector: TextDetector,
    default_policy: Policy,
) -> ProxyFactory:
    async def factory(
        upstream_url: str,
        *,
        detector_: TextDetector | None = None,
        policy: Policy | None = None,
        settings: Settings | None = None,
        upstreams: dict[str, str] | None = None,
        ssl: Any = None,
        port: int | None = None,
        hosts: bool = True,
    ) -> TestServer:
        """The proxy; every built-in provider forwards to ``upstream_url`` unless ``upstreams``
        names another base URL for it. The store is ``store_url`` (SQLite in tmp_path, or
        PostgreSQL with PHI_PROXY_TEST_STORAGE=postgres); keys live in tmp_path. Media and
        callback URLs may point to ``TEST_MEDIA_HOSTS``/``TEST_CALLBACK_HOSTS`` unless the
        settings list hosts of their own or ``hosts=False``."""
        s = settings or Settings()
        s = replace(
            s,
            storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
        )
        s = s.with_upstreams({name: upstream_url for name in REGISTRY} | (upstreams or {}))
        if hosts and not (s.providers.media_hosts or s.providers.callback_hosts):
            s = replace(
                s,
                providers=replace(
                    s.providers,
                    media_hosts=TEST_MEDIA_HOSTS,
                    callback_hosts=TEST_CALLBACK_HOSTS,
                ),
            )
        app = create_app(s, policy=policy or default_policy, detector=detector_ or detector)
        kwargs: dict[str, Any] = {"ssl": ssl} if ssl is not None else {}
        if port:
            kwargs["port"] = port
        return await aiohttp_server(app, **kwargs)

    return factory
