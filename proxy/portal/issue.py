"""The handler's PORTAL step: turn each portal-bound text of a send request into a link notice.

Called between decide and audit. Either every portal text gets a stored link and a notice, or
:class:`PortalRefused` (the send is blocked, with the reason) / :class:`PortalUnavailable` (503).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web

from models.findings import Finding
from proxy.policy.decide import Decision
from proxy.policy.model import Action, Policy
from proxy.portal.delivery import PLACEHOLDER, capture
from proxy.portal.routes import PORTAL
from proxy.portal.service import Issued, PortalRefused
from proxy.portal.verify import DOB_HEADER, normalize_dob
from proxy.providers import Incoming, Parsed, Provider

__all__ = ["DOB_HEADER", "PortalLinks", "issue_links"]


@dataclass(frozen=True)
class PortalLinks:
    """Per message index: the notice text to forward and the link's audit id."""

    texts: dict[int, str] = field(default_factory=dict)
    token_ids: dict[int, str] = field(default_factory=dict)


async def issue_links(
    request: web.Request,
    provider: Provider,
    incoming: Incoming,
    parsed: Parsed,
    decisions: Sequence[Decision],
    findings: Sequence[Sequence[Finding]],
    policy: Policy,
    request_id: str,
) -> PortalLinks:
    portal = request.app[PORTAL]
    raw_dob = incoming.headers.get(DOB_HEADER)
    dob = normalize_dob(raw_dob) if raw_dob else None
    if raw_dob and dob is None:
        raise PortalRefused(f"the {DOB_HEADER} header is not a valid date (use YYYY-MM-DD)")
    delivery = None
    if policy.portal.verification == "sms_code":
        emptied = provider.rebuild(incoming, parsed, [PLACEHOLDER] * len(parsed.messages))
        delivery = capture(provider, incoming, emptied, request.query_string)
    issued: dict[int, Issued] = {}
    for i, (m, d, f) in enumerate(zip(parsed.messages, decisions, findings, strict=True)):
        if d.action != Action.PORTAL:
            continue
        issued[i] = portal.prepare(
            text=m.text,
            findings=f,
            decision=d,
            policy=policy.for_sender(m.sender),  # the rules the decision was made with
            recipients=m.to,
            dob=dob,
            delivery=delivery,
            request_id=request_id,
        )
    await portal.store(list(issued.values()), provider.name)
    return PortalLinks(
        texts={i: x.notice for i, x in issued.items()},
        token_ids={i: x.token_id for i, x in issued.items()},
    )
