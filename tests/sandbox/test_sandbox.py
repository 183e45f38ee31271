"""The sandbox behind the real proxy: each provider's official SDK → proxy → sandbox.

Every SDK must get its normal response object back (so ``serve --sandbox`` can be tried with
any provider's client), and ``/_sandbox/messages`` must show the text as it left the proxy.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from typing import Any

import aiohttp
import boto3
import plivo.rest.client
import pytest
from aiohttp.test_utils import TestServer
from twilio.rest import Client as TwilioClient
from vonage_messages import Sms as VonageSms
from vonage_sms.responses import SmsResponse

from proxy.providers import REGISTRY
from proxy.providers.config import AwsConfig, ProvidersConfig
from proxy.sandbox.app import (
    SANDBOX_AWS_KEY_ID,
    SANDBOX_AWS_SECRET_ENV,
    create_sandbox,
    prefers_html,
    sandbox_settings,
)
from proxy.settings import Settings
from tests.providers import test_aws as aws_tests
from tests.providers import test_messagebird as messagebird_tests
from tests.providers import test_plivo as plivo_tests
from tests.providers import test_sinch as sinch_tests
from tests.providers import test_telnyx as telnyx_tests
from tests.providers import test_vonage_messages as vonage_messages_tests
from tests.providers import test_vonage_sms as vonage_sms_tests
from tests.providers.conftest import CLINICAL, REDACTED, WITH_NAME, base, server_tls, tls_files  # noqa: F401
from tests.support.proxy import ACCOUNT

NAME = "Maria Lopez"
PLIVO_BASES = (
    "PLIVO_API_BASE_URI",
    "API_VOICE_BASE_URI",
    "API_VOICE_BASE_URI_FALLBACK_1",
    "API_VOICE_BASE_URI_FALLBACK_2",
)


@pytest.fixture
async def sandbox(aiohttp_server: Any) -> TestServer:
    return await aiohttp_server(create_sandbox())


@pytest.fixture
def settings(sandbox: TestServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv(SANDBOX_AWS_SECRET_ENV, "sandbox-test-secret")
    return sandbox_settings(Settings(), base(sandbox))


@pytest.fixture
async def proxy(make_proxy: Any, sandbox: TestServer, settings: Settings) -> TestServer:
    return await make_proxy(base(sandbox), settings=settings)


@pytest.fixture
async def tls_proxy(
    make_proxy: Any,
    sandbox: TestServer,
    settings: Settings,
    server_tls: Any,  # noqa: F811
    tls_files: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> TestServer:
    """The Vonage SDK only speaks https://{host}: the proxy is served over TLS."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))
    return await make_proxy(base(sandbox), settings=settings, ssl=server_tls)


async def received(sandbox: TestServer, accept: str = "application/json") -> Any:
    async with (
        aiohttp.ClientSession() as s,
        s.get(base(sandbox) + "/_sandbox/messages", headers={"Accept": accept}) as r,
    ):
        assert r.status == 200
        return await r.json() if "json" in r.content_type else await r.text()


async def only(sandbox: TestServer, provider: str) -> dict[str, Any]:
    (item,) = await received(sandbox)
    assert item["provider"] == provider
    assert item["texts"] == [REDACTED]
    assert NAME not in str(item["fields"])
    return dict(item)


async def test_twilio(proxy, sandbox):
    client = TwilioClient(ACCOUNT, "test-token")
    client.api.base_url = base(proxy)
    msg = await asyncio.to_thread(
        client.messages.create, to="+15550100001", from_="+15550109999", body=WITH_NAME
    )
    assert msg.sid.startswith("SM") and msg.status == "queued" and msg.body == REDACTED
    item = await only(sandbox, "twilio")
    assert item["to"] == ["+15550100001"] and item["authorization"] is True


async def test_vonage_sms(tls_proxy, sandbox):
    resp = await vonage_sms_tests.send(tls_proxy, WITH_NAME)
    assert isinstance(resp, SmsResponse)
    assert resp.message_count == "1" and resp.messages[0].status == "0"
    assert resp.messages[0].client_ref == "visit-42"
    item = await only(sandbox, "vonage_sms")
    assert item["path"] == "/sms/json" and item["to"] == ["15550100001"]


async def test_vonage_messages(tls_proxy, sandbox):
    resp = await vonage_messages_tests.send(
        tls_proxy, VonageSms(to="15550100001", from_="15550109999", text=WITH_NAME)
    )
    assert len(resp.message_uuid) == 36
    item = await only(sandbox, "vonage_messages")
    assert item["status"] == 202


