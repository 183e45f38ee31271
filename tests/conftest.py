"""Shared fixtures: one spaCy-backed Detector per test session (it takes seconds to load)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from models.detector import Detector, DetectorSettings
from tests.support import storage

# Presidio logs every recognizer it loads at INFO; keep test logs readable.
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)

# Property tests are seeded: by default every run (CI included) draws the same examples from the
# same strategies (derandomize), and no example database carries state between runs, so a red
# build reproduces anywhere. HYPOTHESIS_PROFILE=explore draws fresh random examples locally to
# hunt for new failures (then add the failing example with @example so CI keeps it).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(DetectorSettings())


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    url = storage.create_pg_database()
    yield url
    storage.drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgres"] if storage.BACKEND == "sqlite" else ["postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Store tests that take this run against both backends (only PostgreSQL on the
    PHI_PROXY_TEST_STORAGE=postgres pass, which would otherwise repeat them)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[storage.PgSchemas]:
    schemas = storage.PgSchemas()
    yield schemas
    schemas.close()


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The proxy's store for one test: SQLite in tmp_path, or with PHI_PROXY_TEST_STORAGE=postgres
    a fresh, already migrated PostgreSQL store (a schema of its own; see
    tests.support.storage.PgSchemas). Tests look inside it with tests.support.storage.rows and
    tests.support.storage.store_bytes (both backends)."""
    if storage.BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path}/proxy.sqlite3"
        return
    schemas: storage.PgSchemas = request.getfixturevalue("pg_schemas")
    url = schemas.take()
    yield url
    schemas.give_back(url)


@pytest.fixture
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Like ``store_url`` but never migrated: for tests of the migration path itself."""
    if storage.BACKEND == "sqlite":
        return f"sqlite:///{tmp_path}/empty.sqlite3"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(autouse=True)
def _no_tarpit_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that send many malformed requests from one client would each wait out the bad-request
    penalty (proxy.outbound.limits); the penalty is still counted, only its sleep is skipped.
    tests/hardening/test_tarpit.py records the sleeps instead."""
    from proxy.outbound import limits

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(limits, "tarpit_sleep", no_wait)
