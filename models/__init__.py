"""What in this text is PHI? Recognizers, lexicons, normalisation and the NLP pipeline.

Usable on its own: ``Detector(DetectorSettings()).detect(["text"])``. Knows nothing of HTTP,
providers or storage. ``Detector`` loads on first use, so importing a light module of this package
(the entity catalogue, findings) does not import spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.findings import Finding

if TYPE_CHECKING:
    from models.detector import Detector, DetectorSettings

__all__ = ["Detector", "DetectorSettings", "Finding"]


def __getattr__(name: str) -> Any:
    if name in ("Detector", "DetectorSettings"):
        from models import detector

        return getattr(detector, name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
