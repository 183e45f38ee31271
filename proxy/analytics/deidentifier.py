"""The one batch path that de-identifies texts, shared by the proxy's analytics copy and
``phi-proxy deidentify``: detect (or reuse findings) → Safe Harbor transforms → scan again.

The second scan runs the full detector over the de-identified text for every Safe Harbor type.
A text in which anything is still found is held back: its de-identified text is dropped, never
written or printed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from models.findings import Finding
from proxy.analytics import safe_harbor
from proxy.detection.service import TextDetector
from proxy.policy.decide import _allowed_spans, _is_allowed
from proxy.policy.model import Policy

# Detected on the first pass too, so analytics can count them by class (they stay in the text).
CLINICAL_CLASSED = frozenset({"CONDITION", "MEDICATION"})


class Scanner(Protocol):
    """An async detector: :class:`proxy.detection.service.DetectionService` is one."""

    async def detect(
        self, texts: Sequence[str], entities: Collection[str]
    ) -> list[list[Finding]]: ...


class ThreadScanner:
    """A sync detector (``models.Detector``) run off the event loop: for the CLI and tests."""

    def __init__(self, detector: TextDetector) -> None:
        self.detector = detector

    async def detect(self, texts: Sequence[str], entities: Collection[str]) -> list[list[Finding]]:
        return await asyncio.to_thread(self.detector.detect, list(texts), entities)


@dataclass(frozen=True)
class Result:
    """One text's outcome. ``text`` is None when it was held back (or not verified)."""

    text: str | None
    held_back: bool
    residual_types: tuple[str, ...]
    findings: tuple[Finding, ...]  # first-pass findings on the original text

    @property
    def verified(self) -> bool:
        return self.text is not None


class Deidentifier:
    """Safe Harbor de-identification with a verifying second scan."""

    def __init__(self, scanner: Scanner, clock: Callable[[], datetime] | None = None) -> None:
        self.scanner = scanner
        self._clock = clock or (lambda: datetime.now(UTC))

    def reference_year(self) -> int:
        return self._clock().year

    async def run(
        self,
        texts: Sequence[str],
        policy: Policy,
        findings: Sequence[Sequence[Finding]] | None = None,
        covered: Collection[str] = (),
        *,
        verify: bool = True,
    ) -> list[Result]:
        """De-identify ``texts``; reuse ``findings`` only if they were detected for every type
        de-identification needs (``covered``), else detect again with the full set."""
        wanted = safe_harbor.scan_types()
        if findings is None or not wanted <= set(covered):
            findings = await self.scanner.detect(texts, wanted | CLINICAL_CLASSED)
        if not verify:  # nothing de-identified is kept: the findings are all the caller uses
            return [Result(None, False, (), tuple(f)) for f in findings]
        year = self.reference_year()

        def min_score(t: str) -> float:
            return policy.rule_for(t).min_score

        done = [
            safe_harbor.deidentify(
                text, found, reference_year=year, min_score=min_score, keep=_keeper(text, policy)
            )
            for text, found in zip(texts, findings, strict=True)
        ]
        second = await self.scanner.detect([d.text for d in done], wanted)
        out = []
        for d, again, first in zip(done, second, findings, strict=True):
            left = safe_harbor.residual(d, again, min_score=min_score, keep=_keeper(d.text, policy))
            if left:
                types = tuple(sorted({f.type for f in left}))
                out.append(Result(None, True, types, tuple(first)))
            else:
                out.append(Result(d.text, False, (), tuple(first)))
        return out


def _keeper(text: str, policy: Policy) -> safe_harbor.Keep:
    """The policy's allow list: the organisation's own name, phone and site are not PHI."""
    spans = _allowed_spans(text, policy.allow)
    return lambda tx, f: _is_allowed(tx, f, policy.allow, spans)
