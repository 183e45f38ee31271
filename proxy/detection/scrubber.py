"""The proxy's decision path for batch use: ``phi-proxy scrub``, ``policy test`` and benchmarks.

Same detector, same :func:`proxy.policy.decide.decide` as the server, so what this prints is
what the proxy would forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from models.detector import Detector, DetectorSettings
from models.findings import Finding
from proxy.detection.service import TextDetector
from proxy.policy import notice
from proxy.policy.decide import Decision, decide
from proxy.policy.model import Action, Policy
from proxy.policy.parse import load_policy
from proxy.portal.service import Portal, PortalRefused


@dataclass(frozen=True)
class ScrubResult:
    """What would happen to one text: the action, the forwarded text (None if nothing would be).

    A portal-bound text is forwarded as its notice: with a portal, with a real, stored link
    (``portal_token_id`` is its audit id); without one (:meth:`Scrubber.scrub`), with a preview
    link as long as a real one. ``error`` says why a portal text was blocked instead.
    """

    action: str
    text: str | None
    findings: list[Finding]
    decision: Decision
    portal_token_id: str = ""
    error: str = ""


class Scrubber:
    def __init__(
        self, policy: Policy, detector: TextDetector, portal: Portal | None = None
    ) -> None:
        self.policy = policy
        self.detector = detector
        self.portal = portal

    @classmethod
    def from_paths(
        cls, policy_path: str | Path | None = None, model: str | None = None
    ) -> Scrubber:
        policy = load_policy(policy_path)
        settings = DetectorSettings(allow=policy.allow.values)
        if model:
            settings = replace(settings, model=model)
        return cls(policy, Detector(settings))

    def scrub(self, texts: Sequence[str]) -> list[ScrubResult]:
        found = self.detector.detect(list(texts), self.policy.needed_entities())
        out = []
        for text, findings in zip(texts, found, strict=True):
            d = decide(text, findings, self.policy)
            if d.action != Action.PORTAL:
                out.append(ScrubResult(d.action.label, self.forwarded(d), list(d.findings), d))
                continue
            try:
                preview = notice.compose(
                    self.policy,
                    text=text,
                    findings=findings,
                    acting=d.findings,
                    link=notice.PREVIEW_LINK,
                )
            except notice.NoticeTooLong as e:
                out.append(ScrubResult("block", None, list(d.findings), d, error=str(e)))
                continue
            out.append(ScrubResult("portal", preview, list(d.findings), d))
        return out

    async def scrub_with_portal(
        self, texts: Sequence[str], dobs: Sequence[str | None] | None = None
    ) -> list[ScrubResult]:
        """Like :meth:`scrub`, but portal texts become stored links (needs ``portal``)."""
        if self.portal is None:
            raise RuntimeError("scrub_with_portal needs a portal")
        found = await asyncio.to_thread(
            self.detector.detect, list(texts), self.policy.needed_entities()
        )
        out = []
        for i, (text, findings) in enumerate(zip(texts, found, strict=True)):
            d = decide(text, findings, self.policy)
            if d.action != Action.PORTAL:
                out.append(ScrubResult(d.action.label, self.forwarded(d), list(d.findings), d))
                continue
            dob = (dobs[i] if dobs else None) or None
            try:
                issued = self.portal.prepare(
                    text=text,
                    findings=findings,
                    decision=d,
                    policy=self.policy,
                    recipients=(),
                    dob=dob,
                    delivery=None,
                    request_id="scrub",
                )
            except PortalRefused as e:
                out.append(ScrubResult("block", None, list(d.findings), d, error=str(e)))
                continue
            await self.portal.store([issued], "scrub")
            out.append(ScrubResult("portal", issued.notice, list(d.findings), d, issued.token_id))
        return out

    def forwarded(self, d: Decision) -> str | None:
        if d.action in (Action.BLOCK, Action.PORTAL):
            return None
        return d.outgoing
