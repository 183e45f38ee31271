"""Detection as the proxy runs it: off the event loop with a deadline, batching concurrent
requests (service), optionally in a child process that can be killed and replaced (isolated),
and the decision path for batch use — ``scrub``, ``policy test``, benchmarks (scrubber).

Core: imports no feature package (portal, admin, analytics, webhooks).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from proxy import appkeys
from proxy.detection.service import (
    DetectionBusy,
    DetectionService,
    DetectionUnavailable,
    TextDetector,
)

__all__ = ["DetectionBusy", "DetectionService", "DetectionUnavailable", "TextDetector"]


def setup(app: web.Application) -> None:
    """Start ``app[appkeys.DETECTION]`` (built by ``create_app``) with the app; stop it after."""
    app.cleanup_ctx.append(_service)


async def _service(app: web.Application) -> AsyncIterator[None]:
    service = app[appkeys.DETECTION]
    await service.start()
    yield
    await service.stop()
