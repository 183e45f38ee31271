"""Telnyx Messaging (``POST api.telnyx.com/v2/messages`` and its sender-specific variants), JSON.

Texts: ``text`` and the MMS ``subject``. ``to`` is one number, or several for ``group_mms``.
Telnyx's WhatsApp and RCS sends carry structured payloads the proxy cannot read: refused.
Auth (``Authorization: Bearer <API key>``) is passed through.

Errors: ``{"errors": [{"code": "...", "title": "...", "detail": "..."}]}``; the Telnyx SDK raises
its ``APIStatusError`` subclasses with that body.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.bodies import load_json_object, rebuild_json
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
_TITLES = {
    "90001": "Message blocked by PHI policy",
    "90002": "PHI inspection unavailable",
    "90003": "Invalid request",
    "10015": "Invalid request body",
    "40300": "Blocked due to STOP message",
}


class Telnyx(Provider):
    name = "telnyx"
    default_upstream = "https://api.telnyx.com"
    routes = (Route("POST", "/v2/messages"), Route("POST", "/v2/messages/{kind}"))
    prefixes = ("/v2/messages/",)
    passthrough_methods = ("GET", "DELETE")  # look-ups and cancelling scheduled sends

    blocked_code = "90001"
    unavailable_code = "90002"
    bad_request_code = "90003"
    #: Telnyx: text up to 10 parts (1,600 characters at most)
    max_text_chars = 1600
    text_too_long_code = bad_request_code
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
