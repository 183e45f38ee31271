"""Portal fixtures: the real proxy (make_proxy) with its public base URL on its own port, the
Twilio SDK with the date-of-birth header, and a Portal on a real SQLite store for unit tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from aiohttp.test_utils import TestServer, unused_port
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from proxy.audit.log import AuditLog
from proxy.crypto.vault_keys import KeyRing
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy
from proxy.portal.service import Portal
from proxy.settings import ServerSettings, Settings
from proxy.store import Database, open_database
from tests.support.fakes import Clock
from tests.support.proxy import (  # noqa: F401 - fixtures shared with the proxy tests
    ACCOUNT,
    SENDS,
    default_policy,
    make_proxy,
    upstream,
    upstream_server,
)

DOB = "1962-03-14"
CLINICAL = "Your biopsy results show cancer. Dr. Patel will call you on Tuesday at 3:15 PM."
CLINICAL_WORDS = ("biopsy", "cancer", "results")
LINK = re.compile(r"https?://[^\s]+/portal/([A-Za-z0-9_-]{43})")
KEK = bytes(range(32))


class DobHttpClient(TwilioHttpClient):
    """How a customer adds the portal's date-of-birth header to every Twilio SDK request."""

    def __init__(self, dob: str | None) -> None:
        super().__init__()
        self.dob = dob

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool = False,
    ) -> Any:
        headers = dict(headers or {})
        if self.dob:
            headers["X-PHI-Proxy-Patient-DOB"] = self.dob
        return super().request(method, url, params, data, headers, auth, timeout, allow_redirects)


def sdk(base_url: str, dob: str | None = DOB) -> Client:
    client = Client(ACCOUNT, "test-auth-token", http_client=DobHttpClient(dob))
    client.api.base_url = base_url
    return client


async def send_sdk(base_url: str, dob: str | None = DOB, **kwargs: Any) -> Any:
    return await asyncio.to_thread(lambda: sdk(base_url, dob).messages.create(**kwargs))


def portal_policy(**portal: Any) -> Policy:
    base = load_policy()
    return replace(base, portal=replace(base.portal, **portal))


@dataclass
class PortalProxy:
    server: TestServer
    base: str

    def url(self, path: str = "") -> str:
        return self.base + path


@pytest.fixture
def start_proxy(make_proxy: Any, upstream_server: TestServer) -> Callable[..., Any]:  # noqa: F811
    """Start the proxy with ``server.public_base_url`` = its own address (the links' base)."""

    async def start(policy: Policy | None = None, detector: Any = None) -> PortalProxy:
        port = unused_port()
        base = f"http://127.0.0.1:{port}"
        settings = Settings(server=replace(ServerSettings(), public_base_url=base))
        server = await make_proxy(
            str(upstream_server.make_url("")),
            policy=policy,
            settings=settings,
            port=port,
            detector_=detector,
        )
        return PortalProxy(server, base)

    return start


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """The vault's store, on SQLite and on PostgreSQL (tests/conftest.py ``db_url``)."""
    database = await open_database(db_url)
    yield database
    await database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def portal(db: Database, clock: Clock) -> Portal:
    ring = KeyRing(db, KEK)
    return Portal(db, ring, KEK, AuditLog(db), b"p" * 32, "https://portal.example", clock)
