"""The generic adapter: a provider described in config/proxy.yaml, driven over real sockets."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest

from proxy.settings import settings_from_text
from proxy.yamlfile import ConfigError
from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME

CONFIG = """
providers:
  generic:
    - name: acme
      path: /acme/v1/send
      content_type: json
      texts: ["message.text", "parts[*].caption"]
      recipients: ["to[*]", "cc"]
      sender: from
      upstream: {upstream}
      fields:
        message.priority: number
        "parts[*].url": media_url
        callback: callback_url
      reads:
        - {{method: GET, path: "/acme/v1/status/{{id}}", query: {{verbose: boolean}}}}
      error:
        body: {{error: {{code: $code, message: "phi-proxy: $message", http: $status}}}}
        codes: {{blocked: ACME_BLOCKED}}
    - name: formco
      path: /formco/send
      content_type: form
      texts: [msg]
      recipients: [dest]
      fields: {{ref: token}}
      upstream: {upstream}
"""


@pytest.fixture
async def generic_proxy(make_proxy: Any, provider_server: Any) -> Any:
    up = str(provider_server.make_url("")).rstrip("/")
    settings = settings_from_text(CONFIG.format(upstream=up))
    return await make_proxy(up, settings=settings)


async def post(proxy: Any, path: str, data: bytes, ctype: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(path), data=data, headers={"Content-Type": ctype}) as r,
    ):
        return r.status, await r.json()


def doc(text: str, caption: str = "A photo") -> bytes:
    return json.dumps(
        {
            "from": "PhiClinic",
            "to": ["15550100001", "15550100002"],
            "message": {"text": text, "priority": 2},
            "parts": [{"url": "https://media.example/1.png", "caption": caption}],
            "callback": "https://cb.example/acme",
        }
    ).encode()


async def test_json_texts_found_by_path_are_rewritten(generic_proxy, provider_upstream):
    status, _ = await post(
        generic_proxy, "/acme/v1/send", doc(WITH_NAME, "For Maria Lopez"), "application/json"
    )
    assert status == 201
    sent = json.loads(provider_upstream.requests[0].body)
    assert sent["message"] == {"text": REDACTED, "priority": 2}
    assert sent["parts"][0]["url"] == "https://media.example/1.png"
    assert "Maria" not in sent["parts"][0]["caption"]
    assert sent["to"] == ["15550100001", "15550100002"]
    assert sent["callback"] == "https://cb.example/acme"


async def test_admin_text_forwarded_byte_identical(generic_proxy, provider_upstream):
    body = doc(ADMIN)
    status, _ = await post(generic_proxy, "/acme/v1/send", body, "application/json")
    assert status == 201
    assert provider_upstream.requests[0].body == body


async def test_block_uses_the_configured_error_template(generic_proxy, provider_upstream):
    status, body = await post(
        generic_proxy, "/acme/v1/send", doc(ADMIN, CLINICAL), "application/json"
    )
    assert status == 400
    err = body["error"]
    assert err["code"] == "ACME_BLOCKED" and err["http"] == 400
    assert (
        err["message"].startswith("phi-proxy: Message blocked") and "cancer" not in err["message"]
    )
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    ("data", "ctype"),
    [
        (b'{"to": ["15550100001"], "message": {"priority": 1}}', "application/json"),
        (doc(ADMIN), "application/x-www-form-urlencoded"),
        (b'{"to": ["15550100001"], "message": {"text": "Maria', "application/json"),
        (b'{"to": ["1"], "message": {"text": 42}}', "application/json"),
    ],
    ids=["missing-text", "wrong-content-type", "broken-json", "text-not-a-string"],
)
async def test_bad_requests_use_the_template_and_nothing_is_sent(
    generic_proxy, provider_upstream, data, ctype
):
    status, body = await post(generic_proxy, "/acme/v1/send", data, ctype)
    assert status == 400
    assert body["error"]["code"] == 90003 and body["error"]["http"] == 400
    assert provider_upstream.requests == []


async def test_form_provider_rewrites_fields(generic_proxy, provider_upstream):
    data = "dest=15550100001&dest=15550100002&msg=" + WITH_NAME.replace(" ", "+").replace(
        ",", "%2C"
    )
    status, _ = await post(
        generic_proxy,
        "/formco/send",
        (data + "&ref=7").encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 201
    sent = parse_qs(provider_upstream.requests[0].body.decode())
    assert sent == {"dest": ["15550100001", "15550100002"], "msg": [REDACTED], "ref": ["7"]}


async def test_form_provider_default_error_shape(generic_proxy, provider_upstream):
    status, body = await post(
        generic_proxy,
        "/formco/send",
        b"dest=15550100001&msg=" + CLINICAL.replace(" ", "+").encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 400
    assert body["error"]["code"] == 90001 and "blocked" in body["error"]["message"]
    assert provider_upstream.requests == []


async def test_declared_read_passes(generic_proxy, provider_upstream):
    async with (
        aiohttp.ClientSession() as s,
        s.get(generic_proxy.make_url("/acme/v1/status/9?verbose=true")) as r,
    ):
        assert r.status == 200
    assert [(f.method, f.path, f.query) for f in provider_upstream.requests] == [
        ("GET", "/acme/v1/status/9", "verbose=true")
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/acme/v1/send"),
        ("PATCH", "/acme/v1/send"),
        ("POST", "/acme/v1/send-batch"),
        ("POST", "/acme/v1/SEND"),
        ("POST", "/acme/v1/send/"),
        ("POST", "/acme/v1/status/9"),
        ("GET", "/acme/v1/other"),
    ],
)
async def test_undeclared_methods_and_paths_are_never_forwarded(
    generic_proxy, provider_upstream, method, path
):
    """Issue #20, hole 2: the README's own example config delivered these verbatim."""
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, generic_proxy.make_url(path), data=doc(WITH_NAME)) as r,
    ):
        assert 400 <= r.status < 500
        assert "Maria" not in await r.text()
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    "change",
    [
        {"note": "Maria Lopez"},  # a field nobody declared
        {"message": {"text": ADMIN, "footer": "Maria Lopez"}},
        {"parts": {"url": "https://media.example/1.png", "caption": "Maria Lopez"}},  # not a list
        {"to": {"a": "15550100001"}},
        {"message": {"text": ADMIN, "priority": "Maria Lopez"}},
        {"parts": [{"url": "https://elsewhere.example.net/Maria_Lopez.png", "caption": "x"}]},
        {"callback": "https://cb.example/acme?patient=Maria+Lopez+219-09-9999"},
    ],
    ids=[
        "unknown-field",
        "unknown-nested",
        "list-as-object",
        "recipients-as-object",
        "number-with-text",
        "media-host",
        "callback-query",
    ],
)
async def test_undeclared_or_mistyped_fields_are_refused(generic_proxy, provider_upstream, change):
    body = json.loads(doc(ADMIN)) | change
    status, got = await post(
        generic_proxy, "/acme/v1/send", json.dumps(body).encode(), "application/json"
    )
    assert status == 400
    assert "Maria" not in json.dumps(got)
    assert provider_upstream.requests == []


def test_passthrough_is_refused_with_a_migration_hint():
    text = """
providers:
  generic:
    - {name: old, path: /old/send, content_type: json, texts: [text],
       upstream: "https://x.example", passthrough: [/old/]}
"""
    with pytest.raises(ConfigError, match="reads:") as exc:
        settings_from_text(text)
    assert exc.value.key == "providers.generic[0].passthrough"
