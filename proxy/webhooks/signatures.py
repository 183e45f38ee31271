"""Verify each provider's webhook signature, and re-sign a webhook for the customer's URL.

Every verifier takes the request as the provider sent it (``url`` is the PUBLIC URL the provider
called — ``server.public_base_url`` + the raw path and query, never the Host header) and raises
:class:`SignatureError` on anything but a valid signature. Comparisons are constant-time.

=================  =========================================================  ===============
provider           what is verified                                           forwarded as
=================  =========================================================  ===============
twilio             X-Twilio-Signature: base64 HMAC-SHA1 (or HMAC-SHA256 when   re-signed for
                   X-Twilio-Webhooks-Signature-Settings says so) of URL +      the customer
                   sorted form params; JSON bodies via ?bodySHA256=            URL
vonage             Authorization: Bearer JWT, HS256 with the signature         original JWT /
                   secret; payload_hash = sha256(body); iat within tolerance.  sig passed on
                   SMS API: ``sig`` = HMAC-MD5/SHA1/SHA256/SHA512 of sorted    (URL not bound)
                   "&k=v" params, timestamp within tolerance
telnyx             telnyx-signature-ed25519 over "{telnyx-timestamp}|{body}"   original headers
                   with the account public key; timestamp within tolerance     (URL not bound)
plivo              X-Plivo-Signature-V3 (+ -Nonce): base64 HMAC-SHA256 of the  re-signed, new
                   URL + sorted params + "." + nonce with the auth token       nonce
messagebird        MessageBird-Signature-JWT: HS256/384/512 JWT, iss           re-signed, new
                   MessageBird, nbf/exp, url_hash = sha256(URL),               JWT
                   payload_hash = sha256(body)
aws                SNS signature (v1 SHA1 / v2 SHA256, RSA) against a pinned   original
                   certificate; TopicArn in the configured list               envelope
sinch              signs nothing: a secret we configured travels with every    basic-auth /
                   webhook, HTTP basic credentials (``auth: basic``) or a      path-token
                   random last path segment (``auth: path_token``)             (never passed on)
=================  =========================================================  ===============

Every parameter is read once, from one parsed view: a form body, a query string or a JSON
object carrying the same name twice is refused (:class:`DuplicateParameter`), so the signature
check and the message reader can never see two different values of one field (issue #20).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit, urlunsplit

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA1, SHA256
from cryptography.x509 import load_pem_x509_certificate
from multidict import CIMultiDict, CIMultiDictProxy


class SignatureError(Exception):
    """The webhook is not proven to come from the provider. The reason names no content."""


class StaleWebhook(SignatureError):
    """A timestamped scheme's timestamp is outside the tolerance window (a replay, or a clock
    far off): refused and counted as a replay."""


class DuplicateParameter(SignatureError):
    """A parameter name appears twice: the signature and the reader could disagree on its value,
    so the webhook is refused (400) before either reads it."""


def unique_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The pairs as a mapping; a name seen twice refuses the whole request."""
    out: dict[str, str] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateParameter(f"parameter {k[:40]!r} appears more than once")
        out[k] = v
    return out


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateParameter(f"JSON key {k[:40]!r} appears more than once")
        out[k] = v
    return out


def loads_unique(body: bytes | str) -> Any:
    """``json.loads`` refusing duplicate keys at any depth (ValueError when not JSON)."""
    return json.loads(body, object_pairs_hook=_unique_object)


