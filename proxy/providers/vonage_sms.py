"""Vonage SMS API (``POST rest.nexmo.com/sms/json``), form or JSON body.

Auth is passed through untouched (``api_key``/``api_secret`` in the body, or HTTP Basic) — except
a signed request (``sig``): its signature covers ``text``, so the proxy checks it with the
configured signature secret and signs the rewritten request again. Without a configured secret
a signed request is refused, never forwarded with a stale signature.

Field list: the Vonage SDK's ``vonage_sms.SmsMessage`` model (``vonage-sms`` package, its wire
aliases) plus the API's auth parameters (``api_key``/``api_secret``, ``sig``/``timestamp``);
``client-ref`` and ``account-ref`` are inspected as they are, ``callback`` must be on
``providers.callback_hosts``, binary sends (``body``/``udh``/``protocol-id``) are refused. The
idempotency scope is the ``api_key`` (in the body) or the Basic credential.

Errors use the SMS API's own shape: HTTP 200 with ``messages[0].status`` != "0" and
``error-text``; the Vonage SDK raises ``SmsError`` with the code and text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from proxy.logs import get_logger
from proxy.providers import vonage_signing
from proxy.providers.base import (
    BadRequest,
    Incoming,
    Message,
    Parsed,
    Provider,
    swap_numbers,
    swap_pairs,
)
from proxy.providers.bodies import (
    FORM_TYPE,
    dump_json,
    form_fields,
    is_json,
    parse_form,
    parse_json_object,
    require_identity,
    rewrite_form,
    single,
)
from proxy.providers.config import ProvidersConfig
from proxy.providers.operations import (
    BOOL,
    INT_SCALAR,
    PHONE_LOOSE,
    TOKEN,
    Fields,
    Operation,
    Refused,
    Scalar,
    Sender,
    Structured,
    Text,
    Url,
    enum,
)

log = get_logger(__name__)

# Vonage SMS status codes (developer.vonage.com, SMS API "Troubleshooting")
MISSING_PARAMS = "2"
INVALID_PARAMS = "3"
INTERNAL_ERROR = "5"
INVALID_MESSAGE = "6"
NUMBER_BARRED = "7"
INVALID_SIGNATURE = "14"
SIG_AND_SECRET = "32"

_TEXT_TYPES = (None, "text", "unicode")
_BINARY = Refused("binary messages cannot be inspected by phi-proxy; send text or unicode")
_FLAG = Scalar(rf"{BOOL}|0|1", (str, bool, int))
SEND_FIELDS = Fields(
    named={
        "api_key": Scalar(TOKEN),
        "api_secret": Scalar(TOKEN),
        "sig": Scalar(r"[0-9a-fA-F]{16,128}"),
        "timestamp": INT_SCALAR,
        "to": Scalar(PHONE_LOOSE, (str, int)),
        "from": Sender(),
        "text": Text(),
        "type": enum("text", "unicode"),
        "client-ref": Structured(),
        "account-ref": Structured(),
        "ttl": INT_SCALAR,
        "status-report-req": _FLAG,
        "callback": Url("callback"),
        "message-class": INT_SCALAR,
        "entity-id": Scalar(TOKEN),
        "content-id": Scalar(TOKEN),
        "trusted-number": _FLAG,
        "body": _BINARY,
        "udh": _BINARY,
        "protocol-id": _BINARY,
    },
    body="form_or_json",
    source="vonage-sms SDK SmsMessage model + SMS API auth parameters",
)
_MESSAGE_FIELDS = ("text", "body", "udh", "to", "from", "sig", "type", "title", "url")


@dataclass
class _State:
    kind: str  # "form" | "json"
    data: Any  # form pairs or the JSON object
    signed: bool


class VonageSms(Provider):
    name = "vonage_sms"
    default_upstream = "https://rest.nexmo.com"
    operations = (Operation("POST", "/sms/json", "send", SEND_FIELDS, name="send an SMS"),)
    namespaces = ("/sms/",)

    blocked_code = INVALID_MESSAGE
    unavailable_code = INTERNAL_ERROR
    bad_request_code = INVALID_PARAMS
    recipient_plus = False  # E.164 without "+" (Vonage's own examples: 447700900000)
    #: Vonage SMS API: text up to 3,200 characters (longer is refused, status 3)
    max_text_chars = 3200
    text_too_long_code = bad_request_code
    opted_out_code = NUMBER_BARRED

    def __init__(self, secret: str | None = None, method: str = "md5hash") -> None:
        self._secret, self._method = secret, method

    @classmethod
    def from_config(cls, config: ProvidersConfig) -> VonageSms:
        s = config.vonage_sms
        secret = os.environ.get(s.signature_secret_env) if s.signature_secret_env else None
        if s.signature_secret_env and not secret:
            log.warning(
                "vonage_sms: %s is not set; signed (sig) requests will be refused",
                s.signature_secret_env,
            )
        return cls(secret or None, s.signature_method)

    def credential(self, req: Incoming) -> str | None:
        """The account that authenticates the request: ``api_key`` travels in the body."""
        try:
            if req.content_type == FORM_TYPE:
                keys = form_fields(parse_form(req.body)).get("api_key", [])
                key: Any = keys[0] if len(keys) == 1 else None
            else:
                key = parse_json_object(req.body).get("api_key")
        except BadRequest:
            key = None
        return f"api_key:{key}" if isinstance(key, str) and key else super().credential(req)

    def parse(self, req: Incoming) -> Parsed:
        if any(k in req.query for k in _MESSAGE_FIELDS):
            raise BadRequest("Message parameters must be in the request body", INVALID_PARAMS)
        require_identity(req, INVALID_PARAMS)
        params: dict[str, Any]
        if req.content_type == FORM_TYPE:
            pairs = parse_form(req.body, INVALID_PARAMS)
            fields = form_fields(pairs)
            for name in ("text", "to", "from", "sig", "type", "api_key", "timestamp"):
                single(fields, name, INVALID_PARAMS)
            if any(len(v) > 1 for v in fields.values()) and "sig" in fields:
                raise BadRequest("A signed request may not repeat parameters", INVALID_PARAMS)
            params = {k: v[0] for k, v in fields.items()}
            state = _State("form", pairs, "sig" in params)
        elif is_json(req):
            params = parse_json_object(req.body, INVALID_PARAMS)
            state = _State("json", params, "sig" in params)
        else:
            raise BadRequest(
                f"Content-Type must be {FORM_TYPE} or application/json", INVALID_PARAMS
            )
        for name in ("to", "from"):
            value = params.get(name)
            if value is None or value == "":
                raise BadRequest(f"Missing {name} param", MISSING_PARAMS)
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise BadRequest(f"Invalid {name} param", INVALID_PARAMS)
        kind = params.get("type")
        if kind not in _TEXT_TYPES:
            raise BadRequest(
                f"Messages of type {kind!r} cannot be inspected by phi-proxy; send text or unicode",
                INVALID_PARAMS,
            )
        text = params.get("text")
        if text is None or text == "":
            raise BadRequest("Missing text param", MISSING_PARAMS)
        if not isinstance(text, str):
            raise BadRequest("Invalid text param", INVALID_PARAMS)
        if state.signed:
            self._check_signature(params)
        msg = Message(text, (str(params["to"]),), str(params["from"]), self.name, "text")
        return Parsed(messages=[msg], state=state)

    def _check_signature(self, params: dict[str, Any]) -> None:
        if "api_secret" in params:
            raise BadRequest(
                "Supply either api_secret or sig, not both", SIG_AND_SECRET, status=401
            )
        if self._secret is None:
            raise BadRequest(
                "phi-proxy cannot re-sign this request: no Vonage signature secret is "
                "configured (providers.vonage_sms.signature_secret_env)",
                INVALID_SIGNATURE,
                status=401,
            )
        if not vonage_signing.verify(params, self._secret, self._method):
            raise BadRequest("Invalid Signature", INVALID_SIGNATURE, status=401)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        state: _State = parsed.state
        (text,) = texts
        if state.kind == "json":
            data = dict(state.data)
            data["text"] = text
            if state.signed:
                assert self._secret is not None  # checked in parse
                data["sig"] = vonage_signing.sign(data, self._secret, self._method)
            return dump_json(data)
        pairs: list[tuple[str, str]] = state.data
        new = {k: v for k, v in pairs} | {"text": text}
        sig = None
        if state.signed:
            assert self._secret is not None  # checked in parse
            sig = vonage_signing.sign(new, self._secret, self._method)

        def replace(_: int, name: str, value: str) -> str | None:
            if name == "text":
                return text
            if name == "sig" and sig is not None:
                return sig
            return None

        return rewrite_form(pairs, replace)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        state: _State = parsed.state
        if state.kind == "json":
            state.data["to"] = swap_numbers(state.data["to"], wire)
        else:
            swap_pairs(state.data, ("to",), wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        # The SMS API reports refusals in the body of a 200, and so does the proxy: the Vonage
        # SDK reads messages[0].status and raises SmsError with the code and error-text.
        return web.json_response(
            {"message-count": "1", "messages": [{"status": str(code), "error-text": message}]},
            status=200,
            headers={"X-PHI-Proxy-Status": str(status)},
        )
