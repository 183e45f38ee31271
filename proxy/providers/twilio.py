"""Twilio Programmable Messaging (2010-04-01 API): form-encoded ``Messages.json``."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route

_MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


class Twilio(Provider):
    name = "twilio"
    default_upstream = "https://api.twilio.com"
    routes = (Route("POST", "/2010-04-01/Accounts/{account_sid}/Messages.json"),)
    prefixes = ("/2010-04-01/",)

    # Twilio's own codes where they exist; 9xxxx are phi-proxy's (see README, "Error codes").
    blocked_code = 90001
    unavailable_code = 90002
    bad_request_code = 90003
    #: Twilio: Body up to 1,600 characters; longer → error 21617
    max_text_chars = 1600
    text_too_long_code = 21617
    opted_out_code = 21610

    def parse(self, req: Incoming) -> Parsed:
        if req.content_type != "application/x-www-form-urlencoded":
            raise BadRequest("Content-Type must be application/x-www-form-urlencoded", 90003)
        try:
            text = req.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("Request body is not valid UTF-8", 90003) from None
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise BadRequest(
                "Request body has percent-escapes that are not valid UTF-8", 90003
            ) from None
        fields: dict[str, list[str]] = {}
        for k, v in pairs:
            fields.setdefault(k, []).append(v)
        to = fields.get("To", [])
        if not to or not to[0].strip():
            raise BadRequest("A 'To' phone number is required.", 21604)
        if not fields.get("From") and not fields.get("MessagingServiceSid"):
            raise BadRequest("A 'From' phone number is required.", 21603)
        bodies = fields.get("Body", [])
        if len(bodies) > 1:
            raise BadRequest("Body may be given only once", 90003)
        if not bodies and not fields.get("MediaUrl") and not fields.get("ContentSid"):
            raise BadRequest("Message body is required.", 21602)
        sender = (fields.get("From") or fields.get("MessagingServiceSid") or [""])[0]
        messages = (
            [Message(text=bodies[0], to=(to[0],), sender=sender, provider=self.name, field="Body")]
            if bodies
            else []
        )
        textless = () if messages else ((to[0], sender),)
        return Parsed(messages=messages, state=pairs, textless=textless)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        pairs: list[tuple[str, str]] = parsed.state
        new_body = iter(texts)
        out = [(k, next(new_body) if k == "Body" else v) for k, v in pairs]
        return urlencode(out).encode("ascii")

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        return web.json_response(
            {
                "code": code,
                "message": message,
                "more_info": _MORE_INFO.format(code=code),
                "status": status,
            },
            status=status,
        )
