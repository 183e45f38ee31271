"""Signing material made fresh per test run (nothing committed): a Telnyx-style ed25519 pair
and helpers that sign webhooks the way each provider does."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from plivo.utils.signature_v3 import construct_post_url, get_signature_v3

TELNYX_PRIVATE = Ed25519PrivateKey.generate()
TELNYX_PUBLIC_B64 = base64.b64encode(
    TELNYX_PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
).decode()


def telnyx_headers(
    body: bytes, ts: int | None = None, key: Ed25519PrivateKey | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    sig = (key or TELNYX_PRIVATE).sign(stamp.encode() + b"|" + body)
    return {
        "telnyx-signature-ed25519": base64.b64encode(sig).decode(),
        "telnyx-timestamp": stamp,
        "Content-Type": "application/json",
    }


def vonage_token(body: bytes, secret: str, **claims: Any) -> str:
    """A Vonage signed-webhook JWT: HS256 over iat/jti/iss/payload_hash (as Vonage sends)."""
    payload: dict[str, Any] = {
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "iss": "Vonage",
        "api_key": "abcd1234",
        "application_id": str(uuid.uuid4()),
        "payload_hash": hashlib.sha256(body).hexdigest(),
    }
    payload.update(claims)
    return jwt.encode(payload, secret, algorithm="HS256")


def messagebird_token(url: str, body: bytes, key: str, **claims: Any) -> str:
    """A MessageBird-Signature-JWT as MessageBird sends it."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": "MessageBird",
        "nbf": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        "url_hash": hashlib.sha256(url.encode()).hexdigest(),
    }
    if body:
        payload["payload_hash"] = hashlib.sha256(body).hexdigest()
    payload.update(claims)
    return jwt.encode(payload, key, algorithm="HS256")


# ---- AWS SNS: a throwaway RSA signing certificate standing in for AWS's ----------------------

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:clinic-inbound-sms"


def _sns_cert() -> tuple[Any, bytes]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.test.invalid")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(Encoding.PEM)


SNS_KEY, SNS_CERT_PEM = _sns_cert()


def sns_envelope(
    message: str, version: str = "2", topic: str = SNS_TOPIC, key: Any = None, **extra: str
) -> dict[str, str]:
    """An SNS Notification signed the way AWS documents it."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA1, SHA256

    env = {
        "Type": extra.pop("Type", "Notification"),
        "MessageId": str(uuid.uuid4()),
        "TopicArn": topic,
        "Message": message,
        "Timestamp": "2025-01-01T00:00:00.000Z",
        "SignatureVersion": version,
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        **extra,
    }
    order = (
        ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
        if env["Type"] == "Notification"
        else ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
    )
    material = "".join(f"{k}\n{env[k]}\n" for k in order if k in env).encode()
    digest = SHA1() if version == "1" else SHA256()
    sig = (key or SNS_KEY).sign(material, PKCS1v15(), digest)
    env["Signature"] = base64.b64encode(sig).decode()
    return env


def plivo_form(
    url: str, pairs: list[tuple[str, str]], token: str, nonce: str
) -> tuple[bytes, dict[str, str]]:
    """A Plivo inbound form and its V3 signature headers, signed for the public ``url``."""
    base = construct_post_url(url, dict(pairs)).decode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Plivo-Signature-V3": get_signature_v3(token.encode(), base, nonce.encode()).decode(),
        "X-Plivo-Signature-V3-Nonce": nonce,
    }
    return urlencode(pairs).encode(), headers


def sns_inbound(
    text: str, origination: str, destination: str, message_id: str = "in-1"
) -> tuple[bytes, dict[str, str]]:
    """An AWS End User Messaging inbound SMS as a signed SNS notification (body, headers)."""
    message = json.dumps(
        {
            "originationNumber": origination,
            "destinationNumber": destination,
            "messageBody": text,
            "inboundMessageId": message_id,
        }
    )
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "x-amz-sns-message-type": "Notification",
    }
    return json.dumps(sns_envelope(message)).encode(), headers
