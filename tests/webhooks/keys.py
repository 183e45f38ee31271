"""Signing material made fresh per test run (nothing committed): a Telnyx-style ed25519 pair
and helpers that sign webhooks the way each provider does."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

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
