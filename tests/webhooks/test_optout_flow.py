"""STOP / START / STOPALL through signed Twilio webhooks, then sends via the twilio SDK through
the proxy: opted-out recipients are refused with 21610 and nothing reaches the provider."""

from __future__ import annotations

import json
import logging

import pytest
from twilio.base.exceptions import TwilioRestException

from proxy import appkeys
from proxy.audit.log import verify
from proxy.optout.registry import recipient_key
from tests.webhooks.conftest import (
    CLINIC,
    CLINIC_2,
    PATIENT,
    PATIENT_2,
    PUBLIC,
    SERVICE,
    post_twilio,
    sdk_send,
)

ADMIN = "Reminder: your appointment is on Tuesday at 3:15 PM. Reply STOP to opt out."
CLINIC_3 = "+15550107777"


async def send_ok(stack, upstream, to=PATIENT, **kw) -> None:
    before = len(upstream.requests)
    kw.setdefault("from_", CLINIC)
    msg = await sdk_send(stack, to=to, body=ADMIN, **kw)
    assert msg.status == "queued"
    assert len(upstream.requests) == before + 1


async def send_refused(stack, upstream, to=PATIENT, **kw) -> TwilioRestException:
    before = len(upstream.requests)
    kw.setdefault("from_", CLINIC)
    with pytest.raises(TwilioRestException) as e:
        await sdk_send(stack, to=to, body=ADMIN, **kw)
    assert len(upstream.requests) == before, "a refused send reached the provider"
    return e.value


def audit_bodies(stack) -> list[dict]:
    return [json.loads(r[0]) for r in stack.rows("SELECT body FROM audit_log ORDER BY seq")]


async def test_stop_refuses_with_21610_then_start_delivers(stack, upstream, customer):
    s = await stack()
    await send_ok(s, upstream)

    assert await post_twilio(s, "Stop.") == (200, "<Response/>")
    assert len(customer.requests) == 1
    err = await send_refused(s, upstream)
    assert err.status == 400 and err.code == 21610
    assert "unsubscribed recipient" in err.msg
    # other recipients are unaffected
    await send_ok(s, upstream, to=PATIENT_2)

    assert (await post_twilio(s, " start! "))[0] == 200
    await send_ok(s, upstream)

    key = s.proxy.app[appkeys.PSEUDONYM_KEY]
    events = [(b["kind"], b["recipient"]) for b in audit_bodies(s) if b["kind"] != "send.result"]
    who = recipient_key(PATIENT, key)
    assert ("optout", who) in events and ("optout.refused", who) in events
    assert ("optin", who) in events
    refused = [b for b in audit_bodies(s) if b["kind"] == "optout.refused"]
    assert refused[0]["provider"] == "twilio" and refused[0]["details"] == {"scope": "sender"}


async def test_opt_out_is_per_sender_and_stopall_is_global(stack, upstream):
    s = await stack()
    await post_twilio(s, "STOP", to=CLINIC)
    await send_refused(s, upstream, from_=CLINIC)
    await send_ok(s, upstream, from_=CLINIC_2)

    await post_twilio(s, "stopall", to=CLINIC_2)
    for sender in (CLINIC, CLINIC_2, CLINIC_3):
        await send_refused(s, upstream, from_=sender)
    await send_ok(s, upstream, to=PATIENT_2, from_=CLINIC_3)
    assert {r[1] for r in s.optouts()} >= {"*"}

    # START to one sender re-opens that sender only; the global opt-out still covers the rest
    await post_twilio(s, "UNSTOP", to=CLINIC_2)
    await send_ok(s, upstream, from_=CLINIC_2)
    await send_refused(s, upstream, from_=CLINIC)
    await send_refused(s, upstream, from_=CLINIC_3)

    # a later STOPALL closes the re-opened sender again
    await post_twilio(s, "Stop All", to=CLINIC_3)
    await send_refused(s, upstream, from_=CLINIC_2)
    scopes = [b["details"]["scope"] for b in audit_bodies(s) if b["kind"] == "optout.refused"]
    assert "global" in scopes and "sender" in scopes


async def test_messaging_service_scope(stack, upstream):
    s = await stack()
    await post_twilio(s, "unsubscribe", to=CLINIC, service=SERVICE)
    await send_refused(s, upstream, from_=None, messaging_service_sid=SERVICE)
    await send_refused(s, upstream, from_=CLINIC)
    await send_ok(s, upstream, from_=None, messaging_service_sid="MG" + "b" * 32)


