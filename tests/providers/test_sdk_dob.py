"""A patient's date of birth per request, from each SDK family (issue #19, point 3).

The header ``X-PHI-Proxy-Patient-DOB`` stays the one channel; clients/python/phi_proxy_dob.py
lets each SDK carry a different date on each send (a ``with patient_dob(...)`` block) instead of
an HTTP client pinned to one patient. Real SDKs, the real proxy, a recording upstream: each link
opens with its own patient's date only, and the provider never sees the date."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import unquote_plus

import aiohttp
import boto3
import plivo
import plivo.rest.client
import pytest
import telnyx
from botocore.config import Config
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from clients.python.phi_proxy_dob import (
    dob_header,
    patient_dob,
    twilio_http_client,
    with_boto3,
    with_requests,
)
from tests.providers.conftest import CLINICAL, base
from tests.providers.test_aws import AWS, PROXY_KEY, PROXY_SECRET, SECRET_ENV
from tests.support.proxy import ACCOUNT, upstream, upstream_server  # noqa: F401

TOKEN = re.compile(r"/portal/([A-Za-z0-9_-]{43})")
A, B = "1962-03-14", "1948-11-02"


async def opens_with(proxy: Any, text: str, dob: str) -> bool:
    """Whether the link in ``text`` shows the original for ``dob`` (typed in the three boxes)."""
    m = TOKEN.search(text)
    assert m, text
    url = proxy.make_url("/portal/" + m.group(1))
    y, mo, d = dob.split("-")
    async with aiohttp.ClientSession() as s:
        async with s.get(url) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        form = {"csrf": csrf, "month": mo, "day": d, "year": y}
        async with s.post(url, data=form) as r:
            return "biopsy" in await r.text()


def forwarded_texts(requests: list[Any]) -> list[str]:
    for r in requests:
        assert "phi-proxy-patient-dob" not in {k.lower() for k in r.headers}
        assert A.encode() not in r.body and B.encode() not in r.body
    return [unquote_plus(r.body.decode()) for r in requests]


async def test_twilio_one_client_two_patients(make_proxy, upstream_server, upstream) -> None:  # noqa: F811
    proxy = await make_proxy(str(upstream_server.make_url("")))
    client = Client(ACCOUNT, "test-auth-token", http_client=twilio_http_client())
    client.api.base_url = base(proxy)

    def send(dob: str | None) -> Any:
        kw = {"to": "+15550100001", "from_": "+15550109999", "body": CLINICAL}
        if dob is None:
            return client.messages.create(**kw)
        with patient_dob(dob):
            return client.messages.create(**kw)

    await asyncio.to_thread(send, A)
    await asyncio.to_thread(send, B)
    first, second = forwarded_texts(upstream.requests)
    assert await opens_with(proxy, first, A) and await opens_with(proxy, second, B)
    assert not await opens_with(proxy, first, B)
    # outside a block nothing is carried: refused, naming the header, nothing sent
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(send, None)
    assert exc.value.code == 90001 and "X-PHI-Proxy-Patient-DOB" in exc.value.msg
    assert "docs/SDK-DOB.md" in exc.value.msg
    assert len(upstream.requests) == 2


async def test_boto3_sns(make_proxy, provider_server, provider_upstream, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, PROXY_SECRET)
    from botocore.credentials import Credentials

    provider_upstream.aws_credentials = Credentials(PROXY_KEY, PROXY_SECRET)
    proxy = await make_proxy(str(provider_server.make_url("")), settings=AWS)
    sns = with_boto3(
        boto3.client(
            "sns",
            region_name="us-east-1",
            endpoint_url=base(proxy) + "/aws/sns",
            aws_access_key_id="AKIDCLIENTKEY0000001",
            aws_secret_access_key="client-secret",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
    )

    def send(dob: str) -> Any:
        with patient_dob(dob):
            return sns.publish(PhoneNumber="+15550100001", Message=CLINICAL)

    await asyncio.to_thread(send, A)
    await asyncio.to_thread(send, B)
    first, second = forwarded_texts(provider_upstream.requests)
    assert await opens_with(proxy, first, A) and await opens_with(proxy, second, B)


async def test_requests_based_sdks_plivo(
    make_proxy, provider_server, provider_upstream, monkeypatch
) -> None:
    proxy = await make_proxy(str(provider_server.make_url("")))
    monkeypatch.setattr(plivo.rest.client, "PLIVO_API_BASE_URI", base(proxy) + "/v1/Account")
    with_requests(base(proxy))
    client = plivo.RestClient("MA" + "A" * 18, "test-auth-token")

    def send(dob: str) -> Any:
        with patient_dob(dob):
            return client.messages.create(src="15550109999", dst="15550100001", text=CLINICAL)

    await asyncio.to_thread(send, A)
    await asyncio.to_thread(send, B)
    first, second = (json.loads(t)["text"] for t in forwarded_texts(provider_upstream.requests))
    assert await opens_with(proxy, first, A) and await opens_with(proxy, second, B)


async def test_telnyx_per_call_headers(make_proxy, provider_server, provider_upstream) -> None:
    proxy = await make_proxy(str(provider_server.make_url("")))
    client = telnyx.Telnyx(api_key="KEYtest0123", base_url=base(proxy) + "/v2", max_retries=0)
    for dob in (A, B):
        await asyncio.to_thread(
            client.messages.send,
            to="+15550100001",
            from_="+15550109999",
            text=CLINICAL,
            extra_headers=dob_header(dob),
        )
    first, second = (json.loads(t)["text"] for t in forwarded_texts(provider_upstream.requests))
    assert await opens_with(proxy, first, A) and await opens_with(proxy, second, B)
