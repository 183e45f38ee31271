"""Pure decision step shared by the proxy and the CLI: text + findings + policy → decision + text.

No I/O here. The portal action needs a link, which the caller makes (it owns the vault); this
module only says that the text must be replaced by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from models import entities
from models.findings import Finding
from proxy.policy.model import Action, AllowList, Policy
from proxy.sms import national_digits


@dataclass(frozen=True)
class Decision:
    """What the policy decided for one text.

    ``findings`` are the ones that act (above threshold, not allow-listed); ``outgoing`` is the
    redacted/masked text for redact and mask, the original for allow, and None for portal and block
    (the caller supplies the portal notice; a blocked text is never forwarded).
    """

    action: Action
    findings: tuple[Finding, ...]
    rule_ids: tuple[str, ...]
    policy_version: str
    decision_id: str
    outgoing: str | None
    would_action: Action  # what enforce mode would do (differs from action only in monitor mode)

    @property
    def entity_types(self) -> tuple[str, ...]:
        return tuple(sorted({f.type for f in self.findings}))


def decide(text: str, findings: Sequence[Finding], policy: Policy) -> Decision:
    """Apply the policy to one text's findings. The most severe action wins."""
    acting: list[tuple[Finding, Action]] = []
    allowed_spans = _allowed_spans(text, policy.allow)
    for f in findings:
        rule = policy.rule_for(f.type)
        if rule.action == Action.ALLOW or f.score < rule.min_score:
            continue
        if _is_allowed(text, f, policy.allow, allowed_spans):
            continue
        acting.append((f, rule.action))
    action = max((a for _, a in acting), default=Action.ALLOW)
    outgoing: str | None
    if action in (Action.PORTAL, Action.BLOCK):
        outgoing = None
    elif action == Action.ALLOW:
        outgoing = text
    else:
        outgoing = rewrite(text, acting, policy)
    acted = tuple(f for f, _ in acting)
    decision_id = uuid.uuid4().hex
    rule_ids = tuple(sorted({f"entities.{f.type}" for f in acted}))
    if policy.monitor:
        return Decision(Action.ALLOW, acted, rule_ids, policy.version, decision_id, text, action)
    return Decision(action, acted, rule_ids, policy.version, decision_id, outgoing, action)


def rewrite(text: str, acting: Sequence[tuple[Finding, Action]], policy: Policy) -> str:
    """Replace redacted spans by ``[label]`` and masked spans by asterisks, right to left."""
    out = text
    for f, action in sorted(acting, key=lambda fa: fa[0].start, reverse=True):
        if action == Action.MASK:
            replacement = mask(text[f.start : f.end])
        else:
            replacement = f"[{label_for(f.type, policy)}]"
        out = out[: f.start] + replacement + out[f.end :]
    return out


def label_for(entity_type: str, policy: Policy) -> str:
    rule = policy.rules.get(entity_type)
    if rule and rule.label:
        return rule.label
    try:
        return entities.get(entity_type).label
    except KeyError:
        return "removed"


def mask(value: str) -> str:
    """Keep the last 4 alphanumerics when the value is long enough to stay unidentifying."""
    alnum = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(alnum[-4:]) if len(alnum) >= 9 else set()
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(value))


def _allowed_spans(text: str, allow: AllowList) -> list[tuple[int, int]]:
    spans = allow.matcher.spans(text) if allow.names else []
    low = text.lower()
    for term in (*allow.websites, *allow.emails):
        t = term.lower()
        start = low.find(t) if t else -1
        while start != -1:
            spans.append((start, start + len(t)))
            start = low.find(t, start + 1)
    return spans


def _is_allowed(text: str, f: Finding, allow: AllowList, spans: Sequence[tuple[int, int]]) -> bool:
    """A finding inside one of the organisation's own names, or that is one of its phone
    numbers, web addresses or emails (see :mod:`models.allow`)."""
    if any(s <= f.start and f.end <= e for s, e in spans):
        return True
    value = text[f.start : f.end]
    digits = national_digits(value)
    if len(digits) >= 7 and digits in allow.phone_digits:
        return True
    return allow.matcher.allows(value)
