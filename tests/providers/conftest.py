"""Fixtures for the provider drop-in tests: a provider-answering upstream and the real proxy."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.support.provider_upstream import ProviderUpstream
from tests.support.proxy import default_policy, make_proxy  # noqa: F401 - shared fixtures
from tests.support.tls_certs import self_signed

ADMIN = "Reminder: your appointment with Dr. Patel is on Tuesday at 3:15 PM. Call us to reschedule."
WITH_NAME = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
REDACTED = "Hi [name], your appointment with Dr. Patel is on Tuesday at 3:15 PM."
CLINICAL = "Your biopsy results show cancer. Please call us."


@pytest.fixture
def provider_upstream() -> ProviderUpstream:
    return ProviderUpstream()


@pytest.fixture
async def provider_server(aiohttp_server: Any, provider_upstream: ProviderUpstream) -> TestServer:
    return await aiohttp_server(provider_upstream.app())


@pytest.fixture
async def proxy(make_proxy: Any, provider_server: TestServer) -> TestServer:  # noqa: F811
    return await make_proxy(str(provider_server.make_url("")))


def base(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (generated, never committed)."""
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*tls_files)
    return ctx


@pytest.fixture
async def broken_proxy(make_proxy: Any, provider_server: TestServer) -> TestServer:  # noqa: F811
    """A proxy whose detector fails: every inspected send must be refused as unavailable."""
    from tests.support.fakes import RaisingDetector

    return await make_proxy(str(provider_server.make_url("")), detector_=RaisingDetector())
