"""Replayed webhooks are ignored and counted.

A webhook is identified by a digest of what its signature covers: the provider, method, path
and query, and body (for AWS SNS, whose signature covers named fields only, the signed
``MessageId`` and ``TopicArn``). The first arrival claims the digest atomically (``INSERT … ON
CONFLICT DO NOTHING``, so two instances receiving it at once have one winner); a later arrival
of the same digest is a replay (or a duplicate delivery) and is answered 200 with nothing
recorded or forwarded. If handling fails (the provider is asked to retry with 502/503) the
claim is released, so the provider's own retry goes through.

Timestamped schemes (Vonage, Telnyx, MessageBird) also refuse anything outside their window
(:class:`proxy.webhooks.signatures.StaleWebhook`, 403); both kinds are counted in
``phi_proxy_webhook_replays_total{provider, reason}``.

Claims are kept for ``RETENTION_SECONDS`` (longer than any provider retries: SNS retries for up
to an hour by default, Twilio and Plivo for minutes); older rows are deleted as new ones arrive.
Beyond that, a replayed opt-out still changes nothing (``optout_events`` keeps message ids).
"""

from __future__ import annotations

import hashlib
import time

from prometheus_client import Counter

from proxy.store import Database
from proxy.webhooks.signatures import WebhookRequest

RETENTION_SECONDS = 7 * 24 * 3600

REPLAYS = Counter(
    "phi_proxy_webhook_replays_total",
    "Inbound webhooks ignored as replays (duplicate content, or timestamp outside the window)",
    ["provider", "reason"],
)


def digest(provider: str, scheme: str, req: WebhookRequest) -> str:
    """What identifies this webhook: the content its signature covers."""
    h = hashlib.sha256()
    if scheme == "aws-sns":
        msg = req.json()
        parts = [provider, str(msg.get("TopicArn", "")), str(msg.get("MessageId", ""))]
        h.update("\n".join(parts).encode())
        return "sns:" + h.hexdigest()
    path = req.url.split("://", 1)[-1].partition("/")[2]
    for part in (provider.encode(), req.method.encode(), path.encode(), req.body):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


async def claim(db: Database, provider: str, key: str, now: float | None = None) -> bool:
    """True the first time this digest is seen (within the retention); False for a replay."""
    ts = time.time() if now is None else now
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM webhook_events WHERE seen_at < ?", ts - RETENTION_SECONDS)
        return bool(
            await tx.execute(
                "INSERT INTO webhook_events (provider, digest, seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT (provider, digest) DO NOTHING",
                provider,
                key,
                ts,
            )
        )


async def release(db: Database, provider: str, key: str) -> None:
    """Forget a claim whose handling failed, so the provider's retry is handled."""
    await db.execute("DELETE FROM webhook_events WHERE provider = ? AND digest = ?", provider, key)
