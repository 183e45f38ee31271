"""Outbound: the send path (handler), forwarding to the provider (forward), idempotent retries
(idempotency) and request limits (limits)."""
