"""Telnyx drop-in: the official ``telnyx`` SDK (``base_url``) → proxy → a Telnyx-like upstream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
import telnyx

from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME, base


def client(proxy: Any) -> telnyx.Telnyx:
    return telnyx.Telnyx(api_key="KEYtest0123", base_url=base(proxy) + "/v2", max_retries=0)


async def test_admin_text_passes_and_sdk_gets_its_response(proxy, provider_upstream):
    resp = await asyncio.to_thread(
        client(proxy).messages.send, to="+15550100001", from_="+15550109999", text=ADMIN
    )
    assert resp.data is not None and resp.data.id == "40385f64-5717-4562-b3fc-2c963f66afa6"
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/v2/messages"
    assert json.loads(fwd.body)["text"] == ADMIN
    assert fwd.headers["Authorization"] == "Bearer KEYtest0123"


async def test_mms_text_and_subject_redacted_other_fields_kept(proxy, provider_upstream):
    await asyncio.to_thread(
        client(proxy).messages.send,
        to="+15550100001",
        from_="+15550109999",
        text=WITH_NAME,
        subject="Note for Maria Lopez",
        media_urls=["https://media.example/card.png"],
        webhook_url="https://cb.example/t",
    )
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["text"] == REDACTED
    assert "Maria" not in sent["subject"]
    assert sent["media_urls"] == ["https://media.example/card.png"]
    assert sent["webhook_url"] == "https://cb.example/t" and sent["from"] == "+15550109999"


async def test_group_mms_several_recipients(proxy, provider_upstream):
    await asyncio.to_thread(
        client(proxy).messages.send_group_mms,
        from_="+15550109999",
        to=["+15550100001", "+15550100002"],
        text=WITH_NAME,
    )
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/v2/messages/group_mms"
    sent = json.loads(fwd.body)
    assert sent["to"] == ["+15550100001", "+15550100002"] and sent["text"] == REDACTED


async def test_clinical_text_raises_bad_request_error(proxy, provider_upstream):
    with pytest.raises(telnyx.BadRequestError) as exc:
        await asyncio.to_thread(
            client(proxy).messages.send, to="+15550100001", from_="+15550109999", text=CLINICAL
        )
    err = exc.value.body["errors"][0]  # type: ignore[index]
    assert err["code"] == "90001" and "CONDITION" in err["detail"]
    assert "cancer" not in str(exc.value)
    assert provider_upstream.requests == []


async def post(proxy: Any, path: str, data: bytes, ctype: str) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(path), data=data, headers={"Content-Type": ctype}) as r,
    ):
        return r.status, await r.json()


@pytest.mark.parametrize(
    ("path", "data", "content_type", "status"),
    [
        ("/v2/messages", b'{"to": "+15550100001", "from": "+1"}', "application/json", 422),
        ("/v2/messages", b"to=%2B15550100001&text=hi", "application/x-www-form-urlencoded", 400),
        ("/v2/messages", b'{"to": "+15550100001", "text": "Maria', "application/json", 400),
        ("/v2/messages/whatsapp", b'{"to": "+15550100001"}', "application/json", 405),
    ],
    ids=["missing-text", "wrong-content-type", "broken-json", "uninspectable-kind"],
)
async def test_bad_requests_get_telnyx_errors_and_nothing_is_sent(
    proxy, provider_upstream, path, data, content_type, status
):
    got, body = await post(proxy, path, data, content_type)
    assert got == status
    (err,) = body["errors"]
    assert err["code"] and err["title"] and err["detail"]
    assert provider_upstream.requests == []


async def test_message_lookups_pass_through(proxy, provider_upstream):
    resp = await asyncio.to_thread(client(proxy).messages.retrieve, "msg-1")
    assert resp is not None
    assert [(f.method, f.path) for f in provider_upstream.requests] == [
        ("GET", "/v2/messages/msg-1")
    ]


async def test_unavailable_raises_internal_server_error(broken_proxy, provider_upstream):
    with pytest.raises(telnyx.InternalServerError) as exc:
        await asyncio.to_thread(
            client(broken_proxy).messages.send, to="+15550100001", from_="+1555", text=ADMIN
        )
    assert exc.value.status_code == 503
    assert exc.value.body["errors"][0]["code"] == "90002"  # type: ignore[index]
    assert provider_upstream.requests == []


async def test_every_sdk_option_is_forwarded_unchanged(proxy, provider_upstream):
    await asyncio.to_thread(
        lambda: client(proxy).messages.send(
            to="+15550100001",
            from_="+15550109999",
            text=ADMIN,
            subject="Appointment",
            media_urls=["https://media.example/card.png"],
            auto_detect=True,
            encoding="auto",
            type="MMS",
            send_at="2026-12-24T10:00:00Z",
            use_profile_webhooks=False,
            webhook_url="https://cb.example/t",
            webhook_failover_url="https://cb.example/t2",
        )
    )
    await asyncio.to_thread(
        lambda: client(proxy).messages.send_number_pool(
            to="+15550100001",
            messaging_profile_id="4001767e-ce0f-4cae-9d5f-0983d0a0c5b7",
            text=ADMIN,
        )
    )
    await asyncio.to_thread(
        lambda: client(proxy).messages.send_with_alphanumeric_sender(
            to="+15550100001",
            from_="PhiClinic",
            messaging_profile_id="4001767e-ce0f-4cae-9d5f-0983d0a0c5b7",
            text=ADMIN,
        )
    )
    assert [json.loads(r.body)["text"] for r in provider_upstream.requests] == [ADMIN] * 3


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"media_urls": ["https://elsewhere.example.net/Maria_Lopez.png"]}, "media_hosts"),
        ({"media_urls": ["https://media.example/Maria_Lopez_DOB_03-14-1961.png"]}, "in media_urls"),
        ({"webhook_url": "https://cb.example/t?patient=Maria+Lopez"}, "in webhook_url"),
        ({"Text": "Maria Lopez"}, "'Text'"),
    ],
)
async def test_other_fields_are_inspected_or_refused(proxy, provider_upstream, extra, why):
    body = {"to": "+15550100001", "from": "+15550109999", "text": ADMIN, **extra}
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url("/v2/messages"), json=body) as r:
        assert 400 <= r.status < 500
        detail = (await r.json())["errors"][0]["detail"]
    assert why in detail and "Maria" not in detail
    assert provider_upstream.requests == []
