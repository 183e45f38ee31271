"""MessageBird drop-in: the official ``messagebird`` SDK → proxy → a MessageBird-like upstream.

The SDK takes an ``http_client``; its own ``HttpClient`` built with the proxy's URL as endpoint
is the documented way to point it elsewhere.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import messagebird
import pytest
import requests
from messagebird.client import USER_AGENT
from messagebird.http_client import HttpClient

from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME, base


def client(proxy: Any) -> messagebird.Client:
    key = "test_accesskey0123"
    return messagebird.Client(key, http_client=HttpClient(base(proxy) + "/", key, USER_AGENT))


async def test_admin_text_passes_and_sdk_gets_a_message(proxy, provider_upstream):
    msg = await asyncio.to_thread(client(proxy).message_create, "PhiClinic", ["15550100001"], ADMIN)
    assert msg.id == "e8077d803532c0b5937c639b60216938"
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/messages"
    assert json.loads(fwd.body)["body"] == ADMIN
    assert fwd.headers["Authorization"] == "AccessKey test_accesskey0123"


async def test_several_recipients_one_redacted_text(proxy, provider_upstream):
    await asyncio.to_thread(
        client(proxy).message_create,
        "PhiClinic",
        ["15550100001", "15550100002"],
        WITH_NAME,
        {"reference": "visit-42", "reportUrl": "https://cb.example/mb"},
    )
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["body"] == REDACTED
    assert sent["recipients"] == "15550100001,15550100002"
    assert sent["reference"] == "visit-42" and sent["originator"] == "PhiClinic"


async def test_clinical_text_raises_error_exception(proxy, provider_upstream):
    with pytest.raises(messagebird.ErrorException) as exc:
        await asyncio.to_thread(
            client(proxy).message_create, "PhiClinic", "15550100001,15550100002", CLINICAL
        )
    (err,) = exc.value.errors
    assert err.code == 90001 and err.parameter == "body"
    assert "blocked by PHI policy" in err.description and "cancer" not in err.description
    assert provider_upstream.requests == []


async def test_mms_subject_and_body_inspected(proxy, provider_upstream):
    await asyncio.to_thread(
        client(proxy).mms_create,
        originator="15550109999",
        recipients="15550100001",
        body=WITH_NAME,
        mediaUrls=["https://media.example/card.png"],
        subject="For Maria Lopez",
    )
    (fwd,) = provider_upstream.requests
    sent = json.loads(fwd.body)
    assert fwd.path == "/mms" and sent["body"] == REDACTED and "Maria" not in sent["subject"]
    assert sent["mediaUrls"] == ["https://media.example/card.png"]


async def test_form_body_is_rewritten_field_for_field(proxy, provider_upstream):
    data = (
        "originator=PhiClinic&recipients=15550100001&recipients=15550100002"
        "&body=" + WITH_NAME.replace(" ", "+").replace(",", "%2C") + "&reference=r1"
    )
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.make_url("/messages"),
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as r,
    ):
        assert r.status == 201
    sent = parse_qs(provider_upstream.requests[0].body.decode())
    assert sent == {
        "originator": ["PhiClinic"],
        "recipients": ["15550100001", "15550100002"],
        "body": [REDACTED],
        "reference": ["r1"],
    }


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        (b'{"originator": "PhiClinic", "recipients": "15550100001"}', "application/json", 9),
        (b"originator=x&recipients=1&body=hi", "text/plain", 10),
        (b'{"originator": "x", "recipients": "1", "body": "Maria', "application/json", 10),
        (b'{"originator": "x", "body": "hello"}', "application/json", 9),
        (
            b'{"originator":"x","recipients":"1","body":"4d61726961","type":"binary"}',
            "application/json",
            10,
        ),
    ],
    ids=["missing-body", "wrong-content-type", "broken-json", "missing-recipients", "binary"],
)
async def test_bad_requests_get_messagebird_errors_and_nothing_is_sent(
    proxy, provider_upstream, data, content_type, code
):
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url("/messages"), data=data, headers={"Content-Type": content_type}) as r,
    ):
        assert r.status == 422
        (err,) = (await r.json())["errors"]
    assert err["code"] == code and err["description"]
    assert provider_upstream.requests == []


async def test_message_lookup_passes_through(proxy, provider_upstream):
    await asyncio.to_thread(client(proxy).message, "abc")
    assert [(f.method, f.path) for f in provider_upstream.requests] == [("GET", "/messages/abc")]


async def test_unavailable_is_a_503_http_error(broken_proxy, provider_upstream):
    # the MessageBird SDK parses only 401/404/405/422 bodies: a 503 surfaces as HTTPError
    with pytest.raises(requests.HTTPError) as exc:
        await asyncio.to_thread(client(broken_proxy).message_create, "x", "15550100001", ADMIN)
    assert exc.value.response.status_code == 503
    assert exc.value.response.json()["errors"][0]["code"] == 90002
    assert provider_upstream.requests == []


async def test_mms_with_trailing_slash_is_refused_not_passed(proxy, provider_upstream):
    body = {"originator": "x", "recipients": "1", "body": ADMIN, "subject": CLINICAL}
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url("/mms/"), json=body) as r:
        assert r.status in (404, 405)  # not the send route: refused in MessageBird's shape
        assert "errors" in await r.json()
    assert provider_upstream.requests == []


async def test_every_sdk_option_is_forwarded_unchanged(proxy, provider_upstream):
    c = client(proxy)
    params = {
        "reference": "visit-42",
        "reportUrl": "https://cb.example/mb",
        "validity": 3600,
        "gateway": 10,
        "datacoding": "auto",
        "mclass": 1,
        "scheduledDatetime": "2026-12-24T10:00:00+00:00",
        "type": "flash",
    }
    await asyncio.to_thread(c.message_create, "PhiClinic", ["15550100001"], ADMIN, params)
    await asyncio.to_thread(
        c.mms_create,
        "PhiClinic",
        ["15550100001"],
        ADMIN,
        ["https://media.example/card.png"],
        "Appointment",
        "visit-43",
    )
    voice = {"language": "en-us", "voice": "female", "repeat": 2, "ifMachine": "continue"}
    await asyncio.to_thread(c.voice_message_create, ["15550100001"], ADMIN, voice)
    assert [json.loads(r.body)["body"] for r in provider_upstream.requests] == [ADMIN] * 3


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"reference": "Maria Lopez 219-09-9999"}, "in reference"),
        ({"reportUrl": "https://elsewhere.example.net/x"}, "callback_hosts"),
        ({"typeDetails": {"udh": "0500"}}, "typeDetails"),
        ({"Body": "Maria Lopez"}, "'Body'"),
    ],
)
async def test_other_fields_are_inspected_or_refused(proxy, provider_upstream, extra, why):
    body = {"originator": "PhiClinic", "recipients": "15550100001", "body": ADMIN, **extra}
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url("/messages"), json=body) as r:
        assert r.status == 422
        description = (await r.json())["errors"][0]["description"]
    assert why in description and "Maria" not in description
    assert provider_upstream.requests == []
