"""Amazon SNS query API (``POST sns.{region}.amazonaws.com/``, form ``Action=...``).

Inspected: ``Publish`` (``Message``, ``Subject``; with ``MessageStructure=json`` every string in
the per-protocol JSON, whose keys must be SNS protocol names) to a phone number, topic or
endpoint — a topic can fan out to phones — and ``PublishBatch`` entries; message attribute
values (``AWS.SNS.SMS.SenderID`` shows on the phone) are inspected as they are. Served besides:
the text-free SMS look-ups in ``READ_ACTIONS``. Every other action (``SetSMSAttributes``,
``CreateTopic``, ``Subscribe``...) is refused: the proxy signs with its own identity and will not
lend it to calls it does not inspect. Field lists: botocore's ``sns`` service model; a member
the tables below do not classify fails start-up (and ``tests/providers/test_operation_tables``).

Errors: the query protocol's XML ``ErrorResponse``; botocore raises ``ClientError`` (or the
modeled exception for its code) with our ``Code`` and ``Message``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from aiohttp import web

from proxy.providers.aws_base import AWS_TOKEN, AwsProvider, query_fields
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, swap_pairs
from proxy.providers.bodies import form_fields, load_form, parse_json_object, rewrite_form, single
from proxy.providers.operations import (
    PHONE,
    FieldError,
    Fields,
    Operation,
    Refused,
    Scalar,
    Sender,
    Spec,
    Text,
    enum,
)

INVALID = "InvalidParameter"
# SNS's per-protocol keys in a MessageStructure=json message
PROTOCOLS = frozenset(
    [
        "default",
        "email",
        "email-json",
        "sqs",
        "lambda",
        "http",
        "https",
        "sms",
        "firehose",
        "application",
        "APNS",
        "APNS_SANDBOX",
        "APNS_VOIP",
        "APNS_VOIP_SANDBOX",
        "MACOS",
        "MACOS_SANDBOX",
        "GCM",
        "ADM",
        "BAIDU",
        "MPNS",
        "WNS",
    ]
)
_ARN = Scalar(r"arn:[A-Za-z0-9:_/.-]{1,256}")
_ATTRIBUTES: dict[str, Spec] = {
    "MessageAttributes.key": Scalar(r"[A-Za-z0-9_.-]{1,256}"),
    "MessageAttributes.value.DataType": Scalar(r"(String|Number|Binary)(\.[A-Za-z0-9_]{1,64})?"),
    # a sender ID or origination number shows on the phone: numbers pass, other values are
    # inspected as they are (a finding blocks)
    "MessageAttributes.value.StringValue": Sender(max_length=1024),
    "MessageAttributes.value.BinaryValue": Refused("binary attribute values cannot be inspected"),
}
_PUBLISH: dict[str, Spec] = {
    "TopicArn": _ARN,
    "TargetArn": _ARN,
    "PhoneNumber": Scalar(PHONE),
    "Message": Text(),
    "Subject": Text(),
    "MessageStructure": enum("json"),
    "MessageDeduplicationId": Scalar(AWS_TOKEN),
    "MessageGroupId": Scalar(AWS_TOKEN),
    **_ATTRIBUTES,
}
SEND_ACTIONS: dict[str, Fields] = {
    "Publish": query_fields("sns", "Publish", _PUBLISH),
    "PublishBatch": query_fields(
        "sns",
        "PublishBatch",
        {
            "TopicArn": _ARN,
            "PublishBatchRequestEntries.Id": Scalar(AWS_TOKEN),
            **{f"PublishBatchRequestEntries.{k}": v for k, v in _PUBLISH.items()},
        },
    ),
}
# Text-free look-ups (every parameter an id or token).
READ_ACTIONS = ("CheckIfPhoneNumberIsOptedOut", "ListPhoneNumbersOptedOut", "GetSMSAttributes")
ACTIONS = SEND_ACTIONS | {a: query_fields("sns", a, {}, read=True) for a in READ_ACTIONS}
_ENTRY = re.compile(
    r"^PublishBatchRequestEntries\.member\.(\d+)\.(Message|Subject|MessageStructure)$"
)


@dataclass(frozen=True)
class _Spot:
    """Where one text lives: a form pair, and inside a JSON ``Message`` the key, if any."""

    pair: int
    key: str | None = None


class AwsSns(AwsProvider):
    name = "aws_sns"
    service = "sns"
    host_template = "https://sns.{region}.amazonaws.com"
    access_denied_code = "AuthorizationError"
    default_upstream = "https://sns.us-east-1.amazonaws.com"
    mount = "/aws/sns"
    operations = (
        Operation("POST", "/", "send", Fields(body="form"), name="Publish, PublishBatch, look-ups"),
    )
    namespaces = ("",)

    blocked_code = "PhiBlocked"
    unavailable_code = "ServiceUnavailable"
    bad_request_code = INVALID
    #: SNS: an SMS message up to 1,600 characters
    max_text_chars = 1600
    text_too_long_code = bad_request_code
    opted_out_code = "OptedOut"

    def fields_for(self, operation: Operation, req: Incoming) -> Fields:
        action = single(form_fields(load_form(req, INVALID)), "Action", INVALID) or ""
        if action not in ACTIONS:
            raise FieldError(
                f"Action {action[:64]!r} is not served by phi-proxy (served: "
                f"{', '.join(ACTIONS)}); it signs with its own identity only what it inspects"
            )
        return ACTIONS[action]

    def parse(self, req: Incoming) -> Parsed:
        self.check_request(req, INVALID)
        pairs = load_form(req, INVALID)
        fields = form_fields(pairs)
        action = single(fields, "Action", INVALID)
        messages: list[Message] = []
        spots: list[_Spot] = []
        if action == "Publish":
            to = next(
                (
                    fields[k][0]
                    for k in ("PhoneNumber", "TargetArn", "TopicArn")
                    if fields.get(k, [""])[0]  # an empty field is absent
                ),
                "",
            )
            if not to:
                raise BadRequest("A PhoneNumber, TopicArn or TargetArn is required", INVALID)
            for name in ("PhoneNumber", "TargetArn", "TopicArn", "Message", "Subject"):
                single(fields, name, INVALID)
            if not fields.get("Message"):
                raise BadRequest("Message is required", INVALID)
            structure = single(fields, "MessageStructure", INVALID)
            self._collect(pairs, "", structure, to, messages, spots)
        elif action == "PublishBatch":
            to = single(fields, "TopicArn", INVALID) or ""
            structures = {
                m.group(1): v
                for k, v in pairs
                if (m := _ENTRY.match(k)) and m.group(2) == "MessageStructure"
            }
            seen: set[str] = set()
            for k, _ in pairs:
                m = _ENTRY.match(k)
                if m and m.group(2) == "Message":
                    if m.group(1) in seen:
                        raise BadRequest(f"{k} may be given only once", INVALID)
                    seen.add(m.group(1))
            for n in sorted(seen, key=int):
                prefix = f"PublishBatchRequestEntries.member.{n}."
                self._collect(pairs, prefix, structures.get(n), to, messages, spots)
        elif action is None:
            raise BadRequest("Action is required", INVALID)
        return Parsed(messages=messages, state=(pairs, spots))

    def _collect(
        self,
        pairs: list[tuple[str, str]],
        prefix: str,
        structure: str | None,
        to: str,
        messages: list[Message],
        spots: list[_Spot],
    ) -> None:
        sender = _sender(pairs, prefix)
        for i, (k, v) in enumerate(pairs):
            if k == prefix + "Subject":
                messages.append(Message(v, (to,), sender, self.name, k))
                spots.append(_Spot(i))
            elif k == prefix + "Message" and structure == "json":
                doc = parse_json_object(v.encode("utf-8"), INVALID)
                for key, text in doc.items():
                    if key not in PROTOCOLS:
                        raise BadRequest(
                            f"{k}: keys of a MessageStructure=json message must be SNS "
                            "protocol names",
                            INVALID,
                        )
                    if not isinstance(text, str):
                        raise BadRequest(f"{k}: value for {key!r} must be a string", INVALID)
                    messages.append(Message(text, (to,), sender, self.name, f"{k}[{key}]"))
                    spots.append(_Spot(i, key))
            elif k == prefix + "Message":
                messages.append(Message(v, (to,), sender, self.name, k))
                spots.append(_Spot(i))

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        pairs, spots = parsed.state
        plain: dict[int, str] = {}
        keyed: dict[int, dict[str, str]] = {}
        for spot, text in zip(spots, texts, strict=True):
            if spot.key is None:
                plain[spot.pair] = text
            else:
                keyed.setdefault(spot.pair, {})[spot.key] = text

        def replace(i: int, _name: str, value: str) -> str | None:
            if i in keyed:
                doc = json.loads(value)
                doc.update(keyed[i])
                return json.dumps(doc, ensure_ascii=False)
            return plain.get(i)

        return rewrite_form(pairs, replace)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        pairs, _ = parsed.state
        swap_pairs(pairs, ("PhoneNumber",), wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
            f"<Error><Type>{kind}</Type><Code>{escape(str(code))}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return web.Response(status=status, text=body, content_type="text/xml")


_SENDER_ATTRIBUTES = ("AWS.MM.SMS.OriginationNumber", "AWS.SNS.SMS.SenderID")


def _sender(pairs: list[tuple[str, str]], prefix: str) -> str:
    """The sender SNS uses for an SMS: the origination number attribute, else the sender ID
    attribute (per-sender policy overrides key on it); an empty value is absent."""
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    attr = re.compile(
        re.escape(prefix) + r"MessageAttributes\.entry\.(\d+)\.(Name|Value\.StringValue)"
    )
    for k, v in pairs:
        m = attr.fullmatch(k)
        if m:
            (names if m.group(2) == "Name" else values)[m.group(1)] = v
    by_name = {name: values.get(n, "") for n, name in names.items()}
    return next((by_name[a] for a in _SENDER_ATTRIBUTES if by_name.get(a, "").strip()), "")
