"""Every send's outcome is stored (issue #19, point 8): forwarded / redacted / portal / blocked /
refused-and-why, never text; a send the portal refused is filed as refused, not as portal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from proxy.outbound import outcomes
from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.policy import parse_policy
from proxy.settings import ServerSettings, Settings
from proxy.store import open_database
from proxy.tasks import drain
from tests.support.fakes import RaisingDetector
from tests.support.proxy import SENDS
from tests.support.storage import store_bytes

ROOT_POLICY = Path(__file__).resolve().parents[2] / "config" / "policy.yaml"
ADMIN = "Reminder: your appointment with Dr. Patel is on Tuesday at 3:15 PM."
NAME = "Hi Maria Lopez, your appointment is on Tuesday at 3:15 PM."
CLINICAL = "Your biopsy results show cancer."
SSN = "Your SSN 123-45-6789 is on file."


async def post(proxy: Any, body: str, **headers: str) -> int:
    data = urlencode({"To": "+15550100001", "From": "+15550109999", "Body": body})
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.make_url(SENDS),
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        ) as r,
    ):
        return r.status


async def filed(store_url: str) -> list[dict[str, Any]]:
    await drain(AUDIT_RESULT_TASK)
    db = await open_database(store_url)
    try:
        rows, _ = await outcomes.search(db, outcomes.OutcomeFilter(limit=200))
    finally:
        await db.close()
    return list(reversed(rows))


async def test_each_send_is_filed_with_its_outcome(
    make_proxy, upstream_server, upstream, store_url
) -> None:
    text = ROOT_POLICY.read_text().replace("US_SSN: {action: redact", "US_SSN: {action: block")
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=parse_policy(text))
    assert await post(proxy, ADMIN) == 201
    assert await post(proxy, NAME) == 201
    assert await post(proxy, CLINICAL, **{"X-PHI-Proxy-Patient-DOB": "1962-03-14"}) == 201
    assert await post(proxy, CLINICAL) == 400  # the portal needs the date of birth
    assert await post(proxy, SSN) == 400
    upstream.status = 500
    assert await post(proxy, ADMIN) == 500
    rows = await filed(store_url)
    got = [(r["outcome"], r["reason"], r["action"]) for r in rows]
    assert got == [
        ("forwarded", "", "allow"),
        ("redacted", "", "redact"),
        ("portal", "", "portal"),
        ("refused", "portal_no_dob", "portal"),  # never charted as "portal"
        ("blocked", "", "block"),
        ("forwarded", "upstream_error", "allow"),
    ]
    portal = rows[2]
    assert portal["portal_token_ids"][0].startswith("pt_") and portal["upstream_status"] == 201
    assert rows[3]["portal_token_ids"] == [] and rows[3]["upstream_status"] is None
    assert "US_SSN" in rows[4]["entity_types"] and rows[5]["upstream_status"] == 500
    assert all(r["decision_ids"] and r["recipients"] == 1 for r in rows)
    # no text and no phone number anywhere in what the store keeps for outcomes
    dump = store_bytes(store_url)
    for secret in (b"Maria", b"biopsy", b"123-45-6789"):
        assert secret not in dump


async def test_refusals_before_deciding_are_filed_with_why(
    make_proxy, upstream_server, store_url
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")), detector_=RaisingDetector())
    assert await post(proxy, ADMIN) == 503
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(SENDS), data=b"x", headers={"Content-Type": "text/plain"}) as r,
    ):
        assert r.status == 400
    got = [(r["outcome"], r["reason"]) for r in await filed(store_url)]
    assert got == [("refused", "detection_unavailable"), ("refused", "bad_request")]


async def test_outcome_filter_and_counts(make_proxy, upstream_server, store_url) -> None:
    settings = Settings(server=replace(ServerSettings(), public_base_url="http://127.0.0.1:1"))
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    for body in (ADMIN, NAME, NAME, CLINICAL):
        await post(proxy, body)
    await drain(AUDIT_RESULT_TASK)
    db = await open_database(store_url)
    try:
        redacted, _ = await outcomes.search(db, outcomes.OutcomeFilter(outcome="redacted"))
        refused, _ = await outcomes.search(db, outcomes.OutcomeFilter(outcome="refused"))
        person, _ = await outcomes.search(db, outcomes.OutcomeFilter(entity_type="PERSON"))
        c = await outcomes.counts(db, 0, 4_000_000_000)
        one = await outcomes.get(db, redacted[0]["request_id"])
    finally:
        await db.close()
    assert len(redacted) == 2 and len(refused) == 1 and len(person) == 2
    assert c.totals() == {"forwarded": 1, "redacted": 2, "refused": 1}
    assert c.reasons == {"portal_no_dob": 1} and c.entity_types["PERSON"] == 2
    assert one == redacted[0]
