"""Vonage SMS API drop-in: the official ``vonage`` SDK → proxy (TLS) → a Vonage-like upstream."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest
from vonage import Auth, HttpClientOptions, Vonage
from vonage_sms import SmsMessage
from vonage_sms.errors import SmsError
from vonage_sms.responses import SmsResponse

from proxy.providers.config import ProvidersConfig, VonageSigning
from proxy.providers.vonage_signing import sign, signing_string
from proxy.settings import Settings
from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME
from tests.support.fakes import RaisingDetector

SECRET_ENV = "PHI_PROXY_TEST_VONAGE_SIG"
SECRET = "test-signature-secret-0001"


@pytest.fixture(autouse=True)
def trust_test_cert(monkeypatch: pytest.MonkeyPatch, tls_files: Any) -> None:
    # the Vonage SDK only speaks https://{host}: the proxy is served over TLS with a test cert
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))


async def vonage_proxy(
    make_proxy: Any, provider_server: Any, server_tls: Any, method: str | None = None
) -> Any:
    settings = Settings()
    if method:
        settings = Settings(providers=ProvidersConfig(vonage_sms=VonageSigning(SECRET_ENV, method)))
    return await make_proxy(str(provider_server.make_url("")), settings=settings, ssl=server_tls)


def client(proxy: Any, **auth: Any) -> Vonage:
    host = f"127.0.0.1:{proxy.port}"
    return Vonage(Auth(**auth), HttpClientOptions(api_host=host, rest_host=host, max_retries=0))


async def send(proxy: Any, text: str, **auth: Any) -> Any:
    auth = auth or {"api_key": "abcd1234", "api_secret": "Secret0123456789"}
    msg = SmsMessage(
        to="15550100001",
        from_="15550109999",
        text=text,
        client_ref="visit-42",
        callback="https://cb.example/dlr",
    )
    return await asyncio.to_thread(client(proxy, **auth).sms.send, msg)


def form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}


async def test_admin_text_is_forwarded_byte_identical(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    resp = await send(proxy, ADMIN)
    assert resp.messages[0].status == "0" and resp.messages[0].message_id == "0A0000000123ABCD1"
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/sms/json"
    assert form(fwd.body)["text"] == ADMIN
    assert fwd.headers["Authorization"].startswith("Basic ")


async def test_names_are_redacted_and_other_fields_kept(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    resp = await send(proxy, WITH_NAME)
    assert resp.message_count == "1"
    sent = form(provider_upstream.requests[0].body)
    assert sent["text"] == REDACTED
    assert "Maria" not in provider_upstream.requests[0].body.decode()
    assert sent["to"] == "15550100001" and sent["from"] == "15550109999"
    assert sent["client-ref"] == "visit-42" and sent["callback"] == "https://cb.example/dlr"


async def test_clinical_text_raises_sms_error_and_nothing_is_sent(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    with pytest.raises(SmsError) as exc:
        await send(proxy, CLINICAL)
    assert "error code 6" in str(exc.value) and "blocked by PHI policy" in str(exc.value)
    assert "cancer" not in str(exc.value)
    assert provider_upstream.requests == []


async def send_signed(proxy: Any, text: str, secret: str, method: str) -> dict[str, Any]:
    """A signed send through the SDK's own HTTP client and signer (``Auth.sign_params``).

    ``Sms.send`` itself cannot be used: vonage-sms 1.2.0 signs every optional field, unset ones
    as "None", but sends only the set ones, so its signature never matches what it sends."""
    c = client(proxy, api_key="abcd1234", signature_secret=secret, signature_method=method)
    params = {
        "to": "15550100001",
        "from": "15550109999",
        "text": text,
        "client-ref": "visit-42",
    }
    http = c.http_client
    return dict(
        await asyncio.to_thread(http.post, http.rest_host, "/sms/json", params, "signature", "form")
    )


@pytest.mark.parametrize("method", ["sha256", "md5", "sha512"])
async def test_signed_request_is_verified_and_re_signed(
    make_proxy, provider_server, provider_upstream, server_tls, monkeypatch, method
):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls, method)
    resp = SmsResponse(**await send_signed(proxy, WITH_NAME, SECRET, method))
    assert resp.messages[0].status == "0"
    sent = form(provider_upstream.requests[0].body)
    assert sent["text"] == REDACTED and sent["client-ref"] == "visit-42"
    assert "api_secret" not in sent and "timestamp" in sent
    # the forwarded signature is valid for the forwarded parameters, as Vonage checks it
    base_string = "".join(
        f"&{k}={v.replace('&', '_').replace('=', '_')}"
        for k, v in sorted(sent.items())
        if k != "sig"
    )
    expected = hmac.new(SECRET.encode(), base_string.encode(), method).hexdigest()
    assert sent["sig"] == expected


async def test_signed_request_unchanged_keeps_the_clients_signature(
    make_proxy, provider_server, provider_upstream, server_tls, monkeypatch
):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls, "sha256")
    await send_signed(proxy, ADMIN, SECRET, "sha256")
    (sent,) = provider_upstream.requests
    params = form(sent.body)
    assert params["text"] == ADMIN
    assert hmac.compare_digest(params["sig"], sign(params, SECRET, "sha256"))


async def test_signed_request_without_configured_secret_is_refused(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    got = await send_signed(proxy, ADMIN, SECRET, "sha256")
    assert got["messages"][0]["status"] == "14"
    assert "no Vonage signature secret" in got["messages"][0]["error-text"]
    assert provider_upstream.requests == []


async def test_signed_request_with_a_bad_signature_is_refused(
    make_proxy, provider_server, provider_upstream, server_tls, monkeypatch
):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls, "sha256")
    got = await send_signed(proxy, WITH_NAME, "another-secret", "sha256")
    assert got["messages"][0]["status"] == "14"
    assert provider_upstream.requests == []


async def test_sdk_sms_send_with_signature_is_refused_not_forwarded(
    make_proxy, provider_server, provider_upstream, server_tls, monkeypatch
):
    """The SDK's Sms.send signature does not cover what it sends (see send_signed): refused."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls, "sha256")
    with pytest.raises(SmsError) as exc:
        await send(
            proxy, ADMIN, api_key="abcd1234", signature_secret=SECRET, signature_method="sha256"
        )
    assert "error code 14" in str(exc.value)
    assert provider_upstream.requests == []


