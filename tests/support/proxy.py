"""Fixtures for running the real proxy app on a real socket in front of a recording upstream."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from proxy.app import create_app
from proxy.detection.service import TextDetector
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy
from proxy.providers import REGISTRY
from proxy.settings import Settings, StorageSettings
from tests.support.fakes import RecordingUpstream

ACCOUNT = "AC" + "1" * 32
SENDS = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


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
    ) -> TestServer:
        """The proxy; every built-in provider forwards to ``upstream_url`` unless ``upstreams``
        names another base URL for it. The store is ``store_url`` (SQLite in tmp_path, or
        PostgreSQL with PHI_PROXY_TEST_STORAGE=postgres); keys live in tmp_path."""
        s = settings or Settings()
        s = replace(
            s,
            storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
        )
        s = s.with_upstreams({name: upstream_url for name in REGISTRY} | (upstreams or {}))
        app = create_app(s, policy=policy or default_policy, detector=detector_ or detector)
        kwargs: dict[str, Any] = {"ssl": ssl} if ssl is not None else {}
        if port:
            kwargs["port"] = port
        return await aiohttp_server(app, **kwargs)

    return factory
