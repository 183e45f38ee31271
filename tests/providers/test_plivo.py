"""Plivo drop-in: the official ``plivo`` SDK → proxy → a Plivo-like upstream.

The Plivo SDK has no base-URL option: every request re-reads the module constant
``plivo.rest.client.PLIVO_API_BASE_URI``, which is what a deployment (and this test) points at
the proxy.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import plivo
import plivo.rest.client
import pytest
from plivo import exceptions as plivo_errors

from proxy.settings import DetectionSettings, Settings
from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME, base
from tests.support.fakes import RaisingDetector

AUTH_ID = "MA" + "A" * 18
MESSAGE = f"/v1/Account/{AUTH_ID}/Message/"


@pytest.fixture(autouse=True)
def plivo_at_proxy(monkeypatch: pytest.MonkeyPatch, proxy: Any) -> None:
    monkeypatch.setattr(plivo.rest.client, "PLIVO_API_BASE_URI", base(proxy) + "/v1/Account")


async def send(**kwargs: Any) -> Any:
    client = plivo.RestClient(AUTH_ID, "test-auth-token")
    return await asyncio.to_thread(lambda: client.messages.create(**kwargs))


async def test_admin_text_passes_and_sdk_gets_its_response(proxy, provider_upstream):
    resp = await send(src="15550109999", dst="15550100001", text=ADMIN)
    assert resp.message == "message(s) queued" and len(resp.message_uuid) == 1
    (fwd,) = provider_upstream.requests
    assert fwd.path == MESSAGE
    assert json.loads(fwd.body)["text"] == ADMIN
    assert fwd.headers["Authorization"].startswith("Basic ")


async def test_several_recipients_one_redacted_text(proxy, provider_upstream):
    await send(
        src="15550109999",
        dst="15550100001<15550100002<15550100003",
        text=WITH_NAME,
        url="https://cb.example/status",
    )
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["text"] == REDACTED
    assert sent["dst"] == "15550100001<15550100002<15550100003"
    assert sent["url"] == "https://cb.example/status" and sent["src"] == "15550109999"


async def test_clinical_text_raises_validation_error(proxy, provider_upstream):
    with pytest.raises(plivo_errors.ValidationError) as exc:
        await send(src="15550109999", dst="15550100001<15550100002", text=CLINICAL)
    assert "blocked by PHI policy" in str(exc.value) and "cancer" not in str(exc.value)
    assert provider_upstream.requests == []


async def test_unavailable_raises_server_error_with_our_message(
    make_proxy, provider_server, provider_upstream, monkeypatch
):
    broken = await make_proxy(
        str(provider_server.make_url("")),
        detector_=RaisingDetector(),
        settings=Settings(detection=DetectionSettings(deadline_seconds=0.5)),
    )
    monkeypatch.setattr(plivo.rest.client, "PLIVO_API_BASE_URI", base(broken) + "/v1/Account")
    with pytest.raises(plivo_errors.PlivoServerError) as exc:
        await send(src="15550109999", dst="15550100001", text=ADMIN)
    assert "not sent" in str(exc.value)
    assert provider_upstream.requests == []


async def post(proxy: Any, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(MESSAGE), data=data, headers={"Content-Type": content_type}) as r,
    ):
        return r.status, await r.json()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"src": "15550109999", "dst": "15550100001"}', "application/json"),
        (b"src=15550109999&dst=15550100001&text=hi", "application/x-www-form-urlencoded"),
        (b'{"src": "15550109999", "dst": "15550100001", "text": "Maria', "application/json"),
        (
            b'{"src":"1","dst":"2","type":"whatsapp","template":{"name":"t","components":[]}}',
            "application/json",
        ),
    ],
    ids=["missing-text", "wrong-content-type", "broken-json", "whatsapp-template"],
)
async def test_bad_requests_get_plivo_errors_and_nothing_is_sent(
    proxy, provider_upstream, data, content_type
):
    status, body = await post(proxy, data, content_type)
    assert status == 400
    assert set(body) == {"api_id", "error"} and body["error"]
    assert provider_upstream.requests == []


async def test_speak_text_is_inspected(proxy, provider_upstream):
    path = f"/v1/Account/{AUTH_ID}/Call/abc-123/Speak/"
    async with aiohttp.ClientSession() as s:
        async with s.post(proxy.make_url(path), json={"text": CLINICAL}) as r:
            assert r.status == 400
        async with s.post(proxy.make_url(path), json={"text": WITH_NAME, "voice": "WOMAN"}) as r:
            assert r.status == 202
    (fwd,) = provider_upstream.requests
    assert json.loads(fwd.body) == {"text": REDACTED, "voice": "WOMAN"}


async def test_other_calls_pass_through(proxy, provider_upstream):
    client = plivo.RestClient(AUTH_ID, "test-auth-token")
    resp = await asyncio.to_thread(client.messages.get, "uuid-1")
    assert resp.method == "GET"
    assert provider_upstream.requests[0].path == f"/v1/Account/{AUTH_ID}/Message/uuid-1/"
