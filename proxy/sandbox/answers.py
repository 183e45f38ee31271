"""How each provider answers a send, for the local sandbox.

One function per provider API: it reads the request the proxy forwarded and returns what the
real provider would answer (status and body in the shape its official SDK parses), plus the
recipients and texts it found, for the sandbox's record. Identifiers are random, amounts fake.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"


@dataclass
class Answer:
    """The provider's reply and what the sandbox records about the request."""

    response: web.Response
    to: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """A received request, its body already parsed (form fields or JSON)."""

    method: str
    path: str
    match: Mapping[str, str]
    headers: Mapping[str, str]
    fields: Any  # dict[str, str] for forms, the decoded JSON otherwise
    form: list[tuple[str, str]]  # every form pair, repeated fields included


def parse(method: str, path: str, match: Mapping[str, str], headers: Any, raw: bytes) -> Request:
    ctype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    form: list[tuple[str, str]] = []
    fields: Any = {}
    text = raw.decode("utf-8", "replace")
    if "json" in ctype or (not ctype and text.lstrip().startswith(("{", "["))):
        try:
            fields = json.loads(text) if text.strip() else {}
        except ValueError:
            fields = {"_unparsed": text}
    elif text:
        form = parse_qsl(text, keep_blank_values=True)
        fields = dict(form)
    return Request(method, path, dict(match), dict(headers), fields, form)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(ms: bool = False) -> str:
    now = _now()
    if ms:
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return now.isoformat(timespec="seconds")


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _get(fields: Any, key: str) -> Any:
    return fields.get(key) if isinstance(fields, dict) else None


# --- Twilio ----------------------------------------------------------------------------------


def twilio_send(req: Request) -> Answer:
    form = req.fields if isinstance(req.fields, dict) else {}
    now = format_datetime(_now())
    sid = "SM" + secrets.token_hex(16)
    account = req.match.get("account_sid", "")
    media = [v for k, v in req.form if k == "MediaUrl"]
    body = {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": form.get("Body", ""),
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": str(len(media)),
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }
    return Answer(
        web.json_response(body, status=201),
        _str_list(form.get("To")),
        _str_list(form.get("Body")),
    )


# --- Vonage ----------------------------------------------------------------------------------


def vonage_sms(req: Request) -> Answer:
    to = str(_get(req.fields, "to") or "")
    text = _get(req.fields, "text")
    body = {
        "message-count": "1",
        "messages": [
            {
                "to": to,
                "message-id": secrets.token_hex(8).upper(),
                "status": "0",
                "remaining-balance": "10.00000000",
                "message-price": "0.00000000",
                "network": "00000",
                **(
                    {"client-ref": _get(req.fields, "client-ref")}
                    if _get(req.fields, "client-ref")
                    else {}
                ),
            }
        ],
    }
    return Answer(web.json_response(body), [to], _str_list(text))


_VONAGE_CAPTIONED = ("image", "video", "audio", "file", "vcard")


def _vonage_texts(message: Any) -> list[str]:
    if not isinstance(message, dict):
        return []
    texts = _str_list(message.get("text"))
    for kind in _VONAGE_CAPTIONED:
        part = message.get(kind)
        if isinstance(part, dict) and part.get("caption"):
            texts.append(str(part["caption"]))
    for item in message.get("content") or []:
        if isinstance(item, dict) and item.get("caption"):
            texts.append(str(item["caption"]))
    for fallback in message.get("failover") or []:
        texts.extend(_vonage_texts(fallback))
    return texts


def vonage_messages(req: Request) -> Answer:
    body: dict[str, Any] = {"message_uuid": str(uuid.uuid4())}
    if isinstance(req.fields, dict) and req.fields.get("failover"):
        body["workflow_id"] = str(uuid.uuid4())
    return Answer(
        web.json_response(body, status=202),
        _str_list(_get(req.fields, "to")),
        _vonage_texts(req.fields),
    )


# --- Plivo -----------------------------------------------------------------------------------


def plivo_message(req: Request) -> Answer:
    dst = str(_get(req.fields, "dst") or "")
    to = [d for d in dst.split("<") if d]
    body = {
        "api_id": str(uuid.uuid4()),
        "message": "message(s) queued",
        "message_uuid": [str(uuid.uuid4()) for _ in to or [dst]],
    }
    return Answer(web.json_response(body, status=202), to, _str_list(_get(req.fields, "text")))


def plivo_speak(req: Request) -> Answer:
    body: dict[str, Any] = {"api_id": str(uuid.uuid4()), "message": "speak started"}
    if "member" in req.match:
        body = {
            "api_id": body["api_id"],
            "message": "speak queued into conference",
            "member_id": [req.match["member"]],
        }
    return Answer(web.json_response(body, status=202), [], _str_list(_get(req.fields, "text")))


