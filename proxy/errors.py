"""One way to refuse a request: a :class:`Refusal` says why; :func:`refuse` logs it, counts it and
answers in the provider's own error shape. Nothing was forwarded when a Refusal is raised.

``str(refusal)`` is the internal reason (ids and exception types, never text or numbers): it goes
to the log. ``refusal.message`` is what the client reads; SDKs and tests read these texts, and
the metric labels (``outcome`` for ``phi_proxy_requests_total``, ``error`` for
``phi_proxy_errors_total``), so both stay as they are.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, Literal

from proxy import metrics
from proxy.logs import get_logger

if TYPE_CHECKING:
    from aiohttp import web

    from proxy.providers import Provider

log = get_logger(__name__)

#: the provider attribute that names the provider's own error code for a kind of refusal
ProviderCode = Literal["bad_request_code", "unavailable_code", "blocked_code", "opted_out_code"]
#: the parts whose failure refuses a send (the ``kind`` label of the errors metric)
Component = Literal["detection", "portal", "audit", "optout_registry", "idempotency"]

UNAVAILABLE: dict[Component, str] = {
    "detection": "PHI inspection is unavailable; the message was not sent.",
    "portal": "The secure portal is unavailable; the message was not sent.",
    "audit": "Audit log is unavailable; the message was not sent.",
    "optout_registry": "Opt-out registry is unavailable; the message was not sent.",
    "idempotency": "Idempotency store is unavailable; the message was not sent.",
}


class Refusal(Exception):
    """Why a request is refused. Subclasses set the status, the provider code and what is
    logged and counted; ``None`` means "not logged" / "not counted"."""

    status: int = 400
    provider_code: ClassVar[ProviderCode] = "bad_request_code"
    log_level: int | None = logging.INFO
    outcome: str | None = None  # phi_proxy_requests_total{outcome}
    error: str | None = None  # phi_proxy_errors_total{kind}

    def __init__(self, reason: str, message: str, *, code: str | int | None = None) -> None:
        super().__init__(reason)
        self.message = message
        self.code = code  # the provider's own code, when the refusal knows it

    def answer(self, provider: Provider) -> web.Response:
        """The refusal in the provider's error shape (no logging, no counting)."""
        return provider.error(
            self.status, self.code or getattr(provider, self.provider_code), self.message
        )


class BadRequest(Refusal):
    """The client's request is malformed for this provider; ``code`` is the provider's own."""

    outcome: str | None = "bad_request"

    def __init__(self, message: str, code: str | int | None = None, status: int = 400) -> None:
        super().__init__(f"bad request ({code})", message, code=code)
        self.status = status


class Unavailable(Refusal):
    """A part the send depends on failed (fail closed): 503, nothing sent."""

    status = 503
    provider_code = "unavailable_code"
    log_level: int | None = logging.ERROR
    outcome: str | None = "refused"

    def __init__(self, component: Component, reason: str) -> None:
        super().__init__(reason, UNAVAILABLE[component])
        self.component = component
        self.error = component


class Blocked(Refusal):
    """The policy blocks the message (the decision was logged and audited before)."""

    provider_code = "blocked_code"
    log_level: int | None = None
    outcome: str | None = "blocked"

    def __init__(self, message: str) -> None:
        super().__init__("blocked", message)


class OptedOut(Refusal):
    """A recipient opted out of this sender (TCPA); the provider's own opt-out error."""

    provider_code = "opted_out_code"
    outcome: str | None = "opted_out"

    def __init__(self, recipients: int) -> None:
        super().__init__(
            f"{recipients} opted-out recipient(s)", "Attempt to send to unsubscribed recipient"
        )


def refuse(provider: Provider, refusal: Refusal, request_id: str) -> web.Response:
    """Log (ids only), count, and answer ``refusal`` in ``provider``'s error shape."""
    if refusal.log_level is not None:
        log.log(refusal.log_level, "request %s: %s refused: %s", request_id, provider.name, refusal)
    if refusal.error is not None:
        metrics.ERRORS.labels(refusal.error).inc()
    if refusal.outcome is not None:
        metrics.REQUESTS.labels(provider.name, refusal.outcome).inc()
    return refusal.answer(provider)
