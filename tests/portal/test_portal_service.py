"""The portal's behaviour on a real SQLite store: states, lockout, view-once, codes, purge,
rotation, tampering, and the audit trail (never any text)."""

from __future__ import annotations

import json
from typing import Any

from models.findings import Finding
from proxy.crypto.vault_keys import KeyRing
from proxy.policy.decide import decide
from proxy.policy.model import Policy
from proxy.portal.delivery import Delivery
from proxy.portal.service import Issued, Portal, PortalRefused
from proxy.portal.verify import token_hash
from proxy.store import Database
from tests.portal.conftest import DOB, KEK, Clock, portal_policy

TEXT = "Your biopsy results show cancer."
FINDINGS = [Finding("CONDITION", 25, 31, 1.0, "test")]


def issue(portal: Portal, policy: Policy, dob: str | None = DOB, **kw: Any) -> Issued:
    d = decide(TEXT, FINDINGS, policy)
    return portal.prepare(
        text=TEXT,
        findings=FINDINGS,
        decision=d,
        policy=policy,
        recipients=("+15550100001",),
        dob=dob,
        delivery=kw.get("delivery"),
        request_id="req1",
    )


async def stored(portal: Portal, policy: Policy | None = None, **kw: Any) -> Issued:
    i = issue(portal, policy or portal_policy(), **kw)
    await portal.store([i], "twilio")
    return i


async def audit_rows(db: Database) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT kind, body FROM audit_log ORDER BY seq")
    return [{"kind": r["kind"], **json.loads(r["body"])} for r in rows]


async def test_store_keeps_only_hash_and_ciphertext(portal: Portal, db: Database) -> None:
    i = await stored(portal)
    assert i.notice.startswith("Lakeview Health: you have a new secure message. Read it: ")
    assert i.notice.endswith(f"https://portal.example/portal/{i.token}")
    assert len(i.token) >= 43  # 32 random bytes
    row = await db.fetchrow("SELECT * FROM portal_links")
    assert row is not None
    assert row["token_hash"] == token_hash(i.token)
    dump = repr(row).encode() + b"".join(
        bytes(v) for v in row.values() if isinstance(v, bytes | memoryview)
    )
    for secret in (TEXT.encode(), b"cancer", DOB.encode(), i.token.encode(), b"5550100001"):
        assert secret not in dump
    (create,) = await audit_rows(db)
    assert create["kind"] == "portal.create" and create["portal_token_id"] == i.token_id
    assert "cancer" not in json.dumps(create) and "5550100001" not in json.dumps(create)


async def test_dob_flow_wrong_then_right(portal: Portal, db: Database) -> None:
    i = await stored(portal)
    assert (await portal.open(i.token, "198.51.100.7")).page == "form"
    wrong = await portal.answer(i.token, "01/01/1970", "198.51.100.7")
    assert (wrong.page, wrong.error, wrong.attempts_left) == ("form", "wrong", 4)
    ok = await portal.answer(i.token, "03/14/1962", "198.51.100.7")
    assert ok.page == "message" and ok.text == TEXT
    again = await portal.answer(i.token, DOB, "198.51.100.7")  # not view-once: readable again
    assert again.page == "message"
    kinds = [(r["kind"], r["outcome"]) for r in await audit_rows(db)]
    assert kinds == [
        ("portal.create", "created"),
        ("portal.open", "available"),
        ("portal.verify_failed", "wrong_answer"),
        ("portal.view", "viewed"),
        ("portal.view", "viewed"),
    ]
    rows = await audit_rows(db)
    assert all("1962" not in json.dumps(r) and "cancer" not in json.dumps(r) for r in rows)
    assert rows[2]["actor"].startswith("c_") and "198.51" not in rows[2]["actor"]


async def test_lockout_after_max_attempts(portal: Portal, db: Database) -> None:
    i = await stored(portal, portal_policy(max_attempts=3))
    pages = [(await portal.answer(i.token, "1900-01-01", "c")).page for _ in range(3)]
    assert pages == ["form", "form", "locked"]
    # locked even for the right answer, and on reopening
    assert (await portal.answer(i.token, DOB, "c")).page == "locked"
    assert (await portal.open(i.token, "c")).page == "locked"
    kinds = [r["kind"] for r in await audit_rows(db)]
    assert kinds.count("portal.verify_failed") == 3 and kinds.count("portal.lockout") == 1
    assert "portal.view" not in kinds