@dataclass(frozen=True)
class WebhookRequest:
    """An inbound webhook as received. ``url`` is the public URL the provider called."""

    method: str
    url: str
    headers: CIMultiDictProxy[str] | CIMultiDict[str]
    body: bytes
    now: float = field(default_factory=time.time)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def form(self) -> list[tuple[str, str]]:
        """Form fields of a urlencoded body (empty for other content types); a name sent twice
        raises :class:`DuplicateParameter`."""
        if self.content_type != "application/x-www-form-urlencoded" or not self.body:
            return []
        try:
            pairs = parse_qsl(self.body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise SignatureError("form body is not valid UTF-8") from None
        unique_pairs(pairs)
        return pairs

    def query(self) -> list[tuple[str, str]]:
        """Query parameters of the URL; a name sent twice raises :class:`DuplicateParameter`."""
        try:
            pairs = parse_qsl(urlsplit(self.url).query, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise SignatureError("query is not valid UTF-8") from None
        unique_pairs(pairs)
        return pairs

    def params(self) -> dict[str, str]:
        """THE parameters of a form webhook: the body of a POST, the query of a GET. Every
        reader (signature check and message reader alike) uses this one view."""
        return unique_pairs(self.form() if self.method == "POST" else self.query())

    def json(self) -> Any:
        """The JSON body, duplicate keys refused (ValueError when it is not JSON)."""
        return loads_unique(self.body)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _eq(a: str | bytes, b: str | bytes) -> bool:
    a_ = a.encode() if isinstance(a, str) else a
    b_ = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(a_, b_)


# ---- Twilio -------------------------------------------------------------------------------

_TWILIO_HASHES = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}


def _twilio_algorithm(headers: Mapping[str, str]) -> str:
    for part in headers.get("X-Twilio-Webhooks-Signature-Settings", "").split(","):
        name, sep, value = part.partition("=")
        if sep and name.strip() == "algorithm" and value.strip():
            return value.strip().upper()
    return "HMAC_SHA1"


def twilio_signature(token: str, url: str, params: dict[str, list[str]], algorithm: str) -> str:
    """Twilio's scheme: URL, then each param name + value (names sorted, values sorted)."""
    s = url
    for name in sorted(params):
        for value in sorted(set(params[name])):
            s += name + value
    digest = hmac.new(token.encode(), s.encode("utf-8"), _TWILIO_HASHES[algorithm]).digest()
    return base64.b64encode(digest).decode()


def _with_and_without_port(url: str) -> list[str]:
    p = urlsplit(url)
    host = p.hostname or ""
    if p.port:
        return [url, urlunsplit(p._replace(netloc=p.netloc.rsplit(":", 1)[0]))]
    port = 443 if p.scheme == "https" else 80
    return [url, urlunsplit(p._replace(netloc=f"{p.netloc}:{port}"))] if host else [url]


def _twilio_params(req: WebhookRequest) -> dict[str, list[str]]:
    query = dict(req.query())
    if "bodySHA256" in query:
        if not _eq(hashlib.sha256(req.body).hexdigest(), query["bodySHA256"]):
            raise SignatureError("bodySHA256 does not match the body")
        return {}
    _require_signed_body(req)
    return _multi(list(req.params().items())) if req.method == "POST" else {}


def _require_signed_body(req: WebhookRequest) -> None:
    """Schemes that sign form fields do not cover any other kind of body: refuse one, so a
    signature over the URL alone cannot carry (and launder onwards) an arbitrary payload."""
    if req.body and req.content_type != "application/x-www-form-urlencoded":
        raise SignatureError("body is not form-encoded, so the signature does not cover it")


def verify_twilio(req: WebhookRequest, secret: str, tolerance: int) -> None:
    signature = req.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise SignatureError("missing X-Twilio-Signature")
    algorithm = _twilio_algorithm(req.headers)
    if algorithm not in _TWILIO_HASHES:
        raise SignatureError("unsupported Twilio signature algorithm")
    params = _twilio_params(req)
    for url in _with_and_without_port(req.url):
        if _eq(twilio_signature(secret, url, params, algorithm), signature):
            return
    raise SignatureError("X-Twilio-Signature does not match")


def resign_twilio(req: WebhookRequest, secret: str, url: str) -> dict[str, str]:
    algorithm = _twilio_algorithm(req.headers)
    query = parse_qs(urlsplit(url).query)
    params = {} if "bodySHA256" in query else _multi(req.form()) if req.method == "POST" else {}
    return {"X-Twilio-Signature": twilio_signature(secret, url, params, algorithm)}


# ---- Vonage (signed webhooks, Messages API) -----------------------------------------------


_VONAGE_SMS_HASHES = {32: hashlib.md5, 40: hashlib.sha1, 64: hashlib.sha256, 128: hashlib.sha512}


def _vonage_sms_params(req: WebhookRequest) -> dict[str, str]:
    if req.content_type == "application/json":
        try:
            d = req.json()
        except (ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(d, dict):
            return {}
        return {str(k): v if isinstance(v, str) else str(v) for k, v in d.items()}
    req.query()  # duplicates in the URL refused even when the body carries the fields
    return req.params()


def vonage_sms_signature(secret: str, params: Mapping[str, str], digest: Any) -> str:
    """Vonage SMS API signed messages: HMAC over "&key=value" for the sorted params (``sig``
    excluded), with "&" and "=" in values replaced by "_"."""
    mac = hmac.new(secret.encode(), digestmod=digest)
    for k in sorted(params):
        if k != "sig":
            v = params[k].replace("&", "_").replace("=", "_")
            mac.update(f"&{k}={v}".encode())
    return mac.hexdigest()


def _verify_vonage_sms(req: WebhookRequest, params: dict[str, str], secret: str, tol: int) -> None:
    sig = params["sig"].strip().lower()
    digest = _VONAGE_SMS_HASHES.get(len(sig))
    if digest is None:
        raise SignatureError("Vonage sig has an unknown length")
    try:
        when = int(params.get("timestamp", ""))
    except ValueError:
        raise SignatureError("Vonage signed message without a timestamp") from None
    if abs(req.now - when) > tol:
        raise StaleWebhook("Vonage timestamp outside the tolerance window")
    if not _eq(vonage_sms_signature(secret, params, digest), sig):
        raise SignatureError("Vonage sig does not match")


def verify_vonage(req: WebhookRequest, secret: str, tolerance: int) -> None:
    auth = req.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        params = _vonage_sms_params(req)
        if params.get("sig"):
            _verify_vonage_sms(req, params, secret, tolerance)
            return
        raise SignatureError("missing Authorization: Bearer JWT or SMS API sig")
    try:
        claims = jwt.decode(
            token.strip(), secret, algorithms=["HS256"], options={"verify_aud": False}
        )
    except jwt.InvalidTokenError as e:
        raise SignatureError(f"Vonage JWT invalid: {type(e).__name__}") from None
    iat = claims.get("iat")
    if iat is not None and (not isinstance(iat, int | float) or abs(req.now - iat) > tolerance):
        raise StaleWebhook("Vonage JWT iat outside the tolerance window")
    expected = claims.get("payload_hash")
    if req.body or expected:
        if not isinstance(expected, str):
            raise SignatureError("Vonage JWT has no payload_hash")
        if not _eq(hashlib.sha256(req.body).hexdigest(), expected.lower()):
            raise SignatureError("Vonage payload_hash does not match the body")


# ---- Telnyx (ed25519) ---------------------------------------------------------------------


def verify_telnyx(req: WebhookRequest, secret: str, tolerance: int) -> None:
    sig_b64 = req.headers.get("telnyx-signature-ed25519", "")
    ts = req.headers.get("telnyx-timestamp", "")
    if not sig_b64 or not ts:
        raise SignatureError("missing telnyx-signature-ed25519 / telnyx-timestamp")
    try:
        when = int(ts)
    except ValueError:
        raise SignatureError("telnyx-timestamp is not an integer") from None
    if abs(req.now - when) > tolerance:
        raise StaleWebhook("telnyx-timestamp outside the tolerance window")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(secret, validate=True))
        signature = base64.b64decode(sig_b64, validate=True)
    except ValueError:
        raise SignatureError("Telnyx key or signature is not valid base64 ed25519") from None
    try:
        key.verify(signature, ts.encode() + b"|" + req.body)
    except InvalidSignature:
        raise SignatureError("telnyx-signature-ed25519 does not match") from None


# ---- Plivo (V3) ---------------------------------------------------------------------------


def _plivo_query_string(params: dict[str, list[str]]) -> str:
    return "&".join("&".join(f"{k}={v}" for v in sorted(params[k])) for k in sorted(params))


def _plivo_params_string(params: dict[str, list[str]]) -> str:
    return "".join("".join(f"{k}{v}" for v in sorted(params[k])) for k in sorted(params))


def plivo_base(method: str, url: str, params: dict[str, list[str]]) -> str:
    """The string Plivo signs (its SDK's construct_get_url / construct_post_url)."""
    p = urlsplit(url)
    base = urlunsplit((p.scheme, p.netloc, p.path, "", ""))
    query = parse_qs(p.query, keep_blank_values=True)
    if method == "GET":
        qs = _plivo_query_string({**params, **query})
        return base + ("?" + qs if qs else "")
    qs = _plivo_query_string(query)
    if qs or params:
        base += "?" + qs
    if qs and params:
        base += "."
    return base + _plivo_params_string(params)


def plivo_signature(
    token: str, method: str, url: str, params: dict[str, list[str]], nonce: str
) -> str:
    material = f"{plivo_base(method, url, params)}.{nonce}".encode()
    return base64.b64encode(hmac.new(token.encode(), material, hashlib.sha256).digest()).decode()


def verify_plivo(req: WebhookRequest, secret: str, tolerance: int) -> None:
    signatures = req.headers.get("X-Plivo-Signature-V3", "")
    nonce = req.headers.get("X-Plivo-Signature-V3-Nonce", "")
    if not signatures or not nonce:
        raise SignatureError("missing X-Plivo-Signature-V3 / -Nonce")
    _require_signed_body(req)
    req.query()  # a name twice in the query is refused like one twice in the body
    params = _multi(req.form()) if req.method == "POST" else {}
    expected = plivo_signature(secret, req.method, req.url, params, nonce)
    if not any(_eq(expected, s.strip()) for s in signatures.split(",")):
        raise SignatureError("X-Plivo-Signature-V3 does not match")


def resign_plivo(req: WebhookRequest, secret: str, url: str) -> dict[str, str]:
    nonce = str(secrets.randbelow(10**20))
    params = _multi(req.form()) if req.method == "POST" else {}
    return {
        "X-Plivo-Signature-V3": plivo_signature(secret, req.method, url, params, nonce),
        "X-Plivo-Signature-V3-Nonce": nonce,
    }


# ---- MessageBird ----------------------------------------------------------------------------


def verify_messagebird(req: WebhookRequest, secret: str, tolerance: int) -> None:
    token = req.headers.get("MessageBird-Signature-JWT", "")
    if not token:
        raise SignatureError("missing MessageBird-Signature-JWT")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256", "HS384", "HS512"],
            options={"require": ["iss", "nbf", "exp"], "verify_iat": False},
            issuer="MessageBird",
            leeway=1,
        )
    except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as e:
        raise StaleWebhook(f"MessageBird JWT outside its window: {type(e).__name__}") from None
    except jwt.InvalidTokenError as e:
        raise SignatureError(f"MessageBird JWT invalid: {type(e).__name__}") from None
    url_hash = claims.get("url_hash")
    expected_url = hashlib.sha256(req.url.encode()).hexdigest()
    if not isinstance(url_hash, str) or not _eq(expected_url, url_hash):
        raise SignatureError("MessageBird url_hash does not match")
    payload_hash = claims.get("payload_hash")
    if req.body or payload_hash:
        if not req.body or not isinstance(payload_hash, str):
            raise SignatureError("MessageBird payload_hash and body disagree")
        if not _eq(hashlib.sha256(req.body).hexdigest(), payload_hash):
            raise SignatureError("MessageBird payload_hash does not match")


