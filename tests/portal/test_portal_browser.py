"""End to end in a real browser: the Twilio SDK sends clinical text through the proxy, the
provider gets only the link notice, and headless Chromium opens the link, fails verification
once, then reads the original. Pages are checked at phone (390x844) and desktop (1366x900) widths.
Screenshots of every page state go to artifacts/screenshots/; with PHI_PROXY_DOC_SHOTS=1 the ones
the docs show are refreshed in docs/screenshots/ too."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.async_api import Browser, Page, async_playwright

from proxy.portal import pages
from proxy.portal.pages import when
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
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
BLUE = "rgb(11, 79, 138)"
TZ = "America/Chicago"  # config/policy.yaml portal.timezone
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian chromium is required at /usr/bin/chromium"
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


async def new_page(browser: Browser, width: int = 390) -> tuple[Page, list[str]]:
    height = PHONE["height"] if width < 1000 else DESKTOP["height"]
    page = await browser.new_page(viewport={"width": width, "height": height})
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    return page, console


async def shot(page: Page, name: str, doc: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / name), full_page=True)
    if doc and os.environ.get("PHI_PROXY_DOC_SHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(DOC_SHOTS / ("portal-" + name)), full_page=True)


async def fill_dob(page: Page, month: str, day: str, year: str, once: bool = False) -> None:
    """Type a date of birth the way a patient does: three labelled boxes, then submit."""
    await page.get_by_label("Month").fill(month)
    await page.get_by_label("Day").fill(day)
    await page.get_by_label("Year").fill(year)
    if once:
        await page.check("#once")
    await page.click("button[type=submit]")


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else False


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

    for viewport, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page, console = await new_page(browser, viewport["width"])
        resp = await page.goto(link)
        assert resp is not None and resp.status == 200
        headers = resp.headers
        assert headers["cache-control"] == "no-store"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp and await page.locator("script").count() == 0
        assert await page.get_attribute("html", "lang") == "en"
        # three labelled boxes in a fieldset whose legend names them together
        assert await page.inner_text("legend") == "Date of birth"
        for name, auto in (("month", "bday-month"), ("day", "bday-day"), ("year", "bday-year")):
            box = page.get_by_label(name.capitalize())
            assert await box.get_attribute("autocomplete") == auto
            assert await box.get_attribute("inputmode") == "numeric"
        # the inline stylesheet is allowed by its hash (the button is styled), nothing refused
        bg = await page.eval_on_selector("button", "b => getComputedStyle(b).backgroundColor")
        assert bg == BLUE
        assert not [c for c in console if "Content Security Policy" in c]
        await no_sideways_scroll(page)
        await shot(page, f"01-verify-form-{suffix}.png", doc=True)

        if suffix == "phone":
            # what cannot be read as a birth date is not an attempt: the form says what to type
            await fill_dob(page, "Jly", "2", "1950")
            alert = page.locator("[role=alert]")
            assert "did not count as an attempt" in await alert.inner_text()
            assert "7 2 1950" in await alert.inner_text()
            assert await page.get_by_label("Month").get_attribute("aria-invalid") == "true"
            await shot(page, "02-unreadable-date-phone.png", doc=True)

            await fill_dob(page, "1", "1", "70")
            assert "does not match" in await alert.inner_text()
            assert "4 attempts left" in await alert.inner_text()  # only the wrong date counted
            await shot(page, "02-wrong-answer-phone.png", doc=True)

            # an older patient's way: a month name and a two-digit year (1962, never 2062)
            await fill_dob(page, "March", "14", "62")
        else:
            await fill_dob(page, "03", "14", "1962")
        assert CLINICAL in await page.inner_text(".msg")
        # who sent it, when, how long the link works, and a number to tap
        assert await page.inner_text("#sender") == "Lakeview Health"
        assert await page.inner_text("#sent") == when(pages.Clinic(timezone=TZ), time.time(), False)
        expiry = await page.inner_text("#expiry")
        assert expiry.startswith("This link works until ") and "contact Lakeview Health" in expiry
        call = page.locator(".call a")
        assert await call.get_attribute("href") == "tel:+15550104400"
        assert await call.inner_text() == "(555) 010-4400"
        height = await call.evaluate("a => a.getBoundingClientRect().height")
        assert height >= 44  # a comfortable target for a thumb
        await no_sideways_scroll(page)
        await shot(page, f"03-message-{suffix}.png", doc=True)

    # readable at 320px: no horizontal scrolling
    narrow, _ = await new_page(browser, width=320)
    await narrow.goto(link)
    await no_sideways_scroll(narrow)
    await shot(narrow, "01-verify-form-320px.png")


async def test_locked_viewed_and_unavailable_pages(
    start_proxy: Any, upstream: RecordingUpstream, browser: Browser, store_url: str
) -> None:
    proxy = await start_proxy(portal_policy(view_once=True, max_attempts=2))
    page, _ = await new_page(browser)

    # view once: warned and asked to confirm BEFORE anything is shown
    link = await send_clinical(proxy, upstream)
    await page.goto(link)
    warning = await page.inner_text("#once-warning")
    assert "viewed only once" in warning and "somewhere private" in warning
    assert await page.locator(".msg").count() == 0
    assert await page.get_attribute("#once", "required") is not None
    await shot(page, "04-view-once-warning.png", doc=True)
    # the browser will not submit without the box checked (no script needed); the message
    # is still not shown, and nothing counted
    await fill_dob(page, "3", "14", "1962")
    assert await page.locator(".msg").count() == 0
    await fill_dob(page, "3", "14", "1962", once=True)
    assert CLINICAL in await page.inner_text(".msg")
    assert "viewed only once" in await page.inner_text("#expiry")
    resp = await page.goto(link)
    assert resp is not None and resp.status == 410
    assert "already viewed" in (await page.inner_text("h1")).lower()
    assert "contact Lakeview Health" in await page.inner_text("main")
    await shot(page, "05-already-viewed.png")

    # locked after max_attempts wrong answers, even for the right one afterwards
    link = await send_clinical(proxy, upstream)
    await page.goto(link)
    for _ in range(2):
        await fill_dob(page, "1", "1", "1900", once=True)
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
    # names the clinic (US spelling throughout) and gives its number to tap
    main = await page.inner_text("main")
    assert "Lakeview Health" in main and "organisation" not in unknown_html
    assert await page.get_attribute(".call a", "href") == "tel:+15550104400"
    await shot(page, "06-unavailable.png", doc=True)
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
