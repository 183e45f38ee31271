"""AWS End User Messaging SMS (``pinpoint-sms-voice-v2``): JSON 1.0 protocol at
``POST sms-voice.{region}.amazonaws.com/`` with ``X-Amz-Target: PinpointSMSVoiceV2.<Operation>``.

Inspected: ``SendTextMessage``, ``SendMediaMessage`` and ``SendVoiceMessage`` (``MessageBody``,
read aloud for voice). Other operations carry no outbound text and go through. Every request is
re-signed with the proxy's own credentials (:mod:`proxy.providers.aws_signing`).

Errors: the JSON protocol's ``{"__type": ..., "message": ...}``; botocore raises ``ClientError``
(or the modeled exception for its code) with that code and message.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiohttp import web

from proxy.providers.aws_base import AwsProvider
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Route
from proxy.providers.bodies import load_json_object, rebuild_json

INVALID = "ValidationException"
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "PinpointSMSVoiceV2."
SENDS = ("SendTextMessage", "SendMediaMessage", "SendVoiceMessage")


class AwsSms(AwsProvider):
    name = "aws_sms"
    service = "sms-voice"
    host_template = "https://sms-voice.{region}.amazonaws.com"
    access_denied_code = "AccessDeniedException"
    default_upstream = "https://sms-voice.us-east-1.amazonaws.com"
    mount = "/aws/sms-voice"
    routes = (Route("POST", "/"),)

    blocked_code = "PhiBlockedException"
    unavailable_code = "ServiceUnavailableException"
    bad_request_code = INVALID
    # AWS's own answer for an opted-out destination (Reason DESTINATION_PHONE_NUMBER_OPTED_OUT)
    opted_out_code = "ConflictException"

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
        return rebuild_json(parsed.state, [("MessageBody",)], texts)

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
