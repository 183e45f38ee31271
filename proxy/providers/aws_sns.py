"""Amazon SNS query API (``POST sns.{region}.amazonaws.com/``, form ``Action=...``).

Inspected: ``Publish`` (``Message``, ``Subject``; with ``MessageStructure=json`` every string in
the per-protocol JSON) to a phone number, topic or endpoint — a topic can fan out to phones —
and ``PublishBatch`` entries. Other actions carry no outbound text and go through. Every request
is re-signed with the proxy's own credentials (:mod:`proxy.providers.aws_signing`).

Errors: the query protocol's XML ``ErrorResponse``; botocore raises ``ClientError`` (or the
modeled exception for its code) with our ``Code`` and ``Message``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from aiohttp import web

from proxy.providers.aws_base import AwsProvider
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Route
from proxy.providers.bodies import form_fields, load_form, parse_json_object, rewrite_form, single

INVALID = "InvalidParameter"
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
    routes = (Route("POST", "/"),)

    blocked_code = "PhiBlocked"
    unavailable_code = "ServiceUnavailable"
    bad_request_code = INVALID
    #: SNS: an SMS message up to 1,600 characters
    max_text_chars = 1600
    text_too_long_code = bad_request_code
    opted_out_code = "OptedOut"

    def parse(self, req: Incoming) -> Parsed:
        self.check_request(req, INVALID)
        pairs = load_form(req, INVALID)
        fields = form_fields(pairs)
        action = single(fields, "Action", INVALID)
        messages: list[Message] = []
        spots: list[_Spot] = []
        if action == "Publish":
            to = next(
                (fields[k][0] for k in ("PhoneNumber", "TargetArn", "TopicArn") if k in fields), ""
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
        for i, (k, v) in enumerate(pairs):
            if k == prefix + "Subject":
                messages.append(Message(v, (to,), "", self.name, k))
                spots.append(_Spot(i))
            elif k == prefix + "Message" and structure == "json":
                doc = parse_json_object(v.encode("utf-8"), INVALID)
                for key, text in doc.items():
                    if not isinstance(text, str):
                        raise BadRequest(f"{k}: value for {key!r} must be a string", INVALID)
                    messages.append(Message(text, (to,), "", self.name, f"{k}[{key}]"))
                    spots.append(_Spot(i, key))
            elif k == prefix + "Message":
                messages.append(Message(v, (to,), "", self.name, k))
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

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
            f"<Error><Type>{kind}</Type><Code>{escape(str(code))}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return web.Response(status=status, text=body, content_type="text/xml")
