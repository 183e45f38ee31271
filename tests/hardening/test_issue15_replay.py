"""Issue #15, replayed: each attack class the first round found (with the official SDKs' wire
formats, the base URL changed), sent through the real proxy to a recording upstream. Every one
is refused in the provider's shape or scrubbed: the upstream never sees the planted PHI."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from yarl import URL

from proxy.providers.config import AwsConfig, ProvidersConfig
from proxy.settings import Settings
from tests.hardening.conftest import phi_in, without_request_ids
from tests.support.fakes import RecordingUpstream

ACC = "/2010-04-01/Accounts/AC" + "1" * 32
PLIVO = "/v1/Account/MA" + "A" * 18
SINCH = "/xms/v1/plan1"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
AMZ = "application/x-amz-json-1.0"
NAME = "Maria Lopez DOB 03/14/1961"
HIV = "Maria Lopez, your HIV test came back positive"
TW = {"To": "+15550100001", "From": "+15550109999"}
ADMIN = "Your appointment is on Tuesday at 3:15 PM."
AWS_SECRET_ENV = "PHI_PROXY_TEST_REPLAY_AWS_SECRET"
SETTINGS = Settings(
    providers=ProvidersConfig(
        aws=AwsConfig(access_key_id="AKIDPHIPROXYTEST0003", secret_access_key_env=AWS_SECRET_ENV),
        media_hosts=("media.example.org",),
        callback_hosts=("hooks.example.org",),
    )
)


def form(pairs: list[tuple[str, str]] | dict[str, str]) -> bytes:
    return urlencode(pairs).encode()


CASES: list[tuple[str, str, str, str, bytes, dict[str, str]]] = [
    # Twilio fields other than Body
    (
        "content-variables",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(TW | {"ContentSid": "HX" + "1" * 32, "ContentVariables": json.dumps({"1": HIV})}),
        {},
    ),
    (
        "media-url-path",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(
            TW | {"Body": ADMIN, "MediaUrl": "https://media.example.org/Maria_Lopez_03-14-1961.jpg"}
        ),
        {},
    ),
    (
        "status-callback-query",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(
            TW
            | {
                "Body": ADMIN,
                "StatusCallback": "https://hooks.example.org/s?patient=Maria+Lopez&mrn=48213377",
            }
        ),
        {},
    ),
    (
        "persistent-action",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(TW | {"Body": ADMIN, "PersistentAction": "mailto:maria.lopez@example.com"}),
        {},
    ),
    (
        "lower-case-body",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(TW | {"body": HIV, "MediaUrl": "https://media.example.org/a.png"}),
        {},
    ),
    (
        "body-trailing-space",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(TW | {"Body ": HIV, "MediaUrl": "https://media.example.org/a.png"}),
        {},
    ),
    (
        "sender-id",
        "POST",
        f"{ACC}/Messages.json",
        FORM,
        form(TW | {"From": "HIVClinic", "Body": ADMIN}),
        {},
    ),
    # Twilio routes
    ("xml-variant", "POST", f"{ACC}/Messages", FORM, form(TW | {"Body": HIV}), {}),
    ("upper-json", "POST", f"{ACC}/Messages.JSON", FORM, form(TW | {"Body": HIV}), {}),
    ("double-slash", "POST", f"{ACC}//Messages.json", FORM, form(TW | {"Body": HIV}), {}),
    ("sms-messages", "POST", f"{ACC}/SMS/Messages.json", FORM, form(TW | {"Body": HIV}), {}),
    ("update-body", "POST", f"{ACC}/Messages/SM{'2' * 32}.json", FORM, form({"Body": HIV}), {}),
    (
        "calls-twiml",
        "POST",
        f"{ACC}/Calls.json",
        FORM,
        form(TW | {"Twiml": f"<Response><Say>{HIV}</Say></Response>"}),
        {},
    ),
    # dot segments
    ("dot-dot", "POST", f"{ACC}/x/../Messages.json", FORM, form(TW | {"Body": HIV}), {}),
    ("dot-dot-encoded", "POST", f"{ACC}/x/..%2FMessages.json", FORM, form(TW | {"Body": HIV}), {}),
    (
        "plivo-dot-dot",
        "POST",
        f"{PLIVO}/x/../Message/",
        JSON,
        json.dumps({"src": "1555", "dst": "1556", "text": HIV}).encode(),
        {},
    ),
    # query strings
    ("twilio-query-body", "POST", f"{ACC}/Messages.json?Body=Maria+Lopez+HIV", FORM, form(TW), {}),
    (
        "messagebird-query-body",
        "POST",
        "/messages?body=Maria+Lopez+HIV",
        JSON,
        json.dumps({"originator": "clinic", "recipients": "15550100001"}).encode(),
        {},
    ),
    ("get-query", "GET", f"{ACC}/Messages.json?Body=Maria+Lopez+HIV", FORM, b"", {}),
    # other providers' routes
    (
        "plivo-double-slash",
        "POST",
        f"{PLIVO}/Message//",
        JSON,
        json.dumps({"src": "1555", "dst": "1556", "text": HIV}).encode(),
        {},
    ),
    (
        "plivo-lower-case",
        "POST",
        f"{PLIVO}/message/",
        JSON,
        json.dumps({"src": "1555", "dst": "1556", "text": HIV}).encode(),
        {},
    ),
    (
        "sinch-double-slash",
        "POST",
        f"{SINCH}//batches",
        JSON,
        json.dumps({"to": ["1555"], "body": HIV}).encode(),
        {},
    ),
    ("sinch-patch", "PATCH", f"{SINCH}/batches/b1", JSON, json.dumps({"body": HIV}).encode(), {}),
    ("sinch-groups", "POST", f"{SINCH}/groups", JSON, json.dumps({"name": HIV}).encode(), {}),
    (
        "vonage-messages-patch",
        "PATCH",
        "/v1/messages/aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
        JSON,
        json.dumps({"status": "read", "text": HIV}).encode(),
        {},
    ),
    (
        "sns-lower-case-action",
        "POST",
        "/aws/sns/",
        FORM,
        form({"Action": "publish", "PhoneNumber": "+15550100001", "Message": HIV}),
        {},
    ),
    (
        "sns-set-sms-attributes",
        "POST",
        "/aws/sns/",
        FORM,
        form(
            {
                "Action": "SetSMSAttributes",
                "attributes.entry.1.key": "DefaultSenderID",
                "attributes.entry.1.value": "MariaLopez",
            }
        ),
        {},
    ),
    (
        "sns-create-topic",
        "POST",
        "/aws/sns/",
        FORM,
        form({"Action": "CreateTopic", "Name": "Maria-Lopez-HIV"}),
        {},
    ),
    (
        "eum-put-keyword",
        "POST",
        "/aws/sms-voice/",
        AMZ,
        json.dumps(
            {"OriginationIdentity": "pool-1", "Keyword": "HIV", "KeywordMessage": HIV}
        ).encode(),
        {"X-Amz-Target": "PinpointSMSVoiceV2.PutKeyword"},
    ),
    (
        "eum-lower-case-target",
        "POST",
        "/aws/sms-voice/",
        AMZ,
        json.dumps({"DestinationPhoneNumber": "+15550100001", "MessageBody": HIV}).encode(),
        {"X-Amz-Target": "pinpointsmsvoicev2.sendtextmessage"},
    ),
    # other providers' fields
    (
        "vonage-content-text",
        "POST",
        "/v1/messages",
        JSON,
        json.dumps(
            {
                "to": "1555",
                "from": "1556",
                "channel": "mms",
                "message_type": "content",
                "content": [
                    {"type": "image", "url": "https://media.example.org/a.png", "text": HIV}
                ],
            }
        ).encode(),
        {},
    ),
    (
        "vonage-image-url",
        "POST",
        "/v1/messages",
        JSON,
        json.dumps(
            {
                "to": "1555",
                "from": "1556",
                "channel": "mms",
                "message_type": "image",
                "image": {"url": "https://media.example.org/Maria_Lopez_HIV.png"},
            }
        ).encode(),
        {},
    ),
    (
        "vonage-client-ref",
        "POST",
        "/v1/messages",
        JSON,
        json.dumps(
            {
                "to": "1555",
                "from": "1556",
                "channel": "sms",
                "message_type": "text",
                "text": ADMIN,
                "client_ref": NAME,
            }
        ).encode(),
        {},
    ),
    (
        "viber-button",
        "POST",
        "/v1/messages",
        JSON,
        json.dumps(
            {
                "to": "1555",
                "from": "1556",
                "channel": "viber_service",
                "message_type": "text",
                "text": ADMIN,
                "viber_service": {"action": {"url": "https://x.example", "text": HIV}},
            }
        ).encode(),
        {},
    ),
    (
        "telnyx-media",
        "POST",
        "/v2/messages",
        JSON,
        json.dumps(
            {
                "to": "+15550100001",
                "text": ADMIN,
                "media_urls": ["https://media.example.org/Maria_Lopez_HIV.png"],
            }
        ).encode(),
        {},
    ),
    (
        "plivo-media",
        "POST",
        f"{PLIVO}/Message/",
        JSON,
        json.dumps(
            {
                "src": "1555",
                "dst": "1556",
                "text": ADMIN,
                "media_urls": ["https://media.example.org/Maria_Lopez_HIV.png"],
            }
        ).encode(),
        {},
    ),
    (
        "messagebird-media",
        "POST",
        "/mms",
        JSON,
        json.dumps(
            {
                "originator": "clinic",
                "recipients": "1555",
                "body": ADMIN,
                "mediaUrls": ["https://media.example.org/Maria_Lopez_HIV.png"],
            }
        ).encode(),
        {},
    ),
    (
        "messagebird-reference",
        "POST",
        "/messages",
        JSON,
        json.dumps(
            {"originator": "clinic", "recipients": "1555", "body": ADMIN, "reference": NAME}
        ).encode(),
        {},
    ),
    (
        "sinch-client-reference",
        "POST",
        f"{SINCH}/batches",
        JSON,
        json.dumps({"to": ["1555"], "body": ADMIN, "client_reference": NAME}).encode(),
        {},
    ),
    (
        "sinch-parameter-names",
        "POST",
        f"{SINCH}/batches",
        JSON,
        json.dumps(
            {"to": ["1555"], "body": ADMIN, "parameters": {"Maria Lopez HIV": {"default": "x"}}}
        ).encode(),
        {},
    ),
    (
        "sns-message-attributes",
        "POST",
        "/aws/sns/",
        FORM,
        form(
            {
                "Action": "Publish",
                "PhoneNumber": "+15550100001",
                "Message": ADMIN,
                "MessageAttributes.entry.1.Name": "note",
                "MessageAttributes.entry.1.Value.DataType": "String",
                "MessageAttributes.entry.1.Value.StringValue": NAME,
            }
        ),
        {},
    ),
    (
        "sns-structure-keys",
        "POST",
        "/aws/sns/",
        FORM,
        form(
            {
                "Action": "Publish",
                "TopicArn": "arn:aws:sns:us-east-1:1:t",
                "MessageStructure": "json",
                "Message": json.dumps({"default": ADMIN, "Maria Lopez HIV": ADMIN}),
            }
        ),
        {},
    ),
    (
        "eum-context",
        "POST",
        "/aws/sms-voice/",
        AMZ,
        json.dumps(
            {
                "DestinationPhoneNumber": "+15550100001",
                "MessageBody": ADMIN,
                "Context": {"patient": NAME},
            }
        ).encode(),
        {"X-Amz-Target": "PinpointSMSVoiceV2.SendTextMessage"},
    ),
]


@pytest.mark.parametrize(
    ("case", "method", "path", "ctype", "data", "headers"), CASES, ids=[c[0] for c in CASES]
)
async def test_attack_is_refused_and_nothing_leaves(
    case: str,
    method: str,
    path: str,
    ctype: str,
    data: bytes,
    headers: dict[str, str],
    make_proxy: Any,
    aiohttp_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(AWS_SECRET_ENV, "replay-test-secret")
    upstream = RecordingUpstream()
    server = await aiohttp_server(upstream.app())
    proxy = await make_proxy(str(server.make_url("")), settings=SETTINGS)
    url = URL(str(proxy.make_url("")).rstrip("/") + path, encoded=True)
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, url, data=data or None, headers={"Content-Type": ctype, **headers}) as r,
    ):
        text = await r.text()
        status = int(r.headers.get("X-PHI-Proxy-Status", r.status))
    assert 400 <= status < 500, (case, status, text[:300])
    text = without_request_ids(text)
    assert not phi_in(text) and "HIV" not in text  # refusals never echo the text
    assert upstream.requests == [], case


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (
            "/aws/sms-voice/",
            [
                ("Content-Type", AMZ),
                ("X-Amz-Target", "PinpointSMSVoiceV2.DescribePhoneNumbers"),
                ("X-Amz-Target", "PinpointSMSVoiceV2.SendTextMessage"),
            ],
        ),
        ("/v2/messages", [("Content-Type", JSON), ("Content-Type", "text/plain")]),
    ],
)
async def test_repeated_headers_the_proxy_reads_are_refused(
    path: str,
    headers: list[tuple[str, str]],
    make_proxy: Any,
    aiohttp_server: Any,
    monkeypatch: Any,
) -> None:
    from multidict import CIMultiDict

    monkeypatch.setenv(AWS_SECRET_ENV, "replay-test-secret")
    upstream = RecordingUpstream()
    server = await aiohttp_server(upstream.app())
    proxy = await make_proxy(str(server.make_url("")), settings=SETTINGS)
    body = {"to": "+15550100001", "text": HIV, "DestinationPhoneNumber": "+15550100001"}
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(path), data=json.dumps(body), headers=CIMultiDict(headers)) as r,
    ):
        assert r.status == 400
    assert upstream.requests == []
