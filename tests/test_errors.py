"""One way to refuse: each kind of refusal answers in the provider's own shape, with the same
status, code, text and metric labels the send path always used (SDKs and dashboards read them)."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client import REGISTRY

from proxy.audit.log import AuditUnavailable
from proxy.detection.service import DetectionUnavailable
from proxy.errors import BadRequest, Blocked, OptedOut, Refusal, Unavailable, refuse
from proxy.outbound.idempotency import IdempotencyUnavailable, InvalidKey, KeyConflict
from proxy.portal.service import PortalUnavailable
from proxy.providers import build_providers
from proxy.providers.config import ProvidersConfig

TWILIO = build_providers(ProvidersConfig())["twilio"]


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _refuse(refusal: Refusal) -> tuple[int, dict[str, object], dict[str, float]]:
    before = {
        "requests": _count(
            "phi_proxy_requests_total", provider="twilio", outcome=str(refusal.outcome)
        ),
        "errors": _count("phi_proxy_errors_total", kind=str(refusal.error)),
    }
    response = refuse(TWILIO, refusal, "req-1")
    after = {
        "requests": _count(
            "phi_proxy_requests_total", provider="twilio", outcome=str(refusal.outcome)
        ),
        "errors": _count("phi_proxy_errors_total", kind=str(refusal.error)),
    }
    assert response.body is not None
    body = json.loads(bytes(response.body))  # type: ignore[arg-type]
    return response.status, body, {k: after[k] - before[k] for k in after}


CASES = [
    (
        AuditUnavailable("audit append failed: OSError"),
        (503, "unavailable_code", "Audit log is unavailable; the message was not sent."),
        ("refused", "audit"),
    ),
    (
        DetectionUnavailable("detection missed its 2s deadline"),
        (503, "unavailable_code", "PHI inspection is unavailable; the message was not sent."),
        ("refused", "detection"),
    ),
    (
        PortalUnavailable("portal vault unavailable: OSError"),
        (503, "unavailable_code", "The secure portal is unavailable; the message was not sent."),
        ("refused", "portal"),
    ),
    (
        Unavailable("optout_registry", "opt-out registry: OSError"),
        (503, "unavailable_code", "Opt-out registry is unavailable; the message was not sent."),
        ("refused", "optout_registry"),
    ),
    (
        OptedOut(2),
        (400, "opted_out_code", "Attempt to send to unsubscribed recipient"),
        ("opted_out", None),
    ),
    (
        Blocked("Message blocked by PHI policy v1: contains PERSON."),
        (400, "blocked_code", "Message blocked by PHI policy v1: contains PERSON."),
        ("blocked", None),
    ),
    (
        BadRequest("A 'To' phone number is required.", 21604),
        (400, 21604, "A 'To' phone number is required."),
        ("bad_request", None),
    ),
    (
        BadRequest("Request body exceeds 10 bytes", status=413),
        (413, "bad_request_code", "Request body exceeds 10 bytes"),
        ("bad_request", None),
    ),
    # the idempotency refusals were never counted; they still are not
    (
        IdempotencyUnavailable("idempotency store failed: OSError"),
        (503, "unavailable_code", "Idempotency store is unavailable; the message was not sent."),
        (None, None),
    ),
    (
        KeyConflict(409, "A request with this idempotency key is still being processed."),
        (409, "bad_request_code", "A request with this idempotency key is still being processed."),
        (None, None),
    ),
    (
        InvalidKey("Idempotency-Key must be 1-255 printable ASCII characters"),
        (400, "bad_request_code", "Idempotency-Key must be 1-255 printable ASCII characters"),
        (None, None),
    ),
]


@pytest.mark.parametrize(("refusal", "answer", "counted_as"), CASES)
def test_each_refusal_answers_and_counts_as_before(refusal, answer, counted_as):
    status, code, message = answer
    outcome, error = counted_as
    got_status, body, counted = _refuse(refusal)
    assert got_status == status
    assert body["message"] == message
    assert body["code"] == (getattr(TWILIO, code) if isinstance(code, str) else code)
    assert counted["requests"] == (1.0 if outcome else 0.0)
    assert counted["errors"] == (1.0 if error else 0.0)


def test_the_log_names_ids_and_reason_only(caplog):
    caplog.set_level(logging.DEBUG, logger="phi_proxy")
    refuse(TWILIO, OptedOut(3), "req-42")
    refuse(TWILIO, DetectionUnavailable("detector error: ValueError"), "req-43")
    refuse(TWILIO, Blocked("Message blocked by PHI policy v1: contains PERSON."), "req-44")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        ("INFO", "request req-42: twilio refused: 3 opted-out recipient(s)"),
        ("ERROR", "request req-43: twilio refused: detector error: ValueError"),
    ]  # a block was logged with its decision before it was refused: not again


def test_passthrough_answer_is_neither_logged_nor_counted(caplog):
    caplog.set_level(logging.DEBUG, logger="phi_proxy")
    before = _count("phi_proxy_requests_total", provider="twilio", outcome="bad_request")
    response = BadRequest("Request body exceeds 10 bytes", status=413).answer(TWILIO)
    assert response.status == 413
    assert caplog.records == []
    assert _count("phi_proxy_requests_total", provider="twilio", outcome="bad_request") == before
