"""Fixtures: the real proxy app with webhooks configured, in front of a recording customer
endpoint (a real aiohttp server) and the recording provider upstream."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from twilio.rest import Client

from proxy.providers.config import ProvidersConfig
from proxy.settings import ServerSettings, Settings
from proxy.webhooks.config import HookSettings, KeywordSettings, WebhookSettings
from tests.support import storage
from tests.support.fakes import Recorded, catch_all, recorded
from tests.support.proxy import (  # noqa: F401 - fixtures re-exported for this folder
    ACCOUNT,
    default_policy,
    make_proxy,
    upstream,
    upstream_server,
)

PUBLIC = "https://proxy.example"
SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:clinic-inbound-sms"
TWILIO_TOKEN = "twilio-test-auth-token-0123456789"
PLIVO_TOKEN = "plivo-test-auth-token-0123456789"
VONAGE_SECRET = "vonage-test-signature-secret-0123456789abcdef"
MESSAGEBIRD_KEY = "messagebird-test-signing-key-0123456789"
SINCH_BASIC = "sinch-hooks:sinch-test-basic-password-0123456789abcdef"
SINCH_PATH_TOKEN = "sinch-test-path-token-0123456789abcdef"

PATIENT = "+15550100001"
PATIENT_2 = "+15550100002"
CLINIC = "+15550109999"
CLINIC_2 = "+15550108888"
SERVICE = "MG" + "a" * 32


@dataclass
class Customer:
    """The customer's webhook endpoint: records every request, answers with TwiML."""

    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    body: str = "<Response/>"
    content_type: str = "application/xml"

    def app(self) -> web.Application:
        return catch_all(self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(await recorded(request, raw_query=True))
        return web.Response(status=self.status, text=self.body, content_type=self.content_type)


@pytest.fixture
def customer() -> Customer:
    return Customer()


@pytest.fixture
async def customer_server(aiohttp_server: Any, customer: Customer) -> TestServer:
    return await aiohttp_server(customer.app())


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    from tests.support.webhook_signing import TELNYX_PUBLIC_B64

    env = {
        "TEST_TWILIO_TOKEN": TWILIO_TOKEN,
        "TEST_PLIVO_TOKEN": PLIVO_TOKEN,
        "TEST_VONAGE_SECRET": VONAGE_SECRET,
        "TEST_MESSAGEBIRD_KEY": MESSAGEBIRD_KEY,
        "TEST_TELNYX_PUBLIC_KEY": TELNYX_PUBLIC_B64,
        "TEST_SINCH_BASIC": SINCH_BASIC,
        "TEST_SINCH_PATH_TOKEN": SINCH_PATH_TOKEN,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def hook_settings(
    customer_url: str,
    keywords: KeywordSettings | None = None,
    confirmation_window: int = 0,
    sns_cert: str = "",
    sinch_auth: str = "basic",
) -> WebhookSettings:
    def hook(name: str, env: str = "", auth: Any = None) -> HookSettings:
        return HookSettings(
            name,
            {"sms": f"{customer_url}/{name}/sms", "status": f"{customer_url}/{name}/status"},
            env,
            auth,
        )

    sinch_env = "TEST_SINCH_BASIC" if sinch_auth == "basic" else "TEST_SINCH_PATH_TOKEN"

    return WebhookSettings(
        tolerance_seconds=300,
        forward_timeout_seconds=2.0,
        confirmation_window_seconds=confirmation_window,
        keywords=keywords or KeywordSettings(),
        providers={
            "twilio": hook("twilio", "TEST_TWILIO_TOKEN"),
            "plivo": hook("plivo", "TEST_PLIVO_TOKEN"),
            "vonage": hook("vonage", "TEST_VONAGE_SECRET"),
            "messagebird": hook("messagebird", "TEST_MESSAGEBIRD_KEY"),
            "telnyx": hook("telnyx", "TEST_TELNYX_PUBLIC_KEY"),
            "sinch": hook("sinch", sinch_env, sinch_auth),
            "aws": HookSettings(
                "aws",
                {"sms": f"{customer_url}/aws/sms"},
                certificate_file=sns_cert,
                topic_arns=(SNS_TOPIC,),
            ),
        },
    )


@dataclass
class Stack:
    proxy: TestServer
    store_url: str

    def url(self, path: str) -> str:
        return str(self.proxy.make_url(path))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return storage.rows(self.store_url, sql)

    def optouts(self) -> list[tuple[Any, ...]]:
        return self.rows("SELECT recipient, scope, state, provider, rule FROM optouts")

    def audit_kinds(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT kind FROM audit_log ORDER BY seq")]

    def db_bytes(self) -> bytes:
        """Everything the store holds (SQLite: every byte on disk; PostgreSQL: every row)."""
        return storage.store_bytes(self.store_url)


StackFactory = Callable[..., Awaitable[Stack]]


@pytest.fixture
def stack(
    make_proxy: Any,  # noqa: F811
    upstream_server: TestServer,  # noqa: F811
    customer_server: TestServer,
    secrets_env: dict[str, str],
    tmp_path: Path,
    store_url: str,
) -> StackFactory:
    from tests.support.webhook_signing import SNS_CERT_PEM

    cert = tmp_path / "sns-signing-cert.pem"
    cert.write_bytes(SNS_CERT_PEM)

    async def factory(
        keywords: KeywordSettings | None = None,
        confirmation_window: int = 0,
        sinch_auth: str = "basic",
    ) -> Stack:
        customer_url = str(customer_server.make_url("")).rstrip("/")
        settings = Settings(
            server=ServerSettings(public_base_url=PUBLIC),
            webhooks=hook_settings(
                customer_url, keywords, confirmation_window, str(cert), sinch_auth
            ),
            providers=ProvidersConfig(media_hosts=("media.example",)),
        )
        proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
        return Stack(proxy, store_url)

    return factory


def twilio_client(stack: Stack) -> Client:
    client = Client(ACCOUNT, "test-auth-token")
    client.api.base_url = stack.url("").rstrip("/")
    return client


async def sdk_send(stack: Stack, **kwargs: Any) -> Any:
    return await asyncio.to_thread(lambda: twilio_client(stack).messages.create(**kwargs))


def twilio_form(
    text: str,
    frm: str = PATIENT,
    to: str = CLINIC,
    service: str | None = None,
    sid: str | None = None,
) -> list[tuple[str, str]]:
    sid = sid or "SM" + uuid.uuid4().hex
    pairs = [
        ("ToCountry", "US"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("SmsSid", sid),
        ("SmsStatus", "received"),
        ("Body", text),
        ("To", to),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT),
        ("From", frm),
        ("ApiVersion", "2010-04-01"),
    ]
    if service:
        pairs.append(("MessagingServiceSid", service))
    return pairs


async def post_twilio(
    stack: Stack,
    text: str,
    *,
    frm: str = PATIENT,
    to: str = CLINIC,
    service: str | None = None,
    signed_url: str | None = None,
    token: str = TWILIO_TOKEN,
    kind: str = "sms",
    sid: str | None = None,
) -> tuple[int, str]:
    """Post a Twilio inbound-SMS webhook signed (with Twilio's own validator) for the proxy's
    public URL, as Twilio would."""
    import aiohttp
    from twilio.request_validator import RequestValidator

    path = f"/webhooks/twilio/{kind}"
    pairs = twilio_form(text, frm, to, service, sid)
    sig = RequestValidator(token).compute_signature(signed_url or PUBLIC + path, dict(pairs))
    from urllib.parse import urlencode

    async with (
        aiohttp.ClientSession() as s,
        s.post(
            stack.url(path),
            data=urlencode(pairs),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sig,
                "I-Twilio-Idempotency-Token": "idem-1",
            },
        ) as r,
    ):
        return r.status, await r.text()


def sinch_basic_headers(credentials: str = SINCH_BASIC) -> dict[str, str]:
    import base64

    token = base64.b64encode(credentials.encode()).decode()
    return {"Content-Type": "application/json", "Authorization": f"Basic {token}"}
