"""The console in headless Chromium, as a person would. Screenshots: artifacts/screenshots/."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import playwright.async_api as playwright_api
import pytest

from proxy import appkeys
from tests.admin.conftest import AdminEnv
from tests.support.proxy import SENDS

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.slow

BROKEN = """version: 1
name: broken
default: {action: redact}
entities:
  PERSON: {action: redact, min_score: 0.5}
  DATE: {action: obliterate}
"""


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    assert shutil.which(CHROMIUM), "Debian chromium is required at /usr/bin/chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with playwright_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


async def sign_in(page: Any, env: AdminEnv, role: str) -> None:
    await page.goto(env.url("/admin/login"))
    await page.fill("input[name=name]", f"u_{role}")
    await page.fill("input[name=password]", env.passwords[role])
    await page.click("button[type=submit]")
    await page.wait_for_url("**/admin/")


async def some_traffic(env: AdminEnv) -> None:
    texts = [
        "Hi Maria Lopez, see you Tuesday at 3:15 PM.",
        "Your appointment is on Tuesday at 3:15 PM.",
        "Your biopsy results show cancer.",
        "Call 555-010-0123 about your MRN 44556677.",
    ]
    async with aiohttp.ClientSession() as s:
        for t in texts:
            body = urlencode({"To": "+15550100001", "From": "+15550109999", "Body": t})
            async with s.post(
                env.url(SENDS),
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ) as r:
                await r.read()


async def test_privacy_officer_edits_tests_and_publishes(browser: Any, admin_env: AdminEnv):
    await some_traffic(admin_env)
    holder = admin_env.server.app[appkeys.POLICY]
    before = holder.current.version
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in(page, admin_env, "privacy_officer")
    await page.screenshot(path=str(SHOTS / "01-home.png"))

    await page.click("nav >> text=Policy")
    assert await page.locator("table.rules").count() == 1
    await page.screenshot(path=str(SHOTS / "02-policy.png"), full_page=True)

    await page.click("text=Edit & test")
    # a broken draft: the error names the exact line and key, and publishing is disabled
    await page.fill("textarea[name=yaml]", BROKEN)
    await page.click("text=Save draft & validate")
    error = await page.inner_text(".notice.error")
    assert "line 6" in error and "entities.DATE.action" in error
    assert (
        await page.locator("pre.numbered span.bad").inner_text() == "6  DATE: {action: obliterate}"
    )
    assert await page.is_disabled("text=Review & publish draft")
    await page.screenshot(path=str(SHOTS / "03a-invalid-draft.png"), full_page=True)
    await page.click("text=Discard draft")
    row = page.locator("form.inline:has(input[name=entity][value=PERSON])")
    await row.locator("select[name=action]").select_option("mask")
    await row.locator("button[type=submit]").click()
    await page.wait_for_url("**/admin/policy/edit?saved=PERSON")
    assert "Draft is valid" in await page.inner_text("main")
    draft_version = await page.inner_text("code.draft-version")
    assert draft_version != before

    await page.fill("textarea[name=text]", "Hi Maria Lopez, your appointment is Tuesday.")
    await page.click("text=Test against the draft")
    result = page.locator("#result")
    await result.wait_for()
    assert "mask" in await result.locator("h2").inner_text()
    outgoing = await result.locator("pre.outgoing").inner_text()
    assert "Maria" not in outgoing and "*" in outgoing
    await page.screenshot(path=str(SHOTS / "03-test-bench.png"), full_page=True)

    await page.click("text=Review & publish draft")
    assert "entities.PERSON" in await page.inner_text("table.changes")
    await page.fill("input[name=reason]", "Mask patient names (pilot)")
    await page.click("text=Publish draft")
    await page.wait_for_url("**/admin/versions?published=*")
    assert await page.inner_text("code.published") == draft_version
    first_row = page.locator("table.versions tbody tr").first
    assert draft_version in await first_row.inner_text()
    assert "Mask patient names (pilot)" in await first_row.inner_text()
    await page.screenshot(path=str(SHOTS / "04-versions.png"), full_page=True)
    assert holder.current.version == draft_version
    assert holder.current.rule_for("PERSON").action.label == "mask"

    await page.click("text=Compare selected")
    assert "entities.PERSON" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "05-diff.png"), full_page=True)

    await page.goto(admin_env.url("/admin/charts"))
    assert await page.locator("svg.chart").count() == 2
    assert await page.locator("svg.chart rect").count() > 3
    await page.screenshot(path=str(SHOTS / "06-charts.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


async def test_analyst_cannot_reach_the_policy(browser: Any, admin_env: AdminEnv):
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await sign_in(page, admin_env, "analyst")
    nav = await page.inner_text("nav")
    assert "Exports" in nav and "Policy" not in nav and "Audit" not in nav
    response = await page.goto(admin_env.url("/admin/policy"))
    assert response.status == 403
    assert "PERSON" not in await page.content()
    await page.screenshot(path=str(SHOTS / "07-analyst-refused.png"))
    response = await page.goto(admin_env.url("/admin/exports"))
    assert response.status == 200
    await page.screenshot(path=str(SHOTS / "08-analyst-exports.png"))


async def test_auditor_reads_the_audit_log_with_filters(browser: Any, admin_env: AdminEnv):
    await some_traffic(admin_env)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await sign_in(page, admin_env, "auditor")
    await page.goto(admin_env.url("/admin/audit"))
    await page.select_option("select[name=action]", "redact")
    await page.fill("input[name=kind]", "send")
    await page.click("text=Filter")
    rows = page.locator("table.audit tbody tr")
    assert await rows.count() == 2
    for i in range(2):
        assert "redact" in await rows.nth(i).inner_text()
    await page.screenshot(path=str(SHOTS / "09-audit.png"), full_page=True)
