"""The opt-out registry on both store backends: scopes, newest-wins, ties, idempotent events."""

from __future__ import annotations

from proxy.optout.registry import GLOBAL, IN, OUT, OptOutRegistry, canonical_digits, scope_key
from proxy.store import open_database

KEY = b"k" * 32
PATIENT, CLINIC, CLINIC_2 = "+15550100001", "+15550109999", "+15550108888"


async def test_scopes_and_newest_wins(db_url):
    db = await open_database(db_url)
    try:
        reg = OptOutRegistry(db, KEY)
        assert not (await reg.status(PATIENT, CLINIC)).opted_out
        await reg.record(PATIENT, [CLINIC], OUT, "twilio", "keyword", now=100.0)
        assert (await reg.status(PATIENT, CLINIC)).scope == "sender"
        assert not (await reg.status(PATIENT, CLINIC_2)).opted_out
        assert not (await reg.status("+15550100002", CLINIC)).opted_out

        assert await reg.record(PATIENT, [], OUT, "twilio", "keyword", global_=True, now=200.0) == [
            GLOBAL
        ]
        st = await reg.status(PATIENT, CLINIC_2)
        assert st.opted_out and st.scope == "global"
        assert (await reg.status(PATIENT, "")).opted_out  # no sender: the global row still counts

        await reg.record(PATIENT, [CLINIC_2], IN, "twilio", "keyword", now=300.0)
        assert not (await reg.status(PATIENT, CLINIC_2)).opted_out
        assert (await reg.status(PATIENT, CLINIC)).opted_out

        # a tie between an 'in' and an 'out' row is an opt-out
        await reg.record(PATIENT, [CLINIC], IN, "twilio", "keyword", now=200.0)
        assert (await reg.status(PATIENT, CLINIC)).opted_out
        rows = await db.fetch("SELECT recipient, scope FROM optouts")
        assert len(rows) == 3 and all("555" not in r["recipient"] + r["scope"] for r in rows)
    finally:
        await db.close()


async def test_a_message_id_applies_once(db_url):
    db = await open_database(db_url)
    try:
        reg = OptOutRegistry(db, KEY)
        assert await reg.record(PATIENT, [CLINIC], IN, "twilio", "keyword", event="SMa", now=1.0)
        await reg.record(PATIENT, [CLINIC], OUT, "twilio", "keyword", event="SMb", now=2.0)
        assert await reg.seen("twilio", "SMa") and not await reg.seen("plivo", "SMa")
        assert (
            await reg.record(PATIENT, [CLINIC], IN, "twilio", "keyword", event="SMa", now=3.0)
            is None
        )
        assert (await reg.status(PATIENT, CLINIC)).opted_out
    finally:
        await db.close()


def test_number_formats_are_one_recipient():
    assert canonical_digits("(555) 010-0001") == canonical_digits("+1 555 010 0001")
    assert canonical_digits("+44 7700 900001") == "447700900001"
    assert scope_key("+1 (555) 010-9999", KEY) == scope_key("15550109999", KEY)
    mg = scope_key("MG" + "a" * 32, KEY)
    assert mg.startswith("s_") and mg != scope_key("MG" + "b" * 32, KEY)
    assert scope_key("MG" + "a" * 32, b"j" * 32) != mg  # keyed


async def test_confirmation_window_is_used_once(db_url):
    db = await open_database(db_url)
    try:
        reg = OptOutRegistry(db, KEY)
        await reg.record(PATIENT, [CLINIC], OUT, "twilio", "keyword", now=1000.0)
        st = await reg.status(PATIENT, CLINIC)
        assert not await reg.claim_confirmation(PATIENT, st, 300, now=1301.0)  # too late
        assert not await reg.claim_confirmation(PATIENT, st, 0, now=1001.0)  # disabled
        assert await reg.claim_confirmation(PATIENT, st, 300, now=1010.0)
        assert not await reg.claim_confirmation(PATIENT, st, 300, now=1011.0)  # stale status
        st = await reg.status(PATIENT, CLINIC)
        assert st.opted_out and st.confirmed
        assert not await reg.claim_confirmation(PATIENT, st, 300, now=1012.0)
        # a new opt-out resets it
        await reg.record(PATIENT, [CLINIC], OUT, "twilio", "keyword", now=2000.0)
        st = await reg.status(PATIENT, CLINIC)
        assert not st.confirmed and await reg.claim_confirmation(PATIENT, st, 300, now=2001.0)
    finally:
        await db.close()
