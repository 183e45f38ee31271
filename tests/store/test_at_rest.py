"""Issue #18 point 4: data at rest.

* The SQLite database, its WAL and every file the proxy makes under the data directory are 0600
  in a 0700 directory; a group/world-readable key or database stops the start-up with the fix in
  the error.
* Analytics recipients carry a random code (45 CFR 164.514(c)), through migration 0013 on both
  stores; rows written before it lose their HMAC-of-the-number pseudonym.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from proxy.app import create_app
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy
from proxy.settings import Settings, StorageSettings
from proxy.store import migrations, open_database
from proxy.yamlfile import ConfigError
from tests.support.fakes import RaisingDetector


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture(name="policy")
def _policy() -> Policy:
    return load_policy()


def sqlite_settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    return replace(
        Settings(),
        storage=StorageSettings(url=f"sqlite:///{data}/proxy.sqlite3", data_dir=str(data)),
    )


async def started(aiohttp_server, settings, policy):  # noqa: F811
    app = create_app(settings, policy=policy, detector=RaisingDetector())
    return await aiohttp_server(app)


async def test_database_wal_and_keys_are_private_from_the_start(
    aiohttp_server,
    policy,
    tmp_path,
):
    old = os.umask(0o022)  # a usual umask: the modes must not depend on it
    try:
        settings = sqlite_settings(tmp_path)
        server = await started(aiohttp_server, settings, policy)
        await server.close()
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert mode(data) == 0o700
    files = sorted(p.name for p in data.iterdir())
    assert "proxy.sqlite3" in files and "pseudonym.key" in files
    for p in data.iterdir():
        assert mode(p) & 0o077 == 0, (p.name, oct(mode(p)))


@pytest.mark.parametrize(
    ("target", "bits", "fix"),
    [
        ("proxy.sqlite3", 0o644, "chmod 600"),
        ("pseudonym.key", 0o640, "chmod 600"),
    ],
)
async def test_start_up_is_refused_with_the_fix_named(
    aiohttp_server,
    policy,
    tmp_path,
    target,
    bits,
    fix,
):
    settings = sqlite_settings(tmp_path)
    server = await started(aiohttp_server, settings, policy)  # creates everything
    await server.close()
    path = (tmp_path / "data" / target).resolve()
    os.chmod(path, bits)
    with pytest.raises(ConfigError) as e:
        await started(aiohttp_server, settings, policy)
    assert f"{fix} {path}" in str(e.value)


async def test_the_data_dir_and_other_open_files_in_it_are_made_private(
    aiohttp_server,
    policy,
    tmp_path,
):
    settings = sqlite_settings(tmp_path)
    (tmp_path / "data").mkdir(mode=0o700)
    note = tmp_path / "data" / "export.jsonl"
    note.write_text("{}")
    os.chmod(note, 0o644)
    os.chmod(tmp_path / "data", 0o755)
    server = await started(aiohttp_server, settings, policy)
    await server.close()
    assert mode(note) == 0o600
    assert mode(tmp_path / "data") == 0o700


async def test_old_analytics_pseudonyms_are_cleared_by_the_migration(empty_store_url, monkeypatch):
    """Rows written before 0013 carried HMAC(number): the migration clears them (SQLite and
    PostgreSQL); new rows get random codes through the private mapping."""
    from proxy.analytics import store as analytics_store

    before = [m for m in migrations.MIGRATIONS if m.id < "0013"]
    db = await open_database(empty_store_url, migrate=False)
    try:
        monkeypatch.setattr(migrations, "MIGRATIONS", before)
        await migrations.upgrade(db)
        columns = analytics_store.MESSAGE_COLUMNS
        old_row = {c: 0 if c in ("ts", "segments", "upstream_status") else "x" for c in columns}
        old_row |= {"id": "old", "recipient": "p_deadbeefdeadbeef", "upstream_status": 201}
        await analytics_store.write(db, [old_row], [])
        monkeypatch.undo()
        assert "0014_analytics_recipient_codes" in await migrations.upgrade(db)
        row = await db.fetchrow("SELECT recipient FROM analytics_messages WHERE id = 'old'")
        assert row is not None and row["recipient"] is None
        new_row = old_row | {"id": "new", "recipient": None, analytics_store.RECIPIENT_LOOKUP: "L1"}
        again = old_row | {"id": "again", "recipient": None, analytics_store.RECIPIENT_LOOKUP: "L1"}
        await analytics_store.write(db, [new_row], [])
        await analytics_store.write(db, [again], [])
        got = {
            r["id"]: r["recipient"]
            for r in await db.fetch("SELECT id, recipient FROM analytics_messages")
        }
        assert got["new"] == got["again"] and got["new"].startswith("r_")
    finally:
        await db.close()


async def test_recipient_codes_expire_with_their_mapping(db_url, monkeypatch):
    from proxy.analytics import store as analytics_store

    db = await open_database(db_url)
    try:
        row = {
            c: 0 if c in ("ts", "segments", "upstream_status") else "x"
            for c in analytics_store.MESSAGE_COLUMNS
        }
        clock = [1_900_000_000.0]
        monkeypatch.setattr(analytics_store.time, "time", lambda: clock[0])
        await analytics_store.write(
            db, [row | {"id": "a", "recipient": None, analytics_store.RECIPIENT_LOOKUP: "L"}], []
        )
        clock[0] += analytics_store.RECIPIENT_CODE_DAYS * 86400 + 1
        await analytics_store.write(
            db, [row | {"id": "b", "recipient": None, analytics_store.RECIPIENT_LOOKUP: "L"}], []
        )
        got = {
            r["id"]: r["recipient"]
            for r in await db.fetch("SELECT id, recipient FROM analytics_messages")
        }
        assert got["a"] != got["b"]  # a new random code once the old mapping expired
        assert len(await db.fetch("SELECT code FROM analytics_recipient_codes")) == 1
    finally:
        await db.close()
