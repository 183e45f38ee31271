"""Plugging analytics into the proxy app: the recorder (built at start-up, drained at shutdown),
the admin API routes (declared on import), and :func:`record_sends`, the handler's one call
after a request is answered."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from models.findings import Finding
from proxy import appkeys
from proxy.analytics import routes  # noqa: F401  (declares the admin API routes)
from proxy.analytics.deidentifier import Deidentifier
from proxy.analytics.recorder import TASK_PREFIX, AnalyticsRecorder
from proxy.analytics.records import SendFacts
from proxy.crypto.shared_keys import load_shared_key
from proxy.logs import get_logger
from proxy.policy.decide import Decision
from proxy.policy.model import Policy
from proxy.providers import Message
from proxy.tasks import drain

log = get_logger(__name__)

ANALYTICS: web.AppKey[AnalyticsRecorder] = web.AppKey("analytics")
DRAIN_SECONDS = 10.0


async def recorder_context(app: web.Application) -> AsyncIterator[None]:
    """The analytics recorder for the app's life; records still queued are drained at the end."""
    # shared by every instance on the store (checked), so their pseudonyms agree
    data_dir = app[appkeys.SETTINGS].storage.data_dir
    key = await load_shared_key(app[appkeys.STORE], "analytics", data_dir)
    app[ANALYTICS] = AnalyticsRecorder(
        app[appkeys.STORE], key, Deidentifier(app[appkeys.DETECTION])
    )
    yield
    cancelled = await drain(TASK_PREFIX, timeout=DRAIN_SECONDS)
    if cancelled:
        log.warning("analytics: %d record(s) not written at shutdown", cancelled)


def record_sends(
    app: web.Application,
    provider: str,
    messages: Sequence[Message],
    decisions: Sequence[Decision],
    findings: Sequence[Sequence[Finding]],
    policy: Policy,
    upstream_status: int | None,
    sent: Sequence[str] | None = None,
) -> None:
    """Schedule the analytics copy of one answered request. Never raises, never blocks.

    ``upstream_status`` is None when nothing was forwarded; ``sent`` is the text each message
    went out as (redacted, or the portal notice), for its segment count."""
    recorder = app.get(ANALYTICS)
    if recorder is None:
        return
    try:
        recorder.submit(
            SendFacts(
                provider=provider,
                messages=list(messages),
                decisions=list(decisions),
                findings=[list(f) for f in findings],
                covered=policy.needed_entities(),
                policy=policy,
                upstream_status=upstream_status,
                sent=list(sent) if sent is not None else None,
                at=time.time(),
            )
        )
    except Exception as e:  # noqa: BLE001 - analytics must never fail a send
        recorder.count("failed", len(messages))
        log.error("analytics submit failed: %s", type(e).__name__)