def resign_messagebird(req: WebhookRequest, secret: str, url: str) -> dict[str, str]:
    now = int(req.now)
    claims: dict[str, object] = {
        "iss": "MessageBird",
        "nbf": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "url_hash": hashlib.sha256(url.encode()).hexdigest(),
    }
    if req.body:
        claims["payload_hash"] = hashlib.sha256(req.body).hexdigest()
    return {"MessageBird-Signature-JWT": jwt.encode(claims, secret, algorithm="HS256")}


# ---- AWS SNS ------------------------------------------------------------------------------------

_SNS_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SNS_FIELDS["UnsubscribeConfirmation"] = _SNS_FIELDS["SubscriptionConfirmation"]
_SNS_HASHES = {"1": SHA1(), "2": SHA256()}


def sns_string_to_sign(message: Mapping[str, Any]) -> bytes:
    """AWS's canonical form: "Name\nvalue\n" for the type's fields, in order, if present."""
    fields = _SNS_FIELDS.get(str(message.get("Type")))
    if fields is None:
        raise SignatureError("not an SNS message type that is signed")
    out = ""
    for name in fields:
        value = message.get(name)
        if value is not None:
            out += f"{name}\n{value}\n"
    return out.encode()


def verify_aws_sns(
    req: WebhookRequest, secret: str, tolerance: int, topics: tuple[str, ...] = ()
) -> None:
    """SNS message signature (SignatureVersion 1: SHA1, 2: SHA256, RSA PKCS#1 v1.5) against
    the pinned signing certificate ``secret`` (PEM), from one of the configured topics."""
    try:
        message = req.json()
    except (ValueError, UnicodeDecodeError):
        raise SignatureError("SNS body is not JSON") from None
    if not isinstance(message, dict):
        raise SignatureError("SNS body is not a JSON object")
    if message.get("TopicArn") not in topics:
        raise SignatureError("SNS message from a topic that is not configured")
    digest = _SNS_HASHES.get(str(message.get("SignatureVersion")))
    if digest is None:
        raise SignatureError("unsupported SNS SignatureVersion")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        key = load_pem_x509_certificate(secret.encode()).public_key()
    except ValueError:
        raise SignatureError("SNS signature or certificate unreadable") from None
    if not isinstance(key, RSAPublicKey):
        raise SignatureError("SNS certificate is not RSA")
    try:
        key.verify(signature, sns_string_to_sign(message), PKCS1v15(), digest)
    except InvalidSignature:
        raise SignatureError("SNS signature does not match") from None


