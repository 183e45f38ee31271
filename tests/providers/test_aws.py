"""AWS SNS Publish and End User Messaging SMS: ``boto3`` (``endpoint_url``) → proxy → upstream.

The upstream checks the SigV4 signature it receives against the PROXY's credentials: the
client's own signature must never reach AWS (it no longer matches a rewritten body).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import boto3
import pytest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from proxy.providers.config import AwsConfig, ProvidersConfig
from proxy.settings import Settings
from tests.providers.conftest import ADMIN, CLINICAL, REDACTED, WITH_NAME, base
from tests.support.fakes import RaisingDetector
from tests.support.provider_upstream import verify_sigv4

SECRET_ENV = "PHI_PROXY_TEST_AWS_SECRET"
PROXY_KEY, PROXY_SECRET = "AKIDPHIPROXYTEST0001", "proxy-secret-for-tests-only"
AWS = Settings(
    providers=ProvidersConfig(
        aws=AwsConfig(access_key_id=PROXY_KEY, secret_access_key_env=SECRET_ENV)
    )
)


@pytest.fixture
async def aws_proxy(make_proxy, provider_server, provider_upstream, monkeypatch) -> Any:
    monkeypatch.setenv(SECRET_ENV, PROXY_SECRET)
    provider_upstream.aws_credentials = Credentials(PROXY_KEY, PROXY_SECRET)
    return await make_proxy(str(provider_server.make_url("")), settings=AWS)


def client(service: str, proxy: Any, mount: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=base(proxy) + mount,
        aws_access_key_id="AKIDCLIENTKEY0000001",
        aws_secret_access_key="client-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def sns(proxy: Any) -> Any:
    return client("sns", proxy, "/aws/sns")


def sms(proxy: Any) -> Any:
    return client("pinpoint-sms-voice-v2", proxy, "/aws/sms-voice")


def form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}


def assert_resigned(fwd: Any) -> None:
    assert fwd.path == "/"
    assert f"Credential={PROXY_KEY}/" in fwd.headers["Authorization"]
    assert "AKIDCLIENTKEY" not in json.dumps(fwd.headers)
    assert fwd.signature_ok is True


# --- SNS (query protocol) ---------------------------------------------------------------


async def test_sns_publish_admin_text_is_re_signed_and_answered(aws_proxy, provider_upstream):
    resp = await asyncio.to_thread(
        sns(aws_proxy).publish, PhoneNumber="+15550100001", Message=ADMIN
    )
    assert resp["MessageId"] == "94f20ce6-13c5-43a0-9a9e-ca52d816e90b"
    (fwd,) = provider_upstream.requests
    assert form(fwd.body)["Message"] == ADMIN
    assert_resigned(fwd)


async def test_sns_publish_redacts_and_keeps_attributes(aws_proxy, provider_upstream):
    await asyncio.to_thread(
        sns(aws_proxy).publish,
        PhoneNumber="+15550100001",
        Message=WITH_NAME,
        MessageAttributes={
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "PhiClinic"},
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        },
    )
    (fwd,) = provider_upstream.requests
    sent = form(fwd.body)
    assert sent["Message"] == REDACTED and sent["PhoneNumber"] == "+15550100001"
    assert sent["MessageAttributes.entry.1.Value.StringValue"] == "PhiClinic"
    assert sent["MessageAttributes.entry.2.Value.StringValue"] == "Transactional"
    assert_resigned(fwd)


async def test_sns_json_message_structure_is_inspected_per_protocol(aws_proxy, provider_upstream):
    message = json.dumps({"default": ADMIN, "sms": WITH_NAME})
    await asyncio.to_thread(
        sns(aws_proxy).publish,
        TopicArn="arn:aws:sns:us-east-1:123456789012:reminders",
        Message=message,
        MessageStructure="json",
    )
    sent = form(provider_upstream.requests[0].body)
    assert json.loads(sent["Message"]) == {"default": ADMIN, "sms": REDACTED}
    assert sent["MessageStructure"] == "json"


async def test_sns_clinical_text_raises_client_error(aws_proxy, provider_upstream):
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(
            sns(aws_proxy).publish, PhoneNumber="+15550100001", Message=CLINICAL
        )
    err = exc.value.response["Error"]
    assert err["Code"] == "PhiBlocked" and "CONDITION" in err["Message"]
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert provider_upstream.requests == []


async def test_sns_publish_batch_entries_are_inspected(aws_proxy, provider_upstream):
    entries = [{"Id": "1", "Message": ADMIN}, {"Id": "2", "Message": CLINICAL}]
    with pytest.raises(ClientError):
        await asyncio.to_thread(
            sns(aws_proxy).publish_batch,
            TopicArn="arn:aws:sns:us-east-1:123456789012:reminders",
            PublishBatchRequestEntries=entries,
        )
    assert provider_upstream.requests == []
    entries[1]["Message"] = WITH_NAME
    await asyncio.to_thread(
        sns(aws_proxy).publish_batch,
        TopicArn="arn:aws:sns:us-east-1:123456789012:reminders",
        PublishBatchRequestEntries=entries,
    )
    sent = form(provider_upstream.requests[0].body)
    assert sent["PublishBatchRequestEntries.member.1.Message"] == ADMIN
    assert sent["PublishBatchRequestEntries.member.2.Message"] == REDACTED


async def test_sns_other_actions_are_re_signed_and_forwarded(aws_proxy, provider_upstream):
    await asyncio.to_thread(
        sns(aws_proxy).publish, PhoneNumber="+15550100001", Message=ADMIN
    )  # warm-up: then a non-text action
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            aws_proxy.make_url("/aws/sns"),
            data="Action=ListTopics&Version=2010-03-31",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        ) as r,
    ):
        assert r.status == 200
    assert_resigned(provider_upstream.requests[-1])


async def test_aws_without_credentials_is_refused(make_proxy, provider_server, provider_upstream):
    proxy = await make_proxy(str(provider_server.make_url("")))
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(sns(proxy).publish, PhoneNumber="+15550100001", Message=ADMIN)
    assert exc.value.response["Error"]["Code"] == "AuthorizationError"
    assert "no AWS credentials" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(
            sms(proxy).send_text_message, DestinationPhoneNumber="+15550100001", MessageBody=ADMIN
        )
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"Action=Publish&PhoneNumber=%2B15550100001&Version=2010-03-31", None),
        (b"Action=Publish&PhoneNumber=%2B15550100001&Message=hi", "application/json"),
        (b"Action=Publish&PhoneNumber=%2B15550100001&Message=%FF%FE", None),
        (
            b"Action=Publish&PhoneNumber=%2B1&Message=hi&Message=Maria",
            None,
        ),
        (
            b"Action=Publish&PhoneNumber=%2B1&MessageStructure=json&Message=%7B%22sms%22",
            None,
        ),
    ],
    ids=[
        "missing-message",
        "wrong-content-type",
        "bad-utf8",
        "two-messages",
        "broken-json-structure",
    ],
)
async def test_sns_bad_requests_get_xml_errors_and_nothing_is_sent(
    aws_proxy, provider_upstream, data, content_type
):
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            aws_proxy.make_url("/aws/sns/"),
            data=data,
            headers={"Content-Type": content_type or "application/x-www-form-urlencoded"},
        ) as r,
    ):
        assert r.status == 400
        text = await r.text()
    assert text.startswith("<ErrorResponse") and "<Code>InvalidParameter</Code>" in text
    assert provider_upstream.requests == []


# --- End User Messaging SMS (JSON 1.0 protocol) -------------------------------------------


async def test_sms_voice_send_text_message_redacted_and_re_signed(aws_proxy, provider_upstream):
    resp = await asyncio.to_thread(
        sms(aws_proxy).send_text_message,
        DestinationPhoneNumber="+15550100001",
        OriginationIdentity="+15550109999",
        MessageBody=WITH_NAME,
        MessageType="TRANSACTIONAL",
        Context={"visit": "42"},
    )
    assert resp["MessageId"] == "aws-sms-message-id-1"
    (fwd,) = provider_upstream.requests
    assert fwd.headers["X-Amz-Target"] == "PinpointSMSVoiceV2.SendTextMessage"
    sent = json.loads(fwd.body)
    assert sent == {
        "DestinationPhoneNumber": "+15550100001",
        "OriginationIdentity": "+15550109999",
        "MessageBody": REDACTED,
        "MessageType": "TRANSACTIONAL",
        "Context": {"visit": "42"},
    }
    assert_resigned(fwd)


async def test_sms_voice_admin_text_is_byte_identical(aws_proxy, provider_upstream):
    await asyncio.to_thread(
        sms(aws_proxy).send_text_message, DestinationPhoneNumber="+15550100001", MessageBody=ADMIN
    )
    (fwd,) = provider_upstream.requests
    assert json.loads(fwd.body)["MessageBody"] == ADMIN
    assert_resigned(fwd)


async def test_sms_voice_clinical_raises_client_error(aws_proxy, provider_upstream):
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(
            sms(aws_proxy).send_voice_message,
            DestinationPhoneNumber="+15550100001",
            OriginationIdentity="+15550109999",
            MessageBody=CLINICAL,
        )
    assert exc.value.response["Error"]["Code"] == "PhiBlockedException"
    assert "CONDITION" in exc.value.response["Error"]["Message"]
    assert provider_upstream.requests == []


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        (
            b'{"DestinationPhoneNumber": "+15550100001"}',
            "application/x-amz-json-1.0",
            "ValidationException",
        ),
        (
            b'{"DestinationPhoneNumber": "+1", "MessageBody": "hi"}',
            "application/json",
            "SerializationException",
        ),
        (
            b'{"DestinationPhoneNumber": "+1", "MessageBody": "Maria',
            "application/x-amz-json-1.0",
            "SerializationException",
        ),
    ],
    ids=["missing-body", "wrong-content-type", "broken-json"],
)
async def test_sms_voice_bad_requests_get_json_errors(
    aws_proxy, provider_upstream, data, content_type, code
):
    headers = {"Content-Type": content_type, "X-Amz-Target": "PinpointSMSVoiceV2.SendTextMessage"}
    async with (
        aiohttp.ClientSession() as s,
        s.post(aws_proxy.make_url("/aws/sms-voice/"), data=data, headers=headers) as r,
    ):
        assert r.status == 400
        body = json.loads(await r.read())
    assert body["__type"] == code and body["message"]
    assert provider_upstream.requests == []


async def test_sms_voice_other_operations_pass_re_signed(aws_proxy, provider_upstream):
    resp = await asyncio.to_thread(sms(aws_proxy).describe_phone_numbers)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    (fwd,) = provider_upstream.requests
    assert fwd.headers["X-Amz-Target"] == "PinpointSMSVoiceV2.DescribePhoneNumbers"
    assert_resigned(fwd)


async def test_upstream_signature_check_can_fail(aws_proxy, provider_upstream):
    """The fake AWS really verifies: the same request with a changed body does not."""
    await asyncio.to_thread(
        sms(aws_proxy).send_text_message, DestinationPhoneNumber="+15550100001", MessageBody=ADMIN
    )
    (fwd,) = provider_upstream.requests
    url = f"http://{fwd.headers['Host']}/"
    creds = Credentials(PROXY_KEY, PROXY_SECRET)
    assert verify_sigv4("POST", url, fwd.headers, fwd.body, creds)
    assert not verify_sigv4(
        "POST", url, fwd.headers, fwd.body.replace(b"Reminder", b"Remindex"), creds
    )
    assert not verify_sigv4("POST", url, fwd.headers, fwd.body, Credentials(PROXY_KEY, "wrong"))


async def test_unavailable_raises_client_errors(
    make_proxy, provider_server, provider_upstream, monkeypatch
):
    monkeypatch.setenv(SECRET_ENV, PROXY_SECRET)
    proxy = await make_proxy(
        str(provider_server.make_url("")), settings=AWS, detector_=RaisingDetector()
    )
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(sns(proxy).publish, PhoneNumber="+15550100001", Message=ADMIN)
    assert exc.value.response["Error"]["Code"] == "ServiceUnavailable"
    with pytest.raises(ClientError) as exc:
        await asyncio.to_thread(
            sms(proxy).send_text_message, DestinationPhoneNumber="+15550100001", MessageBody=ADMIN
        )
    assert exc.value.response["Error"]["Code"] == "ServiceUnavailableException"
    assert "not sent" in exc.value.response["Error"]["Message"]
    assert provider_upstream.requests == []
