"""The one value detection produces: a typed span of the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """A detected span. Offsets index the *original* (un-normalised) text; ``end`` is exclusive."""

    type: str
    start: int
    end: int
    score: float
    source: str = ""

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
        }
