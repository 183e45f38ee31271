"""Read an inbound (mobile-originated) message out of each provider's webhook.

Only what opt-out handling needs: who wrote (``sender``, the patient's number), to which of the
customer's numbers (``recipient``), any messaging service / profile id it arrived through
(``services``) and the text. Anything that is not an inbound message (delivery receipts, status
callbacks) reads as None and is simply forwarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from proxy.webhooks.signatures import WebhookRequest, loads_unique


@dataclass(frozen=True)
class InboundMessage:
    sender: str
    recipient: str
    text: str
    services: tuple[str, ...] = ()
    #: the provider's id for this message; a replay or retry of it changes nothing twice
    message_id: str = ""


class BadWebhook(Exception):
    """The (verified) webhook could not be read; it is refused with 400."""


def _fields(req: WebhookRequest) -> dict[str, str]:
    """Form body or, for GET callbacks, query parameters: the same one parsed view the
    signature check used (a name sent twice was refused there)."""
    return req.params()


def _json(req: WebhookRequest) -> Any:
    try:
        return req.json()
    except (ValueError, UnicodeDecodeError):
        raise BadWebhook("body is not valid JSON") from None


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _message(
    sender: str, recipient: str, text: Any, *services: Any, message_id: Any = ""
) -> InboundMessage | None:
    if not sender or not isinstance(text, str):
        return None
    return InboundMessage(
        sender, recipient, text, tuple(s for s in services if _s(s)), _s(message_id)
    )


def twilio(req: WebhookRequest) -> InboundMessage | None:
    f = _fields(req)
    if "Body" not in f or f.get("MessageStatus") or f.get("SmsStatus") not in (None, "received"):
        return None
    return _message(
        f.get("From", ""),
        f.get("To", ""),
        f["Body"],
        f.get("MessagingServiceSid"),
        message_id=f.get("MessageSid") or f.get("SmsSid", ""),
    )


def plivo(req: WebhookRequest) -> InboundMessage | None:
    f = _fields(req)
    if "Text" not in f or f.get("Status"):
        return None
    return _message(
        f.get("From", ""),
        f.get("To", ""),
        f["Text"],
        f.get("PowerpackUUID"),
        message_id=f.get("MessageUUID", ""),
    )


def vonage(req: WebhookRequest) -> InboundMessage | None:
    if req.content_type == "application/json":
        d = _json(req)
        if not isinstance(d, dict):
            raise BadWebhook("body is not a JSON object")
        if "msisdn" in d:  # SMS API inbound as JSON
            return _message(
                _s(d.get("msisdn")), _s(d.get("to")), d.get("text"), message_id=d.get("messageId")
            )
        if d.get("status") or d.get("channel", "sms") != "sms" or "text" not in d:
            return None  # Messages API status webhook, or not SMS
        return _message(
            _s(d.get("from")), _s(d.get("to")), d.get("text"), message_id=d.get("message_uuid")
        )
    f = _fields(req)  # SMS API inbound: form POST or GET
    if "msisdn" not in f or "text" not in f:
        return None
    return _message(f["msisdn"], f.get("to", ""), f["text"], message_id=f.get("messageId", ""))


def telnyx(req: WebhookRequest) -> InboundMessage | None:
    d = _json(req)
    data = d.get("data") if isinstance(d, dict) else None
    if not isinstance(data, dict) or data.get("event_type") != "message.received":
        return None
    p = data.get("payload")
    if not isinstance(p, dict):
        raise BadWebhook("message.received without a payload")
    frm = p.get("from")
    sender = _s(frm.get("phone_number")) if isinstance(frm, dict) else ""
    to = p.get("to")
    recipient = ""
    if isinstance(to, list) and to and isinstance(to[0], dict):
        recipient = _s(to[0].get("phone_number"))
    return _message(
        sender, recipient, p.get("text"), p.get("messaging_profile_id"), message_id=p.get("id")
    )


def messagebird(req: WebhookRequest) -> InboundMessage | None:
    if req.content_type == "application/json":
        d = _json(req)
        if not isinstance(d, dict):
            raise BadWebhook("body is not a JSON object")
        f = {k: v if isinstance(v, str) else str(v) for k, v in d.items() if v is not None}
    else:
        f = _fields(req)
    if "body" not in f or "originator" not in f or f.get("status"):
        return None
    return _message(f["originator"], f.get("recipient", ""), f["body"], message_id=f.get("id", ""))


def sinch(req: WebhookRequest) -> InboundMessage | None:
    d = _json(req)
    if not isinstance(d, dict) or d.get("type") != "mo_text":
        return None
    return _message(_s(d.get("from")), _s(d.get("to")), d.get("body"), message_id=d.get("id"))


def aws(req: WebhookRequest) -> InboundMessage | None:
    """SNS notification carrying an AWS End User Messaging / Pinpoint two-way SMS message."""
    d = _json(req)
    if not isinstance(d, dict) or d.get("Type") != "Notification":
        return None
    try:
        m = loads_unique(_s(d.get("Message")))
    except ValueError:
        return None
    if not isinstance(m, dict):
        return None
    return _message(
        _s(m.get("originationNumber")),
        _s(m.get("destinationNumber")),
        m.get("messageBody"),
        message_id=m.get("inboundMessageId") or d.get("MessageId"),
    )


READERS: dict[str, Callable[[WebhookRequest], InboundMessage | None]] = {
    "twilio": twilio,
    "vonage": vonage,
    "telnyx": telnyx,
    "plivo": plivo,
    "messagebird": messagebird,
    "sinch": sinch,
    "aws": aws,
}