# --- Telnyx ----------------------------------------------------------------------------------


def telnyx_send(req: Request) -> Answer:
    f = req.fields if isinstance(req.fields, dict) else {}
    to = _str_list(f.get("to"))
    now = _iso()
    data = {
        "record_type": "message",
        "id": str(uuid.uuid4()),
        "direction": "outbound",
        "type": "MMS" if f.get("media_urls") or f.get("subject") else "SMS",
        "messaging_profile_id": f.get("messaging_profile_id"),
        "from": {"phone_number": f.get("from"), "carrier": "Sandbox", "line_type": "Wireless"},
        "to": [
            {"phone_number": n, "status": "queued", "carrier": "Sandbox", "line_type": "Wireless"}
            for n in to
        ],
        "text": f.get("text"),
        "subject": f.get("subject"),
        "media": [{"url": u} for u in f.get("media_urls") or []],
        "webhook_url": f.get("webhook_url"),
        "encoding": "GSM-7",
        "parts": 1,
        "tags": [],
        "cost": None,
        "received_at": now,
        "sent_at": None,
        "completed_at": None,
        "valid_until": None,
        "errors": [],
    }
    texts = [t for t in (f.get("subject"), f.get("text")) if t]
    return Answer(web.json_response({"data": data}), to, [str(t) for t in texts])


# --- MessageBird -----------------------------------------------------------------------------


def messagebird_send(req: Request) -> Answer:
    f = req.fields if isinstance(req.fields, dict) else {}
    raw = f.get("recipients")
    to = [r.strip() for r in raw.split(",")] if isinstance(raw, str) else _str_list(raw)
    mid = secrets.token_hex(16)
    kind = req.path.strip("/")
    now = _iso()
    items = [
        {"recipient": int(n) if n.isdigit() else n, "status": "sent", "statusDatetime": now}
        for n in to
    ]
    body: dict[str, Any] = {
        "id": mid,
        "href": f"https://rest.messagebird.com/{kind}/{mid}",
        "originator": f.get("originator"),
        "body": f.get("body"),
        "reference": f.get("reference"),
        "scheduledDatetime": None,
        "createdDatetime": now,
        "recipients": {
            "totalCount": len(to),
            "totalSentCount": len(to),
            "totalDeliveredCount": 0,
            "totalDeliveryFailedCount": 0,
            "items": items,
        },
    }
    if kind == "messages":
        body |= {
            "direction": "mt",
            "type": f.get("type", "sms"),
            "validity": None,
            "gateway": 10,
            "typeDetails": {},
            "datacoding": f.get("datacoding", "plain"),
            "mclass": 1,
        }
    elif kind == "mms":
        body |= {"direction": "mt", "subject": f.get("subject"), "mediaUrls": f.get("mediaUrls")}
    else:  # voicemessages
        body |= {"language": f.get("language", "en-gb"), "voice": "female", "repeat": 1}
        body |= {"ifMachine": "continue", "machineTimeout": 7000}
    texts = [t for t in (f.get("subject"), f.get("body")) if t]
    return Answer(web.json_response(body, status=201), to, [str(t) for t in texts])


# --- Sinch -----------------------------------------------------------------------------------


def _sinch_texts(f: Mapping[str, Any]) -> list[str]:
    body = f.get("body")
    texts: list[str] = []
    if isinstance(body, dict):  # mt_media
        texts += [str(body[k]) for k in ("subject", "message") if body.get(k)]
    elif body:
        texts.append(str(body))
    for per in (f.get("parameters") or {}).values():
        if isinstance(per, dict):
            texts += [str(v) for v in per.values()]
    return texts


def sinch_batch(req: Request) -> Answer:
    f = req.fields if isinstance(req.fields, dict) else {}
    to = _str_list(f.get("to"))
    texts = _sinch_texts(f)
    batch_id = req.match.get("batch_id")
    if batch_id == "dry_run":
        body: dict[str, Any] = {
            "number_of_recipients": len(to),
            "number_of_messages": len(to),
            "per_recipient": [
                {
                    "recipient": n,
                    "number_of_parts": 1,
                    "body": texts[0] if texts else "",
                    "encoding": "text",
                }
                for n in to
            ],
        }
        return Answer(web.json_response(body), to, texts)
    now = _iso(ms=True)
    body = {
        "id": batch_id or "01" + secrets.token_hex(12).upper(),
        "to": to,
        "from": f.get("from"),
        "canceled": False,
        "body": f.get("body"),
        "type": f.get("type", "mt_text"),
        "created_at": now,
        "modified_at": now,
        "delivery_report": f.get("delivery_report", "none"),
        "flash_message": bool(f.get("flash_message", False)),
    }
    if f.get("parameters"):
        body["parameters"] = f["parameters"]
    return Answer(web.json_response(body, status=200 if batch_id else 201), to, texts)


