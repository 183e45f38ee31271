"""AWS End User Messaging SMS (``pinpoint-sms-voice-v2``): JSON 1.0 protocol at
``POST sms-voice.{region}.amazonaws.com/`` with ``X-Amz-Target: PinpointSMSVoiceV2.<Operation>``.

Inspected: ``SendTextMessage``, ``SendMediaMessage`` and ``SendVoiceMessage`` (``MessageBody``,
read aloud for voice; ``Context`` keys and values and alphanumeric origination identities as
they are; media URLs must be S3 objects in a bucket on ``providers.media_hosts``). Served
besides: the text-free look-ups in ``READ_OPERATIONS``. Every other operation (``PutKeyword``,
``SetTextMessageSpendLimitOverride``...) is refused: every request is re-signed with the proxy's
own credentials (:mod:`proxy.providers.aws_signing`), which it lends only to what it inspects.
Field lists: botocore's ``pinpoint-sms-voice-v2`` service model.

Errors: the JSON protocol's ``{"__type": ..., "message": ...}``; botocore raises ``ClientError``
(or the modeled exception for its code) with that code and message.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from aiohttp import web

from proxy.providers.aws_base import AWS_TOKEN, AwsProvider, json_fields
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, swap_numbers
from proxy.providers.bodies import load_json_object, rebuild_json
from proxy.providers.operations import (
    DECIMAL,
    PHONE,
    Arr,
    FieldError,
    Fields,
    Operation,
    Scalar,
    Sender,
    Spec,
    Structured,
    Text,
    Url,
)

INVALID = "ValidationException"
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "PinpointSMSVoiceV2."
SENDS = ("SendTextMessage", "SendMediaMessage", "SendVoiceMessage")
_SEND: dict[str, Spec] = {
    "DestinationPhoneNumber": Scalar(PHONE),
    # a phone number, or a pool / sender / phone number id or ARN; a sender ID shows on the phone
    "OriginationIdentity": Sender(ids=r"(arn:[A-Za-z0-9:_/.-]{1,256})|((pool|sender|phone)-\w+)"),
    "MessageBody": Text(),
    "Keyword": Scalar(AWS_TOKEN),
    "ConfigurationSetName": Scalar(AWS_TOKEN),
    "MaxPrice": Scalar(DECIMAL),
    "MaxPricePerMinute": Scalar(DECIMAL),
    # returned in events and logs: keys and values inspected as they are
    "Context.key": Structured(),
    "Context.value": Structured(),
    "DestinationCountryParameters.value": Scalar(AWS_TOKEN),
    "ProtectConfigurationId": Scalar(AWS_TOKEN),
    "MediaUrls": Arr(Url("media", schemes=("s3",)), max_items=10),
}
OPERATIONS_FIELDS: dict[str, Fields] = {
    op: json_fields("pinpoint-sms-voice-v2", op, _SEND) for op in SENDS
}
# Text-free look-ups (ids, filters, tokens).
READ_OPERATIONS = ("DescribePhoneNumbers", "DescribeOptedOutNumbers", "DescribePools")
OPERATIONS_FIELDS |= {
    op: json_fields("pinpoint-sms-voice-v2", op, {}, read=True) for op in READ_OPERATIONS
}


class AwsSms(AwsProvider):
    name = "aws_sms"
    service = "sms-voice"
    host_template = "https://sms-voice.{region}.amazonaws.com"
    access_denied_code = "AccessDeniedException"
    default_upstream = "https://sms-voice.us-east-1.amazonaws.com"
    mount = "/aws/sms-voice"
    operations = (
        Operation("POST", "/", "send", Fields(body="json"), name="Send*Message, look-ups"),
    )
    namespaces = ("",)

    blocked_code = "PhiBlockedException"
    unavailable_code = "ServiceUnavailableException"
    bad_request_code = INVALID
    #: End User Messaging SendTextMessage: MessageBody up to 1,600 characters
    max_text_chars = 1600
    text_too_long_code = bad_request_code
    # AWS's own answer for an opted-out destination (Reason DESTINATION_PHONE_NUMBER_OPTED_OUT)
    opted_out_code = "ConflictException"

    def fields_for(self, operation: Operation, req: Incoming) -> Fields:
        target = req.headers.get("X-Amz-Target", "")
        name = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        if name not in OPERATIONS_FIELDS:
            raise FieldError(
                f"Operation {name[:64]!r} is not served by phi-proxy (served: "
                f"{', '.join(OPERATIONS_FIELDS)}); it signs with its own identity only what it "
                "inspects"
            )
        return OPERATIONS_FIELDS[name]

    def parse(self, req: Incoming) -> Parsed:
        self.check_request(req, INVALID)
        target = req.headers.get("X-Amz-Target", "")
        if not target.startswith(TARGET_PREFIX):
            raise BadRequest("X-Amz-Target must name a PinpointSMSVoiceV2 operation", INVALID)
        data = load_json_object(req, "SerializationException", content_types=(CONTENT_TYPE,))
        operation = target[len(TARGET_PREFIX) :]
        if operation not in SENDS:
            return Parsed(messages=[], state=data)
        to = data.get("DestinationPhoneNumber")
        if not isinstance(to, str) or not to:
            raise BadRequest("DestinationPhoneNumber is required", INVALID)
        sender = data.get("OriginationIdentity") or ""
        if not isinstance(sender, str):
            raise BadRequest("OriginationIdentity must be a string", INVALID)
        body = data.get("MessageBody")
        if body is None:
            if operation == "SendMediaMessage" and data.get("MediaUrls"):
                return Parsed(messages=[], state=data, textless=((to, sender),))
            raise BadRequest("MessageBody is required", INVALID)
        if not isinstance(body, str):
            raise BadRequest("MessageBody must be a string", INVALID)
        return Parsed([Message(body, (to,), sender, self.name, "MessageBody")], state=data)

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        # media only: no text, but the recipient may have been rewritten
        return rebuild_json(parsed.state, [("MessageBody",)][: len(texts)], texts)

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        data = parsed.state
        if isinstance(data, dict) and "DestinationPhoneNumber" in data:
            data["DestinationPhoneNumber"] = swap_numbers(data["DestinationPhoneNumber"], wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        body: dict[str, str] = {"__type": str(code), "message": message}
        if code == self.opted_out_code:  # AWS's own ConflictException for an opted-out number
            # (no ResourceId: it would be the phone number)
            body |= {
                "Reason": "DESTINATION_PHONE_NUMBER_OPTED_OUT",
                "ResourceType": "opted-out-number",
            }
        return web.json_response(
            body,
            status=status,
            content_type=CONTENT_TYPE,
            headers={"x-amzn-RequestId": str(uuid.uuid4())},
        )
