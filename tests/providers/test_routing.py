"""Routes, mounts, collisions and the ``providers:`` settings; dotted JSON paths."""

from __future__ import annotations

import gzip
import json
import logging

import aiohttp
import pytest

from proxy.app import create_app
from proxy.policy.parse import load_policy
from proxy.providers import REGISTRY, RouteCollision, build_providers, mounted_routes
from proxy.providers.config import GenericEntry, ProvidersConfig
from proxy.providers.paths import PathError, find, parse_path, render
from proxy.settings import settings_from_text
from proxy.yamlfile import ConfigError
from tests.providers.conftest import CLINICAL, REDACTED, WITH_NAME
from tests.support.fakes import RaisingDetector


def test_built_in_routes_do_not_collide():
    providers = build_providers(ProvidersConfig())
    assert set(providers) == set(REGISTRY)
    served = [(r.method, r.path, p.name) for p in providers.values() for r in mounted_routes(p)]
    assert len({(m, path) for m, path, _ in served}) == len(served)
    assert ("POST", "/v1/messages", "vonage_messages") in served
    assert ("POST", "/v1/Account/{auth_id}/Message/", "plivo") in served
    assert ("POST", "/aws/sns", "aws_sns") in served
    assert ("POST", "/aws/sms-voice/", "aws_sms") in served


def test_upstream_defaults_are_the_real_hosts_and_overridable():
    providers = build_providers(ProvidersConfig(), {"plivo": "http://127.0.0.1:9"})
    assert providers["vonage_sms"].upstream == "https://rest.nexmo.com"
    assert providers["vonage_messages"].upstream == "https://api.nexmo.com"
    assert providers["telnyx"].upstream == "https://api.telnyx.com"
    assert providers["sinch"].upstream == "https://us.sms.api.sinch.com"
    assert providers["messagebird"].upstream == "https://rest.messagebird.com"
    assert providers["plivo"].upstream == "http://127.0.0.1:9"
    assert providers["aws_sns"].upstream == "https://sns.us-east-1.amazonaws.com"
    eu = settings_from_text("providers: {aws: {region: eu-west-1}}").providers
    assert build_providers(eu)["aws_sms"].upstream == "https://sms-voice.eu-west-1.amazonaws.com"


def test_generic_route_on_a_built_in_path_is_refused():
    text = """
providers:
  generic:
    - {name: clash, path: /v2/messages, content_type: json, texts: [text],
       upstream: "https://x.example"}
"""
    with pytest.raises(ConfigError, match="route collision.*telnyx") as exc:
        settings_from_text(text)
    assert exc.value.key == "providers"
    entry = GenericEntry(
        "clash", "POST", "/v2/messages", "json", ("text",), (), "https://x.example"
    )
    with pytest.raises(RouteCollision, match="telnyx"):
        build_providers(ProvidersConfig(generic=(entry,)))


def test_generic_passthrough_shadowing_a_built_in_route_is_refused():
    text = """
providers:
  generic:
    - {name: wide, path: /wide/send, content_type: json, texts: [text],
       upstream: "https://x.example", passthrough: [/v2/]}
"""
    with pytest.raises(ConfigError, match="pass-through prefix /v2/"):
        settings_from_text(text)


def test_mounting_two_providers_on_one_path_is_refused():
    with pytest.raises(ConfigError, match="route collision"):
        settings_from_text("providers: {mounts: {aws_sns: /aws, aws_sms: /aws}}")


async def test_mount_prefix_serves_a_provider_under_its_own_path(
    make_proxy, provider_server, provider_upstream
):
    settings = settings_from_text("providers: {mounts: {vonage_messages: /vonage}}")
    proxy = await make_proxy(str(provider_server.make_url("")), settings=settings)
    msg = {"to": "15550100001", "from": "15550109999", "channel": "sms", "message_type": "text"}
    async with aiohttp.ClientSession() as s:
        async with s.post(
            proxy.make_url("/vonage/v1/messages"), json=msg | {"text": WITH_NAME}
        ) as r:
            assert r.status == 202
        async with s.post(
            proxy.make_url("/vonage/v1/messages"), json=msg | {"text": CLINICAL}
        ) as r:
            assert r.status == 400 and (await r.json())["type"] == "urn:phi-proxy:blocked"
        async with s.post(proxy.make_url("/v1/messages"), json=msg | {"text": WITH_NAME}) as r:
            assert r.status == 404  # not mounted there any more: nothing forwarded
    (fwd,) = provider_upstream.requests
    assert fwd.path == "/v1/messages" and json.loads(fwd.body)["text"] == REDACTED