# ---- providers that sign nothing: a secret we gave them (Sinch) --------------------------------


def verify_basic_auth(req: WebhookRequest, secret: str, tolerance: int) -> None:
    """``Authorization: Basic`` with the configured ``user:password`` (constant-time)."""
    scheme, _, value = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise SignatureError("missing Authorization: Basic credentials")
    try:
        given = base64.b64decode(value.strip(), validate=True)
    except ValueError:
        raise SignatureError("Authorization: Basic is not base64") from None
    if not _eq(hashlib.sha256(given).digest(), hashlib.sha256(secret.encode()).digest()):
        raise SignatureError("basic credentials do not match")
    _refuse_duplicate_json(req)


def verify_path_token(req: WebhookRequest, secret: str, tolerance: int) -> None:
    """The URL's last path segment is the configured random token (constant-time)."""
    path = urlsplit(req.url).path
    segments = path.rstrip("/").split("/")
    # /webhooks/<provider>/<kind>/<token>
    if len(segments) != 5 or not segments[4]:
        raise SignatureError("missing path token")
    given = segments[4].encode()
    if not _eq(hashlib.sha256(given).digest(), hashlib.sha256(secret.encode()).digest()):
        raise SignatureError("path token does not match")
    _refuse_duplicate_json(req)


def _refuse_duplicate_json(req: WebhookRequest) -> None:
    req.query()
    if req.content_type == "application/json" and req.body:
        try:
            req.json()
        except (ValueError, UnicodeDecodeError):
            return  # not JSON: the reader answers 400
    else:
        req.form()


