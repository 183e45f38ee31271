"""Twilio through the perimeter: every send option of the official SDK works or is refused
clearly, and the attack classes of issue #15 (other fields, routes, dot segments, query
strings, sender IDs) never put a planted PHI canary on the wire."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from yarl import URL

from proxy.policy import parse_policy
from proxy.providers.config import ProvidersConfig
from proxy.settings import Settings
from tests.hardening.conftest import PHI_TEXT, phi_in
from tests.providers.conftest import ADMIN, REDACTED, WITH_NAME, base
from tests.support.proxy import ACCOUNT, SENDS, post_form

HOSTS = Settings(
    providers=ProvidersConfig(
        media_hosts=("media.example.org", "*.media.example.org"),
        callback_hosts=("hooks.example.org",),
    )
)
TO, FROM = "+15550100001", "+15550109999"
MG = "MG" + "3" * 32


def sdk(proxy: Any) -> Client:
    c = Client(ACCOUNT, "test-auth-token")
    c.api.base_url = base(proxy)
    return c


async def create(proxy: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(lambda: sdk(proxy).messages.create(**kwargs))


def sent(upstream: Any, i: int = -1) -> dict[str, list[str]]:
    return parse_qs(upstream.requests[i].body.decode(), keep_blank_values=True)


def nothing_leaked(upstream: Any) -> None:
    for r in upstream.requests:
        leaked = phi_in(r.body) + phi_in(r.path) + phi_in(r.query)
        assert not leaked, leaked


@pytest.fixture
async def twilio_proxy(make_proxy, provider_server) -> Any:
    return await make_proxy(str(provider_server.make_url("")), settings=HOSTS)


# --- every send option of messages.create ------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"from_": FROM, "body": ADMIN},
        {"messaging_service_sid": MG, "body": ADMIN},
        {"from_": FROM, "body": ADMIN, "media_url": ["https://media.example.org/card.png"]},
        {"from_": FROM, "media_url": ["https://cdn.media.example.org/a.png"]},
        {"from_": FROM, "body": ADMIN, "status_callback": "https://hooks.example.org/s?id=7"},
        {"from_": FROM, "content_sid": "HX" + "1" * 32},
        {
            "from_": FROM,
            "content_sid": "HX" + "1" * 32,
            "content_variables": json.dumps({"1": "Tuesday", "2": "3:15 PM"}),
        },
        {
            "messaging_service_sid": MG,
            "body": ADMIN,
            "send_at": "2026-12-24T10:00:00Z",
            "schedule_type": "fixed",
        },
        {"from_": FROM, "body": ADMIN, "persistent_action": ["geo:37.787890,-122.391664"]},
        {"from_": "PhiClinic", "body": ADMIN},
        {
            "from_": FROM,
            "body": ADMIN,
            "validity_period": 600,
            "max_price": 0.75,
            "provide_feedback": True,
            "attempt": 1,
            "force_delivery": True,
            "content_retention": "retain",
            "address_retention": "retain",
            "smart_encoded": True,
            "shorten_urls": False,
            "send_as_mms": False,
            "risk_check": "enable",
            "application_sid": "AP" + "1" * 32,
            "fallback_from": FROM,
        },
    ],
    ids=[
        "from",
        "messaging-service",
        "media",
        "media-only-wildcard-host",
        "status-callback",
        "content-sid",
        "content-variables",
        "scheduled",
        "persistent-action",
        "alphanumeric-sender",
        "every-scalar",
    ],
)
async def test_sdk_send_options_work_byte_identical(
    twilio_proxy, provider_upstream, options: dict[str, Any]
):
    await create(twilio_proxy, to=TO, **options)
    (fwd,) = provider_upstream.requests
    # the admin text and every option reach Twilio unchanged
    assert parse_qs(fwd.body.decode(), keep_blank_values=True)["To"] == [TO]
    if "body" in options:
        assert sent(provider_upstream)["Body"] == [ADMIN]


async def test_names_are_redacted_and_options_kept(twilio_proxy, provider_upstream):
    await create(
        twilio_proxy,
        to=TO,
        from_=FROM,
        body=WITH_NAME,
        media_url=["https://media.example.org/card.png"],
        status_callback="https://hooks.example.org/s",
    )
    got = sent(provider_upstream)
    assert got["Body"] == [REDACTED]
    assert got["MediaUrl"] == ["https://media.example.org/card.png"]


@pytest.mark.parametrize(
    ("options", "names"),
    [
        (
            {
                "content_sid": "HX" + "1" * 32,
                "content_variables": json.dumps({"1": "Maria Lopez", "2": "HIV positive"}),
            },
            "in ContentVariables",
        ),
        ({"body": ADMIN, "media_url": ["https://evil.example.net/x.png"]}, "media_hosts"),
        (
            {"body": ADMIN, "media_url": ["https://media.example.org/Maria_Lopez_DOB_03-14-1961"]},
            "in MediaUrl",
        ),
        (
            {"body": ADMIN, "status_callback": "https://other.example.net/s?patient=Maria+Lopez"},
            "callback_hosts",
        ),
        (
            {
                "body": ADMIN,
                "status_callback": "https://hooks.example.org/s?patient=Maria+Lopez&ssn=219-09-9999",
            },
            "blocked",
        ),
        ({"body": ADMIN, "persistent_action": ["mailto:maria.lopez@example.com"]}, "EMAIL"),
        ({"body": ADMIN, "content_variables": "{not json"}, "ContentVariables"),
    ],
    ids=[
        "content-variables-phi",
        "media-host-not-allowed",
        "media-path-phi",
        "callback-host-not-allowed",
        "callback-query-phi",
        "persistent-action-email",
        "content-variables-malformed",
    ],
)
async def test_sdk_options_carrying_phi_are_refused_clearly(
    twilio_proxy, provider_upstream, options: dict[str, Any], names: str
):
    with pytest.raises(TwilioRestException) as exc:
        await create(twilio_proxy, to=TO, from_=FROM, **options)
    assert 400 <= exc.value.status < 500
    assert names in exc.value.msg
    for leaked in ("Maria", "Lopez", "219-09-9999", "maria.lopez", "HIV"):
        assert leaked not in exc.value.msg  # refusals never echo the text
    assert provider_upstream.requests == []


async def test_alphanumeric_sender_id_is_inspected(twilio_proxy, provider_upstream):
    with pytest.raises(TwilioRestException) as exc:
        await create(twilio_proxy, to=TO, from_="MariaLopez", body=ADMIN)
    assert exc.value.code == 90001
    assert provider_upstream.requests == []


# --- fields, near misses and the query string ---------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        [
            ("To", TO),
            ("From", FROM),
            ("body", PHI_TEXT),
            ("MediaUrl", "https://media.example.org/a"),
        ],
        [
            ("To", TO),
            ("From", FROM),
            ("Body ", PHI_TEXT),
            ("MediaUrl", "https://media.example.org/a"),
        ],
        [("To", TO), ("From", FROM), ("Body", ADMIN), ("Body", PHI_TEXT)],
        [("To", TO), ("From", FROM), ("Body", ADMIN), ("Tags", PHI_TEXT)],
        [("To", TO), ("From", FROM), ("ContentSid", "HX1"), ("ContentVariables", PHI_TEXT)],
        [("To", TO), ("From", FROM), ("Body", ADMIN), ("To", PHI_TEXT)],
        [("To", TO), ("From", FROM), ("Body", ADMIN), ("MaxPrice", PHI_TEXT)],
        [("To", PHI_TEXT), ("From", FROM), ("Body", ADMIN)],
    ],
    ids=[
        "lowercase-body",
        "trailing-space",
        "repeated-body",
        "unknown-field",
        "content-variables-not-json",
        "repeated-to",
        "scalar-with-text",
        "to-with-text",
    ],
)
async def test_unknown_and_near_miss_fields_are_refused(
    twilio_proxy, provider_upstream, pairs: list[tuple[str, str]]
):
    r = await post_form(twilio_proxy.make_url(SENDS), urlencode(pairs))
    assert r.status == 400
    text = r.text()
    assert not phi_in(text)
    assert provider_upstream.requests == []


async def test_unknown_field_error_names_field_and_setting(twilio_proxy, provider_upstream):
    data = urlencode({"To": TO, "From": FROM, "Body": ADMIN, "Tags": "x"})
    r = await post_form(twilio_proxy.make_url(SENDS), data)
    body = r.json()
    assert r.status == 400 and body["code"] == 90003
    assert "'Tags'" in body["message"] and "providers.fields.twilio" in body["message"]


async def test_operator_can_classify_an_unknown_field(
    make_proxy, provider_server, provider_upstream
):
    settings = Settings(providers=ProvidersConfig(fields={"twilio": {"Tags": "token"}}))
    proxy = await make_proxy(str(provider_server.make_url("")), settings=settings)
    data = urlencode({"To": TO, "From": FROM, "Body": ADMIN, "Tags": "reminder-7"})
    r = await post_form(proxy.make_url(SENDS), data)
    assert r.status == 201
    assert (
        provider_upstream.bodies == [data.encode()]
        if hasattr(provider_upstream, "bodies")
        else True
    )
    assert provider_upstream.requests[0].body == data.encode()


@pytest.mark.parametrize("query", [{"Body": PHI_TEXT}, {"body": PHI_TEXT}, {"To": TO}, {"x": "1"}])
async def test_query_parameters_on_a_send_are_refused(twilio_proxy, provider_upstream, query):
    data = urlencode({"To": TO, "From": FROM, "Body": ADMIN})
    r = await post_form(twilio_proxy.make_url(SENDS).with_query(query), data)
    assert r.status == 400
    assert "Query string" in r.json()["message"]
    assert provider_upstream.requests == []


async def test_reads_pass_with_typed_query_and_no_body(twilio_proxy, provider_upstream):
    list_path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    async with aiohttp.ClientSession() as s:
        async with s.get(
            twilio_proxy.make_url(list_path).with_query({"To": TO, "PageSize": "20"})
        ) as r:
            assert r.status == 200
        for query in ({"Body": PHI_TEXT}, {"To": PHI_TEXT}, {"PageSize": "1", "PageSize ": "2"}):
            async with s.get(twilio_proxy.make_url(list_path).with_query(query)) as r:
                assert r.status == 400
        async with s.get(twilio_proxy.make_url(list_path), data=PHI_TEXT) as r:
            assert r.status == 400
    assert len(provider_upstream.requests) == 1
    nothing_leaked(provider_upstream)


async def test_repeated_query_parameters_are_refused(twilio_proxy, provider_upstream):
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=5&PageSize=6"
    async with aiohttp.ClientSession() as s, s.get(twilio_proxy.make_url(path)) as r:
        assert r.status == 400
    assert provider_upstream.requests == []


async def test_message_update_only_redacts_or_cancels(twilio_proxy, provider_upstream):
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages/SM{'2' * 32}.json"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as s:
        for data, status in (
            ("Body=", 201),
            ("Status=canceled", 201),
            (urlencode({"Body": PHI_TEXT}), 400),
            (urlencode({"Status": "canceled", "Body": "x"}), 400),
        ):
            async with s.post(twilio_proxy.make_url(path), data=data, headers=form) as r:
                assert r.status == status, await r.text()
    assert [r.body for r in provider_upstream.requests] == [b"Body=", b"Status=canceled"]


# --- routes ----------------------------------------------------------------------------------

ACC = f"/2010-04-01/Accounts/{ACCOUNT}"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{ACC}/Messages"),
        ("POST", f"{ACC}/Messages.JSON"),
        ("POST", f"{ACC}/messages.json"),
        ("POST", f"{ACC}//Messages.json"),
        ("POST", f"{ACC}/SMS/Messages.json"),
        ("POST", f"{ACC}/x/../Messages.json"),
        ("POST", f"{ACC}/x/..%2FMessages.json"),
        ("POST", f"{ACC}/Messages%2Ejson"),
        ("POST", f"{ACC}/./Messages.json"),
        ("POST", f"{ACC}/Messages.json/"),
        ("PUT", f"{ACC}/Messages.json"),
        ("PATCH", f"{ACC}/Messages.json"),
        ("POST", f"{ACC}/Calls.json"),
        ("POST", f"{ACC}/Conversations.json"),
        ("POST", "/2010-04-01/Accounts/AC1/Messages.json"),
        ("POST", f"{ACC}/Messages.json%00"),
        ("POST", f"{ACC}\\Messages.json"),
    ],
)
async def test_route_variants_are_never_forwarded(
    twilio_proxy, provider_upstream, method: str, path: str
):
    data = urlencode({"To": TO, "From": FROM, "Body": PHI_TEXT})
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method,
            URL(base(twilio_proxy) + path, encoded=True),  # sent as written: no normalising
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as r,
    ):
        assert 400 <= r.status < 500
        text = await r.text()
    assert not phi_in(text)
    assert provider_upstream.requests == []


async def test_calls_are_refused_by_default_naming_the_setting(twilio_proxy, provider_upstream):
    data = urlencode({"To": TO, "From": FROM, "Twiml": f"<Response><Say>{ADMIN}</Say></Response>"})
    r = await post_form(twilio_proxy.make_url(f"{ACC}/Calls.json"), data)
    assert r.status == 403
    assert "twilio.calls" in r.json()["message"]
    assert provider_upstream.requests == []


async def test_enabled_calls_inspect_twiml(make_proxy, provider_server, provider_upstream):
    settings = Settings(providers=ProvidersConfig(enable=("twilio.calls",)))
    proxy = await make_proxy(str(provider_server.make_url("")), settings=settings)
    calls = sdk(proxy).calls
    twiml = f"<Response><Say>{ADMIN}</Say></Response>"
    await asyncio.to_thread(lambda: calls.create(to=TO, from_=FROM, twiml=twiml))
    assert parse_qs(provider_upstream.requests[0].body.decode())["Twiml"] == [twiml]
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: calls.create(
                to=TO, from_=FROM, twiml=f"<Response><Say>{PHI_TEXT}</Say></Response>"
            )
        )
    assert exc.value.code == 90001
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: calls.create(to=TO, from_=FROM, url="https://elsewhere.example.net/twiml")
        )
    assert "callback_hosts" in exc.value.msg
    assert len(provider_upstream.requests) == 1


# --- sender selection for per-sender overrides (issue #20, hole 4) ---------------------------

STRICT = f"""
version: 1
name: strict-service
mode: enforce
overrides:
  - name: strict
    senders: ["{MG}"]
    default: {{action: block}}
"""


@pytest.mark.parametrize("extra_from", [None, "", FROM, "PhiClinic"])
async def test_messaging_service_override_is_not_escaped_by_from(
    make_proxy, provider_server, provider_upstream, extra_from
):
    policy = parse_policy(STRICT)
    proxy = await make_proxy(str(provider_server.make_url("")), policy=policy)
    pairs = [("To", TO), ("MessagingServiceSid", MG), ("Body", WITH_NAME)]
    if extra_from is not None:
        pairs.append(("From", extra_from))
    r = await post_form(proxy.make_url(SENDS), urlencode(pairs))
    assert r.status == 400 and r.json()["code"] == 90001
    assert provider_upstream.requests == []
