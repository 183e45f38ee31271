"""A recording upstream that answers each provider's send the way that provider does.

The answers are what each official SDK needs to build its response object; the recorded
requests are what the proxy forwarded. For AWS it also checks the SigV4 signature the proxy
put on the request, with the credentials the proxy was configured with.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from aiohttp import web
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.fakes import catch_all


@dataclass
class Forwarded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool | None = None  # AWS only: did the proxy's SigV4 signature verify?


_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<signed>[^,]+), "
    r"Signature=(?P<sig>[0-9a-f]+)"
)


def verify_sigv4(
    method: str, url: str, headers: dict[str, str], body: bytes, creds: Credentials
) -> bool:
    """Recompute the SigV4 signature of a received request, as AWS would."""
    m = _AUTH.fullmatch(headers.get("Authorization", ""))
    if not m or m["key"] != creds.access_key:
        return False
    lower = {k.lower(): v for k, v in headers.items()}
    signed = {h: lower[h] for h in m["signed"].split(";") if h in lower}
    request = AWSRequest(method=method, url=url, data=body, headers=signed)
    request.context["timestamp"] = lower["x-amz-date"]
    auth = SigV4Auth(creds, m["service"], m["region"])
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    return bool(expected == m["sig"])


@dataclass
class ProviderUpstream:
    requests: list[Forwarded] = field(default_factory=list)
    aws_credentials: Credentials | None = None

    def app(self) -> web.Application:
        return catch_all(self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        rec = Forwarded(
            request.method, request.path, request.query_string, dict(request.headers), body
        )
        if self.aws_credentials is not None and "Authorization" in request.headers:
            url = f"http://{request.host}{request.path}"
            rec.signature_ok = verify_sigv4(
                request.method, url, rec.headers, body, self.aws_credentials
            )
        self.requests.append(rec)
        return self.answer(request, body)

    def answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        path, method = request.path, request.method
        if method != "POST":
            return web.json_response({"echo": path, "method": method})
        if path == "/sms/json":
            return web.json_response(
                {
                    "message-count": "1",
                    "messages": [
                        {
                            "to": "15550100001",
                            "message-id": "0A0000000123ABCD1",
                            "status": "0",
                            "remaining-balance": "3.14159265",
                            "message-price": "0.03330000",
                            "network": "12345",
                        }
                    ],
                }
            )
        if path == "/v1/messages":
            return web.json_response(
                {"message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"}, status=202
            )
        if path.startswith("/v1/Account/"):
            return web.json_response(
                {
                    "api_id": str(uuid.uuid4()),
                    "message": "message(s) queued",
                    "message_uuid": [str(uuid.uuid4())],
                },
                status=202,
            )
        if path.startswith("/v2/messages"):
            return web.json_response(
                {
                    "data": {
                        "id": "40385f64-5717-4562-b3fc-2c963f66afa6",
                        "record_type": "message",
                        "direction": "outbound",
                        "type": "SMS",
                        "text": "echo",
                    }
                }
            )
        if path in ("/messages", "/mms", "/voicemessages"):
            return web.json_response(
                {
                    "id": "e8077d803532c0b5937c639b60216938",
                    "href": "https://rest.messagebird.com/messages/e8077d803532c0b5937c639b60216938",
                    "direction": "mt",
                    "type": "sms",
                    "originator": "PhiClinic",
                    "body": "echo",
                    "reference": None,
                    "validity": None,
                    "gateway": 10,
                    "typeDetails": {},
                    "datacoding": "plain",
                    "mclass": 1,
                    "scheduledDatetime": None,
                    "createdDatetime": "2026-11-29T15:00:00+00:00",
                    "recipients": {
                        "totalCount": 1,
                        "totalSentCount": 1,
                        "totalDeliveredCount": 0,
                        "totalDeliveryFailedCount": 0,
                        "items": [
                            {
                                "recipient": 15550100001,
                                "status": "sent",
                                "statusDatetime": "2026-11-29T15:00:00+00:00",
                            }
                        ],
                    },
                },
                status=201,
            )
        if path.startswith("/xms/v1/"):
            return web.json_response(
                {
                    "id": "01FC66621XXXXX119Z8PMV1QPQ",
                    "to": ["15550100001"],
                    "from": "15550109999",
                    "canceled": False,
                    "body": "echo",
                    "type": "mt_text",
                    "created_at": "2026-11-29T15:00:00.000Z",
                    "modified_at": "2026-11-29T15:00:00.000Z",
                    "delivery_report": "none",
                    "flash_message": False,
                },
                status=201,
            )
        if request.headers.get("X-Amz-Target", "").startswith("PinpointSMSVoiceV2."):
            return web.json_response(
                {"MessageId": "aws-sms-message-id-1"}, content_type="application/x-amz-json-1.0"
            )
        if path == "/":  # SNS query protocol
            action = "Publish" if b"Action=PublishBatch" not in body else "PublishBatch"
            result = (
                "<MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>"
                if action == "Publish"
                else "<Successful><member><Id>1</Id><MessageId>m1</MessageId></member>"
                "</Successful><Failed/>"
            )
            xml = (
                f'<{action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
                f"<{action}Result>{result}</{action}Result>"
                "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>"
                f"</ResponseMetadata></{action}Response>"
            )
            return web.Response(text=xml, content_type="text/xml")
        return web.json_response({"generic": True, "path": path}, status=201)
