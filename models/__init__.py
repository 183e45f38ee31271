"""What in this text is PHI? Recognizers, lexicons, normalisation and the NLP pipeline.

Usable on its own: ``Detector(DetectorSettings()).detect(["text"])``. Knows nothing of HTTP,
providers or storage.
"""

from models.detector import Detector, DetectorSettings
from models.findings import Finding

__all__ = ["Detector", "DetectorSettings", "Finding"]
