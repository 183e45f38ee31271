"""Plivo Messages API (``POST api.plivo.com/v1/Account/{auth_id}/Message/``), JSON.

``dst`` may hold several numbers joined by ``<``: one text, several recipients, one decision.
WhatsApp ``template``/``interactive`` payloads cannot be inspected and are refused. Plivo's
Speak APIs (text read aloud into a live call or conference) carry a ``text`` too and are
inspected the same way. Auth (HTTP Basic, auth id + token) is passed through.

Errors: ``{"api_id": ..., "error": "..."}``. The Plivo SDK surfaces the ``error`` text for 400,
401, 403, 404, 405, 409, 422 and 500 only, so the proxy's "unavailable" answers use 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.bodies import load_json_object, rebuild_json

_MESSAGE = "/v1/Account/{auth_id}/Message/"
_SPEAK = (
    "/v1/Account/{auth_id}/Call/{call_uuid}/Speak/",
    "/v1/Account/{auth_id}/Conference/{conference}/Member/{member}/Speak/",
)


class Plivo(Provider):
    name = "plivo"
    default_upstream = "https://api.plivo.com"
    routes = (
        Route("POST", _MESSAGE),
        Route("POST", _MESSAGE.rstrip("/")),
        *(Route("POST", p) for p in _SPEAK),
    )
    prefixes = ("/v1/Account/",)

    blocked_code = "blocked"
    unavailable_code = "unavailable"
    bad_request_code = "invalid"
    #: Plivo: text up to 1,600 characters
    max_text_chars = 1600
    text_too_long_code = bad_request_code
    opted_out_code = "opted_out"

    def parse(self, req: Incoming) -> Parsed:
        data = load_json_object(req, "invalid")
        text = data.get("text")
        if "/Speak" in req.path:
            if not isinstance(text, str) or not text:
                raise BadRequest("text is required", "invalid")
            return Parsed([Message(text, (), "", self.name, "text")], state=data)
        dst, src = data.get("dst"), data.get("src") or data.get("powerpack_uuid")
        if not isinstance(dst, str) or not dst.strip("<"):
            raise BadRequest("dst is required and must be a string", "invalid")
        if not isinstance(src, str) or not src:
            raise BadRequest("Specify either powerpack_uuid or src", "invalid")
        for payload in ("template", "interactive", "location"):
            if data.get(payload) is not None:
                raise BadRequest(
                    f"WhatsApp '{payload}' messages cannot be inspected by phi-proxy", "invalid"
                )
        recipients = tuple(d for d in dst.split("<") if d)
        if text is None:
            if data.get("media_urls") or data.get("media_ids"):
                # media only: no text to inspect, but the recipients may have opted out
                return Parsed([], state=data, textless=tuple((d, src) for d in recipients))
            raise BadRequest("text is required", "invalid")
        if not isinstance(text, str):
            raise BadRequest("text must be a string", "invalid")
        return Parsed([Message(text, recipients, src, self.name, "text")], state=data)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        return rebuild_json(parsed.state, [("text",)], texts)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        if status >= 500:
            status = 500  # the only 5xx whose body the Plivo SDK reads
        return web.json_response({"api_id": str(uuid.uuid4()), "error": message}, status=status)
