"""Vonage Messages API drop-in: the official ``vonage`` SDK → proxy (TLS) → upstream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from vonage import Auth, HttpClientOptions, Vonage
from vonage_http_client.errors import HttpRequestError
from vonage_messages import MmsImage, MmsResource, MmsVideo, Sms

from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME
from tests.support.fakes import RaisingDetector


@pytest.fixture(autouse=True)
def trust_test_cert(monkeypatch: pytest.MonkeyPatch, tls_files: Any) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))


@pytest.fixture
async def tls_proxy(make_proxy: Any, provider_server: Any, server_tls: Any) -> Any:
    return await make_proxy(str(provider_server.make_url("")), ssl=server_tls)


async def send(proxy: Any, message: Any, failover: Any = None) -> Any:
    host = f"127.0.0.1:{proxy.port}"
    vonage = Vonage(
        Auth(api_key="abcd1234", api_secret="Secret0123456789"),
        HttpClientOptions(api_host=host, rest_host=host, max_retries=0),
    )
    if failover is None:
        return await asyncio.to_thread(vonage.messages.send, message)
    return await asyncio.to_thread(vonage.messages.send, message, failover)


async def test_sms_admin_text_passes_unchanged(tls_proxy, provider_upstream):
    resp = await send(tls_proxy, Sms(to="15550100001", from_="15550109999", text=ADMIN))
    assert resp.message_uuid == "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/v1/messages"
    assert json.loads(fwd.body)["text"] == ADMIN
    assert fwd.headers["Authorization"].startswith("Basic ")


async def test_mms_caption_and_failover_text_are_redacted(tls_proxy, provider_upstream):
    image = MmsImage(
        to="15550100001",
        from_="15550109999",
        image=MmsResource(url="https://media.example/card.png", caption=WITH_NAME),
        client_ref="visit-42",
    )
    fallback = Sms(to="15550100001", from_="15550109999", text=WITH_NAME)
    resp = await send(tls_proxy, image, [fallback])
    assert resp.message_uuid
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["image"] == {"url": "https://media.example/card.png", "caption": REDACTED}
    assert sent["failover"][0]["text"] == REDACTED
    assert sent["client_ref"] == "visit-42" and sent["channel"] == "mms"
    assert "Maria" not in provider_upstream.requests[0].body.decode()


async def test_clinical_video_caption_is_refused_with_problem_json(tls_proxy, provider_upstream):
    video = MmsVideo(
        to="15550100001",
        from_="15550109999",
        video=MmsResource(url="https://media.example/v.mp4", caption=CLINICAL),
    )
    with pytest.raises(HttpRequestError) as exc:
        await send(tls_proxy, video)
    problem = exc.value.response.json()
    assert exc.value.response.status_code == 400
    assert problem["type"] == "urn:phi-proxy:blocked"
    assert "CONDITION" in problem["detail"] and "cancer" not in problem["detail"]
    assert set(problem) == {"type", "title", "detail", "instance"}
    assert provider_upstream.requests == []


async def post(proxy: Any, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as s,
        s.post(
            proxy.make_url("/v1/messages"), data=data, headers={"Content-Type": content_type}
        ) as r,
    ):
        assert r.content_type == "application/problem+json"
        return r.status, await r.json()


BASE = {"to": "15550100001", "from": "15550109999", "channel": "sms"}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (json.dumps(BASE | {"message_type": "text"}).encode(), "application/json", 422),
        (json.dumps(BASE | {"message_type": "text", "text": "hi"}).encode(), "text/plain", 400),
        (b'{"to": "15550100001", "text": "Maria', "application/json", 400),
        (
            json.dumps(BASE | {"message_type": "custom", "custom": {"x": "Maria"}}).encode(),
            "application/json",
            422,
        ),
        (
            b'{"to":"15550100001","from":"1","message_type":"text","text":"a","text":"Maria"}',
            "application/json",
            400,
        ),
    ],
    ids=["missing-text", "wrong-content-type", "broken-json", "custom-type", "duplicate-key"],
)
async def test_bad_requests_get_problem_json_and_nothing_is_sent(
    tls_proxy, provider_upstream, data, content_type, status
):
    got_status, problem = await post(tls_proxy, data, content_type)
    assert got_status == status
    assert problem["detail"] and problem["title"] and problem["instance"]
    assert provider_upstream.requests == []


async def test_other_messages_calls_pass_through(tls_proxy, provider_upstream):
    path = "/v1/messages/aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as s,
        s.patch(tls_proxy.make_url(path), json={"status": "read"}) as r,
    ):
        assert r.status == 200
    assert [(f.method, f.path) for f in provider_upstream.requests] == [("PATCH", path)]


async def test_unavailable_raises_http_request_error(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await make_proxy(
        str(provider_server.make_url("")), detector_=RaisingDetector(), ssl=server_tls
    )
    with pytest.raises(HttpRequestError) as exc:
        await send(proxy, Sms(to="15550100001", from_="15550109999", text=ADMIN))
    assert exc.value.response.status_code == 503
    assert exc.value.response.json()["type"] == "urn:phi-proxy:unavailable"
    assert provider_upstream.requests == []
