"""Small helpers for detection tests: findings as (type, original substring) pairs."""

from __future__ import annotations

from models.detector import Detector

ADMIN = {"APPOINTMENT_DATETIME", "PROVIDER_NAME"}


def spans(detector: Detector, text: str) -> set[tuple[str, str]]:
    """Every finding of ``text`` as (type, the original characters it covers)."""
    return {(f.type, text[f.start : f.end]) for f in detector.detect([text])[0]}


def phi(detector: Detector, text: str) -> set[tuple[str, str]]:
    """Findings that are not administrative (what the policy would act on)."""
    return {s for s in spans(detector, text) if s[0] not in ADMIN}


def covered(detector: Detector, text: str, value: str) -> bool:
    """Is every non-space character of ``value`` (first occurrence) inside a non-admin finding?"""
    start = text.index(value)
    found = [f for f in detector.detect([text])[0] if f.type not in ADMIN]
    return all(
        any(f.start <= i < f.end for f in found)
        for i in range(start, start + len(value))
        if not text[i].isspace()
    )
