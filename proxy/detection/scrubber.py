"""The proxy's decision path for batch use: ``phi-proxy scrub``, ``policy test`` and benchmarks.

Same detector, same :func:`proxy.policy.decide.decide` as the server, so what this prints is
what the proxy would forward.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ScrubResult:
    """What would happen to one text: the action, the forwarded text (None if nothing would be).

    A portal-bound text is forwarded as its notice: with a portal, with a real, stored link
    (``portal_token_id`` is its audit id, :func:`proxy.portal.scrub.scrub_with_portal`); without
    one (:meth:`Scrubber.scrub`), with a preview link as long as a real one. ``error`` says why a
    portal text was blocked instead.
    """

    action: str
    text: str | None
    findings: list[Finding]
    decision: Decision
    portal_token_id: str = ""
    error: str = ""


class Scrubber:
    def __init__(self, policy: Policy, detector: TextDetector) -> None:
        self.policy = policy
        self.detector = detector

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

    def forwarded(self, d: Decision) -> str | None:
        if d.action in (Action.BLOCK, Action.PORTAL):
            return None
        return d.outgoing
