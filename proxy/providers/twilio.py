"""Twilio Programmable Messaging (2010-04-01 API): form-encoded ``Messages.json``.

Field lists: Twilio's own OpenAPI document (twilio-oai ``twilio_api_v2010.json``, vendored in
``vendor/twilio-oai/`` with its licence); ``tests/providers/test_operation_tables.py`` fails when
a served operation has a request-body property this table does not classify.

Sender selection (per-sender policy overrides): Twilio sends through the Messaging Service when
``MessagingServiceSid`` is present, so it wins over ``From``; an empty field counts as absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from proxy.error_codes import more_info
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, swap_pairs
from proxy.providers.operations import (
    BOOL_SCALAR,
    DATETIME,
    DECIMAL,
    HTTP_METHOD,
    ID,
    INT_SCALAR,
    PHONE_LOOSE,
    TOKEN,
    Fields,
    Operation,
    Scalar,
    Sender,
    Structured,
    Text,
    Url,
    enum,
)

_MORE_INFO = "https://www.twilio.com/docs/errors/{code}"
_SPEC = "twilio-oai twilio_api_v2010.json (vendor/twilio-oai)"
_ACCOUNT = "/2010-04-01/Accounts/{AccountSid:AC[0-9a-fA-F]{32}}"
_SID = "{Sid:[A-Z]{2}[0-9a-fA-F]{32}}"
_MSG_SID = "{MessageSid:[A-Z]{2}[0-9a-fA-F]{32}}"
# channel-prefixed addresses ("whatsapp:+1...") as Twilio accepts them
ADDRESS = Scalar(rf"((whatsapp|messenger|rcs|sms|mms):)?{PHONE_LOOSE}")
SENDER = Sender(ids=rf"((whatsapp|messenger|rcs):)?{PHONE_LOOSE}")
SID = Scalar(ID)

MESSAGE_FIELDS = Fields(
    named={
        "To": ADDRESS,
        "From": SENDER,
        "FallbackFrom": SENDER,
        "MessagingServiceSid": SID,
        "Body": Text(),
        "MediaUrl": Url("media"),
        "ContentSid": SID,
        "ContentVariables": Structured(json_string=True),
        "StatusCallback": Url("callback"),
        "ApplicationSid": SID,
        "MaxPrice": Scalar(DECIMAL),
        "ProvideFeedback": BOOL_SCALAR,
        "Attempt": INT_SCALAR,
        "ValidityPeriod": INT_SCALAR,
        "ForceDelivery": BOOL_SCALAR,
        "ContentRetention": enum("retain", "discard"),
        "AddressRetention": enum("retain", "obfuscate"),
        "SmartEncoded": BOOL_SCALAR,
        # rich actions shown with the message (mailto:, geo:...|label): inspected as they are
        "PersistentAction": Structured(),
        "TrafficType": enum("free"),
        "ShortenUrls": BOOL_SCALAR,
        "ScheduleType": enum("fixed"),
        "SendAt": Scalar(DATETIME),
        "SendAsMms": BOOL_SCALAR,
        "RiskCheck": enum("enable", "disable"),
    },
    repeatable=frozenset({"MediaUrl", "PersistentAction"}),
    body="form",
    source=_SPEC,
)
# Update a message: only redacting its body (Body="") or cancelling a scheduled one.
MESSAGE_UPDATE_FIELDS = Fields(
    named={"Body": enum(""), "Status": enum("canceled")}, body="form", source=_SPEC
)
_PAGING = {"PageSize": INT_SCALAR, "Page": INT_SCALAR, "PageToken": Scalar(TOKEN)}
LIST_QUERY = Fields(
    named={
        "To": ADDRESS,
        "From": ADDRESS,
        "DateSent": Scalar(DATETIME),
        "DateSent<": Scalar(DATETIME),
        "DateSent>": Scalar(DATETIME),
        **_PAGING,
    },
    source=_SPEC,
)
MEDIA_LIST_QUERY = Fields(
    named={
        "DateCreated": Scalar(DATETIME),
        "DateCreated<": Scalar(DATETIME),
        "DateCreated>": Scalar(DATETIME),
        **_PAGING,
    },
    source=_SPEC,
)
PAGING_QUERY = Fields(named=_PAGING, source="paging parameters Twilio ignores on instances")
_CALLBACK = Url("callback")
_EVENTS = Scalar(r"[a-z-]{1,32}")
# Voice calls (off by default): TwiML is read aloud to the patient, so it is inspected as it
# is (a finding blocks the call); a TwiML URL must be on providers.callback_hosts.
CALL_FIELDS = Fields(
    named={
        "To": Scalar(rf"((client|sip):[A-Za-z0-9_.@:;=+-]{{1,128}})|({PHONE_LOOSE})"),
        "From": SENDER,
        "CallerId": SENDER,
        "Twiml": Structured(),
        "Url": _CALLBACK,
        "ApplicationSid": SID,
        "Method": Scalar(HTTP_METHOD),
        "FallbackUrl": _CALLBACK,
        "FallbackMethod": Scalar(HTTP_METHOD),
        "StatusCallback": _CALLBACK,
        "StatusCallbackEvent": _EVENTS,
        "StatusCallbackMethod": Scalar(HTTP_METHOD),
        "SendDigits": Scalar(r"[0-9wW*#]{0,32}"),
        "Timeout": INT_SCALAR,
        "Record": BOOL_SCALAR,
        "RecordingChannels": enum("mono", "dual"),
        "RecordingStatusCallback": _CALLBACK,
        "RecordingStatusCallbackMethod": Scalar(HTTP_METHOD),
        "RecordingStatusCallbackEvent": _EVENTS,
        "SipAuthUsername": Scalar(TOKEN),
        "SipAuthPassword": Scalar(TOKEN),
        "MachineDetection": enum("Enable", "DetectMessageEnd"),
        "MachineDetectionTimeout": INT_SCALAR,
        "MachineDetectionSpeechThreshold": INT_SCALAR,
        "MachineDetectionSpeechEndThreshold": INT_SCALAR,
        "MachineDetectionSilenceTimeout": INT_SCALAR,
        "AsyncAmd": BOOL_SCALAR,
        "AsyncAmdStatusCallback": _CALLBACK,
        "AsyncAmdStatusCallbackMethod": Scalar(HTTP_METHOD),
        "Trim": enum("trim-silence", "do-not-trim"),
        "Byoc": SID,
        # shown on the called phone: inspected as it is
        "CallReason": Structured(),
        "CallToken": Structured(),
        "RecordingTrack": enum("inbound", "outbound", "both"),
        "TimeLimit": INT_SCALAR,
        "ClientNotificationUrl": _CALLBACK,
    },
    repeatable=frozenset({"StatusCallbackEvent", "RecordingStatusCallbackEvent"}),
    body="form",
    source=_SPEC,
)

OPERATIONS = (
    Operation("POST", f"{_ACCOUNT}/Messages.json", "send", MESSAGE_FIELDS, name="send a message"),
    Operation("GET", f"{_ACCOUNT}/Messages.json", "read", query=LIST_QUERY, name="list messages"),
    Operation("GET", f"{_ACCOUNT}/Messages/{_SID}.json", "read", query=PAGING_QUERY),
    Operation("DELETE", f"{_ACCOUNT}/Messages/{_SID}.json", "read"),
    Operation(
        "POST",
        f"{_ACCOUNT}/Messages/{_SID}.json",
        "send",
        MESSAGE_UPDATE_FIELDS,
        name="redact or cancel a message",
    ),
    Operation("GET", f"{_ACCOUNT}/Messages/{_MSG_SID}/Media.json", "read", query=MEDIA_LIST_QUERY),
    Operation("GET", f"{_ACCOUNT}/Messages/{_MSG_SID}/Media/{_SID}.json", "read"),
    Operation("DELETE", f"{_ACCOUNT}/Messages/{_MSG_SID}/Media/{_SID}.json", "read"),
    Operation(
        "POST",
        f"{_ACCOUNT}/Calls.json",
        "send",
        CALL_FIELDS,
        optional="twilio.calls",
        name="voice call (TwiML read aloud)",
    ),
)


class Twilio(Provider):
    name = "twilio"
    default_upstream = "https://api.twilio.com"
    operations = OPERATIONS
    namespaces = ("/2010-04-01/",)

    # Twilio's own codes where they exist; 9xxxx are phi-proxy's (proxy/error_codes.py). Every
    # refusal's more_info links to the proxy's own page for its code (``/errors/<code>``).
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
        if "/Messages/" in req.path or req.path.endswith("/Calls.json"):
            # an update (redact/cancel: no text) or a voice call (TwiML: the field map
            # inspects it); the recipient of a call is still subject to opt-out
            callee = fields.get("To", [""])[0]
            sender = _sender(fields, "From")
            return Parsed([], state=pairs, textless=((callee, sender),) if callee else ())
        to = fields.get("To", [])
        if not to or not to[0].strip():
            raise BadRequest("A 'To' phone number is required.", 21604)
        sender = _sender(fields, "MessagingServiceSid", "From")
        if not sender:
            raise BadRequest("A 'From' phone number is required.", 21603)
        bodies = fields.get("Body", [])
        if len(bodies) > 1:
            raise BadRequest("Body may be given only once", 90003)
        if not bodies and not fields.get("MediaUrl") and not fields.get("ContentSid"):
            raise BadRequest("Message body is required.", 21602)
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
        # an update or a call carries no text of the adapter's: its Body (if any) stays as sent
        out = [(k, next(new_body, v) if k == "Body" else v) for k, v in pairs]
        return urlencode(out).encode("ascii")

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        swap_pairs(parsed.state, ("To",), wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        if status in (404, 405) and code == self.bad_request_code:
            code = 20404 if status == 404 else 20004  # Twilio's own "not found" / "not allowed"
        return web.json_response(
            {
                "code": code,
                "message": message,
                "more_info": more_info(self.error_docs, code) or _MORE_INFO.format(code=code),
                "status": status,
            },
            status=status,
        )


def _sender(fields: dict[str, list[str]], *names: str) -> str:
    """The first of ``names`` with a non-empty value: the one Twilio sends from."""
    for name in names:
        values = [v for v in fields.get(name, []) if v.strip()]
        if values:
            return values[0]
    return ""
