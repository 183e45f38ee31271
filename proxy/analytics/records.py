"""From one proxied request to analytics rows: pseudonyms, coarse time, classes and counts.

Only de-identified values leave this module: HMAC pseudonyms (a key of their own, so analytics
cannot be joined to the audit log), truncated timestamps, entity types and counts, clinical
classes, segment counts, and the de-identified text when the policy keeps it.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models.findings import Finding
from proxy.analytics import clinical, segments
from proxy.analytics.deidentifier import Result
from proxy.audit.log import pseudonym
from proxy.policy.decide import Decision
from proxy.policy.model import Policy
from proxy.providers import Message


@dataclass(frozen=True)
class SendFacts:
    """What the handler knew about one request once it was answered (nothing is stored yet)."""

    provider: str
    messages: Sequence[Message]
    decisions: Sequence[Decision]
    findings: Sequence[Sequence[Finding]]  # first-pass findings, per message
    covered: frozenset[str]  # the entity types those findings were detected for
    policy: Policy
    upstream_status: int | None  # None: nothing was forwarded
    at: float  # epoch seconds
    sent: Sequence[str] | None = None  # what each message went out as, when forwarded


def truncate(ts: float, granularity: str) -> datetime:
    t = datetime.fromtimestamp(ts, UTC)
    if granularity == "minute":
        return t.replace(second=0, microsecond=0)
    if granularity == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    if granularity == "day":
        return t.replace(hour=0, minute=0, second=0, microsecond=0)
    if granularity == "year":
        return t.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    raise ValueError(f"unknown granularity {granularity!r}")


def delivery_status(upstream_status: int | None) -> str:
    """What the proxy itself knows; status callbacks may refine it later."""
    if upstream_status is None:
        return "blocked"
    return "accepted" if upstream_status < 400 else "rejected"


def clinical_classes(text: str, findings: Sequence[Finding], kind: str) -> list[str]:
    return clinical.classes(kind, (text[f.start : f.end] for f in findings if f.type == kind))


def message_rows(
    facts: SendFacts, results: Sequence[Result], key: bytes
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(analytics rows, held-back rows): one per message and recipient."""
    keep_text = facts.policy.analytics.keep_text
    when = truncate(facts.at, facts.policy.analytics.granularity)
    rows: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    for i, (m, d, r) in enumerate(zip(facts.messages, facts.decisions, results, strict=True)):
        base = {"ts": when.timestamp(), "day": when.date().isoformat(), "provider": facts.provider}
        if keep_text and r.held_back:
            for _ in m.to or ("",):
                held.append(
                    base
                    | {
                        "id": uuid.uuid4().hex,
                        "action": d.action.label,
                        "policy_version": d.policy_version,
                        "residual_types": json.dumps(list(r.residual_types)),
                    }
                )
            continue
        sent = _sent(facts, d, i)
        seg = segments.count(sent) if sent is not None else None
        counts = Counter(f.type for f in d.findings)
        common = base | {
            "decision_id": d.decision_id,
            "action": d.action.label,
            "enforce_action": d.would_action.label,
            "policy_version": d.policy_version,
            "entity_types": json.dumps(list(d.entity_types)),
            "entity_counts": json.dumps(dict(sorted(counts.items()))),
            "condition_classes": json.dumps(clinical_classes(m.text, r.findings, "CONDITION")),
            "medication_classes": json.dumps(clinical_classes(m.text, r.findings, "MEDICATION")),
            "encoding": seg.encoding if seg else "",
            "segments": seg.segments if seg else 0,
            "sender": pseudonym(m.sender, key) if m.sender else None,
            "upstream_status": facts.upstream_status,
            "delivery_status": delivery_status(facts.upstream_status),
            "text": r.text if keep_text else None,
        }
        for to in m.to or ("",):
            rows.append(
                common | {"id": uuid.uuid4().hex, "recipient": pseudonym(to, key) if to else None}
            )
    return rows, held


def _sent(facts: SendFacts, d: Decision, i: int) -> str | None:
    """The text that went upstream for message ``i``, or None when nothing was forwarded."""
    if facts.upstream_status is None:
        return None
    if facts.sent is not None and i < len(facts.sent):
        return facts.sent[i]
    return d.outgoing
