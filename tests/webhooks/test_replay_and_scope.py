"""Issue #18 / #20: replayed webhooks are ignored and counted (for every signed provider), a
repeated parameter is refused before anything reads it, and one provider's opt-in cannot undo
another provider's opt-out."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from prometheus_client import REGISTRY
from twilio.request_validator import RequestValidator

from tests.support.webhook_signing import (
    messagebird_token,
    plivo_form,
    sns_inbound,
    telnyx_headers,
    vonage_token,
)
from tests.webhooks.conftest import (
    CLINIC,
    MESSAGEBIRD_KEY,
    PATIENT,
    PLIVO_TOKEN,
    PUBLIC,
    TWILIO_TOKEN,
    VONAGE_SECRET,
    post_twilio,
    sinch_basic_headers,
    twilio_form,
)
from tests.webhooks.test_forwarding import post
from tests.webhooks.test_optout_flow import send_ok, send_refused

Signed = tuple[str, bytes, dict[str, str], str]  # path, body, headers, method


def replays(provider: str, reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "phi_proxy_webhook_replays_total", {"provider": provider, "reason": reason}
    )
    return value or 0.0


def twilio_signed(text: str = "STOP", sid: str = "SM" + "7" * 32) -> Signed:
    path = "/webhooks/twilio/sms"
    pairs = twilio_form(text, sid=sid)
    sig = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + path, dict(pairs))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig}
    return path, urlencode(pairs).encode(), headers, "POST"


def vonage_signed() -> Signed:
    body = json.dumps(
        {
            "channel": "sms",
            "message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "to": "15550109999",
            "from": "15550100001",
            "text": "STOP",
            "message_type": "text",
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {vonage_token(body, VONAGE_SECRET)}",
    }
    return "/webhooks/vonage/sms", body, headers, "POST"


def vonage_sms_signed(text: str = "stop", message_id: str = "0A0000000123ABCD9") -> Signed:
    from vonage_http_client.auth import Auth

    auth = Auth(api_key="abcd1234", signature_secret=VONAGE_SECRET, signature_method="sha256")
    params = {
        "msisdn": "15550100001",
        "to": "15550109999",
        "messageId": message_id,
        "text": text,
        "type": "text",
        "timestamp": str(int(time.time())),
    }
    params["sig"] = auth.sign_params(dict(params))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return "/webhooks/vonage/sms", urlencode(params).encode(), headers, "POST"


def telnyx_body(text: str = "STOP") -> bytes:
    return json.dumps(
        {
            "data": {
                "event_type": "message.received",
                "id": "b301ed3f-1490-491f-995f-6e64e69674d4",
                "payload": {
                    "id": "msg-telnyx-1",
                    "from": {"phone_number": "+15550100001"},
                    "to": [{"phone_number": "+15550109999"}],
                    "text": text,
                },
            }
        }
    ).encode()


def telnyx_signed() -> Signed:
    body = telnyx_body()
    return "/webhooks/telnyx/sms", body, telnyx_headers(body), "POST"


def plivo_signed() -> Signed:
    pairs = [
        ("From", "15550100001"),
        ("To", "15550109999"),
        ("Text", "Stop"),
        ("Type", "sms"),
        ("MessageUUID", "11111111-2222-4333-8444-555555555555"),
    ]
    body, headers = plivo_form(
        PUBLIC + "/webhooks/plivo/sms", pairs, PLIVO_TOKEN, "31415926535897932384"
    )
    return "/webhooks/plivo/sms", body, headers, "POST"


def messagebird_signed() -> Signed:
    query = urlencode(
        {
            "id": "e8077d803532c0b5937c639b60216938",
            "recipient": "15550109999",
            "originator": "15550100001",
            "body": "Quit",
        }
    )
    path = "/webhooks/messagebird/sms?" + query
    token = messagebird_token(PUBLIC + path, b"", MESSAGEBIRD_KEY)
    return path, b"", {"MessageBird-Signature-JWT": token}, "GET"


def sns_signed() -> Signed:
    body, headers = sns_inbound("stop", "+15550100001", "+15550109999")
    return "/webhooks/aws/sms", body, headers, "POST"


def sinch_signed() -> Signed:
    body = json.dumps(
        {
            "type": "mo_text",
            "id": "sinch-1",
            "from": "15550100001",
            "to": "15550109999",
            "body": "STOP",
        }
    ).encode()
    return "/webhooks/sinch/sms", body, sinch_basic_headers(), "POST"


SIGNED: dict[str, Callable[[], Signed]] = {
    "twilio": twilio_signed,
    "vonage": vonage_signed,
    "telnyx": telnyx_signed,
    "plivo": plivo_signed,
    "messagebird": messagebird_signed,
    "aws": sns_signed,
    "sinch": sinch_signed,
}


async def send(stack, signed: Signed) -> tuple[int, str]:
    path, body, headers, method = signed
    return await post(stack, path, body, headers, method)


@pytest.mark.parametrize("provider", sorted(SIGNED))
async def test_a_replayed_webhook_is_ignored_and_counted(stack, customer, provider):
    s = await stack()
    signed = SIGNED[provider]()
    before = replays(provider, "duplicate")
    assert (await send(s, signed))[0] == 200
    rows, audit = s.optouts(), s.audit_kinds()
    assert len(customer.requests) == 1 and rows
    for _ in range(2):
        assert await send(s, signed) == (200, "already handled\n")
    # nothing forwarded, recorded or audited a second time
    assert len(customer.requests) == 1
    assert s.optouts() == rows and s.audit_kinds() == audit
    assert replays(provider, "duplicate") == before + 2


async def test_sns_replay_with_reserialised_envelope_is_still_a_replay(stack, customer):
    """SNS signs named fields only: the same MessageId in a re-spaced envelope is the same
    event."""
    s = await stack()
    path, body, headers, method = sns_signed()
    assert (await post(s, path, body, headers, method))[0] == 200
    respaced = json.dumps(json.loads(body), indent=2).encode()
    assert await post(s, path, respaced, headers, method) == (200, "already handled\n")
    assert len(customer.requests) == 1


def _stale_vonage() -> Signed:
    path, body, headers, method = vonage_signed()
    token = vonage_token(body, VONAGE_SECRET, iat=int(time.time()) - 3600)
    return path, body, {**headers, "Authorization": f"Bearer {token}"}, method


def _stale_telnyx() -> Signed:
    body = telnyx_body()
    return "/webhooks/telnyx/sms", body, telnyx_headers(body, ts=int(time.time()) - 3600), "POST"


def _stale_messagebird() -> Signed:
    path, body, _, method = messagebird_signed()
    old = int(time.time()) - 3600
    token = messagebird_token(PUBLIC + path, b"", MESSAGEBIRD_KEY, nbf=old, exp=old + 60)
    return path, body, {"MessageBird-Signature-JWT": token}, method


@pytest.mark.parametrize(
    ("provider", "make"),
    [("vonage", _stale_vonage), ("telnyx", _stale_telnyx), ("messagebird", _stale_messagebird)],
)
async def test_a_webhook_outside_its_time_window_is_refused_and_counted(
    stack, customer, provider, make
):
    s = await stack()
    before = replays(provider, "stale")
    assert (await send(s, make()))[0] == 403
    assert customer.requests == [] and s.optouts() == []
    assert replays(provider, "stale") == before + 1


async def test_a_provider_retry_after_a_failure_is_not_a_replay(stack, customer):
    s = await stack()
    signed = twilio_signed()
    customer.status = 500
    assert (await send(s, signed))[0] == 502
    customer.status = 200
    assert (await send(s, signed))[0] == 200  # the retry is handled (claim released)
    assert len(customer.requests) == 2
    assert await send(s, signed) == (200, "already handled\n")


# ---- issue #20 hole 1: one parsed view, duplicates refused ------------------------------------


async def test_vonage_sms_parameter_pollution_is_refused(stack, customer, upstream):
    """Prepending msisdn/text/messageId to a captured, validly signed body used to opt the
    victim out (the signature read the last copy, the parser the first)."""
    s = await stack()
    path, body, headers, method = vonage_sms_signed(text="hello", message_id="0A00000001")
    assert (await post(s, path, body, headers, method))[0] == 200  # the captured original
    victim = "15550100002"
    polluted = f"msisdn={victim}&text=STOPALL&messageId=0A00000002&".encode() + body
    assert (await post(s, path, polluted, headers, method))[0] == 400
    assert s.optouts() == [] and len(customer.requests) == 1
    # as a GET (query) as well
    query = "/webhooks/vonage/sms?" + f"msisdn={victim}&text=STOPALL&" + body.decode()
    assert (await post(s, query, method="GET"))[0] == 400
    assert s.optouts() == []


async def test_every_signed_form_or_json_refuses_a_repeated_name(stack, customer):
    s = await stack()
    # Twilio: two Body fields, validly signed over both (Twilio's scheme sorts values)
    pairs = [*twilio_form("hello"), ("Body", "STOP")]
    path = "/webhooks/twilio/sms"
    sig = _signed_twilio_multi(path, pairs)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig}
    assert (await post(s, path, urlencode(pairs).encode(), headers))[0] == 400
    # Telnyx: a JSON object with "text" twice, validly signed
    body = telnyx_body().replace(b'"text": "STOP"', b'"text": "STOP", "text": "hello"')
    assert (await post(s, "/webhooks/telnyx/sms", body, telnyx_headers(body)))[0] == 400
    # Sinch: the same
    body = b'{"type": "mo_text", "from": "15550100001", "body": "hi", "body": "STOPALL"}'
    assert (await post(s, "/webhooks/sinch/sms", body, sinch_basic_headers()))[0] == 400
    assert customer.requests == [] and s.optouts() == []


def _signed_twilio_multi(path: str, pairs: list[tuple[str, str]]) -> str:
    from proxy.webhooks.signatures import twilio_signature

    multi: dict[str, list[str]] = {}
    for k, v in pairs:
        multi.setdefault(k, []).append(v)
    return twilio_signature(TWILIO_TOKEN, PUBLIC + path, multi, "HMAC_SHA1")


# ---- opt-ins speak only for their own provider -----------------------------------------------


async def post_sinch(stack, text: str, msg_id: str) -> int:
    body = json.dumps(
        {"type": "mo_text", "id": msg_id, "from": PATIENT, "to": CLINIC, "body": text}
    ).encode()
    return (await post(stack, "/webhooks/sinch/sms", body, sinch_basic_headers()))[0]


async def test_a_sinch_start_cannot_undo_a_twilio_stop(stack, upstream):
    s = await stack()
    assert (await post_twilio(s, "STOP"))[0] == 200
    await send_refused(s, upstream)
    assert await post_sinch(s, "START", "sinch-a") == 200  # forwarded to the customer...
    await send_refused(s, upstream)  # ...but the Twilio STOP stands
    ignored = [
        json.loads(b[0])
        for b in s.rows("SELECT body FROM audit_log ORDER BY seq")
        if json.loads(b[0])["kind"] == "optin"
    ]
    assert [e["outcome"] for e in ignored] == ["ignored"]
    # the provider the patient opted out through can opt them back in
    assert (await post_twilio(s, "START"))[0] == 200
    await send_ok(s, upstream)


async def test_a_sinch_start_cannot_undo_a_twilio_stopall(stack, upstream):
    s = await stack()
    assert (await post_twilio(s, "STOPALL"))[0] == 200
    assert await post_sinch(s, "START", "sinch-b") == 200
    await send_refused(s, upstream)


async def test_a_stop_through_two_providers_needs_both_to_reopen(stack, upstream):
    s = await stack()
    assert (await post_twilio(s, "STOP"))[0] == 200
    assert await post_sinch(s, "STOP", "sinch-c") == 200
    assert [r[3] for r in s.optouts()] == ["sinch,twilio"]
    assert await post_sinch(s, "START", "sinch-d") == 200
    await send_refused(s, upstream)
    # an opt-out is honoured whichever provider carried it; a provider's own START re-opens
    # only what it alone holds
    assert (await post_twilio(s, "START"))[0] == 200
    await send_refused(s, upstream)


async def test_opt_in_scope_rule_on_the_registry(db_url):
    from proxy.optout.registry import IN, OUT, OptOutRegistry
    from proxy.store import open_database

    db = await open_database(db_url)
    try:
        reg = OptOutRegistry(db, b"k" * 32)
        await reg.record(PATIENT, [CLINIC], OUT, "import", "import")
        assert await reg.record(PATIENT, [CLINIC], IN, "sinch", "keyword") != []
        assert not (await reg.status(PATIENT, CLINIC)).opted_out  # imported lists: anyone
        await reg.record(PATIENT, [CLINIC], OUT, "twilio", "keyword")
        assert await reg.record(PATIENT, [CLINIC], IN, "sinch", "keyword") == []
        assert (await reg.status(PATIENT, CLINIC)).opted_out
    finally:
        await db.close()
