"""Verified webhooks reach the customer's URL, re-signed where the scheme binds the URL (the
customer checks them with the provider's own SDK validator); failures make the provider retry."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlencode

import aiohttp
from messagebird.request_validator import RequestValidator as MessageBirdValidator
from plivo.utils.signature_v3 import validate_v3_signature
from telnyx.lib.webhook_verification import verify_webhook_signature
from twilio.request_validator import RequestValidator
from vonage_jwt import verify_signature as vonage_verify
from yarl import URL

from tests.support.webhook_signing import (
    TELNYX_PUBLIC_B64,
    messagebird_token,
    plivo_form,
    sns_inbound,
    telnyx_headers,
    vonage_token,
)
from tests.webhooks.conftest import (
    MESSAGEBIRD_KEY,
    PATIENT,
    PLIVO_TOKEN,
    PUBLIC,
    SINCH_PATH_TOKEN,
    TWILIO_TOKEN,
    VONAGE_SECRET,
    post_twilio,
    sdk_send,
    sinch_basic_headers,
    twilio_form,
)


async def post(stack, path, body=b"", headers=None, method="POST") -> tuple[int, str]:
    # the path exactly as signed: no client-side re-encoding of the query
    url = URL(stack.url("").rstrip("/") + path, encoded=True)
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, url, data=body or None, headers=headers or {}) as r,
    ):
        return r.status, await r.text()


def customer_url(customer_server, path: str) -> str:
    return str(customer_server.make_url(path))


async def test_twilio_forward_is_resigned_for_the_customer_url(stack, customer, customer_server):
    customer.body = "<Response><Message>Got it</Message></Response>"
    s = await stack()
    status, text = await post_twilio(s, "STOP")
    assert (status, text) == (200, customer.body)  # the customer's TwiML goes back to Twilio
    [got] = customer.requests
    assert got.path == "/twilio/sms"
    params = dict(parse_qsl(got.body.decode(), keep_blank_values=True))
    assert params["Body"] == "STOP" and params["From"] == PATIENT
    url = customer_url(customer_server, "/twilio/sms")
    validator = RequestValidator(TWILIO_TOKEN)
    assert validator.validate(url, params, got.headers["X-Twilio-Signature"])
    # ...and it is a new signature: the one for the proxy's URL would not validate there
    proxy_sig = validator.compute_signature(PUBLIC + "/webhooks/twilio/sms", params)
    assert got.headers["X-Twilio-Signature"] != proxy_sig
    assert got.headers["X-Phi-Proxy-Verified"] == "twilio-hmac"
    assert got.headers["I-Twilio-Idempotency-Token"] == "idem-1"


async def test_verified_header_cannot_be_injected(stack, customer):
    s = await stack()
    pairs = twilio_form("hello")
    sig = RequestValidator(TWILIO_TOKEN).compute_signature(
        PUBLIC + "/webhooks/twilio/sms", dict(pairs)
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": sig,
        "X-Phi-Proxy-Verified": "forged",
        "X-Forwarded-For": "203.0.113.9",
    }
    assert (await post(s, "/webhooks/twilio/sms", urlencode(pairs).encode(), headers))[0] == 200
    [got] = customer.requests
    assert got.headers["X-Phi-Proxy-Verified"] == "twilio-hmac"
    assert "X-Forwarded-For" not in got.headers


async def test_status_callbacks_are_forwarded_without_keyword_handling(stack, customer):
    s = await stack()
    pairs = [("MessageSid", "SM" + "3" * 32), ("MessageStatus", "delivered"), ("To", PATIENT)]
    path = "/webhooks/twilio/status"
    sig = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + path, dict(pairs))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig}
    assert (await post(s, path, urlencode(pairs).encode(), headers))[0] == 200
    assert customer.requests[0].path == "/twilio/status"
    assert s.optouts() == [] and s.audit_kinds() == []


async def test_customer_down_gives_502_but_opt_out_is_kept(stack, customer, upstream):
    s = await stack()
    customer.status = 500
    sid = "SM" + "5" * 32
    assert (await post_twilio(s, "STOP", sid=sid))[0] == 502
    assert len(s.optouts()) == 1
    customer.status = 200
    assert (await post_twilio(s, "STOP", sid=sid))[0] == 200  # Twilio's retry
    assert len(s.optouts()) == 1 and len(customer.requests) == 2
    assert s.audit_kinds() == ["optout"]  # applied and audited once
    try:
        await sdk_send(s, to=PATIENT, from_="+15550109999", body="Your visit is on Monday.")
        raise AssertionError("send to an opted-out recipient went through")
    except Exception as e:  # noqa: BLE001
        assert getattr(e, "code", None) == 21610
    assert upstream.requests == []


async def test_customer_unreachable_gives_502(stack, make_proxy, unused_tcp_port_factory):
    s = await stack()
    # point the hook at a closed port by swapping the runtime's forward URL
    from dataclasses import replace

    from proxy.webhooks.handler import WEBHOOKS

    runtime = s.proxy.app[WEBHOOKS]
    hook = runtime.hooks["twilio"]
    dead = f"http://127.0.0.1:{unused_tcp_port_factory()}/sms"
    runtime.hooks["twilio"] = replace(hook, settings=replace(hook.settings, forward={"sms": dead}))
    assert (await post_twilio(s, "STOP"))[0] == 502
    assert len(s.optouts()) == 1


async def test_plivo_stop_recorded_and_forward_resigned(stack, customer, customer_server):
    s = await stack()
    pairs = [
        ("From", "15550100001"),
        ("To", "15550109999"),
        ("Text", "Stop"),
        ("Type", "sms"),
        ("MessageUUID", "11111111-2222-4333-8444-555555555555"),
    ]
    nonce = "31415926535897932384"
    body, headers = plivo_form(PUBLIC + "/webhooks/plivo/sms", pairs, PLIVO_TOKEN, nonce)
    assert (await post(s, "/webhooks/plivo/sms", body, headers))[0] == 200
    [got] = customer.requests
    assert got.headers["X-Plivo-Signature-V3-Nonce"] != nonce
    assert validate_v3_signature(
        "POST",
        customer_url(customer_server, "/plivo/sms"),
        got.headers["X-Plivo-Signature-V3-Nonce"],
        PLIVO_TOKEN,
        got.headers["X-Plivo-Signature-V3"],
        dict(parse_qsl(got.body.decode())),
    )
    assert [(r[3], r[2]) for r in s.optouts()] == [("plivo", "out")]
    # forged: the old signature no longer matches a changed text
    forged = urlencode([(k, "START" if k == "Text" else v) for k, v in pairs]).encode()
    assert (await post(s, "/webhooks/plivo/sms", forged, headers))[0] == 403
    assert len(customer.requests) == 1


async def test_vonage_stop_recorded_and_original_jwt_passed_on(stack, customer):
    s = await stack()
    body = json.dumps(
        {
            "channel": "sms",
            "message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "to": "15550109999",
            "from": "15550100001",
            "text": "STOP ALL",
            "message_type": "text",
        }
    ).encode()
    token = vonage_token(body, VONAGE_SECRET)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    assert (await post(s, "/webhooks/vonage/sms", body, headers))[0] == 200
    [got] = customer.requests
    assert got.body == body
    forwarded = got.headers["Authorization"].split(" ", 1)[1]
    assert vonage_verify(forwarded, VONAGE_SECRET)  # the customer can still verify it
    assert got.headers["X-Phi-Proxy-Verified"] == "vonage-jwt"
    assert [(r[1], r[3]) for r in s.optouts()] == [("*", "vonage")]
    bad = {"Content-Type": "application/json", "Authorization": "Bearer " + token[:-3] + "abc"}
    assert (await post(s, "/webhooks/vonage/sms", body, bad))[0] == 403
    assert len(customer.requests) == 1


async def test_telnyx_stop_recorded_and_original_signature_passed_on(stack, customer):
    s = await stack()
    body = json.dumps(
        {
            "data": {
                "event_type": "message.received",
                "id": "b301ed3f-1490-491f-995f-6e64e69674d4",
                "payload": {
                    "from": {"phone_number": "+15550100001"},
                    "to": [{"phone_number": "+15550109999"}],
                    "text": "unsubscribe",
                    "messaging_profile_id": "40017f7e-0000-4000-8000-000000000001",
                },
            }
        }
    ).encode()
    headers = telnyx_headers(body)
    assert (await post(s, "/webhooks/telnyx/sms", body, headers))[0] == 200
    [got] = customer.requests
    verify_webhook_signature(got.body, got.headers, TELNYX_PUBLIC_B64)  # still valid downstream
    assert len(s.optouts()) == 2  # the number and the messaging profile
    stale = telnyx_headers(body, ts=int(time.time()) - 3600)
    assert (await post(s, "/webhooks/telnyx/sms", body, stale))[0] == 403
    assert len(customer.requests) == 1


async def test_messagebird_get_webhook_recorded_and_resigned(stack, customer, customer_server):
    s = await stack()
    query = urlencode(
        {
            "id": "e8077d803532c0b5937c639b60216938",
            "recipient": "15550109999",
            "originator": "15550100001",
            "body": "Quit",
            "createdDatetime": "2025-01-01T00:00:00+00:00",
        }
    )
    path = "/webhooks/messagebird/sms?" + query
    token = messagebird_token(PUBLIC + path, b"", MESSAGEBIRD_KEY)
    status, _ = await post(s, path, headers={"MessageBird-Signature-JWT": token}, method="GET")
    assert status == 200
    [got] = customer.requests
    assert got.method == "GET"
    assert dict(parse_qsl(got.query)) == dict(parse_qsl(query))
    # the customer checks the URL it was called on, exactly as received
    url = customer_url(customer_server, "/messagebird/sms") + "?" + got.query
    MessageBirdValidator(MESSAGEBIRD_KEY).validate_signature(
        got.headers["MessageBird-Signature-JWT"], url, b""
    )
    assert [(r[3], r[2]) for r in s.optouts()] == [("messagebird", "out")]
    tampered = path.replace("Quit", "Start")
    headers = {"MessageBird-Signature-JWT": token}
    assert (await post(s, tampered, headers=headers, method="GET"))[0] == 403


async def test_sinch_needs_its_basic_credentials_which_are_not_passed_on(stack, customer):
    s = await stack()
    body = json.dumps(
        {"type": "mo_text", "from": "15550100001", "to": "15550109999", "body": "STOP"}
    ).encode()
    for headers in (
        {"Content-Type": "application/json"},
        sinch_basic_headers("sinch-hooks:wrong-password-0123456789abcdef0123"),
    ):
        assert (await post(s, "/webhooks/sinch/sms", body, headers))[0] == 403
    assert customer.requests == [] and s.optouts() == []
    assert (await post(s, "/webhooks/sinch/sms", body, sinch_basic_headers()))[0] == 200
    [got] = customer.requests
    assert got.headers["X-Phi-Proxy-Verified"] == "basic-auth"
    assert "Authorization" not in got.headers  # our credential, not the customer's business
    assert [r[3] for r in s.optouts()] == ["sinch"]


async def test_sinch_path_token(stack, customer):
    s = await stack(sinch_auth="path_token")
    body = json.dumps(
        {"type": "mo_text", "from": "15550100001", "to": "15550109999", "body": "STOP"}
    ).encode()
    headers = {"Content-Type": "application/json"}
    assert (await post(s, "/webhooks/sinch/sms", body, headers))[0] == 404
    wrong = "/webhooks/sinch/sms/" + "x" * len(SINCH_PATH_TOKEN)
    assert (await post(s, wrong, body, headers))[0] == 403
    assert customer.requests == [] and s.optouts() == []
    ok = f"/webhooks/sinch/sms/{SINCH_PATH_TOKEN}"
    assert (await post(s, ok, body, headers))[0] == 200
    [got] = customer.requests
    assert got.path == "/sinch/sms" and got.headers["X-Phi-Proxy-Verified"] == "path-token"
    # signed providers have no token route
    assert (await post(s, "/webhooks/twilio/sms/anything", b"", {}))[0] == 404


async def test_aws_sns_signed_stop_recorded_and_forged_rejected(stack, customer):
    from tests.support.webhook_signing import sns_envelope

    s = await stack()
    body, headers = sns_inbound("stop", "+15550100002", "+15550109999")
    assert (await post(s, "/webhooks/aws/sms", body, headers))[0] == 200
    [got] = customer.requests
    assert got.body == body and got.headers["X-Phi-Proxy-Verified"] == "aws-sns"
    assert [(r[3], r[2]) for r in s.optouts()] == [("aws", "out")]
    forged = json.loads(body)
    forged["Message"] = forged["Message"].replace("stop", "start")
    assert (await post(s, "/webhooks/aws/sms", json.dumps(forged).encode(), headers))[0] == 403
    message = json.loads(body)["Message"]
    other_topic = sns_envelope(message, topic="arn:aws:sns:us-east-1:999999999999:attacker")
    data = json.dumps(other_topic).encode()
    assert (await post(s, "/webhooks/aws/sms", data, headers))[0] == 403
    assert len(customer.requests) == 1


async def test_unreadable_verified_webhook_is_400(stack, customer):
    s = await stack()
    body = b"{not json"
    assert (await post(s, "/webhooks/telnyx/sms", body, telnyx_headers(body)))[0] == 400
    assert customer.requests == []


async def test_oversized_webhook_is_413(stack, customer):
    s = await stack()
    body = b"x" * (70 * 1024)
    assert (await post(s, "/webhooks/telnyx/sms", body, telnyx_headers(body)))[0] == 413
    assert customer.requests == []


async def test_vonage_sms_api_get_webhook_recorded_and_sig_passed_on(stack, customer):
    from vonage_http_client.auth import Auth

    s = await stack()
    auth = Auth(api_key="abcd1234", signature_secret=VONAGE_SECRET, signature_method="sha512")
    params = {
        "msisdn": "15550100001",
        "to": "15550109999",
        "messageId": "0A0000000123ABCD9",
        "text": "stop",
        "type": "text",
        "timestamp": str(int(time.time())),
    }
    params["sig"] = auth.sign_params(dict(params))
    path = "/webhooks/vonage/sms?" + urlencode(params)
    assert (await post(s, path, method="GET"))[0] == 200
    [got] = customer.requests
    received = dict(parse_qsl(got.query))
    assert auth.check_signature(received)  # the customer checks it with the SDK
    assert [(r[3], r[2]) for r in s.optouts()] == [("vonage", "out")]
    assert (await post(s, path.replace("stop", "start"), method="GET"))[0] == 403


async def test_opt_out_without_a_known_sender_is_global(stack, customer):
    s = await stack()
    body = json.dumps({"type": "mo_text", "from": "15550100001", "body": "STOP"}).encode()
    assert (await post(s, "/webhooks/sinch/sms", body, sinch_basic_headers()))[0] == 200
    assert [(r[1], r[2]) for r in s.optouts()] == [("*", "out")]
