"""Telnyx Messaging (``POST api.telnyx.com/v2/messages`` and its sender-specific variants), JSON.

Texts: ``text`` and the MMS ``subject``. ``to`` is one number, or several for ``group_mms``.
Telnyx's WhatsApp and RCS sends carry structured payloads the proxy cannot read: refused.
Auth (``Authorization: Bearer <API key>``) is passed through.

Field list: the Telnyx SDK's ``Message*Params`` types (``message_send_params``,
``message_send_long_code_params``, ``..._schedule_params``, ``..._group_mms_params`` ...).
``media_urls`` must be on ``providers.media_hosts``, webhook URLs on
``providers.callback_hosts``. Served reads: a message, a group MMS, cancelling a scheduled send.

Errors: ``{"errors": [{"code": "...", "title": "...", "detail": "..."}]}``; the Telnyx SDK raises
its ``APIStatusError`` subclasses with that body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, swap_numbers
from proxy.providers.bodies import load_json_object, rebuild_json
from proxy.providers.operations import (
    BOOL_SCALAR,
    DATETIME,
    PHONE_LOOSE,
    TOKEN,
    AnyOf,
    Arr,
    Fields,
    Operation,
    Scalar,
    Sender,
    Text,
    Url,
    enum,
)
from proxy.providers.paths import Concrete

# POST /v2/messages/{kind} sends whose texts the proxy reads
KINDS = (
    "long_code",
    "short_code",
    "number_pool",
    "alphanumeric_sender_id",
    "schedule",
    "group_mms",
)
_PHONE = Scalar(PHONE_LOOSE)
SEND_FIELDS = Fields(
    named={
        "to": AnyOf((_PHONE, Arr(_PHONE, max_items=10))),
        "from": Sender(),
        "messaging_profile_id": Scalar(TOKEN),
        "text": Text(),
        "subject": Text(),
        "media_urls": Arr(Url("media"), max_items=10),
        "auto_detect": BOOL_SCALAR,
        "encoding": enum("auto", "gsm7", "ucs2"),
        "type": enum("SMS", "MMS"),
        "send_at": Scalar(DATETIME),
        "use_profile_webhooks": BOOL_SCALAR,
        "webhook_url": Url("callback"),
        "webhook_failover_url": Url("callback"),
    },
    body="json",
    source="telnyx SDK Message*Params types",
)
_ID = "{id:[A-Za-z0-9-]{1,64}}"
OPERATIONS = (
    Operation("POST", "/v2/messages", "send", SEND_FIELDS, name="send a message"),
    Operation(
        "POST",
        "/v2/messages/{kind:" + "|".join(KINDS) + "}",
        "send",
        SEND_FIELDS,
        name="send from a sender kind / schedule",
    ),
    Operation("GET", f"/v2/messages/{_ID}", "read", name="get a message"),
    Operation("DELETE", f"/v2/messages/{_ID}", "read", name="cancel a scheduled message"),
    Operation("GET", "/v2/messages/group/{message_id:[A-Za-z0-9-]{1,64}}", "read"),
)
_TITLES = {
    "90001": "Message blocked by PHI policy",
    "90002": "PHI inspection unavailable",
    "90003": "Invalid request",
    "10015": "Invalid request body",
    "40300": "Blocked due to STOP message",
    "40302": "Message too large",
}


class Telnyx(Provider):
    name = "telnyx"
    default_upstream = "https://api.telnyx.com"
    operations = OPERATIONS
    namespaces = ("/v2/messages",)

    blocked_code = "90001"
    unavailable_code = "90002"
    bad_request_code = "90003"
    #: Telnyx: an SMS of up to 10 parts (1,530 GSM-7 characters; longer ones are accepted only
    #: with the messaging profile's auto-chunking, so the cap stays at 1,600); a longer text gets
    #: Telnyx's own 40302 "Message too large"
    max_text_chars = 1600
    text_too_long_code = "40302"
    opted_out_code = "40300"  # Telnyx's own: "Blocked due to STOP message"

    def parse(self, req: Incoming) -> Parsed:
        kind = req.match.get("kind")
        if kind is not None and kind not in KINDS:
            raise BadRequest(
                f"/v2/messages/{kind} sends cannot be inspected by phi-proxy", "90003", 422
            )
        data = load_json_object(req, "10015")
        to: Any = data.get("to")
        if isinstance(to, str) and to:
            recipients: tuple[str, ...] = (to,)
        elif isinstance(to, list) and to and all(isinstance(t, str) and t for t in to):
            recipients = tuple(to)
        else:
            raise BadRequest("'to' is required: a phone number or a list of them", "10015", 422)
        sender = data.get("from") or data.get("messaging_profile_id") or ""
        if not isinstance(sender, str):
            raise BadRequest("'from' must be a string", "10015", 422)
        messages: list[Message] = []
        paths: list[Concrete] = []
        for field in ("text", "subject"):
            value = data.get(field)
            if value is None:
                continue
            if not isinstance(value, str):
                raise BadRequest(f"'{field}' must be a string", "10015", 422)
            messages.append(Message(value, recipients, sender, self.name, field))
            paths.append((field,))
        if not messages and not data.get("media_urls"):
            raise BadRequest("'text' or 'media_urls' is required", "10015", 422)
        state: tuple[dict[str, Any], list[Concrete]] = (data, paths)
        textless = () if messages else tuple((r, sender) for r in recipients)
        return Parsed(messages=messages, state=state, textless=textless)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        data, paths = parsed.state
        return rebuild_json(data, paths, texts)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        data, _ = parsed.state
        data["to"] = swap_numbers(data["to"], wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        code = str(code)
        return web.json_response(
            {
                "errors": [
                    {
                        "code": code,
                        "title": _TITLES.get(code, "Request refused by phi-proxy"),
                        "detail": message,
                    }
                ]
            },
            status=status,
        )