async def test_reasonable_opt_out_and_ordinary_messages(stack, upstream, customer):
    s = await stack()
    await post_twilio(s, "I can't stop coughing, should I come in today?")
    await send_ok(s, upstream)
    assert s.optouts() == []

    await post_twilio(s, "please stop texting me")
    await send_refused(s, upstream)
    assert [r[4] for r in s.optouts()] == ["reasonable"]
    assert len(customer.requests) == 2  # both forwarded to the customer


async def test_help_records_nothing_but_is_audited_and_forwarded(stack, upstream, customer):
    s = await stack()
    assert (await post_twilio(s, "help"))[0] == 200
    assert s.optouts() == []
    assert s.audit_kinds() == ["help"]
    assert len(customer.requests) == 1
    await send_ok(s, upstream)


async def test_store_failure_during_check_fails_closed(stack, upstream, monkeypatch):
    s = await stack()
    db = s.proxy.app[appkeys.STORE]

    async def broken(*a, **k):
        raise OSError("disk gone")

    monkeypatch.setattr(db, "fetch", broken)
    err = await send_refused(s, upstream)
    assert err.status == 503 and err.code == 90002


async def test_store_failure_while_recording_asks_provider_to_retry(
    stack, upstream, customer, monkeypatch
):
    s = await stack()
    db = s.proxy.app[appkeys.STORE]
    real = db.transaction

    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr(db, "transaction", broken)
    sid = "SM" + "6" * 32
    assert (await post_twilio(s, "STOP", sid=sid))[0] == 503
    assert customer.requests == []
    monkeypatch.setattr(db, "transaction", real)
    assert (await post_twilio(s, "STOP", sid=sid))[0] == 200  # the provider's retry
    await send_refused(s, upstream)
    assert "optout" in s.audit_kinds()


async def test_replayed_start_cannot_undo_a_later_stop(stack, upstream, customer):
    s = await stack()
    start_sid = "SM" + "7" * 32
    await post_twilio(s, "START", sid=start_sid)
    await post_twilio(s, "STOP")
    # an attacker re-sends the captured (validly signed) START webhook
    assert (await post_twilio(s, "START", sid=start_sid))[0] == 200
    await send_refused(s, upstream)
    assert s.audit_kinds().count("optin") == 1


async def test_forged_webhooks_rejected_nothing_recorded_or_forwarded(stack, upstream, customer):
    s = await stack()
    # signed with the wrong token
    assert (await post_twilio(s, "STOP", token="not-the-token"))[0] == 403
    # signed for the URL the socket is really at: the proxy checks its configured public URL,
    # never the Host header
    assert (await post_twilio(s, "STOP", signed_url=s.url("/webhooks/twilio/sms")))[0] == 403
    assert (await post_twilio(s, "STOP", signed_url=PUBLIC + "/webhooks/twilio/status"))[0] == 403
    assert customer.requests == []
    assert s.optouts() == [] and s.audit_kinds() == []
    await send_ok(s, upstream)


async def test_unknown_routes_are_404(stack, customer):
    s = await stack()
    assert (await post_twilio(s, "STOP", kind="voice"))[0] == 404
    import aiohttp

    async with aiohttp.ClientSession() as c, c.post(s.url("/webhooks/nope/sms")) as r:
        assert r.status == 404
    assert customer.requests == []