async def test_refusals_answer_in_each_providers_shape(
    make_proxy, provider_server, provider_upstream, monkeypatch
):
    proxy = await make_proxy(str(provider_server.make_url("")), detector_=RaisingDetector())
    async with aiohttp.ClientSession() as s:
        async with s.post(
            proxy.make_url("/v2/messages"), json={"to": "+15550100001", "text": "hello"}
        ) as r:
            assert r.status == 503
            assert (await r.json())["errors"][0]["code"] == "90002"
        async with s.post(
            proxy.make_url("/xms/v1/p/batches"), json={"to": ["15550100001"], "body": "hello"}
        ) as r:
            assert r.status == 503
            assert (await r.json())["code"] == "phi_proxy_unavailable"
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("providers: {mounts: {nope: /x}}", "providers.mounts.nope"),
        ("providers: {mounts: {plivo: x/}}", "providers.mounts.plivo"),
        ("providers: {aws: {region: mars}}", "providers.aws.region"),
        ("providers: {aws: {secret_access_key: abc}}", "providers.aws.secret_access_key"),
        (
            "providers: {vonage_sms: {signature_method: sha3}}",
            "providers.vonage_sms.signature_method",
        ),
        (
            "providers: {generic: [{name: twilio, path: /x, content_type: json, texts: [a], "
            "upstream: 'https://x.example'}]}",
            "providers.generic[0].name",
        ),
        (
            "providers: {generic: [{name: g, path: /x, content_type: xml, texts: [a], "
            "upstream: 'https://x.example'}]}",
            "providers.generic[0].content_type",
        ),
        (
            "providers: {generic: [{name: g, path: /x, content_type: json, texts: ['a..b'], "
            "upstream: 'https://x.example'}]}",
            "providers.generic[0].texts",
        ),
        (
            "providers: {generic: [{name: g, path: /x, content_type: json, texts: [a], "
            "upstream: 'ftp://x'}]}",
            "providers.generic[0].upstream",
        ),
        ("providers: {generic: [{name: g}]}", "providers.generic[0].path"),
    ],
)
def test_bad_provider_settings_name_the_key(text, key):
    with pytest.raises(ConfigError) as exc:
        settings_from_text(text)
    assert exc.value.key == key


def test_shipped_config_parses():
    from proxy.settings import load_settings

    s = load_settings("config/proxy.yaml")
    assert s.providers.mounts.get("aws_sns", "/aws/sns") == "/aws/sns"
    create_app(s, policy=load_policy(), detector=RaisingDetector())  # routes build


def test_paths_parse_find_and_render():
    assert parse_path("a.b[*].c[0]") == ("a", "b", "*", "c", 0)
    data = {"a": {"b": [{"c": ["x", "y"]}, {"c": ["z"]}, {"d": 1}]}}
    found = list(find(data, parse_path("a.b[*].c[0]")))
    assert found == [(("a", "b", 0, "c", 0), "x"), (("a", "b", 1, "c", 0), "z")]
    assert render(("a", "b", 0, "c")) == "a.b[0].c"
    assert list(find(data, parse_path("missing[*].x"))) == []
    for bad in ("", "a..b", ".a", "a.", "a[x]", "a b[", "[*]x"):
        with pytest.raises(PathError):
            parse_path(bad)


async def test_logs_never_contain_texts_or_numbers(proxy, provider_upstream, caplog):
    caplog.set_level(logging.DEBUG)
    sends = [
        (
            "/v1/messages",
            {"to": "15550100777", "from": "1", "message_type": "text", "text": WITH_NAME},
        ),
        (
            "/v1/Account/MAAAAAAAAAAAAAAAAAAA/Message/",
            {"src": "1", "dst": "15550100777", "text": CLINICAL},
        ),
        ("/v2/messages", {"to": "+15550100777", "text": WITH_NAME}),
        ("/messages", {"originator": "x", "recipients": "15550100777", "body": CLINICAL}),
        (
            "/xms/v1/p/batches",
            {
                "to": ["15550100777"],
                "body": "x",
                "parameters": {"n": {"15550100777": "Maria Lopez"}},
            },
        ),
        ("/v2/messages", {"to": "+15550100777", "text": 5}),
    ]
    async with aiohttp.ClientSession() as s:
        for path, body in sends:
            async with s.post(proxy.make_url(path), json=body) as r:
                assert r.status in (200, 201, 202, 400, 422, 503)
    assert "request" in caplog.text
    for secret in ("Maria", "Lopez", "biopsy", "cancer", "5550100777"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/messages/", {"to": "1", "from": "2", "message_type": "text", "text": CLINICAL}),
        ("/v2/messages/", {"to": "+15550100001", "text": CLINICAL}),
        ("/messages/", {"originator": "x", "recipients": "1", "body": CLINICAL}),
        ("/xms/v1/p/batches/", {"to": ["15550100001"], "body": CLINICAL}),
        ("/sms/json/", {"to": "1", "from": "2", "text": CLINICAL, "api_key": "k"}),
    ],
)
async def test_trailing_slash_sends_are_inspected_not_passed(proxy, provider_upstream, path, body):
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url(path), json=body) as r:
        assert r.status in (200, 400, 422)  # the provider's refusal (Vonage SMS: a 200)
        assert "blocked" in (await r.text())
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    "path", ["/v2/messages/whatever/x", "/messages/abc/extra", "/v1/messages/abc/x"]
)
async def test_unknown_posts_under_read_only_prefixes_are_not_forwarded(
    proxy, provider_upstream, path
):
    async with aiohttp.ClientSession() as s, s.post(proxy.make_url(path), json={"text": "x"}) as r:
        assert r.status == 405
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    "path", ["/v2/messages", "/messages", "/xms/v1/p/batches", "/v1/messages", "/sms/json"]
)
async def test_compressed_bodies_are_refused(proxy, provider_upstream, path):
    body = gzip.compress(json.dumps({"to": "1", "text": CLINICAL, "body": CLINICAL}).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(path), data=body, headers=headers) as r,
    ):
        assert "Compressed request bodies" in await r.text()
    assert provider_upstream.requests == []
