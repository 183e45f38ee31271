"""Shared fixtures: one spaCy-backed Detector per test session (it takes seconds to load)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from models.detector import Detector, DetectorSettings

# Presidio logs every recognizer it loads at INFO; keep test logs readable.
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(DetectorSettings())


PG_ADMIN_URL = os.environ.get("PHI_PROXY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import asyncpg

    name = f"phi_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Store tests that take this run against both backends."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    return str(request.getfixturevalue("pg_url"))
