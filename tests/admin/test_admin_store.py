"""Versions, users/keys/sessions and audit queries behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

import proxy.admin.auth as auth_mod
from proxy.admin.auth import AdminAuth, AuthError
from proxy.audit.log import AuditEvent, AuditLog
from proxy.audit.query import AuditFilter, daily_decisions, search
from proxy.policy.parse import load_policy, parse_policy
from proxy.policy.versions import PolicyVersions
from proxy.store import open_database


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)


async def test_versions_record_and_read_back(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        v = PolicyVersions(db)
        base = load_policy()
        other = parse_policy(base.text.replace("name: default-sms", "name: other"))
        a = await v.record(base, event="load", actor="system", reason="start-up")
        b = await v.record(other, event="publish", actor="olivia", reason="rename")
        assert b > a
        got = await v.get(b)
        assert got is not None and got.yaml == other.text and got.actor == "olivia"
        live = await v.latest_live()
        assert live is not None and live.id == b  # loads are not "live" events
        assert [r.id for r in await v.list(10)] == [b, a]
        assert [r.id for r in await v.list(10, before=b)] == [a]
        assert (await v.by_version(base.version)).id == a  # type: ignore[union-attr]
    finally:
        await db.close()


async def test_users_keys_sessions(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        auth = AdminAuth(db, idle_seconds=60)
        new = await auth.add_user("olivia", "privacy_officer")
        p = await auth.principal_for_key(new.api_key)
        assert p is not None and (p.name, p.role, p.via) == ("olivia", "privacy_officer", "key")
        assert await auth.principal_for_key(new.api_key + "x") is None
        stored = await db.fetch("SELECT key_hash FROM admin_api_keys")
        assert new.api_key not in str(stored)  # only the hash is kept
        signed = await auth.sign_in("olivia", new.password)
        assert signed is not None
        token, principal = signed
        assert (await auth.principal_for_session(token)).role == "privacy_officer"  # type: ignore[union-attr]
        assert await auth.sign_in("olivia", "nope") is None
        with pytest.raises(AuthError):
            await auth.add_user("olivia", "auditor")
        await auth.revoke_user("olivia")
        assert await auth.principal_for_key(new.api_key) is None
        assert await auth.principal_for_session(token) is None
        assert await auth.sign_in("olivia", new.password) is None
    finally:
        await db.close()


async def test_audit_search_and_daily_counts(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        log = AuditLog(db)
        for action, types in (("redact", ("PERSON",)), ("allow", ()), ("block", ("US_SSN",))):
            await log.append(
                AuditEvent(
                    kind="send",
                    outcome="x",
                    action=action,
                    entity_types=types,
                    decision_id=action,
                    policy_version="v1",
                )
            )
        await log.append(AuditEvent(kind="policy.publish", outcome="live", actor="olivia"))
        page = await search(db, AuditFilter(entity_type="US_SSN"))
        assert [r["action"] for r in page.records] == ["block"]
        page = await search(db, AuditFilter(kind="policy.*"))
        assert [r["kind"] for r in page.records] == ["policy.publish"]
        # kinds match exactly on both backends (SQLite's LIKE would ignore case, PostgreSQL's not)
        assert (await search(db, AuditFilter(kind="POLICY.*"))).records == []
        assert (await search(db, AuditFilter(kind="policy%.*"))).records == []
        page = await search(db, AuditFilter(kind="send", limit=2))
        assert len(page.records) == 2 and page.next_before is not None
        rest = await search(db, AuditFilter(kind="send", limit=2, before=page.next_before))
        assert len(rest.records) == 1 and rest.next_before is None
        assert await search(db, AuditFilter(kind="%")) == type(page)([], None)
        daily = await daily_decisions(db, days=2, now=time.time())
        today = daily.days[-1]
        assert dict(daily.by_action[today]) == {"redact": 1, "allow": 1, "block": 1}
        assert dict(daily.by_entity_type[today]) == {"PERSON": 1, "US_SSN": 1}
    finally:
        await db.close()
