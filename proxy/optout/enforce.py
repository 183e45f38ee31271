"""Enforcement on the outbound path, right after parse and before detection: a send to an
opted-out recipient gets the provider's own opt-out error (Twilio 21610), an ``optout.refused``
audit record, and nothing is forwarded. If the registry cannot be read the send is refused with
503 (fail closed). A reply within the confirmation window (webhooks.confirmation_window_seconds)
is let through once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiohttp import web

from proxy import appkeys
from proxy.audit.log import AuditEvent, AuditUnavailable
from proxy.errors import BadRequest, OptedOut, Unavailable
from proxy.logs import get_logger
from proxy.optout.numbers import InvalidRecipient, normalise
from proxy.optout.registry import OptOutRegistry, Status, recipient_key
from proxy.providers import Parsed, Provider
from proxy.store.interface import StoreUnavailable

log = get_logger(__name__)


async def enforce(
    request: web.Request, provider: Provider, parsed: Parsed, request_id: str
) -> None:
    """Returns if every recipient may be texted; else raises :class:`~proxy.errors.OptedOut`, or
    :class:`~proxy.errors.Unavailable` when the registry or the audit log cannot be used."""
    app = request.app
    key = app[appkeys.PSEUDONYM_KEY]
    registry = OptOutRegistry(app[appkeys.STORE], key)
    refused: list[tuple[str, Status]] = []
    # every phone-number recipient as E.164 (and forwarded as such: the handler rewrites it into
    # the rebuilt request); see proxy.optout.numbers
    checks: list[tuple[str, str]] = []
    for to, sender in parsed.recipients():
        try:
            checks.append((normalise(to).e164 or to, sender))
        except InvalidRecipient as e:
            raise BadRequest(f"Invalid 'To' phone number: {e}.") from None
    try:
        for to, sender in checks:
            st = await registry.status(to, sender)
            if st.opted_out:
                refused.append((to, st))
    except Exception as e:  # noqa: BLE001 - fail closed: an unknown opt-out state sends nothing
        raise Unavailable("optout_registry", f"opt-out registry: {type(e).__name__}") from None
    if not refused:
        return
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
            return
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
        raise Unavailable("audit", str(e)) from None
    raise OptedOut(len(refused))


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
