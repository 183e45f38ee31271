"""End to end in a real browser: the Twilio SDK sends clinical text through the proxy, the
provider gets only the link notice, and headless Chromium opens the link, fails verification
once, then reads the original. Screenshots of every page state go to artifacts/screenshots/."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.async_api import Browser, Page, async_playwright

from proxy.store import open_database
from tests.portal.conftest import CLINICAL, CLINICAL_WORDS, DOB, LINK, portal_policy, send_sdk
from tests.support.fakes import RecordingUpstream

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
BLUE = "rgb(11, 79, 138)"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian chromium is required at /usr/bin/chromium"
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


async def new_page(browser: Browser, width: int = 360) -> tuple[Page, list[str]]:
    page = await browser.new_page(viewport={"width": width, "height": 740})
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    return page, console


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / name), full_page=True)


def forwarded_body(upstream: RecordingUpstream, i: int = -1) -> str:
    return parse_qs(upstream.requests[i].body.decode())["Body"][0]


async def send_clinical(proxy: Any, upstream: RecordingUpstream, dob: str | None = DOB) -> str:
    msg = await send_sdk(proxy.url(), dob, to="+15550100001", from_="+15550109999", body=CLINICAL)
    assert msg.sid.startswith("SM")
    notice = forwarded_body(upstream)
    m = LINK.search(notice)
    assert m, notice
    return m.group(0)


async def test_clinical_text_becomes_link_and_browser_reads_it_after_verifying(
    start_proxy: Any, upstream: RecordingUpstream, browser: Browser, store_url: str
) -> None:
    proxy = await start_proxy()
    link = await send_clinical(proxy, upstream)

    # The provider saw only the notice: no clinical words, no date of birth, the link on our base.
    (req,) = upstream.requests
    notice = forwarded_body(upstream)
    assert notice == (
        "Lakeview Health: you have a new secure message about your visit Tuesday at 3:15 PM "
        f"from Dr. Patel. Read it: {link}"
    )
    assert link.startswith(proxy.base + "/portal/")
    raw = req.body.decode().lower() + json.dumps(req.headers).lower()
    for word in (*CLINICAL_WORDS, "1962", "patient-dob"):
        assert word not in raw
    assert req.headers["Authorization"].startswith("Basic ")

    # The send's audit record carries the link's token id; no record carries text.
    db = await open_database(store_url)
    try:
        rows = await db.fetch("SELECT kind, body FROM audit_log ORDER BY seq")
    finally:
        await db.close()
    bodies = {r["kind"]: json.loads(r["body"]) for r in rows}
    token_id = bodies["portal.create"]["portal_token_id"]
    assert token_id.startswith("pt_") and bodies["send"]["portal_token_id"] == token_id
    assert bodies["send"]["action"] == "portal"
    assert not any(w in r["body"] for r in rows for w in CLINICAL_WORDS)

    page, console = await new_page(browser)
    resp = await page.goto(link)
    assert resp is not None and resp.status == 200
    headers = resp.headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.get_attribute("label[for=answer]", "for") == "answer"
    # the inline stylesheet is allowed by its hash (the button is styled) and nothing was refused
    bg = await page.eval_on_selector("button", "b => getComputedStyle(b).backgroundColor")
    assert bg == BLUE
    assert not [c for c in console if "Content Security Policy" in c]
    await shot(page, "01-verify-form.png")

    await page.fill("#answer", "01/01/1970")
    await page.click("button[type=submit]")
    alert = page.locator("[role=alert]")
    assert "does not match" in await alert.inner_text()
    assert "4 attempts left" in await alert.inner_text()
    assert await page.get_attribute("#answer", "aria-invalid") == "true"
    await shot(page, "02-wrong-answer.png")

    await page.fill("#answer", "03/14/1962")
    await page.click("button[type=submit]")
    assert CLINICAL in await page.inner_text(".msg")
    await shot(page, "03-message.png")

    # readable at 320px: no horizontal scrolling
    narrow, _ = await new_page(browser, width=320)
    await narrow.goto(link)
    width = await narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    await shot(narrow, "01-verify-form-320px.png")


async def test_locked_viewed_and_unavailable_pages(
    start_proxy: Any, upstream: RecordingUpstream, browser: Browser, store_url: str
) -> None:
    proxy = await start_proxy(portal_policy(view_once=True, max_attempts=2))
    page, _ = await new_page(browser)

    # view once: the second visit says so
    link = await send_clinical(proxy, upstream)
    await page.goto(link)
    await page.fill("#answer", DOB)
    await page.click("button[type=submit]")
    assert "viewed only once" in await page.inner_text("main")
    assert CLINICAL in await page.inner_text(".msg")
    resp = await page.goto(link)
    assert resp is not None and resp.status == 410
    assert "already viewed" in (await page.inner_text("h1")).lower()
    await shot(page, "05-already-viewed.png")

    # locked after max_attempts wrong answers, even for the right one afterwards
    link = await send_clinical(proxy, upstream)
    await page.goto(link)
    for _ in range(2):
        await page.fill("#answer", "1900-01-01")
        await page.click("button[type=submit]")
    assert "locked" in (await page.inner_text("h1")).lower()
    await shot(page, "04-locked.png")
    resp = await page.goto(link)
    assert resp is not None and resp.status == 403

    # tampered and unknown tokens, and an expired link, all show the same page
    link = await send_clinical(proxy, upstream)
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    resp = await page.goto(tampered)
    assert resp is not None and resp.status == 404
    unknown_html = await page.content()
    await shot(page, "06-unavailable.png")
    db = await open_database(store_url)
    try:
        await db.execute("UPDATE portal_links SET expires_at = 0")
    finally:
        await db.close()
    resp = await page.goto(link)
    assert resp is not None and resp.status == 404
    assert await page.content() == unknown_html
    resp = await page.goto(proxy.url("/portal/" + secrets.token_urlsafe(32)))
    assert await page.content() == unknown_html


async def test_sms_code_verification_in_the_browser(
    start_proxy: Any, upstream: RecordingUpstream, browser: Browser
) -> None:
    proxy = await start_proxy(portal_policy(verification="sms_code"))
    link = await send_clinical(proxy, upstream, dob=None)
    page, _ = await new_page(browser)
    await page.goto(link)
    assert len(upstream.requests) == 1  # opening the link sends nothing (link previews)
    await shot(page, "07-code-start.png")
    await page.click("button[type=submit]")
    assert len(upstream.requests) == 2
    first, second = upstream.requests
    assert second.path == first.path
    assert second.headers["Authorization"] == first.headers["Authorization"]
    fields = parse_qs(second.body.decode())
    assert fields["To"] == ["+15550100001"] and fields["From"] == ["+15550109999"]
    code_text = fields["Body"][0]
    assert not any(w in code_text.lower() for w in CLINICAL_WORDS)
    code = code_text.split("code: ")[1][:6]
    assert await page.get_attribute("#answer", "autocomplete") == "one-time-code"
    await shot(page, "08-code-form.png")
    await page.fill("#answer", code)
    await page.click("form >> nth=0 >> button")
    assert CLINICAL in await page.inner_text(".msg")
