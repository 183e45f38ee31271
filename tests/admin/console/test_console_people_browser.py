"""The console for the privacy officer in headless Chromium at phone (390x844) and desktop
(1366x900, 820 wide for the audit table) widths (issue #19, points 8-13): the dashboard and its
chart links, a send's record, the review before publishing, users, errors inside the console,
the test bench's real link, and WCAG AA contrast on the badges. Screenshots go to
artifacts/screenshots/ (and docs/screenshots/ with PHI_PROXY_DOC_SHOTS=1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.tasks import drain
from tests.admin.conftest import AdminEnv
from tests.admin.console.test_console_browser import browser, sign_in  # noqa: F401  (fixture)
from tests.admin.console.test_sends_console import traffic
from tests.admin.test_policy_cli import risky_policy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


async def shot(page: Any, name: str, doc: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / name), full_page=True)
    if doc and os.environ.get("PHI_PROXY_DOC_SHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(DOC_SHOTS / ("console-" + name)), full_page=True)


async def page_width(page: Any) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


def _lum(rgb: str) -> float:
    parts = [int(x) / 255 for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_lum(fg), _lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


async def test_privacy_officer_day_at_desktop_and_phone(
    browser: Any,  # noqa: F811
    admin_env: AdminEnv,
    tmp_path: Path,
) -> None:
    await traffic(admin_env)
    await drain(AUDIT_RESULT_TASK)
    page = await browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in(page, admin_env, "privacy_officer")

    # the dashboard: numbers, and a chart whose bars open the sends behind them
    assert "Activity, the last 14 days" in await page.inner_text("main")
    assert await page.locator(".dashboard .big").first.inner_text() == "4"
    await shot(page, "home-dashboard-desktop.png", doc=True)
    assert await page_width(page) <= DESKTOP["width"]
    bar = page.locator("svg.chart a[href*='outcome=refused']").first
    await bar.click()
    await page.wait_for_url("**/admin/sends?outcome=refused*")
    assert await page.locator("table.sends tbody tr").count() == 1
    assert "portal_no_dob" in await page.inner_text("table.sends")
    await shot(page, "sends-desktop.png", doc=True)
    await page.locator("table.sends tbody tr a").first.click()
    facts = await page.inner_text("dl.facts")
    assert "refused" in facts and "portal_no_dob" in facts and "Decision ids" in facts
    await shot(page, "send-record-desktop.png", doc=True)

    # badges meet WCAG AA (4.5:1) for white text
    await page.goto(admin_env.url("/admin/sends"))
    for cls in ("o-portal", "o-redacted", "o-refused", "o-forwarded"):
        badge = page.locator(f".badge.{cls}").first
        fg = await badge.evaluate("b => getComputedStyle(b).color")
        bg = await badge.evaluate("b => getComputedStyle(b).backgroundColor")
        assert contrast(fg, bg) >= 4.5, (cls, fg, bg)
    await page.goto(admin_env.url("/admin/audit?action=portal"))
    badge = page.locator(".badge.a-portal").first
    fg = await badge.evaluate("b => getComputedStyle(b).color")
    bg = await badge.evaluate("b => getComputedStyle(b).backgroundColor")
    assert contrast(fg, bg) >= 4.5, (fg, bg)

    # US dates in the audit filter; a wrong one is explained inside the console
    await page.goto(admin_env.url("/admin/audit"))
    await page.fill("input[name=since]", "01/31/2020")
    await page.click("form.filters button")
    assert await page.locator("table.audit tbody tr").count() > 0
    await page.fill("input[name=since]", "last tuesday")
    await page.click("form.filters button")
    assert "11/29/2026" in await page.inner_text(".notice.error")
    assert await page.locator("header nav").count() == 1
    await shot(page, "audit-bad-date-desktop.png")
    await page.goto(admin_env.url("/admin/nowhere"))
    assert "Page not found" in await page.inner_text("h1")
    assert await page.locator("header nav a").count() > 3

    # the audit table fits 820 px
    narrow = await browser.new_page(viewport={"width": 820, "height": 900})
    await sign_in(narrow, admin_env, "privacy_officer")
    await narrow.goto(admin_env.url("/admin/audit"))
    assert await page_width(narrow) <= 820
    await shot(narrow, "audit-820.png", doc=True)

    # the test bench: the real public URL's link and its length, and the page fits 1366
    await page.goto(admin_env.url("/admin/policy/edit"))
    await page.fill("textarea[name=text]", "Your biopsy results show cancer. Dr. Patel will call.")
    await page.click("text=Test against the draft")
    await page.locator("#result").wait_for()
    length = await page.inner_text("#notice-length")
    assert "http://127.0.0.1:8080/portal/" in length and "Each link is 72 characters" in length
    assert "portal.example" not in await page.inner_text("pre.outgoing")
    assert await page_width(page) <= DESKTOP["width"]
    await shot(page, "test-bench-desktop.png", doc=True)

    # the review before publishing lists every change and warns
    await page.fill("textarea[name=yaml]", risky_policy(tmp_path).read_text())
    await page.click("text=Save draft & validate")
    await page.click("text=Review & publish draft")
    assert "portal.expiry_hours" in await page.inner_text("table.changes")
    assert "36 seconds" in await page.inner_text(".notice.error")
    await shot(page, "review-desktop.png", doc=True)

    # phone width: the same pages without sideways scrolling
    phone = await browser.new_page(viewport=PHONE)
    await sign_in(phone, admin_env, "privacy_officer")
    assert await page_width(phone) <= PHONE["width"]
    await shot(phone, "home-dashboard-phone.png", doc=True)
    for path in ("/admin/sends", "/admin/audit", "/admin/policy"):
        await phone.goto(admin_env.url(path))
        assert await page_width(phone) <= PHONE["width"], path
    await shot(phone, "policy-phone.png")
    assert not [e for e in errors if "Content Security Policy" in e], errors


async def test_admin_manages_users_and_keys(browser: Any, admin_env: AdminEnv) -> None:  # noqa: F811
    page = await browser.new_page(viewport=DESKTOP)
    await sign_in(page, admin_env, "admin")
    await page.goto(admin_env.url("/admin/users"))
    assert await page.locator("select[name=role]").last.input_value() == "analyst"
    await page.fill("input[name=name]", "casey")
    await page.click("text=Add user")
    assert "casey" in await page.inner_text(".notice.info")
    await page.locator("form[action='/admin/users/casey/keys'] button").click()
    assert "shown once" in await page.inner_text(".notice.info")
    await page.click("a[href='/admin/users/u_admin/revoke']")
    assert "Revoke u_admin?" in await page.inner_text("h1")
    await page.click("button.danger")
    assert "last active admin" in await page.inner_text(".notice.error")
    await shot(page, "users-desktop.png", doc=True)
    assert await page_width(page) <= DESKTOP["width"]
