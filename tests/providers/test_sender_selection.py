"""Per-sender policy overrides key on the sender the provider actually uses (issue #20, hole 4):
decided once per request, from the fields the provider picks the sender by; an empty field is
absent. One table per provider: (body fields, the sender the overrides must see)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.providers import BadRequest, Incoming, build_providers
from proxy.providers.config import ProvidersConfig
from proxy.providers.operations import example_path

MG, NUMBER, PROFILE = "MG" + "3" * 32, "+15550109999", "4001767e-ce0f-4cae-9d5f-0983d0a0c5b7"
FORM = "application/x-www-form-urlencoded"

CASES: list[tuple[str, str, dict[str, Any], str | None]] = [
    # Twilio sends through the Messaging Service whenever one is named
    ("twilio", FORM, {"To": "+15550100001", "MessagingServiceSid": MG, "Body": "x"}, MG),
    (
        "twilio",
        FORM,
        {"To": "+15550100001", "MessagingServiceSid": MG, "From": NUMBER, "Body": "x"},
        MG,
    ),
    (
        "twilio",
        FORM,
        {"To": "+15550100001", "MessagingServiceSid": MG, "From": "", "Body": "x"},
        MG,
    ),
    (
        "twilio",
        FORM,
        {"To": "+15550100001", "MessagingServiceSid": "", "From": NUMBER, "Body": "x"},
        NUMBER,
    ),
    (
        "twilio",
        FORM,
        {"To": "+15550100001", "MessagingServiceSid": "", "From": "", "Body": "x"},
        None,
    ),
    # Telnyx: the from number, else the messaging profile's pool
    (
        "telnyx",
        "application/json",
        {"to": "+15550100001", "messaging_profile_id": PROFILE, "text": "x"},
        PROFILE,
    ),
    (
        "telnyx",
        "application/json",
        {"to": "+15550100001", "from": "", "messaging_profile_id": PROFILE, "text": "x"},
        PROFILE,
    ),
    (
        "telnyx",
        "application/json",
        {"to": "+15550100001", "from": NUMBER, "messaging_profile_id": PROFILE, "text": "x"},
        NUMBER,
    ),
    # Plivo: src or a powerpack, never both
    (
        "plivo",
        "application/json",
        {"dst": "15550100001", "powerpack_uuid": PROFILE, "text": "x"},
        PROFILE,
    ),
    (
        "plivo",
        "application/json",
        {"dst": "15550100001", "src": "", "powerpack_uuid": PROFILE, "text": "x"},
        PROFILE,
    ),
    (
        "plivo",
        "application/json",
        {"dst": "15550100001", "src": NUMBER, "powerpack_uuid": PROFILE, "text": "x"},
        None,
    ),
    (
        "vonage_sms",
        FORM,
        {"api_key": "k", "to": "15550100001", "from": "Clinic", "text": "x"},
        "Clinic",
    ),
    ("vonage_sms", FORM, {"api_key": "k", "to": "15550100001", "from": "", "text": "x"}, None),
    (
        "vonage_messages",
        "application/json",
        {
            "to": "15550100001",
            "from": NUMBER,
            "channel": "sms",
            "message_type": "text",
            "text": "x",
        },
        NUMBER,
    ),
    (
        "messagebird",
        "application/json",
        {"originator": "Clinic", "recipients": "1555", "body": "x"},
        "Clinic",
    ),
    ("sinch", "application/json", {"to": ["15550100001"], "from": NUMBER, "body": "x"}, NUMBER),
    (
        "aws_sms",
        "application/x-amz-json-1.0",
        {
            "DestinationPhoneNumber": "+15550100001",
            "OriginationIdentity": NUMBER,
            "MessageBody": "x",
        },
        NUMBER,
    ),
    # SNS picks the origination number attribute, else the sender ID attribute
    (
        "aws_sns",
        FORM,
        {
            "Action": "Publish",
            "PhoneNumber": "+15550100001",
            "Message": "x",
            "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SenderID",
            "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": "Clinic",
            "MessageAttributes.entry.2.Name": "AWS.MM.SMS.OriginationNumber",
            "MessageAttributes.entry.2.Value.DataType": "String",
            "MessageAttributes.entry.2.Value.StringValue": NUMBER,
        },
        NUMBER,
    ),
    (
        "aws_sns",
        FORM,
        {
            "Action": "Publish",
            "PhoneNumber": "+15550100001",
            "Message": "x",
            "MessageAttributes.entry.1.Name": "AWS.MM.SMS.OriginationNumber",
            "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": "",
            "MessageAttributes.entry.2.Name": "AWS.SNS.SMS.SenderID",
            "MessageAttributes.entry.2.Value.DataType": "String",
            "MessageAttributes.entry.2.Value.StringValue": "Clinic",
        },
        "Clinic",
    ),
]


class _Signer:
    configured = True
    region = "us-east-1"


@pytest.mark.parametrize(("name", "ctype", "fields", "sender"), CASES)
def test_one_sender_per_request(name: str, ctype: str, fields: dict[str, Any], sender: str | None):
    provider = build_providers(ProvidersConfig())[name]
    if name.startswith("aws_"):
        provider.signer = _Signer()  # type: ignore[attr-defined]  # credentials are not the point
    op = next(o for o in provider.operations if o.kind == "send" and o.method == "POST")
    path, match = example_path(op.path)
    headers = CIMultiDict({"Content-Type": ctype})
    if name == "aws_sms":
        headers["X-Amz-Target"] = "PinpointSMSVoiceV2.SendTextMessage"
    body = urlencode(fields).encode() if ctype == FORM else json.dumps(fields).encode()
    req = Incoming("POST", provider.mount + path, {}, CIMultiDictProxy(headers), body, match)
    if sender is None:
        with pytest.raises(BadRequest):
            provider.parse(req)
        return
    parsed = provider.parse(req)
    assert {s for _, s in parsed.recipients()} == {sender}
