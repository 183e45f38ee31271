"""Plivo Messages API (``POST api.plivo.com/v1/Account/{auth_id}/Message/``), JSON.

``dst`` may hold several numbers joined by ``<``: one text, several recipients, one decision.
WhatsApp ``template``/``interactive`` payloads cannot be inspected and are refused. Plivo's
Speak APIs (text read aloud into a live call or conference) carry a ``text`` too and are
inspected the same way. Auth (HTTP Basic, auth id + token) is passed through.

Field lists: the Plivo SDK's ``messages.create``, ``calls.start_speaking`` and
``conferences.member_speak`` parameters (``plivo`` 4.x, which sends them as JSON keys).
``media_urls`` must be on ``providers.media_hosts``, the status ``url``/``callback_url`` on
``providers.callback_hosts``. Served reads: message look-ups and lists, media lists, stopping
speech. Everything else under ``/v1/Account/`` (calls, numbers, ...) is refused.

Errors: ``{"api_id": ..., "error": "..."}``. The Plivo SDK surfaces the ``error`` text for 400,
401, 403, 404, 405, 409, 422 and 500 only, so the proxy's "unavailable" answers use 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, swap_numbers
from proxy.providers.bodies import load_json_object, rebuild_json
from proxy.providers.operations import (
    BOOL,
    BOOL_SCALAR,
    DATETIME,
    HTTP_METHOD,
    INT_SCALAR,
    TOKEN,
    Arr,
    Fields,
    Operation,
    Refused,
    Scalar,
    Sender,
    Text,
    Url,
    enum,
)

_ACCOUNT = "/v1/Account/{auth_id:[A-Z0-9]{20}}"
_MESSAGE = _ACCOUNT + "/Message/"
_UUID = "{message_uuid:[A-Za-z0-9-]{1,64}}"
_SPEAK = (
    _ACCOUNT + "/Call/{call_uuid:[A-Za-z0-9-]{1,64}}/Speak/",
    _ACCOUNT
    + "/Conference/{conference:[A-Za-z0-9_-]{1,64}}/Member/{member:[0-9a-z_-]{1,64}}/Speak/",
)
_WHATSAPP = "WhatsApp {} payloads cannot be inspected by phi-proxy"
MESSAGE_FIELDS = Fields(
    named={
        "src": Sender(),
        "dst": Scalar(r"[0-9+<]{3,4096}"),
        "text": Text(),
        "type": enum("sms", "mms", "whatsapp"),
        "url": Url("callback"),
        "method": Scalar(HTTP_METHOD),
        "log": Scalar(rf"{BOOL}", (str, bool)),
        "trackable": BOOL_SCALAR,
        "powerpack_uuid": Scalar(TOKEN),
        "media_urls": Arr(Url("media"), max_items=10),
        "media_ids": Arr(Scalar(TOKEN), max_items=10),
        "message_expiry": INT_SCALAR,
        "template": Refused(_WHATSAPP.format("template")),
        "interactive": Refused(_WHATSAPP.format("interactive")),
        "location": Refused(_WHATSAPP.format("location")),
        "dlt_entity_id": Scalar(TOKEN),
        "dlt_template_id": Scalar(TOKEN),
        "dlt_template_category": Scalar(TOKEN),
    },
    body="json",
    source="plivo SDK messages.create parameters",
)
SPEAK_FIELDS = Fields(
    named={
        # the SDK repeats the path's ids in the body
        "call_uuid": Scalar(r"[A-Za-z0-9-]{1,64}"),
        "conference_name": Scalar(r"[A-Za-z0-9_-]{1,64}"),
        "member_id": Scalar(r"[0-9a-z_-]{1,64}"),
        "text": Text(),
        "voice": Scalar(TOKEN),
        "language": Scalar(TOKEN),
        "legs": enum("aleg", "bleg", "both"),
        "loop": BOOL_SCALAR,
        "mix": BOOL_SCALAR,
        "type": enum("text", "ssml"),
        "callback_url": Url("callback"),
        "callback_method": Scalar(HTTP_METHOD),
    },
    body="json",
    source="plivo SDK calls.start_speaking / conferences.member_speak parameters",
)
_PAGING = {"limit": INT_SCALAR, "offset": INT_SCALAR}
LIST_QUERY = Fields(
    named={
        **_PAGING,
        "subaccount": Scalar(TOKEN),
        "message_direction": enum("inbound", "outbound"),
        "message_state": Scalar(TOKEN),
        "message_type": enum("sms", "mms", "whatsapp"),
        "error_code": INT_SCALAR,
        "powerpack_id": Scalar(TOKEN),
        "conversation_id": Scalar(TOKEN),
        "conversation_origin": Scalar(TOKEN),
        "tendlc_campaign_id": Scalar(TOKEN),
        "destination_country_iso2": Scalar(r"[A-Z]{2}"),
        "tendlc_registration_status": Scalar(TOKEN),
        **{f"message_time{op}": Scalar(DATETIME) for op in ("", "__gt", "__gte", "__lt", "__lte")},
    },
    source="plivo SDK messages.list parameters",
)
OPERATIONS = (
    Operation("POST", _MESSAGE, "send", MESSAGE_FIELDS, name="send a message"),
    Operation("POST", _MESSAGE.rstrip("/"), "send", MESSAGE_FIELDS, name="send a message"),
    Operation("GET", _MESSAGE, "read", query=LIST_QUERY, name="list messages"),
    Operation("GET", f"{_MESSAGE}{_UUID}/", "read", name="get a message"),
    Operation("GET", f"{_MESSAGE}{_UUID}/Media/", "read", query=Fields(named=_PAGING)),
    *(Operation("POST", p, "send", SPEAK_FIELDS, name="speak text into a call") for p in _SPEAK),
    *(Operation("DELETE", p, "read", name="stop speaking") for p in _SPEAK),
)


class Plivo(Provider):
    name = "plivo"
    default_upstream = "https://api.plivo.com"
    operations = OPERATIONS
    namespaces = ("/v1/Account/",)

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
        if data.get("src") and data.get("powerpack_uuid"):
            # one sender, decided once (per-sender policy overrides key on it)
            raise BadRequest("Specify either powerpack_uuid or src, not both", "invalid")
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
        # media only: no text, but the recipients may have been rewritten
        return rebuild_json(parsed.state, [("text",)][: len(texts)], texts)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        if isinstance(parsed.state.get("dst"), str):
            parsed.state["dst"] = swap_numbers(parsed.state["dst"], wire, "<")

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        if status >= 500:
            status = 500  # the only 5xx whose body the Plivo SDK reads
        return web.json_response({"api_id": str(uuid.uuid4()), "error": message}, status=status)
