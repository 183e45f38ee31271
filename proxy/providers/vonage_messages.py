"""Vonage Messages API (``POST api.nexmo.com/v1/messages``), JSON.

Texts: ``text`` (text messages on any channel) and the captions of media messages
(``image``/``video``/``audio``/``file``/``vcard`` ``.caption``, ``content[*].caption``), in
the message itself and in every ``failover`` message. Message types whose text the proxy
cannot read (templates, custom payloads, rich cards) are refused, not passed. Auth (JWT bearer or
Basic) is passed through: the Messages API does not sign bodies.

Field list: the Vonage SDK's ``vonage_messages`` models (``Sms``, ``Mms*``, ``WhatsappText``/
media, ``MessengerText``/media, ``ViberText``/``ViberImage``, ``BaseMessage``) and the Messages
API reference. Media URLs must be on ``providers.media_hosts``, ``webhook_url`` on
``providers.callback_hosts``; ``client_ref`` and file names are inspected as they are; Viber
buttons, RCS options and suggestions, WhatsApp templates and custom payloads are refused.
``PATCH /v1/messages/{uuid}`` (mark read, revoke) carries only ``status``.

Errors: RFC 7807 problem JSON (``type``, ``title``, ``detail``, ``instance``), as Vonage sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, swap_numbers
from proxy.providers.bodies import load_json_object, rebuild_json
from proxy.providers.operations import (
    BOOL_SCALAR,
    INT_SCALAR,
    PHONE_LOOSE,
    TOKEN,
    UUID,
    Arr,
    Fields,
    Obj,
    Operation,
    Refused,
    Scalar,
    Sender,
    Spec,
    Structured,
    Text,
    Url,
    enum,
)
from proxy.providers.paths import Concrete, render

_MEDIA = ("image", "video", "audio", "file", "vcard")
_MEDIA_OBJECT = Obj({"url": Url("media"), "caption": Text(), "name": Structured()})
_CONTENT_ITEM = Obj(
    {"type": enum(*_MEDIA), "url": Url("media"), "caption": Text(), "name": Structured()}
)
_NOT_INSPECTED = "phi-proxy cannot inspect or rewrite it; send text or media with a caption"
_MESSAGE: dict[str, Spec] = {
    "to": Scalar(PHONE_LOOSE),
    "from": Sender(ids=r"[A-Za-z0-9_-]{1,64}@[A-Za-z0-9._-]{1,64}|[0-9]{1,32}"),
    "channel": enum("sms", "mms", "whatsapp", "messenger", "viber_service", "rcs"),
    "message_type": Scalar(r"[a-z_]{1,32}"),  # the adapter refuses the ones it cannot read
    "text": Text(),
    **{kind: _MEDIA_OBJECT for kind in _MEDIA},
    "content": Arr(_CONTENT_ITEM, max_items=20),
    "client_ref": Structured(),
    "webhook_url": Url("callback"),
    "webhook_version": enum("v0.1", "v1"),
    "ttl": INT_SCALAR,
    "trusted_recipient": BOOL_SCALAR,
    "sms": Obj(
        {
            "encoding_type": enum("text", "unicode", "auto"),
            "content_id": Scalar(TOKEN),
            "entity_id": Scalar(TOKEN),
            "pool_id": Scalar(TOKEN),
        }
    ),
    "context": Obj({"message_uuid": Scalar(UUID)}),
    "messenger": Obj({"category": enum("response", "update", "message_tag"), "tag": Scalar(TOKEN)}),
    "viber_service": Obj(
        {
            "category": enum("transaction", "promotion"),
            "ttl": INT_SCALAR,
            "type": Scalar(TOKEN),
            "action": Refused(f"Viber buttons carry text: {_NOT_INSPECTED}"),
            "duration": INT_SCALAR,
            "file_size": INT_SCALAR,
        }
    ),
    "rcs": Refused(f"RCS options: {_NOT_INSPECTED}"),
    "suggestions": Refused(f"suggestions carry text: {_NOT_INSPECTED}"),
    "template": Refused(f"templates: {_NOT_INSPECTED}"),
    "whatsapp": Refused(f"WhatsApp template settings: {_NOT_INSPECTED}"),
    "custom": Refused(f"custom payloads: {_NOT_INSPECTED}"),
}
SEND_FIELDS = Fields(
    named={**_MESSAGE, "failover": Arr(Obj(_MESSAGE), max_items=5)},
    body="json",
    source="vonage_messages SDK models + Messages API reference",
)
UPDATE_FIELDS = Fields(
    named={"status": enum("read", "revoked")},
    body="json",
    source="Messages API reference: update a message",
)
OPERATIONS = (
    Operation("POST", "/v1/messages", "send", SEND_FIELDS, name="send a message"),
    Operation(
        "PATCH",
        "/v1/messages/{message_uuid:" + UUID + "}",
        "send",
        UPDATE_FIELDS,
        name="mark read / revoke",
    ),
)
_DOCS = "https://developer.vonage.com/api-errors/messages"
_TITLES = {
    "blocked": "Message blocked by PHI policy",
    "unavailable": "PHI inspection unavailable",
    "invalid": "Invalid params",
    "opted-out": "Recipient opted out",
}


class VonageMessages(Provider):
    name = "vonage_messages"
    default_upstream = "https://api.nexmo.com"
    operations = OPERATIONS
    namespaces = ("/v1/messages",)

    blocked_code = "blocked"
    unavailable_code = "unavailable"
    bad_request_code = "invalid"
    recipient_plus = False  # "Don't use a leading + or 00"
    #: Vonage Messages API: SMS text "limited to 1000 characters"; invalid parameters are a 422
    #: problem of type #1150, as for every other invalid field
    max_text_chars = 1000
    text_too_long_code = bad_request_code
    text_too_long_status = 422
    opted_out_code = "opted-out"

    def parse(self, req: Incoming) -> Parsed:
        data = load_json_object(req, "invalid")
        if req.method == "PATCH":
            return Parsed(messages=[], state=(data, []))  # status only (the field map)
        messages: list[Message] = []
        paths: list[Concrete] = []
        self._collect(data, (), messages, paths)
        failover = data.get("failover")
        if failover is not None:
            if not isinstance(failover, list):
                raise BadRequest("failover must be an array", "invalid", status=422)
            for i, item in enumerate(failover):
                if not isinstance(item, dict):
                    raise BadRequest("failover entries must be objects", "invalid", status=422)
                self._collect(item, ("failover", i), messages, paths)
        return Parsed(messages=messages, state=(data, paths))

    def _collect(
        self, msg: dict[str, Any], at: Concrete, out: list[Message], paths: list[Concrete]
    ) -> None:
        to, sender = msg.get("to"), msg.get("from")
        if not isinstance(to, str) or not to:
            raise BadRequest("'to' is required and must be a string", "invalid", status=422)
        if not isinstance(sender, str) or not sender:
            raise BadRequest("'from' is required and must be a string", "invalid", status=422)
        kind = msg.get("message_type")
        found: list[tuple[Concrete, Any]] = []
        if kind == "text":
            if "text" not in msg:
                raise BadRequest("'text' is required for message_type text", "invalid", 422)
            found.append((("text",), msg["text"]))
        elif kind in _MEDIA:
            media = msg.get(kind)
            if not isinstance(media, dict):
                raise BadRequest(f"'{kind}' must be an object", "invalid", status=422)
            if "caption" in media:
                found.append(((kind, "caption"), media["caption"]))
        elif kind == "content":
            items = msg.get("content")
            if not isinstance(items, list):
                raise BadRequest("'content' must be an array", "invalid", status=422)
            for i, item in enumerate(items):
                if isinstance(item, dict) and "caption" in item:
                    found.append((("content", i, "caption"), item["caption"]))
        else:
            raise BadRequest(
                f"message_type {kind!r} cannot be inspected by phi-proxy; send text or media "
                "with a caption",
                "invalid",
                status=422,
            )
        if kind != "text" and "text" in msg:
            found.append((("text",), msg["text"]))  # not sent for media, but never unread
        for path, text in found:
            if not isinstance(text, str):
                raise BadRequest(f"'{render(path)}' must be a string", "invalid", status=422)
            full = (*at, *path)
            out.append(Message(text, (to,), sender, self.name, render(full)))
            paths.append(full)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        data, paths = parsed.state
        return rebuild_json(data, paths, texts)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        data, _ = parsed.state
        for msg in [data, *(data.get("failover") or [])]:
            msg["to"] = swap_numbers(msg["to"], wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        kind = str(code)
        # Vonage's own type for invalid parameters; the proxy's refusals get URNs of their own.
        problem = _DOCS + "#1150" if kind == "invalid" else f"urn:phi-proxy:{kind}"
        return web.json_response(
            {
                "type": problem,
                "title": _TITLES.get(kind, "Request refused by phi-proxy"),
                "detail": message,
                "instance": str(uuid.uuid4()),
            },
            status=status,
            content_type="application/problem+json",
        )