async def test_expired_is_indistinguishable_from_unknown(portal: Portal, clock: Clock) -> None:
    i = await stored(portal, portal_policy(expiry_hours=1))
    assert (await portal.open(i.token, "c")).page == "form"
    clock.t += 3601
    expired_open, unknown_open = await portal.open(i.token, "c"), await portal.open("x" * 43, "c")
    assert expired_open == unknown_open
    assert (await portal.answer(i.token, DOB, "c")) == (await portal.answer("y" * 43, DOB, "c"))
    assert (await portal.answer(i.token, DOB, "c")).page == "unavailable"


async def test_view_once_destroys_the_original(portal: Portal, db: Database) -> None:
    i = await stored(portal, portal_policy(view_once=True))
    first = await portal.answer(i.token, DOB, "c")
    assert first.page == "message" and first.text == TEXT
    row = await db.fetchrow("SELECT body, secret, views FROM portal_links")
    assert row == {"body": None, "secret": None, "views": 1}
    assert (await portal.answer(i.token, DOB, "c")).page == "viewed"
    assert (await portal.open(i.token, "c")).page == "viewed"


async def test_tampered_token_reads_nothing(portal: Portal) -> None:
    i = await stored(portal)
    tampered = i.token[:-1] + ("A" if i.token[-1] != "A" else "B")
    assert (await portal.open(tampered, "c")).page == "unavailable"
    assert (await portal.answer(tampered, DOB, "c")).page == "unavailable"


async def test_ciphertext_moved_to_another_record_fails_closed(
    portal: Portal, db: Database
) -> None:
    a = await stored(portal)
    b = await stored(portal)
    # an attacker with database access copies a's sealed original into b's row
    await db.execute(
        "UPDATE portal_links SET body = (SELECT body FROM portal_links WHERE token_hash = ?),"
        " secret = (SELECT secret FROM portal_links WHERE token_hash = ?) WHERE token_hash = ?",
        token_hash(a.token),
        token_hash(a.token),
        token_hash(b.token),
    )
    view = await portal.answer(b.token, DOB, "c")
    assert view.page == "unavailable" and view.text is None
    kinds = [(r["kind"], r["outcome"]) for r in await audit_rows(db)]
    assert ("portal.verify", "integrity_error") in kinds
    assert (await portal.answer(a.token, DOB, "c")).text == TEXT  # the original record still works


async def test_rotation_keeps_old_links_working(portal: Portal, db: Database) -> None:
    before = await stored(portal)
    old_key = (await db.fetchrow("SELECT key_id FROM portal_links"))["key_id"]  # type: ignore[index]
    new_key = await portal.vault.keys.add_key()
    # without re-encryption the old record still opens with its old key
    assert (await portal.answer(before.token, DOB, "c")).text == TEXT
    assert await portal.vault.reencrypt(new_key) == 1
    after = await stored(portal)
    rows = await db.fetch("SELECT key_id FROM portal_links")
    assert {r["key_id"] for r in rows} == {new_key}
    await portal.vault.keys.retire(old_key)
    # a fresh process (new ring, empty cache) reads both
    fresh = Portal(db, KeyRing(db, KEK), KEK, portal.audit, b"p" * 32, portal.base_url)
    assert (await fresh.answer(before.token, DOB, "c")).text == TEXT
    assert (await fresh.answer(after.token, DOB, "c")).text == TEXT


async def test_purge_after_retention(portal: Portal, db: Database, clock: Clock) -> None:
    i = await stored(portal, portal_policy(expiry_hours=1, retention_days=2))
    clock.t += 86400
    assert await portal.purge() == 0
    clock.t += 86401
    assert await portal.purge() == 1
    assert await db.fetch("SELECT * FROM portal_links") == []
    assert (await portal.open(i.token, "c")).page == "unavailable"


async def test_refusals_fail_closed(portal: Portal) -> None:
    try:
        issue(portal, portal_policy(), dob=None)
        raise AssertionError("expected a refusal")
    except PortalRefused as e:
        assert "X-PHI-Proxy-Patient-DOB" in str(e)
    try:
        issue(portal, portal_policy(organization="O" * 300))
        raise AssertionError("expected a refusal")
    except PortalRefused as e:
        assert "306 GSM-7" in str(e)
    try:
        issue(portal, portal_policy(verification="sms_code"))  # no delivery route
        raise AssertionError("expected a refusal")
    except PortalRefused as e:
        assert "SMS code" in str(e)


