"""Shared fixtures: one spaCy-backed Detector per test session (it takes seconds to load)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.detector import Detector, DetectorSettings
from tests.support import storage

# Presidio logs every recognizer it loads at INFO; keep test logs readable.
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)


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
