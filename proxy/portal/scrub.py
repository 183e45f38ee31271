"""``scrub`` with real portal links: what :class:`~proxy.detection.scrubber.Scrubber` would
forward, with each portal-bound text's original sealed in the vault and its notice carrying a
real link (the same store and keys as ``serve``)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from proxy.detection.scrubber import Scrubber, ScrubResult
from proxy.policy.decide import decide
from proxy.policy.model import Action
from proxy.portal.service import Portal, PortalRefused


async def scrub_with_portal(
    scrubber: Scrubber,
    portal: Portal,
    texts: Sequence[str],
    dobs: Sequence[str | None] | None = None,
) -> list[ScrubResult]:
    """Like :meth:`Scrubber.scrub`, but portal texts become stored links in ``portal``."""
    found = await asyncio.to_thread(
        scrubber.detector.detect, list(texts), scrubber.policy.needed_entities()
    )
    out = []
    for i, (text, findings) in enumerate(zip(texts, found, strict=True)):
        d = decide(text, findings, scrubber.policy)
        if d.action != Action.PORTAL:
            out.append(ScrubResult(d.action.label, scrubber.forwarded(d), list(d.findings), d))
            continue
        dob = (dobs[i] if dobs else None) or None
        try:
            issued = portal.prepare(
                text=text,
                findings=findings,
                decision=d,
                policy=scrubber.policy,
                recipients=(),
                dob=dob,
                delivery=None,
                request_id="scrub",
            )
        except PortalRefused as e:
            out.append(ScrubResult("block", None, list(d.findings), d, error=str(e)))
            continue
        await portal.store([issued], "scrub")
        out.append(ScrubResult("portal", issued.notice, list(d.findings), d, issued.token_id))
    return out
