"""Each provider's webhook signature: made with the provider SDK's own helpers (or checked by
its own validator), accepted; tampered, re-targeted, stale or missing, rejected."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from messagebird.request_validator import RequestValidator as MessageBirdValidator
from multidict import CIMultiDict
from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3
from telnyx.lib.webhook_verification import verify_webhook_signature
from twilio.request_validator import RequestValidator
from vonage_jwt import verify_signature as vonage_verify

from proxy.webhooks.signatures import (
    SignatureError,
    WebhookRequest,
    verify_aws_sns,
    verify_messagebird,
    verify_plivo,
    verify_telnyx,
    verify_twilio,
    verify_vonage,
)
from tests.support.webhook_signing import (
    TELNYX_PUBLIC_B64,
    messagebird_token,
    telnyx_headers,
    vonage_token,
)
from tests.webhooks.conftest import MESSAGEBIRD_KEY, PLIVO_TOKEN, TWILIO_TOKEN, VONAGE_SECRET

URL = "https://proxy.example/webhooks/twilio/sms"
FORM = [
    ("MessageSid", "SM" + "1" * 32),
    ("From", "+15550100001"),
    ("To", "+15550109999"),
    ("Body", "Stop."),
    ("NumMedia", "0"),
    ("SmsStatus", "received"),
]


def req(url: str, body: bytes, headers: dict[str, str], method: str = "POST") -> WebhookRequest:
    return WebhookRequest(method, url, CIMultiDict(headers), body)


def form_req(url: str, pairs: list[tuple[str, str]], headers: dict[str, str]) -> WebhookRequest:
    h = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    return req(url, urlencode(pairs).encode(), h)


# ---- Twilio -----------------------------------------------------------------------------------


def twilio_sig(url: str, pairs: list[tuple[str, str]], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, dict(pairs))


def test_twilio_sdk_signature_accepted():
    verify_twilio(
        form_req(URL, FORM, {"X-Twilio-Signature": twilio_sig(URL, FORM)}), TWILIO_TOKEN, 300
    )


def test_twilio_signature_with_explicit_port_accepted():
    sig = twilio_sig("https://proxy.example:443/webhooks/twilio/sms", FORM)
    verify_twilio(form_req(URL, FORM, {"X-Twilio-Signature": sig}), TWILIO_TOKEN, 300)


def test_twilio_hmac_sha256_shared_key_accepted():
    sig = RequestValidator(TWILIO_TOKEN).compute_signature(URL, dict(FORM), "HMAC_SHA256")
    headers = {
        "X-Twilio-Signature": sig,
        "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_x,algorithm=HMAC_SHA256",
    }
    verify_twilio(form_req(URL, FORM, headers), TWILIO_TOKEN, 300)
    with pytest.raises(SignatureError):  # same signature claimed as SHA1
        verify_twilio(form_req(URL, FORM, {"X-Twilio-Signature": sig}), TWILIO_TOKEN, 300)


def test_twilio_json_body_sha256_accepted_and_tamper_rejected():
    body = b'{"event":"x"}'
    import hashlib

    url = URL + "?bodySHA256=" + hashlib.sha256(body).hexdigest()
    sig = RequestValidator(TWILIO_TOKEN).compute_signature(url, {})
    h = {"X-Twilio-Signature": sig, "Content-Type": "application/json"}
    verify_twilio(req(url, body, h), TWILIO_TOKEN, 300)
    with pytest.raises(SignatureError):
        verify_twilio(req(url, b'{"event":"y"}', h), TWILIO_TOKEN, 300)


@pytest.mark.parametrize(
    "tamper",
    ["body", "extra_param", "url", "token", "missing", "truncated"],
)
def test_twilio_tampered_rejected(tamper):
    pairs, url = list(FORM), URL
    sig = twilio_sig(URL, FORM)
    headers = {"X-Twilio-Signature": sig}
    if tamper == "body":
        pairs[3] = ("Body", "Start")
    elif tamper == "extra_param":
        pairs.append(("Extra", "1"))
    elif tamper == "url":
        url = "https://evil.example/webhooks/twilio/sms"
    elif tamper == "token":
        headers["X-Twilio-Signature"] = twilio_sig(URL, FORM, "some-other-token")
    elif tamper == "missing":
        headers = {}
    elif tamper == "truncated":
        headers["X-Twilio-Signature"] = sig[:-2]
    assert not RequestValidator(TWILIO_TOKEN).validate(
        url, dict(pairs), headers.get("X-Twilio-Signature", "")
    )
    with pytest.raises(SignatureError):
        verify_twilio(form_req(url, pairs, headers), TWILIO_TOKEN, 300)


# ---- Vonage -----------------------------------------------------------------------------------

VONAGE_BODY = (
    b'{"channel":"sms","message_uuid":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",'
    b'"to":"15550109999","from":"15550100001","timestamp":"2025-01-01T00:00:00Z",'
    b'"text":"STOP","message_type":"text"}'
)
VONAGE_URL = "https://proxy.example/webhooks/vonage/sms"


def vonage_req(token: str, body: bytes = VONAGE_BODY) -> WebhookRequest:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return req(VONAGE_URL, body, headers)


def test_vonage_signed_webhook_accepted_and_sdk_agrees():
    token = vonage_token(VONAGE_BODY, VONAGE_SECRET)
    assert vonage_verify(token, VONAGE_SECRET)
    verify_vonage(vonage_req(token), VONAGE_SECRET, 300)


def test_vonage_wrong_secret_rejected_and_sdk_agrees():
    token = vonage_token(VONAGE_BODY, "another-secret-another-secret-another-secret")
    assert not vonage_verify(token, VONAGE_SECRET)
    with pytest.raises(SignatureError):
        verify_vonage(vonage_req(token), VONAGE_SECRET, 300)


def test_vonage_body_swapped_under_valid_jwt_rejected():
    token = vonage_token(VONAGE_BODY, VONAGE_SECRET)
    with pytest.raises(SignatureError, match="payload_hash"):
        verify_vonage(vonage_req(token, VONAGE_BODY.replace(b"STOP", b"START")), VONAGE_SECRET, 300)


def test_vonage_stale_missing_and_alg_none_rejected():
    stale = vonage_token(VONAGE_BODY, VONAGE_SECRET, iat=int(time.time()) - 3600)
    with pytest.raises(SignatureError, match="iat"):
        verify_vonage(vonage_req(stale), VONAGE_SECRET, 300)
    with pytest.raises(SignatureError):
        verify_vonage(req(VONAGE_URL, VONAGE_BODY, {}), VONAGE_SECRET, 300)
    unsigned = jwt.encode({"payload_hash": "x"}, None, algorithm="none")
    with pytest.raises(SignatureError):
        verify_vonage(vonage_req(unsigned), VONAGE_SECRET, 300)
    no_hash = jwt.encode({"iat": int(time.time())}, VONAGE_SECRET, algorithm="HS256")
    with pytest.raises(SignatureError, match="payload_hash"):
        verify_vonage(vonage_req(no_hash), VONAGE_SECRET, 300)


# ---- Telnyx -----------------------------------------------------------------------------------

TELNYX_BODY = (
    b'{"data":{"event_type":"message.received","id":"e1","payload":{"from":'
    b'{"phone_number":"+15550100001"},"to":[{"phone_number":"+15550109999"}],"text":"STOP"}}}'
)
TELNYX_URL = "https://proxy.example/webhooks/telnyx/sms"


def test_telnyx_ed25519_accepted_and_sdk_agrees():
    headers = telnyx_headers(TELNYX_BODY)
    verify_webhook_signature(TELNYX_BODY, headers, TELNYX_PUBLIC_B64)  # Telnyx SDK: no raise
    verify_telnyx(req(TELNYX_URL, TELNYX_BODY, headers), TELNYX_PUBLIC_B64, 300)


@pytest.mark.parametrize("tamper", ["body", "timestamp", "stale", "key", "missing"])
def test_telnyx_tampered_rejected(tamper):
    body, headers = TELNYX_BODY, telnyx_headers(TELNYX_BODY)
    if tamper == "body":
        body = TELNYX_BODY.replace(b"STOP", b"START")
    elif tamper == "timestamp":
        headers["telnyx-timestamp"] = str(int(headers["telnyx-timestamp"]) + 1)
    elif tamper == "stale":
        headers = telnyx_headers(TELNYX_BODY, ts=int(time.time()) - 301)
    elif tamper == "key":
        headers = telnyx_headers(TELNYX_BODY, key=Ed25519PrivateKey.generate())
    elif tamper == "missing":
        del headers["telnyx-signature-ed25519"]
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own verdict, any error type
        verify_webhook_signature(body, headers, TELNYX_PUBLIC_B64)
    with pytest.raises(SignatureError):
        verify_telnyx(req(TELNYX_URL, body, headers), TELNYX_PUBLIC_B64, 300)


def test_telnyx_garbage_signature_rejected():
    headers = telnyx_headers(TELNYX_BODY)
    headers["telnyx-signature-ed25519"] = "not base64!!"
    with pytest.raises(SignatureError):
        verify_telnyx(req(TELNYX_URL, TELNYX_BODY, headers), TELNYX_PUBLIC_B64, 300)
    headers["telnyx-signature-ed25519"] = base64.b64encode(b"\0" * 64).decode()
    with pytest.raises(SignatureError):
        verify_telnyx(req(TELNYX_URL, TELNYX_BODY, headers), TELNYX_PUBLIC_B64, 300)


# ---- Plivo ------------------------------------------------------------------------------------

PLIVO_URL = "https://proxy.example/webhooks/plivo/sms"
PLIVO_FORM = [
    ("From", "15550100001"),
    ("To", "15550109999"),
    ("Text", "stop"),
    ("Type", "sms"),
    ("MessageUUID", "11111111-2222-4333-8444-555555555555"),
]


def plivo_sdk_sig(url: str, params: dict[str, str], nonce: str, method: str = "POST") -> str:
    base = construct_post_url(url, dict(params)) if method == "POST" else construct_get_url(url, {})
    return get_signature_v3(PLIVO_TOKEN.encode(), base.decode(), nonce.encode()).decode()


def test_plivo_v3_accepted():
    sig = plivo_sdk_sig(PLIVO_URL, dict(PLIVO_FORM), "12345678901234567890")
    h = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": "12345678901234567890"}
    verify_plivo(form_req(PLIVO_URL, PLIVO_FORM, h), PLIVO_TOKEN, 300)
    # several signatures (key rotation) are comma-separated; one valid is enough
    h["X-Plivo-Signature-V3"] = "bm9wZQ==," + sig
    verify_plivo(form_req(PLIVO_URL, PLIVO_FORM, h), PLIVO_TOKEN, 300)


def test_plivo_v3_with_query_and_get_accepted():
    url = PLIVO_URL + "?tenant=a"
    sig = plivo_sdk_sig(url, dict(PLIVO_FORM), "42")
    h = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": "42"}
    verify_plivo(form_req(url, PLIVO_FORM, h), PLIVO_TOKEN, 300)
    get_url = PLIVO_URL + "?" + urlencode(PLIVO_FORM)
    sig = plivo_sdk_sig(get_url, {}, "43", method="GET")
    h = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": "43"}
    verify_plivo(req(get_url, b"", h, method="GET"), PLIVO_TOKEN, 300)


@pytest.mark.parametrize("tamper", ["body", "nonce", "url", "missing"])
def test_plivo_v3_tampered_rejected(tamper):
    pairs, url, nonce = list(PLIVO_FORM), PLIVO_URL, "999"
    sig = plivo_sdk_sig(PLIVO_URL, dict(PLIVO_FORM), nonce)
    h = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": nonce}
    if tamper == "body":
        pairs[2] = ("Text", "start")
    elif tamper == "nonce":
        h["X-Plivo-Signature-V3-Nonce"] = "1000"
    elif tamper == "url":
        url = "https://evil.example/webhooks/plivo/sms"
    elif tamper == "missing":
        del h["X-Plivo-Signature-V3"]
    with pytest.raises(SignatureError):
        verify_plivo(form_req(url, pairs, h), PLIVO_TOKEN, 300)


# ---- MessageBird ------------------------------------------------------------------------------

MB_URL = "https://proxy.example/webhooks/messagebird/sms?originator=15550100001&body=STOP"


def test_messagebird_jwt_accepted_and_sdk_agrees():
    token = messagebird_token(MB_URL, b"", MESSAGEBIRD_KEY)
    MessageBirdValidator(MESSAGEBIRD_KEY).validate_signature(token, MB_URL, b"")
    verify_messagebird(
        req(MB_URL, b"", {"MessageBird-Signature-JWT": token}, "GET"), MESSAGEBIRD_KEY, 300
    )
    body = b'{"originator":"15550100001","body":"STOP"}'
    post_url = MB_URL.split("?")[0]
    token = messagebird_token(post_url, body, MESSAGEBIRD_KEY)
    MessageBirdValidator(MESSAGEBIRD_KEY).validate_signature(token, post_url, body)
    verify_messagebird(
        req(post_url, body, {"MessageBird-Signature-JWT": token}), MESSAGEBIRD_KEY, 300
    )


@pytest.mark.parametrize("tamper", ["query", "key", "expired", "issuer", "body"])
def test_messagebird_tampered_rejected(tamper):
    url, body, key, claims = MB_URL, b"", MESSAGEBIRD_KEY, {}
    if tamper == "key":
        key = "another-key-another-key-another-key"
    elif tamper == "expired":
        claims = {"nbf": int(time.time()) - 120, "exp": int(time.time()) - 60}
    elif tamper == "issuer":
        claims = {"iss": "Mallory"}
    token = messagebird_token(MB_URL, b"", key, **claims)
    if tamper == "query":
        url = MB_URL.replace("STOP", "START")
    elif tamper == "body":
        body = b'{"body":"injected"}'
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own verdict
        MessageBirdValidator(MESSAGEBIRD_KEY).validate_signature(token, url, body)
    method = "POST" if body else "GET"
    with pytest.raises(SignatureError):
        verify_messagebird(
            req(url, body, {"MessageBird-Signature-JWT": token}, method), MESSAGEBIRD_KEY, 300
        )


# ---- Vonage SMS API signed messages ---------------------------------------------------------

VONAGE_SMS = {
    "msisdn": "15550100001",
    "to": "15550109999",
    "messageId": "0A0000000123ABCD1",
    "text": "Stop & go = no",
    "type": "text",
    "keyword": "STOP",
    "message-timestamp": "2025-01-01 00:00:00",
}


def vonage_sms_params(method: str = "sha256", secret: str = VONAGE_SECRET, **extra: str) -> dict:
    from vonage_http_client.auth import Auth

    params = {**VONAGE_SMS, "timestamp": str(int(time.time())), **extra}
    auth = Auth(api_key="abcd1234", signature_secret=secret, signature_method=method)
    params["sig"] = auth.sign_params(dict(params))
    assert auth.check_signature(dict(params))  # the SDK's own check agrees
    return params


@pytest.mark.parametrize("method", ["md5", "sha1", "sha256", "sha512"])
def test_vonage_sms_api_sig_accepted_get_post_json(method):
    params = vonage_sms_params(method)
    url = VONAGE_URL + "?" + urlencode(params)
    verify_vonage(req(url, b"", {}, method="GET"), VONAGE_SECRET, 300)
    verify_vonage(form_req(VONAGE_URL, list(params.items()), {}), VONAGE_SECRET, 300)
    body = json.dumps(params).encode()
    verify_vonage(req(VONAGE_URL, body, {"Content-Type": "application/json"}), VONAGE_SECRET, 300)


@pytest.mark.parametrize("tamper", ["text", "secret", "stale", "no_timestamp", "sig_length"])
def test_vonage_sms_api_tampered_rejected(tamper):
    params = vonage_sms_params()
    if tamper == "text":
        params["text"] = "START"
    elif tamper == "secret":
        params = vonage_sms_params(secret="another-secret-another-secret")
    elif tamper == "stale":
        params = vonage_sms_params(timestamp=str(int(time.time()) - 3600))
    elif tamper == "no_timestamp":
        del params["timestamp"]
    elif tamper == "sig_length":
        params["sig"] = params["sig"][:-1]
    with pytest.raises(SignatureError):
        verify_vonage(form_req(VONAGE_URL, list(params.items()), {}), VONAGE_SECRET, 300)


def test_url_only_signatures_cannot_carry_another_body():
    # a captured URL-only signature (as on a GET webhook) must not validate a POSTed JSON body
    sig = twilio_sig(URL, [])
    h = {"X-Twilio-Signature": sig, "Content-Type": "application/json"}
    with pytest.raises(SignatureError, match="form-encoded"):
        verify_twilio(req(URL, b'{"Body":"START"}', h), TWILIO_TOKEN, 300)
    verify_twilio(req(URL, b"", {"X-Twilio-Signature": sig}), TWILIO_TOKEN, 300)
    nonce = "7"
    psig = plivo_sdk_sig(PLIVO_URL, {}, nonce)
    h = {
        "X-Plivo-Signature-V3": psig,
        "X-Plivo-Signature-V3-Nonce": nonce,
        "Content-Type": "text/plain",
    }
    with pytest.raises(SignatureError, match="form-encoded"):
        verify_plivo(req(PLIVO_URL, b"Text=START", h), PLIVO_TOKEN, 300)


# ---- AWS SNS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2"])
def test_sns_signature_versions_accepted(version):
    from tests.support.webhook_signing import SNS_CERT_PEM, SNS_TOPIC, sns_envelope

    env = sns_envelope('{"messageBody":"STOP"}', version=version, Subject="hello")
    r = req("https://proxy.example/webhooks/aws/sms", json.dumps(env).encode(), {})
    verify_aws_sns(r, SNS_CERT_PEM.decode(), 300, topics=(SNS_TOPIC,))


@pytest.mark.parametrize("tamper", ["message", "subject", "version", "key", "topic", "type"])
def test_sns_tampered_rejected(tamper):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.support.webhook_signing import SNS_CERT_PEM, SNS_TOPIC, sns_envelope

    env = sns_envelope('{"messageBody":"STOP"}')
    if tamper == "message":
        env["Message"] = '{"messageBody":"START"}'
    elif tamper == "subject":
        env["Subject"] = "added after signing"
    elif tamper == "version":
        env["SignatureVersion"] = "1"
    elif tamper == "key":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        env = sns_envelope('{"messageBody":"STOP"}', key=other)
    elif tamper == "topic":
        env = sns_envelope('{"messageBody":"STOP"}', topic=SNS_TOPIC + "-other")
    elif tamper == "type":
        env["Type"] = "SubscriptionConfirmation"
    r = req("https://proxy.example/webhooks/aws/sms", json.dumps(env).encode(), {})
    with pytest.raises(SignatureError):
        verify_aws_sns(r, SNS_CERT_PEM.decode(), 300, topics=(SNS_TOPIC, SNS_TOPIC + "-x"))


def test_sns_subscription_confirmation_verified():
    from tests.support.webhook_signing import SNS_CERT_PEM, SNS_TOPIC, sns_envelope

    env = sns_envelope(
        "You have chosen to subscribe to the topic.",
        Type="SubscriptionConfirmation",
        Token="2336412f37fb687f5d51e6e2425c464de12884",
        SubscribeURL="https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=x",
    )
    r = req("https://proxy.example/webhooks/aws/sms", json.dumps(env).encode(), {})
    verify_aws_sns(r, SNS_CERT_PEM.decode(), 300, topics=(SNS_TOPIC,))
    env["SubscribeURL"] = "https://attacker.example/confirm"
    r = req("https://proxy.example/webhooks/aws/sms", json.dumps(env).encode(), {})
    with pytest.raises(SignatureError):
        verify_aws_sns(r, SNS_CERT_PEM.decode(), 300, topics=(SNS_TOPIC,))
