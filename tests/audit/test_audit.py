"""The audit log: every decision recorded before forwarding, tamper-evident, never holding PHI."""

from __future__ import annotations

from urllib.parse import urlencode

from proxy import appkeys
from proxy.audit.log import AuditEvent, AuditLog, verify
from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.store import open_database
from proxy.tasks import drain
from tests.support import storage
from tests.support.proxy import SENDS, post_form


async def test_chain_verifies_and_catches_edit_delete_reorder(store_url):
    db = await open_database(store_url)
    log = AuditLog(db)
    for i in range(5):
        await log.append(AuditEvent(kind="send", outcome="forwarding", request_id=f"r{i}"))
    assert (await verify(db)).ok
    await db.close()

    def tamper(sql: str) -> None:
        storage.execute(store_url, sql)

    async def problems() -> list[str]:
        d = await open_database(store_url)
        try:
            return list((await verify(d)).problems)
        finally:
            await d.close()

    tamper("UPDATE audit_log SET body = replace(body, 'r2', 'rX') WHERE seq = 3")
    assert any("edited" in p for p in await problems())
    tamper("UPDATE audit_log SET body = replace(body, 'rX', 'r2') WHERE seq = 3")
    assert await problems() == []
    tamper("DELETE FROM audit_log WHERE seq = 2")
    assert any("missing" in p for p in await problems())


async def test_each_send_is_audited_without_text_or_numbers(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    body = "Hi Maria Lopez, your appointment is Tuesday at 3pm."
    data = urlencode({"To": "+15550100123", "From": "+15550109999", "Body": body}).encode()
    r = await post_form(proxy.make_url(SENDS), data)
    assert r.status == 201
    await drain(AUDIT_RESULT_TASK)  # the result is recorded just after the answer
    db = proxy.app[appkeys.STORE]
    rows = await db.fetch("SELECT kind, body FROM audit_log ORDER BY seq")
    assert [r["kind"] for r in rows] == ["send", "send.result"]
    assert '"action":"redact"' in rows[0]["body"] and "PERSON" in rows[0]["body"]
    everything = " ".join(r["body"] for r in rows)
    for secret in ("Maria", "Lopez", "5550100123", "+15550100123"):
        assert secret not in everything
    assert (await verify(db)).ok


async def test_audit_unavailable_refuses_the_send(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    db = proxy.app[appkeys.STORE]
    await db.execute("DROP TABLE audit_log")
    data = urlencode(
        {"To": "+15550100123", "From": "+15550109999", "Body": "See you Tuesday."}
    ).encode()
    r = await post_form(proxy.make_url(SENDS), data)
    assert r.status == 503
    assert r.json()["code"] == 90002
    assert upstream.requests == []