def test_md5hash_signature_appends_the_secret():
    params = {"api_key": "k", "text": "a&b=c", "to": "1", "timestamp": "1700000000", "sig": "x"}
    assert signing_string(params) == "&api_key=k&text=a_b_c&timestamp=1700000000&to=1"
    want = hashlib.md5(b"&api_key=k&text=a_b_c&timestamp=1700000000&to=1" + b"s3cret").hexdigest()
    assert sign(params, "s3cret", "md5hash") == want


async def raw(proxy: Any, data: bytes, content_type: str, query: str = "") -> dict[str, Any]:
    conn = aiohttp.TCPConnector(ssl=False)
    async with (
        aiohttp.ClientSession(connector=conn) as s,
        s.post(
            proxy.make_url("/sms/json" + query), data=data, headers={"Content-Type": content_type}
        ) as r,
    ):
        assert r.status == 200  # the SMS API reports errors inside a 200
        return dict(await r.json())


async def test_json_body_is_rewritten_field_for_field(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    body = {
        "api_key": "abcd1234",
        "api_secret": "Secret0123456789",
        "to": "15550100001",
        "from": "PhiClinic",
        "text": WITH_NAME,
        "ttl": 90000,
        "status-report-req": True,
    }
    got = await raw(proxy, json.dumps(body).encode(), "application/json")
    assert got["messages"][0]["status"] == "0"
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent == body | {"text": REDACTED}
    assert list(sent) == list(body)


FORM_OK = {"api_key": "k", "api_secret": "s", "to": "15550100001", "from": "15550109999"}


@pytest.mark.parametrize(
    ("data", "content_type", "query", "status"),
    [
        (urlencode(FORM_OK).encode(), "application/x-www-form-urlencoded", "", "2"),
        (urlencode(FORM_OK | {"text": "hi"}).encode(), "text/plain", "", "3"),
        (b'{"to": "15550100001", "text": ', "application/json", "", "3"),
        (
            urlencode(FORM_OK | {"type": "binary", "body": "4869", "udh": "06"}).encode(),
            "application/x-www-form-urlencoded",
            "",
            "3",
        ),
        (
            urlencode(FORM_OK | {"text": "a"}).encode(),
            "application/x-www-form-urlencoded",
            "?text=Maria",
            "3",
        ),
        (
            urlencode(FORM_OK | {"text": "a"}).encode() + b"&text=Maria",
            "application/x-www-form-urlencoded",
            "",
            "3",
        ),
    ],
    ids=[
        "missing-text",
        "wrong-content-type",
        "broken-json",
        "binary",
        "text-in-query",
        "two-texts",
    ],
)
async def test_bad_requests_get_vonage_errors_and_nothing_is_sent(
    make_proxy, provider_server, provider_upstream, server_tls, data, content_type, query, status
):
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls)
    got = await raw(proxy, data, content_type, query)
    assert got["message-count"] == "1"
    assert got["messages"][0]["status"] == status and got["messages"][0]["error-text"]
    assert provider_upstream.requests == []


async def test_unavailable_raises_sms_error_code_5(
    make_proxy, provider_server, provider_upstream, server_tls
):
    proxy = await make_proxy(
        str(provider_server.make_url("")), detector_=RaisingDetector(), ssl=server_tls
    )
    with pytest.raises(SmsError) as exc:
        await send(proxy, ADMIN)
    assert "error code 5" in str(exc.value) and "not sent" in str(exc.value)
    assert provider_upstream.requests == []


async def test_signed_json_body_is_re_signed(
    make_proxy, provider_server, provider_upstream, server_tls, monkeypatch
):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    proxy = await vonage_proxy(make_proxy, provider_server, server_tls, "md5hash")
    params = {
        "api_key": "abcd1234",
        "to": "15550100001",
        "from": "PhiClinic",
        "text": WITH_NAME,
        "timestamp": "1790000000",
    }
    params["sig"] = hashlib.md5((signing_string(params) + SECRET).encode()).hexdigest()
    got = await raw(proxy, json.dumps(params).encode(), "application/json")
    assert got["messages"][0]["status"] == "0"
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["text"] == REDACTED and sent["timestamp"] == "1790000000"
    assert sent["sig"] == hashlib.md5((signing_string(sent) + SECRET).encode()).hexdigest()
    assert sent["sig"] != params["sig"]
