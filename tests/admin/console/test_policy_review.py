"""Publishing goes through a review that lists every changed setting and warns on risky ones;
the version compare and the Policy page show portal settings too (issue #19, point 10)."""

from __future__ import annotations

import re
from pathlib import Path

from proxy import appkeys
from tests.admin.conftest import AdminEnv
from tests.admin.test_policy_cli import risky_policy


async def call(env: AdminEnv, method: str, path: str, **form: str) -> tuple[int, str, str]:
    r = await env.request(method, path, role="privacy_officer", form=form)
    return r.status, r.text(), r.headers.get("Location", "")


async def test_review_lists_every_change_and_warns_before_publish(
    admin_env: AdminEnv, tmp_path: Path
) -> None:
    holder = admin_env.server.app[appkeys.POLICY]
    live = holder.current.version
    await call(admin_env, "POST", "/admin/policy/draft", yaml=risky_policy(tmp_path).read_text())
    status, review, _ = await call(admin_env, "GET", "/admin/policy/review")
    assert status == 200
    for what in ("portal.view_once", "portal.expiry_hours", "mode", "entities.US_SSN"):
        assert f"<code>{what}</code>" in review, what
    assert "36 seconds" in review and "Monitor mode" in review
    assert 'name="accept_risks"' in review
    draft = re.search(r'name="reviewed" value="([0-9a-f]+)"', review)
    assert draft

    # not reviewed (or the draft changed since): back to the review, nothing published
    status, page, _ = await call(admin_env, "POST", "/admin/policy/publish", reason="x")
    assert status == 400 and "review it again" in page and holder.current.version == live
    # reviewed, warnings not confirmed
    status, page, _ = await call(
        admin_env, "POST", "/admin/policy/publish", reason="pilot", reviewed=draft.group(1)
    )
    assert status == 400 and "Confirm the warnings" in page and holder.current.version == live
    status, _, where = await call(
        admin_env,
        "POST",
        "/admin/policy/publish",
        reason="pilot",
        reviewed=draft.group(1),
        accept_risks="yes",
    )
    assert status == 303 and holder.current.version == draft.group(1)
    assert holder.current.portal.view_once and holder.current.portal.expiry_hours == 0.01

    # the versions compare names the portal changes and warns
    status, versions, _ = await call(admin_env, "GET", "/admin/versions")
    ids = re.findall(r'href="/admin/versions/(\d+)"', versions)
    status, diff, _ = await call(
        admin_env, "GET", f"/admin/versions/diff?from={ids[1]}&to={ids[0]}"
    )
    assert "<code>portal.view_once</code>" in diff and "No setting changed" not in diff
    assert "36 seconds" in diff
    # the Policy page shows the portal settings
    status, policy, _ = await call(admin_env, "GET", "/admin/policy")
    portal = policy.split('class="portal-settings"')[1].split("</table>")[0]
    assert "<td>View once</td><td>yes</td>" in portal and "0.01 hours" in portal
