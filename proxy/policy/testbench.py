"""The policy test bench: one text through detection and a (draft) policy, shown in full.

Used by the console ("paste a text, see what leaves"), the API and ``phi-proxy policy test`` /
``policy diff``. The same :func:`proxy.policy.decide.decide` as the proxy, so what it shows is what
the proxy would forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from models.findings import Finding
from proxy.detection.service import TextDetector
from proxy.policy.custom import PolicyDetector
from proxy.policy.decide import Decision, decide
from proxy.policy.model import Action, Policy
from proxy.policy.notice import PREVIEW_LINK, NoticeTooLong, compose

MAX_TEXT = 5000


def report(text: str, findings: Sequence[Finding], policy: Policy) -> dict[str, Any]:
    """Findings (acting or not, and why), the decision and the text that would leave."""
    d = decide(text, findings, policy)
    acting = set(d.findings)
    rows = []
    for f in findings:
        rule = policy.rule_for(f.type)
        rows.append(
            {
                **f.as_dict(),
                "text": text[f.start : f.end],
                "source": f.source,
                "rule": {"action": rule.action.label, "min_score": rule.min_score},
                "acts": f in acting,
            }
        )
    return {
        "policy_version": policy.version,
        "policy_view": policy.view,
        "mode": policy.mode,
        "action": d.action.label,
        "would_action": d.would_action.label,
        "entity_types": list(d.entity_types),
        "findings": rows,
        "forwarded": d.action not in (Action.BLOCK, Action.PORTAL),
        "outgoing": outgoing(d, policy, text, findings),
    }


def outgoing(
    d: Decision, policy: Policy, text: str = "", findings: Sequence[Finding] = ()
) -> str | None:
    """The text the provider would receive (a portal notice preview for portal; None if blocked)."""
    if d.action == Action.PORTAL:
        try:
            return compose(
                policy, text=text, findings=findings, acting=d.findings, link=PREVIEW_LINK
            )
        except NoticeTooLong:
            return None
    if d.action == Action.BLOCK:
        return None
    return d.outgoing


def evaluate_sync(
    detector: TextDetector, policy: Policy, texts: Sequence[str], sender: str | None = None
) -> list[dict[str, Any]]:
    """For the CLI: ``detector`` must already carry ``policy``'s recognizers."""
    found = detector.detect(list(texts), policy.needed_entities())
    view = policy.for_sender(sender)
    return [report(t, f, view) for t, f in zip(texts, found, strict=True)]


async def evaluate(
    detector: PolicyDetector, policy: Policy, text: str, sender: str | None = None
) -> dict[str, Any]:
    """For the server: a draft policy gets its own recognizers; runs off the event loop."""
    d = detector.for_policy(policy)
    found = await asyncio.to_thread(detector.detect_with, d, [text], policy.needed_entities())
    return report(text, found[0], policy.for_sender(sender))
