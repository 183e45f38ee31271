"""Enforcement on the outbound path, right after parse and before detection: a send to an
opted-out recipient gets the provider's own opt-out error (Twilio 21610), an ``optout.refused``
audit record, and nothing is forwarded. If the registry cannot be read the send is refused with
503 (fail closed). A reply within the confirmation window (webhooks.confirmation_window_seconds)
is let through once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from aiohttp import web

from proxy import appkeys, metrics
from proxy.audit.log import AuditEvent, AuditUnavailable
from proxy.optout.registry import OptOutRegistry, Status, recipient_key
from proxy.providers import Parsed, Provider
from proxy.store.interface import StoreUnavailable

log = logging.getLogger("phi_proxy.optout")


async def enforce(
    request: web.Request, provider: Provider, parsed: Parsed, request_id: str
) -> web.Response | None:
    """None if every recipient may be texted; else the refusal to return (nothing forwarded)."""
    app = request.app
    key = app[appkeys.PSEUDONYM_KEY]
    registry = OptOutRegistry(app[appkeys.STORE], key)
    refused: list[tuple[str, Status]] = []
    try:
        for to, sender in parsed.recipients():
            st = await registry.status(to, sender)
            if st.opted_out:
                refused.append((to, st))
    except Exception as e:  # noqa: BLE001 - fail closed: an unknown opt-out state sends nothing
        metrics.ERRORS.labels("optout_registry").inc()
        metrics.REQUESTS.labels(provider.name, "refused").inc()
        log.error(
            "request %s: %s refused: opt-out registry: %s",
            request_id,
            provider.name,
            type(e).__name__,
        )
        return provider.error(
            503,
            provider.unavailable_code,
            "Opt-out registry is unavailable; the message was not sent.",
        )
    if not refused:
        return None
    window = app[appkeys.SETTINGS].webhooks.confirmation_window_seconds
    try:
        if window > 0 and await _confirmations(registry, refused, window):
            for to, st in refused:
                await app[appkeys.AUDIT].append(
                    AuditEvent(
                        kind="optout.confirmation",
                        outcome="allowed",
                        request_id=request_id,
                        provider=provider.name,
                        recipient=recipient_key(to, key),
                        details={"scope": st.scope},
                    )
                )
            log.info("request %s: %s opt-out confirmation allowed", request_id, provider.name)
            return None
        for to, st in refused:
            await app[appkeys.AUDIT].append(
                AuditEvent(
                    kind="optout.refused",
                    outcome="refused",
                    request_id=request_id,
                    provider=provider.name,
                    recipient=recipient_key(to, key),
                    details={"scope": st.scope},
                )
            )
    except (AuditUnavailable, StoreUnavailable) as e:
        metrics.ERRORS.labels("audit").inc()
        metrics.REQUESTS.labels(provider.name, "refused").inc()
        log.error("request %s: %s refused: %s", request_id, provider.name, e)
        return provider.error(
            503, provider.unavailable_code, "Audit log is unavailable; the message was not sent."
        )
    metrics.REQUESTS.labels(provider.name, "opted_out").inc()
    log.info(
        "request %s: %s refused: %d opted-out recipient(s)", request_id, provider.name, len(refused)
    )
    return provider.error(400, provider.opted_out_code, "Attempt to send to unsubscribed recipient")


async def _confirmations(
    registry: OptOutRegistry, refused: Sequence[tuple[str, Status]], window: float
) -> bool:
    """True when every refused recipient is within its confirmation window (each one's single
    confirmation is used up here)."""
    now = time.time()
    if any(st.confirmed or now - st.updated_at > window for _, st in refused):
        return False
    for to, st in refused:
        if not await registry.claim_confirmation(to, st, window, now):
            return False
    return True
