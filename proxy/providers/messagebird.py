"""MessageBird (Bird) REST API: ``POST rest.messagebird.com/messages`` (also ``/mms`` and
``/voicemessages``), JSON or form body.

Texts: ``body`` (and the MMS ``subject``). ``recipients`` is a comma list, an array, or a
repeated form field: one text, several recipients, one decision. Binary messages (hex ``body``)
cannot be inspected and are refused. Auth (``Authorization: AccessKey ...``) is passed through.

Errors: ``{"errors": [{"code": n, "description": "...", "parameter": ...}]}`` with status 422,
the status the MessageBird SDK parses (it raises ``ErrorException``); "unavailable" stays 503.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.bodies import (
    FORM_TYPE,
    form_fields,
    is_json,
    parse_form,
    parse_json_object,
    rebuild_json,
    require_identity,
    rewrite_form,
    single,
)

MISSING_PARAMS = 9
INVALID_PARAMS = 10
_TEXT_FIELDS = {"/messages": ("body",), "/mms": ("body", "subject"), "/voicemessages": ("body",)}


@dataclass
class _State:
    kind: str  # "form" | "json"
    data: Any
    fields: list[str]


class MessageBird(Provider):
    name = "messagebird"
    default_upstream = "https://rest.messagebird.com"
    routes = tuple(Route("POST", p) for p in _TEXT_FIELDS)
    prefixes = ("/messages/", "/mms/", "/voicemessages/")
    passthrough_methods = ("GET", "DELETE")

    blocked_code = 90001
    unavailable_code = 90002
    bad_request_code = INVALID_PARAMS
    #: MessageBird: body up to 1,377 characters (9 concatenated parts)
    max_text_chars = 1377
    text_too_long_code = bad_request_code
    opted_out_code = 90004

    def parse(self, req: Incoming) -> Parsed:
        path = self.upstream_path(req.path).rstrip("/")
        require_identity(req, INVALID_PARAMS)
        if req.content_type == FORM_TYPE:
            pairs = parse_form(req.body, INVALID_PARAMS)
            fields = form_fields(pairs)
            params: dict[str, Any] = {
                k: single(fields, k, INVALID_PARAMS) for k in fields if k != "recipients"
            }
            recipients = _split(fields.get("recipients", []))
            kind, data = "form", pairs  # type: str, Any
        elif is_json(req):
            params = parse_json_object(req.body, INVALID_PARAMS)
            recipients = _split(params.get("recipients"))
            kind, data = "json", params
        else:
            raise BadRequest(
                f"Content-Type must be application/json or {FORM_TYPE}", INVALID_PARAMS
            )
        if not recipients:
            raise BadRequest("no (correct) recipients found", MISSING_PARAMS)
        sender = params.get("originator") or ""
        if not isinstance(sender, str | int) or isinstance(sender, bool):
            raise BadRequest("originator must be a string", INVALID_PARAMS)
        if params.get("type") == "binary":
            raise BadRequest("binary messages cannot be inspected by phi-proxy", INVALID_PARAMS)
        messages, found = [], []
        for name in _TEXT_FIELDS.get(path, ("body",)):
            value = params.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise BadRequest(f"{name} must be a string", INVALID_PARAMS)
            messages.append(Message(value, recipients, str(sender), self.name, name))
            found.append(name)
        if "body" not in found and not (path == "/mms" and params.get("mediaUrls")):
            raise BadRequest("body is required", MISSING_PARAMS)
        return Parsed(messages=messages, state=_State(kind, data, found))

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        state: _State = parsed.state
        new = dict(zip(state.fields, texts, strict=True))
        if state.kind == "json":
            return rebuild_json(state.data, [(f,) for f in state.fields], texts)
        return rewrite_form(state.data, lambda _i, name, _v: new.get(name))

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        # The SDK parses 401/404/405/422 bodies; any other 4xx would reach the caller as a
        # bare requests.HTTPError, so the proxy's client-side refusals are 422 as MessageBird's.
        if 400 <= status < 500 and status not in (401, 404, 405):
            status = 422
        parameter = "body" if code == self.blocked_code else None
        return web.json_response(
            {"errors": [{"code": code, "description": message, "parameter": parameter}]},
            status=status,
        )


def _split(value: Any) -> tuple[str, ...]:
    """Recipients as given: "a,b", ["a", "b"], [123], or repeated form fields."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise BadRequest("recipients must be numbers or a comma separated list", 10)
        out.extend(p.strip() for p in str(item).split(",") if p.strip())
    return tuple(out)
