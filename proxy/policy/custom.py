"""The policy's custom recognizers as Presidio objects, and the detector that follows the policy.

The proxy's detector is wrapped in :class:`PolicyDetector`: the built-in recognizers plus the live
policy's own patterns. A new policy's detector is built before the policy goes live, so a policy
whose recognizers cannot be built never replaces a good one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from models.findings import Finding
from proxy.detection.service import TextDetector

if TYPE_CHECKING:
    from proxy.policy.model import Policy


class RecognizersUnsupported(Exception):
    """The policy has custom recognizers but this detector cannot take them."""


def build_recognizers(policy: Policy) -> list[EntityRecognizer]:
    """Fresh Presidio PatternRecognizers for the policy's ``recognizers:`` list."""
    out: list[EntityRecognizer] = []
    for spec in policy.recognizers:
        kwargs: dict[str, Any] = {
            "patterns": [Pattern(p.name, p.regex, p.score) for p in spec.patterns] or None,
            "deny_list": list(spec.deny_list) or None,
            "context": list(spec.context) or None,
        }
        out.append(
            PatternRecognizer(
                supported_entity=spec.supported_entity,
                name=spec.name,
                supported_language="en",
                deny_list_score=spec.deny_list_score,
                **kwargs,
            )
        )
    return out


class PolicyDetector:
    """A :class:`TextDetector` = base detector + the live policy's recognizers.

    Calls are serialised by a lock: the detection service's worker and the console's test bench
    share one spaCy pipeline, which is not meant for concurrent use.
    """

    def __init__(self, base: TextDetector) -> None:
        self.base = base
        self._current: TextDetector = base
        self._lock = threading.Lock()

    def for_policy(self, policy: Policy) -> TextDetector:
        """The detector ``policy`` needs (raises if its recognizers cannot be built)."""
        if not policy.recognizers:
            return self.base
        with_recognizers = getattr(self.base, "with_recognizers", None)
        if with_recognizers is None:
            raise RecognizersUnsupported("this detector cannot take custom recognizers")
        detector: TextDetector = with_recognizers(build_recognizers(policy))
        return detector

    def use(self, detector: TextDetector) -> None:
        self._current = detector

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        with self._lock:
            return self._current.detect(texts, entities)

    async def detect_async(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        """For the detection service: a detector in a child process is awaited on its pipe
        (it guards the pipe itself); one in this process runs on a thread, under the lock."""
        direct = getattr(self._current, "detect_async", None)
        if direct is not None:
            found: list[list[Finding]] = await direct(texts, entities)
            return found
        return await asyncio.to_thread(self.detect, texts, entities)

    def detect_with(
        self, detector: TextDetector, texts: Sequence[str], entities: Collection[str] | None
    ) -> list[list[Finding]]:
        """Detect with a draft policy's detector (the test bench), never concurrently."""
        with self._lock:
            return detector.detect(texts, entities)
