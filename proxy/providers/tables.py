"""The README's "What is inspected" tables, generated from the operation tables themselves.

``python -m proxy.providers.tables`` prints them; ``tests/test_readme.py`` fails when the README
and the tables differ, so the documentation cannot drift from what the proxy does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from proxy.providers.aws_sms import OPERATIONS_FIELDS as AWS_SMS_OPERATIONS
from proxy.providers.aws_sns import ACTIONS as AWS_SNS_ACTIONS
from proxy.providers.messagebird import MessageBird
from proxy.providers.operations import (
    AnyOf,
    Arr,
    Fields,
    Map,
    Obj,
    Operation,
    Refused,
    Scalar,
    Sender,
    Spec,
    Structured,
    Text,
    Url,
)
from proxy.providers.plivo import Plivo
from proxy.providers.sinch import Sinch
from proxy.providers.telnyx import Telnyx
from proxy.providers.twilio import Twilio
from proxy.providers.vonage_messages import VonageMessages
from proxy.providers.vonage_sms import VonageSms

_LABELS = {
    "text": "inspected, rewritten",
    "structured": "inspected as sent (a finding blocks)",
    "media": "URL: host on `media_hosts`, path+query inspected",
    "callback": "URL: host on `callback_hosts`, path+query inspected",
    "sender": "sender ID inspected (numbers pass)",
    "refused": "refused",
    "scalar": "typed value (validated)",
}


def display_path(path: str) -> str:
    """``/A/{Sid:AC[0-9a-f]{32}}.json`` → ``/A/{Sid}.json``."""
    out, i = "", 0
    while i < len(path):
        if path[i] != "{":
            out += path[i]
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(path[j], 0)
            j += 1
        out += "{" + path[i + 1 : j - 1].partition(":")[0] + "}"
        i = j
    return out


def _kinds(spec: Spec, name: str, out: dict[str, list[str]]) -> None:
    if isinstance(spec, Text):
        out["text"].append(name)
    elif isinstance(spec, Structured):
        out["structured"].append(name)
    elif isinstance(spec, Url):
        out[spec.purpose].append(name)
    elif isinstance(spec, Sender):
        out["sender"].append(name)
    elif isinstance(spec, Refused):
        out["refused"].append(name)
    elif isinstance(spec, Scalar):
        out["scalar"].append(name)
    elif isinstance(spec, Obj):
        for k, v in spec.fields.items():
            _kinds(v, f"{name}.{k}", out)
    elif isinstance(spec, Arr):
        _kinds(spec.item, f"{name}[*]", out)
    elif isinstance(spec, Map):
        _kinds(spec.key, f"{name} keys", out)
        _kinds(spec.value, f"{name}.*", out)
    elif isinstance(spec, AnyOf):
        for option in spec.options:
            _kinds(option, name, out)


def describe(fields: Fields) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in _LABELS}
    for name, spec in fields.named.items():
        _kinds(spec, name, out)
    for pattern, spec in fields.patterns:
        readable = re.sub(r"\\\.", ".", pattern).replace("[1-9][0-9]{0,3}", "N")
        _kinds(spec, readable, out)
    return {k: list(dict.fromkeys(v)) for k, v in out.items() if v}


def _cell(fields: Fields) -> str:
    parts = []
    described = describe(fields)
    nested = any(n.startswith("failover[*].") for names in described.values() for n in names)
    for kind, all_names in described.items():
        names = [n for n in all_names if not n.startswith("failover[*].")]
        if kind == "scalar":
            parts.append(f"{len(names)} typed fields")
        else:
            parts.append(f"{_LABELS[kind]}: " + ", ".join(f"`{n}`" for n in names))
    if nested:
        parts.append("each `failover[*]` entry: the same as the message")
    return "; ".join(parts) or "—"


def _rows(ops: Iterable[Operation]) -> list[str]:
    rows = []
    for op in ops:
        route = f"`{op.method} {display_path(op.path)}`"
        if op.optional:
            route += f" (off unless `providers.enable: [{op.optional}]`)"
        if op.kind == "read":
            query = ", ".join(f"`{q}`" for q in op.query.named) or "none"
            rows.append(f"| {route} | read: no body; typed query parameters: {query} |")
        else:
            extra = f"; query: {', '.join(op.query.named)}" if op.query.named else ""
            rows.append(f"| {route} | {_cell(op.fields)}{extra} |")
    return rows


def _action_rows(label: str, table: Mapping[str, Fields], sends: Iterable[str]) -> list[str]:
    rows = []
    for action, fields in table.items():
        kind = "send" if action in sends else "read"
        cell = _cell(fields) if kind == "send" else "text-free look-up; every field typed"
        rows.append(f"| `POST /` `{label}{action}` | {cell} |")
    return rows


def markdown() -> str:
    """Every provider's table, in README order."""
    sections: list[tuple[str, list[str]]] = [
        ("Twilio (`twilio`)", _rows(Twilio.operations)),
        ("Vonage SMS (`vonage_sms`)", _rows(VonageSms.operations)),
        ("Vonage Messages (`vonage_messages`)", _rows(VonageMessages.operations)),
        ("Plivo (`plivo`)", _rows(Plivo.operations)),
        ("Telnyx (`telnyx`)", _rows(Telnyx.operations)),
        ("MessageBird (`messagebird`)", _rows(MessageBird.operations)),
        ("Sinch (`sinch`)", _rows(Sinch.operations)),
        (
            "AWS SNS (`aws_sns`, at `/aws/sns`)",
            _action_rows("Action=", AWS_SNS_ACTIONS, ("Publish", "PublishBatch")),
        ),
        (
            "AWS End User Messaging SMS (`aws_sms`, at `/aws/sms-voice`)",
            _action_rows(
                "X-Amz-Target: PinpointSMSVoiceV2.",
                AWS_SMS_OPERATIONS,
                ("SendTextMessage", "SendMediaMessage", "SendVoiceMessage"),
            ),
        ),
    ]
    out = []
    for title, rows in sections:
        out.append(f"#### {title}\n\n| route | fields → treatment |\n| --- | --- |")
        out.extend(rows)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