async def test_sms_code_flow(portal: Portal, db: Database, clock: Clock) -> None:
    delivery = Delivery("twilio", "POST", "/x", "", [("Authorization", "Basic a")], "", {})
    i = await stored(portal, portal_policy(verification="sms_code"), delivery=delivery)
    assert (await portal.open(i.token, "c")).page == "code_start"
    sent: list[tuple[Delivery, str]] = []

    async def sender(d: Delivery, text: str) -> int:
        sent.append((d, text))
        return 201

    view = await portal.send_code(i.token, "c", sender)
    assert view.page == "code_form"
    ((d, text),) = sent
    assert d == delivery
    code = text.split("code: ")[1][:6]
    assert code.isdigit() and "cancer" not in text and text.startswith("Lakeview Health")
    assert (await portal.send_code(i.token, "c", sender)).error == "code_wait"
    wrong = "000000" if code != "000000" else "111111"
    assert (await portal.answer(i.token, wrong, "c")).error == "wrong"
    assert (await portal.answer(i.token, code, "c")).text == TEXT
    # one-time: the same code does not work twice
    assert (await portal.answer(i.token, code, "c")).error == "wrong"
    clock.t += 31
    await portal.send_code(i.token, "c", sender)
    clock.t += 31
    await portal.send_code(i.token, "c", sender)
    clock.t += 31
    assert (await portal.send_code(i.token, "c", sender)).error == "code_limit"
    assert len(sent) == 3
    # an expired code fails
    last = sent[-1][1].split("code: ")[1][:6]
    clock.t += 601
    assert (await portal.answer(i.token, last, "c")).error == "wrong"


async def test_reencryption_never_restores_a_destroyed_original(
    portal: Portal, db: Database
) -> None:
    from proxy.crypto.vault import _reseal_update

    i = await stored(portal, portal_policy(view_once=True))
    row = await db.fetchrow("SELECT record_id, key_id, body, secret FROM portal_links")
    assert row is not None
    # rotation read the record, then the patient read it (view-once destroys it), then the
    # rotation's update arrives: it must not apply
    sql, args = _reseal_update("dk_new", row["record_id"], row["key_id"], b"x", b"y")
    assert (await portal.answer(i.token, DOB, "c")).page == "message"
    assert await db.execute(sql, *args) == 0
    after = await db.fetchrow("SELECT body, secret, key_id FROM portal_links")
    assert after == {"body": None, "secret": None, "key_id": row["key_id"]}


async def test_no_verification_only_a_button(portal: Portal) -> None:
    i = await stored(portal, portal_policy(verification="none", accept_no_verification=True))
    assert (await portal.open(i.token, "c")).page == "confirm"  # GET shows nothing yet
    assert (await portal.answer(i.token, "", "c")).text == TEXT


def test_start_up_warnings(caplog: Any) -> None:
    from proxy.portal.routes import check_base_url, check_notice_fits

    caplog.set_level("WARNING")
    check_base_url("http://127.0.0.1:8080")
    check_base_url("https://portal.example.org")
    assert caplog.records == []
    check_base_url("http://portal.example.org")
    assert "PLAIN HTTP" in caplog.text
    assert check_notice_fits(portal_policy(), "https://portal.example.org")
    assert not check_notice_fits(portal_policy(organization="O" * 300), "https://p.example")
    assert "CANNOT BE SENT" in caplog.text


def test_code_delivery_keeps_auth_but_not_idempotency_or_dob() -> None:
    from multidict import CIMultiDict, CIMultiDictProxy

    from proxy.portal.delivery import Delivery, capture
    from proxy.providers import Incoming
    from proxy.providers.twilio import Twilio

    headers = CIMultiDictProxy(
        CIMultiDict(
            {
                "Authorization": "Basic QUM6dA==",
                "Content-Type": "application/x-www-form-urlencoded",
                "Content-Length": "10",
                "Idempotency-Key": "abc",
                "X-PHI-Proxy-Patient-DOB": DOB,
            }
        )
    )
    incoming = Incoming("POST", "/2010-04-01/Accounts/AC1/Messages.json", {}, headers, b"")
    d = capture(Twilio(), incoming, b"To=%2B15550100001&From=%2B15550109999&Body=-", "")
    names = {k.lower() for k, _ in d.headers}
    assert names == {"authorization", "content-type"}
    again = Delivery.from_dict(json.loads(json.dumps(d.as_dict())))
    assert again == d and again.incoming().body.endswith(b"Body=-")
