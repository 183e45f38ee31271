"""The portal over HTTP without a browser: refusals in the provider's shape, headers on every
portal response, CSRF, rate limiting, and links made by ``scrub`` served by the proxy."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException

from models.findings import Finding
from proxy import appkeys
from proxy.detection.scrubber import Scrubber
from proxy.portal.pages import SECURITY_HEADERS
from proxy.portal.routes import FAILURES_PER_WINDOW
from proxy.portal.scrub import scrub_with_portal
from proxy.portal.standalone import open_portal
from proxy.settings import ServerSettings, Settings, StorageSettings
from tests.portal.conftest import CLINICAL, DOB, LINK, portal_policy, send_sdk
from tests.support import storage
from tests.support.fakes import RecordingUpstream

pytestmark = pytest.mark.slow


class SpanDetector:
    """Finds exactly the condition and the appointment time in CLINICAL (independent of how
    well the shipped recognizers find appointment times)."""

    def detect(self, texts: Sequence[str], entities: Any = None) -> list[list[Finding]]:
        out = []
        for t in texts:
            found = []
            for kind, value in (
                ("CONDITION", "cancer"),
                ("APPOINTMENT_DATETIME", "Tuesday at 3:15 PM"),
            ):
                if value in t:
                    i = t.index(value)
                    found.append(Finding(kind, i, i + len(value), 0.9, "test"))
            out.append(found)
        return out


async def send(proxy: Any, dob: str | None = DOB, body: str = CLINICAL) -> Any:
    return await send_sdk(proxy.url(), dob, to="+15550100001", from_="+15550109999", body=body)


def link_of(upstream: RecordingUpstream) -> str:
    m = LINK.search(parse_qs(upstream.requests[-1].body.decode())["Body"][0])
    assert m
    return m.group(0)


async def test_missing_dob_blocks_in_twilio_shape(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy()
    with pytest.raises(TwilioRestException) as exc:
        await send(proxy, dob=None)
    assert exc.value.status == 400 and exc.value.code == 90001
    assert "X-PHI-Proxy-Patient-DOB" in exc.value.msg and "cancer" not in exc.value.msg
    with pytest.raises(TwilioRestException) as exc:
        await send(proxy, dob="last tuesday")
    assert "not a valid date" in exc.value.msg
    assert upstream.requests == []


async def test_notice_that_cannot_fit_blocks_and_says_why(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy(portal_policy(organization="Lakeview " * 12, max_length=160))
    with pytest.raises(TwilioRestException) as exc:
        await send(proxy)
    assert exc.value.code == 90001 and "160 GSM-7" in exc.value.msg
    assert upstream.requests == []


async def test_appointment_stays_in_the_notice_when_the_template_asks(
    start_proxy: Any, upstream: Any
) -> None:
    template = "{org}[ about {appointment}]: you have a secure message {link}"
    proxy = await start_proxy(portal_policy(template=template), detector=SpanDetector())
    await send(proxy)
    body = parse_qs(upstream.requests[0].body.decode())["Body"][0]
    assert body.startswith("Lakeview Health about Tuesday at 3:15 PM: you have a secure")
    assert "cancer" not in body and len(body) <= 160


async def test_shipped_notice_carries_the_administrative_detail_and_the_link(
    start_proxy: Any, upstream: Any
) -> None:
    """The shipped policy and the real detector: provider, appointment and the clinic's own
    number and site go out with the link; the patient's name and the clinical detail do not."""
    body = (
        "Hi Maria Lopez, your MRI shows a torn rotator cuff and your A1c was 9.2. Dr. Nguyen "
        "will go over it at your visit Tue Mar 4 10:15 AM. Questions? (555) 010-4400 or "
        "lakeviewhealth.example/portal"
    )
    proxy = await start_proxy()
    await send(proxy, body=body)
    notice = parse_qs(upstream.requests[0].body.decode())["Body"][0]
    link = LINK.search(notice)
    assert link, notice
    assert notice == (
        "Lakeview Health: you have a new secure message about your visit Tue Mar 4 10:15 AM from "
        f"Dr. Nguyen. Read it: {link.group(0)} Questions? (555) 010-4400 or "
        "lakeviewhealth.example/portal"
    )
    assert len(notice) <= 306
    for word in ("Maria", "Lopez", "MRI", "rotator", "A1c", "9.2"):
        assert word not in notice


