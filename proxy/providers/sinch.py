"""Sinch SMS REST API (``/xms/v1/{service_plan_id}/batches``), JSON.

Inspected: sends (``POST .../batches``, also ``dry_run``), updates (``POST .../batches/{id}``)
and replacements (``PUT .../batches/{id}``) — each can carry a text. Texts: ``body`` (or, for
``mt_media``, ``body.message``/``body.subject``) and every ``parameters`` value, which Sinch
substitutes into ``${name}`` placeholders per recipient (a value keyed by a phone number goes to
that recipient only). ``to`` (or ``to_add``) is an array: one decision for the whole batch.
Binary batches cannot be inspected and are refused. Auth (Bearer token) is passed through.

Field lists: the Sinch SDK's SMS request models (``TextRequest``, ``MediaRequest``,
``UpdateTextRequest``/``UpdateMediaRequest``, ``DryRunRequest``, ``ListBatchesRequest``...).
Parameter *names* are inspected as they are; ``client_reference`` too; ``callback_url`` must be
on ``providers.callback_hosts``, a media ``url`` on ``providers.media_hosts``; binary batches
(``udh``) and groups are refused. Served reads: batches, delivery reports.

Errors: ``{"code": "...", "text": "..."}``; the Sinch SDK raises ``SmsException`` carrying it.
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
    INT_SCALAR,
    PHONE,
    TOKEN,
    AnyOf,
    Arr,
    Fields,
    Map,
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

INVALID = "syntax_constraint_violation"
BAD_JSON = "syntax_invalid_json"
_PLAN = "/xms/v1/{service_plan_id:[A-Za-z0-9]{1,64}}"
_BATCHES = _PLAN + "/batches"
_BATCH = _BATCHES + "/{batch_id:[A-Za-z0-9]{1,64}}"
_NUMBERS = Arr(Scalar(PHONE), max_items=1000)
_COMMON: dict[str, Spec] = {
    "from": Sender(),
    "type": enum("mt_text", "mt_media"),  # mt_binary cannot be inspected
    "body": AnyOf((Text(), Obj({"url": Url("media"), "message": Text(), "subject": Text()}))),
    # names inspected as they are; values per recipient ("default" or a number) are texts
    "parameters": Map(Map(Text(), key=Scalar(rf"default|{PHONE}")), key=Structured()),
    "delivery_report": enum("none", "summary", "full", "per_recipient", "per_recipient_final"),
    "send_at": Scalar(DATETIME),
    "expire_at": Scalar(DATETIME),
    "callback_url": Url("callback"),
    "event_destination_target": Url("callback"),
    "client_reference": Structured(),
    "feedback_enabled": BOOL_SCALAR,
    "flash_message": BOOL_SCALAR,
    "truncate_concat": BOOL_SCALAR,
    "max_number_of_message_parts": INT_SCALAR,
    "from_ton": INT_SCALAR,
    "from_npi": INT_SCALAR,
    "strict_validation": BOOL_SCALAR,
    "udh": Refused("binary batches cannot be inspected by phi-proxy"),
}
_SOURCE = "sinch SDK SMS request models ({})"
SEND_FIELDS = Fields(
    named={**_COMMON, "to": _NUMBERS}, body="json", source=_SOURCE.format("Text/MediaRequest")
)
UPDATE_FIELDS = Fields(
    named={**_COMMON, "to_add": _NUMBERS, "to_remove": _NUMBERS},
    body="json",
    source=_SOURCE.format("Update*Request"),
)
FEEDBACK_FIELDS = Fields(
    named={"recipients": _NUMBERS}, body="json", source=_SOURCE.format("DeliveryFeedback")
)
_PAGES = {"page": INT_SCALAR, "page_size": INT_SCALAR}
_REPORT_QUERY = {
    "status": Scalar(TOKEN),
    "code": Scalar(TOKEN),
    "client_reference": Scalar(TOKEN),
}
OPERATIONS = (
    Operation("POST", _BATCHES, "send", SEND_FIELDS, name="send a batch"),
    Operation(
        "POST",
        _BATCHES + "/dry_run",
        "send",
        SEND_FIELDS,
        query=Fields(named={"per_recipient": BOOL_SCALAR, "number_of_recipients": INT_SCALAR}),
        name="dry run",
    ),
    Operation("POST", _BATCH, "send", UPDATE_FIELDS, name="update a batch"),
    Operation("PUT", _BATCH, "send", SEND_FIELDS, name="replace a batch"),
    Operation(
        "GET",
        _BATCHES,
        "read",
        query=Fields(
            named={
                **_PAGES,
                "from": Scalar(TOKEN),
                "start_date": Scalar(DATETIME),
                "end_date": Scalar(DATETIME),
                "client_reference": Scalar(TOKEN),
            }
        ),
    ),
    Operation("GET", _BATCH, "read"),
    Operation("DELETE", _BATCH, "read", name="cancel a batch"),
    Operation("POST", _BATCH + "/delivery_feedback", "send", FEEDBACK_FIELDS),
    Operation(
        "GET",
        _BATCH + "/delivery_report",
        "read",
        query=Fields(named={**_REPORT_QUERY, "type": Scalar(TOKEN)}),
    ),
    Operation("GET", _BATCH + "/delivery_report/{recipient_msisdn:" + PHONE + "}", "read"),
    Operation(
        "GET",
        _PLAN + "/delivery_reports",
        "read",
        query=Fields(
            named={
                **_PAGES,
                **_REPORT_QUERY,
                "start_date": Scalar(DATETIME),
                "end_date": Scalar(DATETIME),
            }
        ),
    ),
)


class Sinch(Provider):
    name = "sinch"
    default_upstream = "https://us.sms.api.sinch.com"
    operations = OPERATIONS
    namespaces = ("/xms/",)

    blocked_code = "phi_proxy_blocked"
    unavailable_code = "phi_proxy_unavailable"
    bad_request_code = INVALID
    recipient_plus = False  # MSISDNs, as Sinch's examples write them
    #: Sinch: batch body up to 2,000 characters
    max_text_chars = 2000
    text_too_long_code = bad_request_code
    opted_out_code = "phi_proxy_opted_out"

    def parse(self, req: Incoming) -> Parsed:
        data = load_json_object(req, INVALID, BAD_JSON)
        if req.path.endswith("/delivery_feedback"):
            return Parsed(messages=[], state=(data, []))  # recipients only (the field map)
        is_send = "batch_id" not in req.match or req.match["batch_id"] == "dry_run"
        is_update = req.method == "POST" and not is_send
        to_field = "to_add" if is_update else "to"
        to = data.get(to_field)
        if to is None and not is_update:
            raise BadRequest("'to' is required", INVALID)
        if to is not None and (
            not isinstance(to, list) or not all(isinstance(t, str) and t for t in to)
        ):
            raise BadRequest(f"'{to_field}' must be an array of phone numbers", INVALID)
        recipients = tuple(to or ())
        sender = data.get("from") or ""
        if not isinstance(sender, str):
            raise BadRequest("'from' must be a string", INVALID)
        kind = data.get("type", "mt_text")
        found: list[tuple[Concrete, Any, tuple[str, ...]]] = []
        body = data.get("body")
        if kind == "mt_text":
            if body is None and not is_update:
                raise BadRequest("'body' is required", INVALID)
            if body is not None:
                found.append((("body",), body, recipients))
        elif kind == "mt_media":
            if not isinstance(body, dict):
                raise BadRequest("'body' must be an object for mt_media", INVALID)
            found.extend(
                ((("body", k), body[k], recipients)) for k in ("message", "subject") if k in body
            )
        else:
            raise BadRequest(f"batches of type {kind!r} cannot be inspected by phi-proxy", INVALID)
        params = data.get("parameters")
        if params is not None:
            if not isinstance(params, dict):
                raise BadRequest("'parameters' must be an object", INVALID)
            for name, values in params.items():
                if not isinstance(values, dict):
                    raise BadRequest(f"parameter '{name}' must map recipients to values", INVALID)
                for key, value in values.items():
                    who = recipients if key == "default" else (key,)
                    found.append((("parameters", name, key), value, who))
        messages, paths = [], []
        for path, text, who in found:
            if not isinstance(text, str):
                raise BadRequest(f"'{render(path)}' must be a string", INVALID)
            messages.append(Message(text, who, sender, self.name, render(path)))
            paths.append(path)
        return Parsed(messages=messages, state=(data, paths))

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        data, paths = parsed.state
        return rebuild_json(data, paths, texts)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        data, paths = parsed.state
        for name in ("to", "to_add"):
            if isinstance(data.get(name), list):
                data[name] = swap_numbers(data[name], wire)
        for values in (data.get("parameters") or {}).values():
            for key in [k for k in values if k in wire]:  # a value per recipient, keyed by it
                values[wire[key]] = values.pop(key)
        # the parameter values are rewritten (redacted) at their paths: follow the new keys
        for i, path in enumerate(paths):
            if path[0] == "parameters" and path[2] in wire:
                paths[i] = (path[0], path[1], wire[str(path[2])])

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        return web.json_response({"code": str(code), "text": message}, status=status)
