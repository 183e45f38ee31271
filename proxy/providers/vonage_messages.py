"""Vonage Messages API (``POST api.nexmo.com/v1/messages``), JSON.

Texts: ``text`` (text messages on any channel) and the captions of media messages
(``image``/``video``/``audio``/``file``/``vcard`` ``.caption``, ``content[*].caption``), in
the message itself and in every ``failover`` message. Message types whose text the proxy
cannot read (templates, custom payloads, rich cards) are refused, not passed. Auth (JWT bearer or
Basic) is passed through: the Messages API does not sign bodies.

Errors: RFC 7807 problem JSON (``type``, ``title``, ``detail``, ``instance``), as Vonage sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.bodies import load_json_object, rebuild_json
from proxy.providers.paths import Concrete, render

_MEDIA = ("image", "video", "audio", "file", "vcard")
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
    routes = (Route("POST", "/v1/messages"),)
    prefixes = ("/v1/messages/",)
    passthrough_methods = ("GET", "PATCH")  # PATCH: mark read / revoke, no text

    blocked_code = "blocked"
    unavailable_code = "unavailable"
    bad_request_code = "invalid"
    #: Vonage Messages API: SMS text up to 1,000 characters
    max_text_chars = 1000
    text_too_long_code = bad_request_code
    opted_out_code = "opted-out"

    def parse(self, req: Incoming) -> Parsed:
        data = load_json_object(req, "invalid")
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