async def test_plivo(proxy, sandbox, monkeypatch):
    monkeypatch.setattr(plivo.rest.client, "PLIVO_API_BASE_URI", base(proxy) + "/v1/Account")
    resp = await plivo_tests.send(src="15550109999", dst="15550100001<15550100002", text=WITH_NAME)
    assert resp.message == "message(s) queued" and len(resp.message_uuid) == 2
    item = await only(sandbox, "plivo")
    assert item["to"] == ["15550100001", "15550100002"] and item["status"] == 202


async def test_plivo_speak(proxy, sandbox, monkeypatch):
    # Voice calls use their own base URIs (and retry a 5xx on the fallbacks): all must be set
    for name in PLIVO_BASES:
        monkeypatch.setattr(plivo.rest.client, name, base(proxy) + "/v1/Account")
    client = plivo.RestClient(plivo_tests.AUTH_ID, "test-auth-token")
    resp = await asyncio.to_thread(client.calls.speak, "call-uuid-0001", WITH_NAME)
    assert resp.message == "speak started"
    await only(sandbox, "plivo")


async def test_telnyx(proxy, sandbox):
    resp = await asyncio.to_thread(
        telnyx_tests.client(proxy).messages.send,
        to="+15550100001",
        from_="+15550109999",
        text=WITH_NAME,
    )
    assert resp.data is not None and resp.data.text == REDACTED
    assert resp.data.to is not None and resp.data.to[0].phone_number == "+15550100001"
    await only(sandbox, "telnyx")


async def test_messagebird(proxy, sandbox):
    msg = await asyncio.to_thread(
        messagebird_tests.client(proxy).message_create,
        "PhiClinic",
        ["15550100001", "15550100002"],
        WITH_NAME,
    )
    assert len(msg.id) == 32 and msg.body == REDACTED
    assert msg.recipients["totalCount"] == 2
    item = await only(sandbox, "messagebird")
    assert item["status"] == 201 and item["to"] == ["15550100001", "15550100002"]


async def test_sinch(proxy, sandbox):
    batch = await sinch_tests.send(proxy, to=["15550100001"], from_="15550109999", body=WITH_NAME)
    assert batch.id and batch.body == REDACTED and batch.canceled is False
    item = await only(sandbox, "sinch")
    assert item["status"] == 201 and item["path"] == sinch_tests.BATCHES


async def test_aws_sns(proxy, sandbox):
    resp = await asyncio.to_thread(
        aws_tests.sns(proxy).publish, PhoneNumber="+15550100001", Message=WITH_NAME
    )
    assert len(resp["MessageId"]) == 36
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    item = await only(sandbox, "aws_sns")
    assert item["path"] == "/" and item["to"] == ["+15550100001"]


async def test_aws_sns_publish_batch(proxy, sandbox):
    resp = await asyncio.to_thread(
        aws_tests.sns(proxy).publish_batch,
        TopicArn="arn:aws:sns:us-east-1:000000000000:reminders",
        PublishBatchRequestEntries=[{"Id": "one", "Message": WITH_NAME}],
    )
    assert [s["Id"] for s in resp["Successful"]] == ["one"] and resp["Failed"] == []
    await only(sandbox, "aws_sns")


async def test_aws_sms_voice(proxy, sandbox):
    resp = await asyncio.to_thread(
        aws_tests.sms(proxy).send_text_message,
        DestinationPhoneNumber="+15550100001",
        OriginationIdentity="+15550109999",
        MessageBody=WITH_NAME,
    )
    assert len(resp["MessageId"]) == 36
    item = await only(sandbox, "aws_sms")
    assert item["to"] == ["+15550100001"]


async def test_blocked_text_never_reaches_the_sandbox(proxy, sandbox):
    client = TwilioClient(ACCOUNT, "test-token")
    client.api.base_url = base(proxy)
    from twilio.base.exceptions import TwilioRestException

    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            client.messages.create,
            to="+15550100001",
            from_="+15550109999",
            body=CLINICAL,
        )
    assert exc.value.code == 90001
    assert await received(sandbox) == []


# --- the sandbox on its own ---------------------------------------------------------------


def test_sandbox_settings_point_every_provider_at_it_and_sign_aws():
    s = sandbox_settings(Settings(), "http://127.0.0.1:9")
    assert {s.upstream.urls[name] for name in REGISTRY} == {"http://127.0.0.1:9"}
    assert s.providers.aws.access_key_id == SANDBOX_AWS_KEY_ID
    assert s.providers.aws.secret_access_key_env == SANDBOX_AWS_SECRET_ENV


def test_sandbox_settings_keep_a_configured_aws_identity():
    own = AwsConfig(access_key_id="AKIDOWN", secret_access_key_env="OWN_SECRET", region="eu-west-1")
    s = sandbox_settings(Settings(providers=ProvidersConfig(aws=own)), "http://127.0.0.1:9")
    assert s.providers.aws == own


