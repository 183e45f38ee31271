"""The proxy's decision path for batch use: ``phi-proxy scrub``, ``policy test`` and benchmarks.

Same detector, same :func:`proxy.pipeline.decide` as the server, so what this prints is what the
proxy would forward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.detector import Detector, DetectorSettings
from models.findings import Finding
from proxy.detection import TextDetector
from proxy.pipeline import Decision, decide
from proxy.policy import Action, Policy, load_policy


@dataclass(frozen=True)
class ScrubResult:
    """What would happen to one text: the action, the forwarded text (None if nothing would be)."""

    action: str
    text: str | None
    findings: list[Finding]
    decision: Decision


class Scrubber:
    def __init__(self, policy: Policy, detector: TextDetector) -> None:
        self.policy = policy
        self.detector = detector

    @classmethod
    def from_paths(
        cls, policy_path: str | Path | None = None, model: str | None = None
    ) -> Scrubber:
        policy = load_policy(policy_path)
        settings = DetectorSettings(model=model) if model else DetectorSettings()
        return cls(policy, Detector(settings))

    def scrub(self, texts: Sequence[str]) -> list[ScrubResult]:
        found = self.detector.detect(list(texts), self.policy.needed_entities())
        out = []
        for text, findings in zip(texts, found, strict=True):
            d = decide(text, findings, self.policy)
            out.append(ScrubResult(d.action.label, self.forwarded(d), list(d.findings), d))
        return out

    def forwarded(self, d: Decision) -> str | None:
        if d.action in (Action.BLOCK, Action.PORTAL):
            return None
        return d.outgoing
