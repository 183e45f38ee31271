"""Sinch SMS drop-in: the official ``sinch`` SDK → proxy → a Sinch-like upstream.

The SDK's configuration object has a public ``sms_origin_with_service_plan_id`` (the base URL
for service-plan auth); setting it to the proxy is the least invasive redirection.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from sinch import SinchClient
from sinch.core.clients.retry_configuration import RetryConfiguration
from sinch.core.exceptions import SinchException

from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME, base

PLAN = "plan0123456789"
BATCHES = f"/xms/v1/{PLAN}/batches"


def client(proxy: Any) -> SinchClient:
    c = SinchClient(
        service_plan_id=PLAN,
        sms_api_token="test-token-0123",
        sms_region="us",
        retry_configuration=RetryConfiguration(max_retries=0),
    )
    c.configuration.sms_origin_with_service_plan_id = base(proxy)
    return c


async def send(proxy: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(lambda: client(proxy).sms.batches.send_sms(**kwargs))


async def test_admin_text_passes_and_sdk_gets_a_batch(proxy, provider_upstream):
    batch = await send(proxy, to=["15550100001"], from_="15550109999", body=ADMIN)
    assert batch.id == "01FC66621XXXXX119Z8PMV1QPQ"
    (fwd,) = provider_upstream.requests
    assert fwd.path == BATCHES
    assert json.loads(fwd.body)["body"] == ADMIN
    assert fwd.headers["Authorization"] == "Bearer test-token-0123"


async def test_batch_body_and_parameters_are_inspected(proxy, provider_upstream):
    await send(
        proxy,
        to=["15550100001", "15550100002"],
        from_="15550109999",
        body="Hi ${name}, " + ADMIN,
        parameters={"name": {"15550100001": "Maria Lopez", "default": "there"}},
        client_reference="visit-42",
    )
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["body"] == "Hi ${name}, " + ADMIN
    assert sent["parameters"]["name"] == {"15550100001": "[name]", "default": "there"}
    assert sent["to"] == ["15550100001", "15550100002"]
    assert sent["client_reference"] == "visit-42"


async def test_several_recipients_redacted_body(proxy, provider_upstream):
    await send(proxy, to=["15550100001", "15550100002"], from_="15550109999", body=WITH_NAME)
    assert json.loads(provider_upstream.requests[0].body)["body"] == REDACTED


async def test_clinical_text_raises_sinch_exception(proxy, provider_upstream):
    with pytest.raises(SinchException) as exc:
        await send(proxy, to=["15550100001", "15550100002"], from_="15550109999", body=CLINICAL)
    assert exc.value.response_status_code == 400
    err = exc.value.http_response.body
    assert err["code"] == "phi_proxy_blocked" and "CONDITION" in err["text"]
    assert provider_upstream.requests == []


async def test_clinical_parameter_value_blocks_the_batch(proxy, provider_upstream):
    with pytest.raises(SinchException):
        await send(
            proxy,
            to=["15550100001"],
            from_="15550109999",
            body="Result: ${result}",
            parameters={"result": {"15550100001": CLINICAL}},
        )
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    ("method", "path", "data", "content_type", "code"),
    [
        (
            "POST",
            BATCHES,
            b'{"to": ["15550100001"]}',
            "application/json",
            "syntax_constraint_violation",
        ),
        (
            "POST",
            BATCHES,
            b"to=1&body=hi",
            "application/x-www-form-urlencoded",
            "syntax_constraint_violation",
        ),
        (
            "POST",
            BATCHES,
            b'{"to": ["15550100001"], "body": "Maria',
            "application/json",
            "syntax_invalid_json",
        ),
        (
            "POST",
            BATCHES,
            b'{"to": ["1"], "body": "TWFyaWE=", "udh": "00", "type": "mt_binary"}',
            "application/json",
            "syntax_constraint_violation",
        ),
        (
            "PUT",
            BATCHES + "/b1",
            b'{"to": ["15550100001"]}',
            "application/json",
            "syntax_constraint_violation",
        ),
    ],
    ids=["missing-body", "wrong-content-type", "broken-json", "binary", "replace-missing-body"],
)
async def test_bad_requests_get_sinch_errors_and_nothing_is_sent(
    proxy, provider_upstream, method, path, data, content_type, code
):
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method, proxy.make_url(path), data=data, headers={"Content-Type": content_type}
        ) as r,
    ):
        assert r.status == 400
        body = await r.json()
    assert body["code"] == code and body["text"]
    assert provider_upstream.requests == []


async def test_batch_update_text_is_inspected(proxy, provider_upstream):
    async with aiohttp.ClientSession() as s:
        url = proxy.make_url(BATCHES + "/b1")
        async with s.post(url, json={"body": CLINICAL, "to_add": ["15550100003"]}) as r:
            assert r.status == 400
        async with s.post(url, json={"body": WITH_NAME}) as r:
            assert r.status == 201
    (fwd,) = provider_upstream.requests
    assert json.loads(fwd.body) == {"body": REDACTED}


async def test_batch_lookup_passes_through(proxy, provider_upstream):
    async with aiohttp.ClientSession() as s, s.get(proxy.make_url(BATCHES + "/b1")) as r:
        assert r.status == 200
    assert [(f.method, f.path) for f in provider_upstream.requests] == [("GET", BATCHES + "/b1")]


async def test_unavailable_raises_sinch_exception(broken_proxy, provider_upstream):
    with pytest.raises(SinchException) as exc:
        await send(broken_proxy, to=["15550100001"], from_="15550109999", body=ADMIN)
    assert exc.value.response_status_code == 503
    assert exc.value.http_response.body["code"] == "phi_proxy_unavailable"
    assert provider_upstream.requests == []


async def test_mms_message_and_subject_are_inspected(proxy, provider_upstream):
    await asyncio.to_thread(
        lambda: client(proxy).sms.batches.send_mms(
            to=["15550100001"],
            from_="15550109999",
            body={
                "url": "https://media.example/card.png",
                "message": WITH_NAME,
                "subject": "For Maria Lopez",
            },
        )
    )
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["type"] == "mt_media"
    assert sent["body"]["message"] == REDACTED and "Maria" not in sent["body"]["subject"]
    assert sent["body"]["url"] == "https://media.example/card.png"


async def test_every_sdk_option_is_forwarded_unchanged(proxy, provider_upstream):
    from datetime import UTC, datetime, timedelta

    later = datetime(2026, 12, 24, 10, tzinfo=UTC)
    await send(
        proxy,
        to=["15550100001"],
        from_="15550109999",
        body=ADMIN,
        delivery_report="per_recipient",
        send_at=later,
        expire_at=later + timedelta(days=1),
        event_destination_target="https://cb.example/sinch",
        client_reference="visit-42",
        feedback_enabled=True,
        flash_message=False,
        max_number_of_message_parts=3,
        truncate_concat=False,
        from_ton=1,
        from_npi=1,
        parameters={"day": {"default": "Tuesday"}},
    )
    assert json.loads(provider_upstream.requests[0].body)["body"] == ADMIN


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", BATCHES, {"to": ["1555"], "body": ADMIN, "client_reference": "Maria Lopez"}, 400),
        (
            "POST",
            BATCHES,
            {"to": ["1555"], "body": ADMIN, "parameters": {"Maria Lopez HIV": {"default": "x"}}},
            400,
        ),
        ("POST", BATCHES, {"to": ["1555"], "body": ADMIN, "Body": "Maria Lopez"}, 400),
        ("POST", f"/xms/v1/{PLAN}//batches", {"to": ["1555"], "body": "Hi Maria Lopez"}, 400),
        ("PATCH", BATCHES + "/b1", {"body": "Hi Maria Lopez"}, 405),
        ("POST", f"/xms/v1/{PLAN}/groups", {"name": "Maria Lopez HIV clinic"}, 404),
    ],
)
async def test_other_fields_and_routes_are_refused(
    proxy, provider_upstream, method, path, body, status
):
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, proxy.make_url(path), json=body) as r,
    ):
        assert r.status == status
        assert "Maria" not in await r.text()
    assert provider_upstream.requests == []
