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


async def test_every_sdk_option_is_forwarded_unchanged(proxy, provider_upstream, monkeypatch):
    for name in (
        "API_VOICE_BASE_URI",
        "API_VOICE_BASE_URI_FALLBACK_1",
        "API_VOICE_BASE_URI_FALLBACK_2",
    ):  # Speak uses the voice base URLs (README, "Pointing each SDK at the proxy")
        monkeypatch.setattr(plivo.rest.client, name, base(proxy) + "/v1/Account")
    await send(
        src="15550109999",
        dst="15550100001<15550100002",
        text=ADMIN,
        type_="mms",
        url="https://cb.example/plivo",
        method="POST",
        log="false",
        trackable=True,
        media_urls=["https://media.example/card.png"],
        media_ids=["801c2056-33ab-499c-80ef-58b574a462a2"],
        message_expiry=600,
        dlt_entity_id="1101456789",
        dlt_template_id="1107456789",
        dlt_template_category="transactional",
    )
    await send(powerpack_uuid="d35f2e82-d387-427f-8594-6fa07613c43a", dst="15550100001", text=ADMIN)
    client = plivo.RestClient(AUTH_ID, "test-auth-token")
    await asyncio.to_thread(
        lambda: client.calls.start_speaking(
            "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
            ADMIN,
            voice="WOMAN",
            language="en-US",
            legs="aleg",
            loop=False,
            mix=True,
            callback_url="https://cb.example/speak",
            callback_method="POST",
        )
    )
    assert [json.loads(r.body)["text"] for r in provider_upstream.requests] == [ADMIN] * 3


@pytest.mark.parametrize(
    ("path", "extra", "status"),
    [
        (MESSAGE, {"media_urls": ["https://elsewhere.example.net/Maria_Lopez.png"]}, 400),
        (MESSAGE, {"media_urls": ["https://media.example/Maria_Lopez_HIV.png"]}, 400),
        (MESSAGE, {"Text": "Maria Lopez"}, 400),
        (f"/v1/Account/{AUTH_ID}/Message//", {}, 400),
        (f"/v1/Account/{AUTH_ID}/message/", {}, 404),
        (f"/v1/Account/{AUTH_ID}/Call/", {}, 404),
        (f"/v1/Account/{AUTH_ID}/Number/", {}, 404),
    ],
)
async def test_other_fields_and_routes_are_refused(proxy, provider_upstream, path, extra, status):
    body = {"src": "15550109999", "dst": "15550100001", "text": "Hi Maria Lopez", **extra}
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url(path), json=body) as r:
        assert r.status == status
        assert "Maria" not in await r.text()
    assert provider_upstream.requests == []