# ---- registry -------------------------------------------------------------------------------

Verifier = Callable[[WebhookRequest, str, int], None]
Resigner = Callable[[WebhookRequest, str, str], dict[str, str]]


@dataclass(frozen=True)
class Scheme:
    name: str
    verify: Verifier
    #: headers to recompute for the customer URL; None = forward the original signature headers
    resign: Resigner | None
    #: the signature headers the provider sent (dropped when re-signing)
    headers: tuple[str, ...]
    #: headers never passed on (a shared credential that is ours, not the provider's)
    strip: tuple[str, ...] = ()


SCHEMES: dict[str, Scheme] = {
    "twilio-hmac": Scheme("twilio-hmac", verify_twilio, resign_twilio, ("X-Twilio-Signature",)),
    "vonage-jwt": Scheme("vonage-jwt", verify_vonage, None, ("Authorization",)),
    "telnyx-ed25519": Scheme(
        "telnyx-ed25519", verify_telnyx, None, ("telnyx-signature-ed25519", "telnyx-timestamp")
    ),
    "plivo-v3": Scheme(
        "plivo-v3",
        verify_plivo,
        resign_plivo,
        (
            "X-Plivo-Signature-V3",
            "X-Plivo-Signature-V3-Nonce",
            "X-Plivo-Signature-V2",
            "X-Plivo-Signature-V2-Nonce",
            "X-Plivo-Signature",
        ),
    ),
    "messagebird-jwt": Scheme(
        "messagebird-jwt", verify_messagebird, resign_messagebird, ("MessageBird-Signature-JWT",)
    ),
    "aws-sns": Scheme("aws-sns", verify_aws_sns, None, ()),
    # the credential is ours, not a signature: never passed on to the customer
    "basic-auth": Scheme("basic-auth", verify_basic_auth, None, (), strip=("Authorization",)),
    "path-token": Scheme("path-token", verify_path_token, None, ()),
}
