"""Detection as the proxy runs it: off the event loop with a deadline, batching concurrent
requests (service), optionally in a child process that can be killed and replaced (isolated),
and the decision path for batch use — ``scrub``, ``policy test``, benchmarks (scrubber).

Core: imports no feature package (portal, admin, analytics, webhooks).
"""

from proxy.detection.service import DetectionService, DetectionUnavailable, TextDetector

__all__ = ["DetectionService", "DetectionUnavailable", "TextDetector"]
