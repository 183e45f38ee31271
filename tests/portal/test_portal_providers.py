"""The portal step is provider-neutral: JSON providers (Telnyx, Sinch batches to several
recipients) get the notice in their own field, links work, and one-time codes go back out
through the same provider with the same credentials."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.portal.conftest import CLINICAL, CLINICAL_WORDS, DOB, LINK, portal_policy
from tests.support.fakes import RecordingUpstream

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "Bearer KEY0123456789synthetic"}


async def post_json(url: str, doc: dict[str, Any], **headers: str) -> int:
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, json=doc, headers={**AUTH, **headers}) as r,
    ):
        return r.status


async def read_link(link: str, answer: str) -> str:
    async with aiohttp.ClientSession() as s:
        async with s.get(link) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(link, data={"csrf": csrf, "answer": answer}) as r:
            return await r.text()


def notice_in(upstream: RecordingUpstream, field: str) -> str:
    doc = json.loads(upstream.requests[-1].body)
    text = doc[field]
    assert not any(w in text.lower() for w in CLINICAL_WORDS)
    return str(text)


@pytest.mark.parametrize(
    ("path", "doc", "field"),
    [
        ("/v2/messages", {"to": "+15550100001", "from": "+15550109999"}, "text"),
        ("/xms/v1/plan1/batches", {"to": ["15550100001", "15550100002"], "from": "1"}, "body"),
    ],
)
async def test_json_providers_get_the_notice(
    start_proxy: Any, upstream: RecordingUpstream, path: str, doc: dict[str, Any], field: str
) -> None:
    proxy = await start_proxy()
    status = await post_json(
        proxy.url(path), {**doc, field: CLINICAL}, **{"X-PHI-Proxy-Patient-DOB": DOB}
    )
    assert status < 300
    (req,) = upstream.requests
    assert "x-phi-proxy-patient-dob" not in {k.lower() for k in req.headers}
    m = LINK.search(notice_in(upstream, field))
    assert m
    assert CLINICAL in await read_link(m.group(0), DOB)


async def test_sms_code_goes_back_through_telnyx(
    start_proxy: Any, upstream: RecordingUpstream
) -> None:
    proxy = await start_proxy(portal_policy(verification="sms_code"))
    doc = {"to": "+15550100001", "from": "+15550109999", "text": CLINICAL, "x_tag": "t1"}
    assert await post_json(proxy.url("/v2/messages"), doc) < 300
    m = LINK.search(notice_in(upstream, "text"))
    assert m
    async with aiohttp.ClientSession() as s:
        async with s.get(m.group(0)) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(m.group(0) + "/code", data={"csrf": csrf}) as r:
            assert r.status == 200
        first, second = upstream.requests
        assert second.path == "/v2/messages"
        assert second.headers["Authorization"] == AUTH["Authorization"]
        sent = json.loads(second.body)
        assert {k: v for k, v in sent.items() if k != "text"} == {
            k: v for k, v in doc.items() if k != "text"
        }
        code = notice_in(upstream, "text").split("code: ")[1][:6]
        async with s.post(m.group(0), data={"csrf": csrf, "answer": code}) as r:
            assert CLINICAL in await r.text()


async def test_sms_code_with_several_recipients_is_refused(
    start_proxy: Any, upstream: RecordingUpstream
) -> None:
    proxy = await start_proxy(portal_policy(verification="sms_code"))
    doc = {"to": ["15550100001", "15550100002"], "from": "1", "body": CLINICAL}
    assert await post_json(proxy.url("/xms/v1/plan1/batches"), doc) == 400
    assert upstream.requests == []


async def test_no_code_to_a_recipient_who_opted_out(
    start_proxy: Any, upstream: RecordingUpstream, tmp_path: Any, store_url: str
) -> None:
    from proxy.crypto.local_secrets import load_or_create
    from proxy.optout.registry import OptOutRegistry
    from proxy.store import open_database

    proxy = await start_proxy(portal_policy(verification="sms_code"))
    doc = {"to": "+15550100001", "from": "+15550109999", "text": CLINICAL}
    assert await post_json(proxy.url("/v2/messages"), doc) < 300
    m = LINK.search(notice_in(upstream, "text"))
    assert m
    db = await open_database(store_url)
    try:
        registry = OptOutRegistry(db, load_or_create("pseudonym", tmp_path))
        await registry.record("+15550100001", ["+15550109999"], "out", "telnyx", "STOP")
    finally:
        await db.close()
    async with aiohttp.ClientSession() as s:
        async with s.get(m.group(0)) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(m.group(0) + "/code", data={"csrf": csrf}) as r:
            assert "could not send a code" in await r.text()
    assert len(upstream.requests) == 1  # nothing went out after the STOP
    db = await open_database(store_url)
    try:
        rows = await db.fetch("SELECT body FROM audit_log WHERE kind = 'portal.code_sent'")
    finally:
        await db.close()
    assert [json.loads(r["body"])["outcome"] for r in rows] == ["failed:409"]  # opted out
