"""Shared fixtures: one spaCy-backed Detector per test session (it takes seconds to load)."""

from __future__ import annotations

import logging

import pytest

from models.detector import Detector, DetectorSettings

# Presidio logs every recognizer it loads at INFO; keep test logs readable.
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(DetectorSettings())