async def test_no_phone_numbers_in_store_or_logs(stack, upstream, customer, caplog):
    caplog.set_level(logging.DEBUG, logger="phi_proxy")
    s = await stack()
    assert (await post_twilio(s, "STOP", token="forged"))[0] == 403
    customer.status = 503
    assert (await post_twilio(s, "STOP", frm=PATIENT_2))[0] == 502
    customer.status = 200
    await post_twilio(s, "STOP", to=CLINIC, service=SERVICE)
    await post_twilio(s, "STOPALL", frm=PATIENT_2, to=CLINIC_2)
    await post_twilio(s, "please stop texting me", frm=PATIENT_2, to=CLINIC_3)
    await post_twilio(s, "HELP", to=CLINIC_2)
    await send_refused(s, upstream)
    await send_refused(s, upstream, to=PATIENT_2, from_=CLINIC_2)
    await post_twilio(s, "START", to=CLINIC)
    await send_ok(s, upstream)
    assert sorted(r[2] for r in s.optouts()) == ["in", "out", "out", "out", "out"]
    data = s.db_bytes()
    # the bytes do hold the registry: the pseudonyms are there, the numbers are not
    assert recipient_key(PATIENT, s.proxy.app[appkeys.PSEUDONYM_KEY]).encode() in data
    # the proxy's own logs (the twilio SDK in the test process logs its own request params)
    ours = [r for r in caplog.records if r.name.startswith(("phi_proxy", "aiohttp"))]
    assert any("optout" in r.getMessage() for r in ours)
    logs = "\n".join(r.getMessage() for r in ours)
    for number in (PATIENT, PATIENT_2, CLINIC, CLINIC_2, CLINIC_3):
        digits = number.lstrip("+")
        for form in (digits, digits[1:], digits[-7:], f"{digits[1:4]}-{digits[4:7]}"):
            assert form.encode() not in data, f"{form} found in the SQLite file"
            assert form not in logs
    assert SERVICE.encode() not in data
    for text in (b"please stop texting me", b"Reminder"):
        assert text not in data
    for row in s.optouts():
        assert row[0].startswith("r_") and (row[1] == "*" or row[1][:2] in ("r_", "s_"))
    # the opt-out events are part of the one tamper-evident audit chain
    report = await verify(s.proxy.app[appkeys.STORE])
    assert report.ok and report.records == len(s.audit_kinds())


async def test_one_confirmation_within_the_window_when_enabled(stack, upstream):
    s = await stack(confirmation_window=300)
    await post_twilio(s, "please stop texting me")
    await send_ok(s, upstream)  # "You will get no more messages" — allowed once
    err = await send_refused(s, upstream)
    assert err.code == 21610
    await send_refused(s, upstream)
    # a new opt-out opens a new window (after START)
    await post_twilio(s, "START")
    await post_twilio(s, "STOP")
    await send_ok(s, upstream)
    await send_refused(s, upstream)
    assert s.audit_kinds().count("optout.confirmation") == 2


async def test_telnyx_stop_then_telnyx_sdk_send_refused_with_40300(stack, upstream):
    import asyncio

    import telnyx
    from aiohttp import ClientSession

    from tests.support.webhook_signing import telnyx_headers

    s = await stack()

    async def inbound(text: str, msg_id: str) -> int:
        body = json.dumps(
            {
                "data": {
                    "event_type": "message.received",
                    "payload": {
                        "id": msg_id,
                        "from": {"phone_number": PATIENT},
                        "to": [{"phone_number": CLINIC}],
                        "text": text,
                    },
                }
            }
        ).encode()
        async with (
            ClientSession() as c,
            c.post(s.url("/webhooks/telnyx/sms"), data=body, headers=telnyx_headers(body)) as r,
        ):
            return r.status

    assert await inbound("Stop!", "m-1") == 200
    client = telnyx.Telnyx(api_key="KEYtest0123", base_url=s.url("/v2"), max_retries=0)
    with pytest.raises(telnyx.APIStatusError) as e:
        await asyncio.to_thread(client.messages.send, to=PATIENT, from_=CLINIC, text=ADMIN)
    assert e.value.status_code == 400
    assert e.value.body["errors"][0]["code"] == "40300"
    assert upstream.requests == []
    # the same recipient in another format (no +) is the same person
    with pytest.raises(telnyx.APIStatusError):
        await asyncio.to_thread(
            client.messages.send, to=PATIENT.lstrip("+"), from_=CLINIC, text=ADMIN
        )
    assert upstream.requests == []

    assert await inbound("START", "m-2") == 200
    body = json.dumps({"to": PATIENT, "from": CLINIC, "text": ADMIN}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer KEYtest0123"}
    async with ClientSession() as c, c.post(s.url("/v2/messages"), data=body, headers=headers) as r:
        assert r.status == 200
    assert len(upstream.requests) == 1


async def test_media_only_send_to_opted_out_recipient_is_refused(stack, upstream):
    s = await stack()
    await post_twilio(s, "STOP")
    before = len(upstream.requests)
    with pytest.raises(TwilioRestException) as e:
        await sdk_send(s, to=PATIENT, from_=CLINIC, media_url=["https://media.example/card.png"])
    assert e.value.code == 21610
    assert len(upstream.requests) == before
    # the same media-only send to someone who has not opted out goes through
    msg = await sdk_send(
        s, to=PATIENT_2, from_=CLINIC, media_url=["https://media.example/card.png"]
    )
    assert msg.status == "queued"
