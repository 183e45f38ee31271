"""The Twilio drop-in path end to end: the official SDK → proxy → a recording upstream."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from proxy.settings import DetectionSettings, ServerSettings, Settings, UpstreamSettings
from tests.support.fakes import RaisingDetector, RecordingUpstream, SlowDetector, WrongCountDetector
from tests.support.proxy import ACCOUNT, SENDS

ADMIN = "Reminder: your appointment with Dr. Patel is on Tuesday at 3:15 PM. Call us to reschedule."
WITH_NAME = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
CLINICAL = "Your biopsy results show cancer. Please call us."


def sdk(base_url: str) -> Client:
    client = Client(ACCOUNT, "test-auth-token")
    client.api.base_url = base_url
    return client


def form(body: bytes) -> dict[str, list[str]]:
    return parse_qs(body.decode(), keep_blank_values=True)


async def send_sdk(base_url: str, **kwargs: Any) -> Any:
    return await asyncio.to_thread(lambda: sdk(base_url).messages.create(**kwargs))


async def test_admin_text_reaches_upstream_byte_identical(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    raw = urlencode(
        [
            ("To", "+15550100001"),
            ("From", "+15550109999"),
            ("Body", ADMIN),
            ("StatusCallback", "https://cb.example/s"),
        ]
    ).encode()
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.make_url(SENDS),
            data=raw,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": "Basic abc",
            },
        ) as r,
    ):
        assert r.status == 201
        assert r.headers["X-Upstream"] == "recording"
        assert r.headers["Twilio-Request-Id"] == "RQ123"
    assert upstream.bodies == [raw]
    assert upstream.requests[0].headers["Authorization"] == "Basic abc"


async def test_sdk_gets_message_instance_and_names_are_redacted(
    make_proxy, upstream_server, upstream
):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    msg = await send_sdk(
        str(proxy.make_url("")).rstrip("/"),
        to="+15550100001",
        from_="+15550109999",
        body=WITH_NAME,
        media_url=["https://media.example/card.png"],
        status_callback="https://cb.example/status",
    )
    assert msg.sid.startswith("SM") and msg.status == "queued"
    assert len(upstream.requests) == 1
    sent = form(upstream.bodies[0])
    assert "Maria" not in sent["Body"][0] and "Lopez" not in sent["Body"][0]
    assert sent["Body"][0] == "Hi [name], your appointment with Dr. Patel is on Tuesday at 3:15 PM."
    assert sent["MediaUrl"] == ["https://media.example/card.png"]
    assert sent["StatusCallback"] == ["https://cb.example/status"]
    assert sent["To"] == ["+15550100001"] and sent["From"] == ["+15550109999"]
    assert upstream.requests[0].headers["Authorization"].startswith("Basic ")


async def test_clinical_text_is_refused_in_twilio_shape(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    with pytest.raises(TwilioRestException) as exc:
        await send_sdk(
            str(proxy.make_url("")).rstrip("/"),
            to="+15550100001",
            from_="+15550109999",
            body=CLINICAL,
        )
    assert exc.value.status == 400
    assert exc.value.code == 90001
    assert "CONDITION" in exc.value.msg and "cancer" not in exc.value.msg
    assert upstream.requests == []


async def post(
    proxy: Any, data: bytes, content_type: str = "application/x-www-form-urlencoded"
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(SENDS), data=data, headers={"Content-Type": content_type}) as r,
    ):
        return r.status, await r.json()


VALID = urlencode({"To": "+15550100001", "From": "+15550109999", "Body": WITH_NAME}).encode()


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (VALID, "application/json", 400, 90003),
        (urlencode({"From": "+15550109999", "Body": "hello"}).encode(), None, 400, 21604),
        (urlencode({"To": "+15550100001", "Body": "hello"}).encode(), None, 400, 21603),
        (urlencode({"To": "+15550100001", "From": "+15550109999"}).encode(), None, 400, 21602),
        (b"To=%2B15550100001&From=x&Body=\xff\xfe Maria", None, 400, 90003),
        (b"To=%2B15550100001&From=x&Body=%FF%FE", None, 400, 90003),
        (b"Body=" + b"a" * 70_000 + b"&To=1&From=2", None, 413, 90003),
    ],
    ids=[
        "wrong-content-type",
        "missing-to",
        "missing-from",
        "missing-body",
        "invalid-utf8",
        "invalid-utf8-escaped",
        "huge-body",
    ],
)
async def test_bad_requests_get_twilio_errors_and_nothing_is_forwarded(
    make_proxy, upstream_server, upstream, data, content_type, status, code
):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    got_status, body = await post(proxy, data, content_type or "application/x-www-form-urlencoded")
    assert got_status == status
    assert body["code"] == code and body["status"] == status
    assert body["more_info"].endswith(str(code))
    assert upstream.requests == []


@pytest.mark.parametrize(
    "bad_detector",
    [RaisingDetector(), SlowDetector(2.0), WrongCountDetector()],
    ids=["raises", "too-slow", "wrong-result-count"],
)
async def test_detector_failures_fail_closed(make_proxy, upstream_server, upstream, bad_detector):
    settings = Settings(detection=DetectionSettings(deadline_seconds=0.3))
    proxy = await make_proxy(
        str(upstream_server.make_url("")), detector_=bad_detector, settings=settings
    )
    status, body = await post(proxy, VALID)
    assert status == 503
    assert body["code"] == 90002
    assert upstream.requests == []


async def test_upstream_down_gives_502(make_proxy, unused_tcp_port_factory):
    proxy = await make_proxy(f"http://127.0.0.1:{unused_tcp_port_factory()}")
    status, body = await post(proxy, VALID)
    assert status == 502 and body["code"] == 90002


async def test_upstream_slow_gives_504(make_proxy, aiohttp_server):
    slow = RecordingUpstream(delay=2.0)
    server = await aiohttp_server(slow.app())
    settings = Settings(upstream=UpstreamSettings(timeout_seconds=0.3))
    proxy = await make_proxy(str(server.make_url("")), settings=settings)
    status, body = await post(proxy, VALID)
    assert status == 504 and body["code"] == 90002


async def test_other_twilio_calls_pass_through_untouched(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages/SM{'2' * 32}.json"
    async with aiohttp.ClientSession() as s:
        async with s.get(
            proxy.make_url(path).with_query({"PageSize": "5"}), headers={"Authorization": "Basic x"}
        ) as r:
            assert r.status == 200
            assert (await r.json())["method"] == "GET"
        async with s.delete(proxy.make_url(path)) as r:
            assert r.status == 200
    assert [(q.method, q.path, q.query) for q in upstream.requests] == [
        ("GET", path, "PageSize=5"),
        ("DELETE", path, ""),
    ]
    assert upstream.requests[0].headers["Authorization"] == "Basic x"


async def test_logs_never_contain_text_or_numbers(make_proxy, upstream_server, caplog):
    caplog.set_level(logging.DEBUG)
    proxy = await make_proxy(str(upstream_server.make_url("")))
    planted = "Zebulon Quagmire"
    for body in (f"Hi {planted}, your MRN 00482913 call 555-013-2299", CLINICAL):
        await post(
            proxy, urlencode({"To": "+15550100777", "From": "+15550109999", "Body": body}).encode()
        )
    await post(proxy, b"To=%2B15550100777&From=x&Body=\xff Zebulon")
    text = caplog.text
    assert "request" in text  # the handler did log
    for secret in (
        planted,
        "Zebulon",
        "00482913",
        "555-013-2299",
        "5550100777",
        "biopsy",
        "cancer",
    ):
        assert secret not in text


async def test_small_body_limit_is_configurable(make_proxy, upstream_server, upstream):
    settings = Settings(server=replace(ServerSettings(), max_body_bytes=100))
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    status, _ = await post(proxy, VALID + b"&X=" + b"y" * 200)
    assert status == 413
    assert upstream.requests == []
