"""The privacy officer's view of sends (issue #19, points 8, 9 and 13): every send filed by
outcome, filterable, each row opening its record and audit trail; a dashboard on the home page;
the audit log open to the privacy officer; dates typed US-style; errors inside the console."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import aiohttp

from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.tasks import drain
from tests.admin.conftest import AdminEnv
from tests.support.proxy import SENDS

TEXTS = (
    ("Your appointment is on Tuesday at 3:15 PM.", {}),
    ("Hi Maria Lopez, see you Tuesday at 3:15 PM.", {}),
    ("Your biopsy results show cancer.", {"X-PHI-Proxy-Patient-DOB": "1962-03-14"}),
    ("Your biopsy results show cancer.", {}),  # no date of birth: refused, not "portal"
)


async def traffic(env: AdminEnv) -> None:
    async with aiohttp.ClientSession() as s:
        for text, headers in TEXTS:
            body = urlencode({"To": "+15550100001", "From": "+15550109999", "Body": text})
            async with s.post(
                env.url(SENDS),
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
            ) as r:
                await r.read()
    await drain(AUDIT_RESULT_TASK)


async def get(env: AdminEnv, role: str, path: str) -> tuple[int, str]:
    r = await env.request("GET", path, role=role)
    return r.status, r.text()


async def test_sends_are_filed_filtered_and_open_their_record(admin_env: AdminEnv) -> None:
    await traffic(admin_env)
    status, html = await get(admin_env, "privacy_officer", "/admin/sends")
    assert status == 200
    assert html.count('class="badge o-') == 4
    status, html = await get(admin_env, "privacy_officer", "/admin/sends?outcome=refused")
    assert html.count('class="badge o-refused"') == 1 and "portal_no_dob" in html
    assert 'class="badge o-portal"' not in html
    status, html = await get(admin_env, "privacy_officer", "/admin/sends?outcome=portal")
    (rid,) = set(re.findall(r'href="/admin/sends/([0-9a-f]{32})"', html))
    status, record = await get(admin_env, "privacy_officer", f"/admin/sends/{rid}")
    assert status == 200
    assert rid in record and re.search(r"<code>pt_[0-9a-f]{12}</code>", record)
    for kind in ("send", "send.result", "portal.create"):
        assert f"<code>{kind}</code>" in record
    assert "Maria" not in record and "biopsy" not in record and "5550100001" not in record
    # a filter by entity type, and dates typed the American way
    _, html = await get(admin_env, "auditor", "/admin/sends?entity_type=PERSON&since=01/01/2020")
    assert html.count('class="badge o-') == 1
    # an analyst cannot see sends
    assert (await get(admin_env, "analyst", "/admin/sends"))[0] == 403


async def test_privacy_officer_dashboard_and_audit_log(admin_env: AdminEnv) -> None:
    await traffic(admin_env)
    status, home = await get(admin_env, "privacy_officer", "/admin/?days=7")
    assert status == 200 and "Activity, the last 7 days" in home
    sends = re.search(r"<h3>Sends</h3><p class=\"big\">(\d+)</p>", home)
    assert sends and sends.group(1) == "4"
    assert "portal_no_dob" in home and "Portal links sent" in home
    # each chart segment links to the sends behind it
    links = re.findall(r'<a href="(/admin/sends\?outcome=[a-z]+&amp;since=[^"]+)"', home)
    assert any("outcome=refused" in link for link in links)
    status, rows = await get(admin_env, "privacy_officer", links[0].replace("&amp;", "&"))
    assert status == 200 and 'class="badge o-' in rows
    # the privacy officer opens the audit log (console and API)
    assert (await get(admin_env, "privacy_officer", "/admin/audit"))[0] == 200
    assert (await get(admin_env, "privacy_officer", "/admin/api/audit"))[0] == 200
    # an analyst's home has no activity numbers
    _, analyst_home = await get(admin_env, "analyst", "/admin/")
    assert "Activity" not in analyst_home


async def test_console_errors_stay_in_the_console(admin_env: AdminEnv) -> None:
    status, html = await get(admin_env, "auditor", "/admin/audit?since=11/29/2026")
    assert status == 200  # a US date is a date
    status, html = await get(admin_env, "auditor", "/admin/audit?since=yesterday")
    assert status == 400 and "11/29/2026" in html and "<nav>" in html and "{" not in html[:20]
    status, html = await get(admin_env, "auditor", "/admin/no-such-page")
    assert status == 404 and "<nav>" in html and "Page not found" in html
    status, html = await get(admin_env, "auditor", "/admin/sends/" + "0" * 32)
    assert status == 404 and "<nav>" in html
    # the JSON API keeps answering JSON
    status, body = await get(admin_env, "auditor", "/admin/api/audit?since=yesterday")
    assert status == 400 and body.startswith("{")