async def test_messages_page_is_html_for_browsers_and_escapes(proxy, sandbox):
    client = TwilioClient(ACCOUNT, "test-token")
    client.api.base_url = base(proxy)
    await asyncio.to_thread(
        client.messages.create, to="+15550100001", from_="+15550109999", body="<b>Hi</b> & bye"
    )
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = await received(sandbox, browser)
    assert page.startswith("<!doctype html>") and "<table>" in page
    assert "&lt;b&gt;Hi&lt;/b&gt; &amp; bye" in page and "<b>Hi</b>" not in page
    assert "twilio" in page and "+15550100001" in page
    (item,) = await received(sandbox, "*/*")
    assert item["texts"] == ["<b>Hi</b> & bye"]


async def test_messages_page_empty_and_clear(sandbox):
    assert "Nothing received yet" in await received(sandbox, "text/html")
    async with aiohttp.ClientSession() as s:
        async with s.post(base(sandbox) + "/sms/json", data={"to": "1", "text": "x"}) as r:
            assert r.status == 200
        assert len(await received(sandbox)) == 1
        async with s.delete(base(sandbox) + "/_sandbox/messages") as r:
            assert r.status == 204
    assert await received(sandbox) == []


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("*/*", False),
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.9, application/json;q=0.5", True),
        ("text/html;q=0", False),
    ],
)
def test_prefers_html(accept, html):
    assert prefers_html(accept) is html


async def test_unknown_aws_action_is_an_aws_error(sandbox):
    async with (
        aiohttp.ClientSession() as s,
        s.post(base(sandbox) + "/", data={"Action": "ListTopics"}) as r,
    ):
        assert r.status == 400 and "InvalidAction" in await r.text()


def _every_send_route() -> list[tuple[str, str, str]]:
    out = []
    for name, cls in REGISTRY.items():
        for route in cls.routes:
            out.append((name, route.method, re.sub(r"\{[^}]+\}", "x1", route.path)))
    return out


@pytest.mark.parametrize(("provider", "method", "path"), _every_send_route())
async def test_every_inspected_route_is_answered(sandbox, provider, method, path):
    headers = {"Content-Type": "application/json"}
    data = b'{"to": ["15550100001"], "text": "hi", "body": "hi"}'
    if provider == "aws_sns":
        headers, data = {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=Publish"
    if provider == "aws_sms":
        headers["X-Amz-Target"] = "PinpointSMSVoiceV2.SendTextMessage"
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, base(sandbox) + path, data=data, headers=headers) as r,
    ):
        assert 200 <= r.status < 300, await r.text()
    (item,) = await received(sandbox)
    assert item["provider"] == provider


@pytest.mark.slow
async def test_serve_sandbox_end_to_end(tmp_path):
    """`phi-proxy serve --sandbox` as a new user runs it: embedded defaults, no AWS identity."""
    from tests.server.test_serve_workers import ROOT, free_port_pair, wait_port

    port = free_port_pair()  # the sandbox listens on port + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHI_PROXY_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--sandbox", "--port", str(port),
         "--log-level", "WARNING"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await wait_port(port, proc)
        await wait_port(port + 1, proc)
        sns = boto3.client(
            "sns",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}/aws/sns",
            aws_access_key_id="AKIDCLIENTKEY0000001",
            aws_secret_access_key="client-secret",
        )
        resp = await asyncio.to_thread(sns.publish, PhoneNumber="+15550100001", Message=WITH_NAME)
        assert len(resp["MessageId"]) == 36
        async with (
            aiohttp.ClientSession() as s,
            s.get(f"http://127.0.0.1:{port + 1}/_sandbox/messages") as r,
        ):
            (item,) = await r.json()
        assert item["provider"] == "aws_sns" and item["texts"] == [REDACTED]
        assert (tmp_path / "var" / "phi-proxy.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0].decode()
    assert proc.returncode == 0, out
    assert NAME not in out


@pytest.mark.slow
def test_serve_says_which_port_is_taken(tmp_path):
    """A busy sandbox port is a one-line error and exit code 2, not a traceback."""
    import socket

    from tests.server.test_serve_workers import ROOT, free_port_pair

    port = free_port_pair()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHI_PROXY_")}
    env["PYTHONPATH"] = str(ROOT)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        done = subprocess.run(
            [sys.executable, "-m", "proxy", "serve", "--sandbox", "--port", str(port)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    assert f"the sandbox cannot listen on 127.0.0.1:{port + 1}" in done.stderr
    assert "Traceback" not in done.stderr