# --- AWS -------------------------------------------------------------------------------------


def aws_sns(req: Request) -> Answer:
    f = req.fields if isinstance(req.fields, dict) else {}
    action = f.get("Action", "")
    request_id = str(uuid.uuid4())
    if action == "Publish":
        to = [str(f[k]) for k in ("PhoneNumber", "TopicArn", "TargetArn") if f.get(k)]
        texts = [str(f[k]) for k in ("Subject", "Message") if f.get(k)]
        result = f"<MessageId>{uuid.uuid4()}</MessageId>"
    elif action == "PublishBatch":
        to = _str_list(f.get("TopicArn"))
        ids = [
            v
            for k, v in req.form
            if k.startswith("PublishBatchRequestEntries.member.") and k.endswith(".Id")
        ]
        texts = [v for k, v in req.form if k.endswith(".Message") or k.endswith(".Subject")]
        members = "".join(
            f"<member><Id>{_xml(i)}</Id><MessageId>{uuid.uuid4()}</MessageId></member>" for i in ids
        )
        result = f"<Successful>{members}</Successful><Failed/>"
    else:
        xml = (
            f'<ErrorResponse xmlns="{SNS_NS}"><Error><Type>Sender</Type>'
            "<Code>InvalidAction</Code><Message>The phi-proxy sandbox answers Publish and "
            f"PublishBatch only</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        )
        return Answer(web.Response(status=400, text=xml, content_type="text/xml"))
    xml = (
        f'<{action}Response xmlns="{SNS_NS}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Answer(web.Response(text=xml, content_type="text/xml"), to, texts)


AWS_SMS_SENDS = ("SendTextMessage", "SendMediaMessage", "SendVoiceMessage")


def aws_sms(req: Request) -> Answer:
    operation = req.headers.get("X-Amz-Target", "").rpartition(".")[2]
    if operation not in AWS_SMS_SENDS:
        return Answer(
            web.json_response(
                {
                    "__type": "ValidationException",
                    "message": "The phi-proxy sandbox answers Send{Text,Media,Voice}Message only",
                },
                status=400,
                content_type="application/x-amz-json-1.0",
            )
        )
    f = req.fields if isinstance(req.fields, dict) else {}
    return Answer(
        web.json_response(
            {"MessageId": str(uuid.uuid4())}, content_type="application/x-amz-json-1.0"
        ),
        _str_list(f.get("DestinationPhoneNumber")),
        _str_list(f.get("MessageBody")),
    )


def aws_root(req: Request) -> tuple[str, Answer]:
    """Both AWS APIs ``POST /`` on their own hosts; the sandbox serves both at one ``/``."""
    if "X-Amz-Target" in req.headers:
        return "aws_sms", aws_sms(req)
    return "aws_sns", aws_sns(req)


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


Answerer = Callable[[Request], Answer]

#: (provider, method, path pattern, answer); mounted AWS paths are added by the sandbox app.
SENDS: tuple[tuple[str, str, str, Answerer], ...] = (
    ("twilio", "POST", "/2010-04-01/Accounts/{account_sid}/Messages.json", twilio_send),
    ("vonage_sms", "POST", "/sms/json", vonage_sms),
    ("vonage_messages", "POST", "/v1/messages", vonage_messages),
    ("plivo", "POST", "/v1/Account/{auth_id}/Message/", plivo_message),
    ("plivo", "POST", "/v1/Account/{auth_id}/Message", plivo_message),
    ("plivo", "POST", "/v1/Account/{auth_id}/Call/{call_uuid}/Speak/", plivo_speak),
    (
        "plivo",
        "POST",
        "/v1/Account/{auth_id}/Conference/{conference}/Member/{member}/Speak/",
        plivo_speak,
    ),
    ("telnyx", "POST", "/v2/messages", telnyx_send),
    ("telnyx", "POST", "/v2/messages/{kind}", telnyx_send),
    ("messagebird", "POST", "/messages", messagebird_send),
    ("messagebird", "POST", "/mms", messagebird_send),
    ("messagebird", "POST", "/voicemessages", messagebird_send),
    ("sinch", "POST", "/xms/v1/{service_plan_id}/batches", sinch_batch),
    ("sinch", "POST", "/xms/v1/{service_plan_id}/batches/{batch_id}", sinch_batch),
    ("sinch", "PUT", "/xms/v1/{service_plan_id}/batches/{batch_id}", sinch_batch),
    ("aws_sns", "POST", "/aws/sns", aws_sns),
    ("aws_sns", "POST", "/aws/sns/", aws_sns),
    ("aws_sms", "POST", "/aws/sms-voice", aws_sms),
    ("aws_sms", "POST", "/aws/sms-voice/", aws_sms),
)
