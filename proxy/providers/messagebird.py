"""MessageBird (Bird) REST API: ``POST rest.messagebird.com/messages`` (also ``/mms`` and
``/voicemessages``), JSON or form body.

Texts: ``body`` (and the MMS ``subject``). ``recipients`` is a comma list, an array, or a
repeated form field: one text, several recipients, one decision. Binary messages (hex ``body``)
cannot be inspected and are refused. Auth (``Authorization: AccessKey ...``) is passed through.

Field lists: MessageBird's REST API reference for messages, MMS and voice messages (the
``messagebird`` SDK passes ``params`` through unchanged). ``reference`` is inspected as it is;
``mediaUrls`` must be on ``providers.media_hosts``, ``reportUrl`` on
``providers.callback_hosts``; ``typeDetails`` (binary headers) is refused. Served reads:
look-ups, lists and deletes of messages, MMS and voice messages.

Errors: ``{"errors": [{"code": n, "description": "...", "parameter": ...}]}`` with status 422,
the status the MessageBird SDK parses (it raises ``ErrorException``); "unavailable" stays 503.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

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
    form_fields,
    is_json,
    parse_form,
    parse_json_object,
    rebuild_json,
    require_identity,
    rewrite_form,
    single,
)
from proxy.providers.operations import (
    BOOL_SCALAR,
    DATETIME,
    INT_SCALAR,
    TOKEN,
    AnyOf,
    Arr,
    Fields,
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

MISSING_PARAMS = 9
INVALID_PARAMS = 10
_TEXT_FIELDS = {"/messages": ("body",), "/mms": ("body", "subject"), "/voicemessages": ("body",)}


_RECIPIENT = Scalar(r"[0-9+, ]{1,20000}", (str, int))
_COMMON: dict[str, Spec] = {
    "originator": Sender(),
    "recipients": AnyOf((_RECIPIENT, Arr(_RECIPIENT, max_items=1000))),
    "groupIds": AnyOf((Scalar(r"[A-Za-z0-9,]{1,2000}"), Arr(Scalar(TOKEN)))),
    "body": Text(),
    "reference": Structured(),
    "reportUrl": Url("callback"),
    "scheduledDatetime": Scalar(DATETIME),
}
_SOURCE = "MessageBird REST API reference ({})"
SMS_FIELDS = Fields(
    named={
        **_COMMON,
        "type": enum("sms", "flash"),  # binary bodies (hex) cannot be inspected
        "validity": INT_SCALAR,
        "gateway": INT_SCALAR,
        "datacoding": enum("plain", "unicode", "auto"),
        "mclass": INT_SCALAR,
        "shortenUrls": BOOL_SCALAR,
        "typeDetails": Refused("binary and premium type details cannot be inspected"),
    },
    repeatable=frozenset({"recipients", "groupIds"}),
    body="form_or_json",
    source=_SOURCE.format("messages"),
)
MMS_FIELDS = Fields(
    named={
        **_COMMON,
        "subject": Text(),
        "mediaUrls": AnyOf((Url("media"), Arr(Url("media"), max_items=10))),
    },
    repeatable=frozenset({"recipients", "groupIds", "mediaUrls"}),
    body="form_or_json",
    source=_SOURCE.format("mms"),
)
VOICE_FIELDS = Fields(
    named={
        **_COMMON,
        "language": Scalar(TOKEN),
        "voice": enum("male", "female"),
        "repeat": INT_SCALAR,
        "ifMachine": enum("continue", "delay", "hangup"),
        "machineTimeout": INT_SCALAR,
    },
    repeatable=frozenset({"recipients", "groupIds"}),
    body="form_or_json",
    source=_SOURCE.format("voicemessages"),
)
_LIST = Fields(
    named={"limit": INT_SCALAR, "offset": INT_SCALAR, "status": Scalar(TOKEN)},
    source=_SOURCE.format("list"),
)
_ID = "{id:[A-Za-z0-9]{1,64}}"
OPERATIONS = tuple(
    op
    for path, fields in (
        ("/messages", SMS_FIELDS),
        ("/mms", MMS_FIELDS),
        ("/voicemessages", VOICE_FIELDS),
    )
    for op in (
        Operation("POST", path, "send", fields, name=f"send ({path[1:]})"),
        Operation("GET", path, "read", query=_LIST),
        Operation("GET", f"{path}/{_ID}", "read"),
        Operation("DELETE", f"{path}/{_ID}", "read"),
    )
)


@dataclass
class _State:
    kind: str  # "form" | "json"
    data: Any
    fields: list[str]


class MessageBird(Provider):
    name = "messagebird"
    default_upstream = "https://rest.messagebird.com"
    operations = OPERATIONS
    namespaces = ("/messages", "/mms", "/voicemessages")

    blocked_code = 90001
    unavailable_code = 90002
    bad_request_code = INVALID_PARAMS
    recipient_plus = False  # MSISDNs: the digits of the E.164 number
    #: MessageBird: body up to 1,377 characters (9 concatenated parts; the API's MessageCreate
    #: schema, maxLength 1377); a validation error is a 422 with code 10 (invalid parameters)
    max_text_chars = 1377
    text_too_long_code = bad_request_code
    text_too_long_status = 422
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

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        state: _State = parsed.state
        if state.kind == "json":
            state.data["recipients"] = swap_numbers(state.data["recipients"], wire, ",")
        else:
            swap_pairs(state.data, ("recipients",), wire, ",")

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