async def test_non_clinical_text_is_untouched(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy()
    await send(proxy, body="Reminder: your appointment is on Tuesday at 3:15 PM.")
    body = parse_qs(upstream.requests[0].body.decode())["Body"][0]
    assert body == "Reminder: your appointment is on Tuesday at 3:15 PM."


async def test_security_headers_on_every_portal_response(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy()
    await send(proxy)
    link = link_of(upstream)
    async with aiohttp.ClientSession() as s:
        responses = []
        for method, url, data in (
            ("GET", link, None),
            ("POST", link, {"answer": DOB}),  # no CSRF token
            ("POST", link + "/code", {"csrf": "1.x"}),
            ("GET", proxy.url("/portal/short"), None),
            ("GET", proxy.url("/portal/"), None),
            ("DELETE", link, None),
        ):
            async with s.request(method, url, data=data) as r:
                responses.append((r.status, dict(r.headers)))
    statuses = [st for st, _ in responses]
    assert statuses == [200, 400, 400, 404, 404, 404]
    for _, headers in responses:
        for k, v in SECURITY_HEADERS.items():
            assert headers[k] == v, k


async def test_a_form_from_another_link_is_refused(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy()
    await send(proxy)
    a = link_of(upstream)
    await send(proxy)
    b = link_of(upstream)
    async with aiohttp.ClientSession() as s:
        async with s.get(a) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(b, data={"csrf": csrf, "answer": DOB}) as r:
            assert r.status == 400 and "cancer" not in await r.text()
        async with s.post(a, data={"csrf": csrf, "answer": DOB}) as r:
            assert r.status == 200 and "cancer" in await r.text()


async def test_guessing_is_rate_limited_but_reading_is_not(start_proxy: Any, upstream: Any) -> None:
    proxy = await start_proxy()
    await send(proxy)
    link = link_of(upstream)
    async with aiohttp.ClientSession() as s:
        for _ in range(FAILURES_PER_WINDOW + 5):  # successful page loads are not counted
            async with s.get(link) as r:
                assert r.status == 200
        statuses = []
        for _ in range(FAILURES_PER_WINDOW + 1):
            async with s.get(proxy.url("/portal/" + secrets.token_urlsafe(32))) as r:
                statuses.append(r.status)
        assert statuses[:FAILURES_PER_WINDOW] == [404] * FAILURES_PER_WINDOW
        assert statuses[-1] == 429
        async with s.get(link) as r:  # the address is now limited everywhere on the portal
            assert r.status == 429


async def test_wrong_answers_and_stale_forms_count_and_no_address_is_stored(
    start_proxy: Any, upstream: Any, store_url: str
) -> None:
    proxy = await start_proxy()
    await send(proxy)
    link = link_of(upstream)
    wrong = 4  # the fifth would lock the link (a lock is not counted against the address)
    async with aiohttp.ClientSession() as s:
        async with s.get(link) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        for _ in range(wrong):
            async with s.post(link, data={"csrf": csrf, "answer": "01/01/1970"}) as r:
                assert r.status == 200 and "cancer" not in await r.text()
        for _ in range(FAILURES_PER_WINDOW - wrong):
            async with s.post(link, data={"csrf": "1.forged", "answer": DOB}) as r:
                assert r.status == 400
        async with s.post(link, data={"csrf": csrf, "answer": DOB}) as r:
            assert r.status == 429 and "cancer" not in await r.text()
    counted = storage.rows(store_url, "SELECT COUNT(*) FROM failure_events")
    assert counted == [(FAILURES_PER_WINDOW,)]
    assert b"127.0.0.1" not in storage.store_bytes(store_url)  # keyed hashes only


async def test_the_portal_refuses_when_failures_cannot_be_counted(
    start_proxy: Any, upstream: Any
) -> None:
    proxy = await start_proxy()
    await send(proxy)
    link = link_of(upstream)
    async with aiohttp.ClientSession() as s:
        async with s.get(link) as r:
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        await proxy.server.app[appkeys.STORE].execute("DROP TABLE failure_events")
        async with s.post(link, data={"csrf": csrf, "answer": DOB}) as r:
            assert r.status == 503 and "cancer" not in await r.text()  # even the right answer
        async with s.get(proxy.url("/portal/" + secrets.token_urlsafe(32))) as r:
            assert r.status == 503
            for k, v in SECURITY_HEADERS.items():
                assert r.headers[k] == v, k


async def test_links_made_by_scrub_work_on_the_proxy(
    start_proxy: Any, detector: Any, tmp_path: Path, store_url: str
) -> None:
    proxy = await start_proxy()
    settings = Settings(
        server=replace(ServerSettings(), public_base_url=proxy.base),
        storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
    )
    async with open_portal(settings) as portal:
        scrubber = Scrubber(portal_policy(), detector)
        (r,) = await scrub_with_portal(scrubber, portal, [CLINICAL], [DOB])
    assert r.action == "portal" and r.text is not None and r.portal_token_id.startswith("pt_")
    m = LINK.search(r.text)
    assert m
    async with aiohttp.ClientSession() as s:
        async with s.get(m.group(0)) as resp:
            html = await resp.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(m.group(0), data={"csrf": csrf, "answer": "3/14/1962"}) as resp:
            assert CLINICAL in (await resp.text())
