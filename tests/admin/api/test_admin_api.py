"""The admin API end to end on a real proxy: publish, versions, diff, audit, metrics, users."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from proxy import appkeys
from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.policy.holder import install_sighup
from proxy.tasks import drain
from tests.admin.conftest import AdminEnv
from tests.support.proxy import SENDS, post_form

BAD_AT_LINE_6 = """\
version: 1
name: broken
default: {action: redact}
entities:
  PERSON: {action: redact, min_score: 0.5}
  DATE: {action: obliterate}
"""


async def api(
    env: AdminEnv, method: str, path: str, role: str = "admin", **kw: Any
) -> tuple[int, Any]:
    headers = kw.pop("headers", None) or env.bearer(role)
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, env.url(path), headers=headers, **kw) as r,
    ):
        if r.content_type == "application/json":
            return r.status, await r.json()
        return r.status, await r.text()


def with_person(text: str, action: str) -> str:
    return text.replace(
        "PERSON: {action: redact, min_score: 0.5}", f"PERSON: {{action: {action}, min_score: 0.5}}"
    )


async def send(env: AdminEnv, text: str, sender: str = "+15550109999") -> int:
    body = urlencode({"To": "+15550100001", "From": sender, "Body": text})
    r = await post_form(env.url(SENDS), body)
    return r.status


async def test_bad_policy_is_rejected_with_the_exact_line(admin_env: AdminEnv) -> None:
    live = admin_env.server.app[appkeys.POLICY].current.version
    status, body = await api(
        admin_env,
        "POST",
        "/admin/api/policy/validate",
        "privacy_officer",
        json={"yaml": BAD_AT_LINE_6},
    )
    assert status == 422
    assert body["error"]["line"] == 6
    assert body["error"]["key"] == "entities.DATE.action"
    assert "must be one of" in body["error"]["reason"]
    status, body = await api(
        admin_env,
        "POST",
        "/admin/api/policy/publish",
        "privacy_officer",
        json={"yaml": BAD_AT_LINE_6, "reason": "try"},
    )
    assert status == 422 and body["error"]["line"] == 6
    assert admin_env.server.app[appkeys.POLICY].current.version == live


async def test_publish_versions_diff_and_audit(admin_env: AdminEnv, policy_file: Path) -> None:
    holder = admin_env.server.app[appkeys.POLICY]
    old = holder.current
    new_text = with_person(old.text, "mask")
    status, body = await api(
        admin_env,
        "POST",
        "/admin/api/policy/publish",
        "privacy_officer",
        json={"yaml": new_text, "reason": "mask names for the pilot"},
    )
    assert status == 200 and body["published"] is True
    assert holder.current.version == body["version"] != old.version
    assert policy_file.read_text() == new_text  # SIGHUP / restart read the same rules

    status, got = await api(admin_env, "GET", "/admin/api/policy", "auditor")
    assert got["version"] == body["version"]
    assert got["policy"]["entities"]["PERSON"]["action"] == "mask"

    status, hist = await api(admin_env, "GET", "/admin/api/policy/versions", "auditor")
    events = [(v["event"], v["version"], v["actor"]) for v in hist["versions"]]
    assert events[0] == ("publish", body["version"], "u_privacy_officer")
    assert events[-1] == ("load", old.version, "system")
    assert hist["versions"][0]["reason"] == "mask names for the pilot"

    newest, oldest = hist["versions"][0]["id"], hist["versions"][-1]["id"]
    status, one = await api(admin_env, "GET", f"/admin/api/policy/versions/{newest}", "auditor")
    assert one["yaml"] == new_text
    status, diff = await api(
        admin_env, "GET", f"/admin/api/policy/diff?from={oldest}&to={newest}", "auditor"
    )
    assert status == 200
    assert diff["rule_changes"] == [
        {
            "what": "entities.PERSON",
            "old": {"action": "redact", "min_score": 0.5},
            "new": {"action": "mask", "min_score": 0.5},
        }
    ]
    assert any(line.startswith("+  PERSON: {action: mask") for line in diff["text_diff"])

    status, audit = await api(admin_env, "GET", "/admin/api/audit?kind=policy.publish", "auditor")
    [rec] = audit["records"]
    assert rec["actor"] == "u_privacy_officer"
    assert rec["policy_version"] == body["version"]
    assert rec["details"]["previous_version"] == old.version


async def test_audit_search_filters_and_pages(admin_env: AdminEnv) -> None:
    assert await send(admin_env, "Hi Maria Lopez, see you Tuesday at 3:15 PM.") == 201
    assert await send(admin_env, "Your appointment is on Tuesday at 3:15 PM.") == 201
    assert await send(admin_env, "Hi Maria Lopez, call 555-010-0123 please.") == 201
    await drain(AUDIT_RESULT_TASK)  # results are recorded just after each answer
    status, page = await api(
        admin_env, "GET", "/admin/api/audit?kind=send&action=redact&entity_type=PERSON", "auditor"
    )
    assert status == 200
    assert len(page["records"]) == 2
    assert all("PERSON" in r["entity_types"] for r in page["records"])
    assert all(r["action"] == "redact" for r in page["records"])
    assert all("Maria" not in str(r) and "5550100001" not in str(r) for r in page["records"])
    status, allow = await api(
        admin_env, "GET", "/admin/api/audit?kind=send&action=allow", "auditor"
    )
    assert len(allow["records"]) == 1

    seen = []
    before = ""
    for _ in range(10):
        status, page = await api(
            admin_env, "GET", f"/admin/api/audit?kind=send*&limit=2{before}", "auditor"
        )
        seen.extend(r["seq"] for r in page["records"])
        if page["next_before"] is None:
            break
        before = f"&before={page['next_before']}"
    assert len(seen) == 6 == len(set(seen))  # 3 sends + 3 send.result, each once
    assert seen == sorted(seen, reverse=True)

    status, page = await api(admin_env, "GET", "/admin/api/audit?since=2999-01-01", "auditor")
    assert page["records"] == []
    for bad in ("since=yesterday", "action=explode", "limit=0", "before=x"):
        status, _ = await api(admin_env, "GET", f"/admin/api/audit?{bad}", "auditor")
        assert status == 400, bad


async def test_metrics_and_export_count_decisions(admin_env: AdminEnv) -> None:
    assert await send(admin_env, "Hi Maria Lopez, see you Tuesday at 3:15 PM.") == 201
    assert await send(admin_env, "Your appointment is on Tuesday at 3:15 PM.") == 201
    assert await send(admin_env, "Your biopsy results show cancer.") == 400
    status, m = await api(admin_env, "GET", "/admin/api/metrics/decisions?days=3", "operator")
    assert status == 200 and len(m["days"]) == 3
    today = m["days"][-1]
    assert m["by_action"][today] == {"redact": 1, "allow": 1, "portal": 1}
    assert m["by_entity_type"][today]["PERSON"] == 1
    assert m["by_entity_type"][today]["CONDITION"] == 1
    status, csv_text = await api(
        admin_env, "GET", "/admin/api/exports/decisions.csv?days=2", "analyst"
    )
    assert status == 200
    assert f"{today},action,portal,1" in csv_text.splitlines()
    assert f"{today},entity_type,PERSON,1" in csv_text.splitlines()


async def test_test_bench_uses_the_draft_and_the_sender(admin_env: AdminEnv) -> None:
    live = admin_env.server.app[appkeys.POLICY].current
    draft = live.text + (
        "overrides:\n  - name: billing\n    senders: [MG00000000000000000000000000000009]\n"
        "    entities:\n      PERSON: block\n"
    )
    text = "Hi Maria Lopez, your bill is ready."
    status, r = await api(
        admin_env, "POST", "/admin/api/policy/test", "privacy_officer", json={"text": text}
    )
    assert status == 200 and r["action"] == "redact"
    assert r["outgoing"] == "Hi [name], your bill is ready."
    assert r["policy_version"] == live.version
    status, r = await api(
        admin_env,
        "POST",
        "/admin/api/policy/test",
        "privacy_officer",
        json={"text": text, "yaml": draft, "sender": "MG00000000000000000000000000000009"},
    )
    assert status == 200
    assert (r["action"], r["policy_view"], r["outgoing"]) == ("block", "billing", None)
    assert r["findings"][0]["text"] == "Maria Lopez" and r["findings"][0]["acts"]


async def test_users_and_keys_lifecycle(admin_env: AdminEnv) -> None:
    status, new = await api(
        admin_env, "POST", "/admin/api/users", json={"name": "carol", "role": "auditor"}
    )
    assert status == 201 and new["api_key"].startswith("phk_")
    carol = {"Authorization": f"Bearer {new['api_key']}"}
    status, me = await api(admin_env, "GET", "/admin/api/whoami", headers=carol)
    assert me["role"] == "auditor"
    status, _ = await api(
        admin_env, "POST", "/admin/api/users", json={"name": "carol", "role": "auditor"}
    )
    assert status == 409
    status, _ = await api(admin_env, "POST", "/admin/api/users", json={"name": "x", "role": "king"})
    assert status == 400
    status, listing = await api(admin_env, "GET", "/admin/api/users")
    carol_row = next(u for u in listing["users"] if u["name"] == "carol")
    assert "password_hash" not in carol_row and "key_hash" not in str(listing)
    assert new["api_key"] not in str(listing)

    status, second = await api(admin_env, "POST", "/admin/api/users/carol/keys")
    assert status == 201
    status, _ = await api(admin_env, "POST", f"/admin/api/keys/{second['key_id']}/revoke")
    assert status == 200
    async with aiohttp.ClientSession() as s:
        async with s.get(
            admin_env.url("/admin/api/whoami"),
            headers={"Authorization": f"Bearer {second['api_key']}"},
        ) as r:
            assert r.status == 401
        status, _ = await api(admin_env, "POST", "/admin/api/users/carol/revoke")
        assert status == 200
        async with s.get(admin_env.url("/admin/api/whoami"), headers=carol) as r:
            assert r.status == 401
    status, audit = await api(admin_env, "GET", "/admin/api/audit?kind=admin.*", "auditor")
    kinds = [r["kind"] for r in audit["records"]]
    assert kinds == ["admin.user.revoke", "admin.key.revoke", "admin.key.add", "admin.user.add"]


async def test_reload_from_file_keeps_good_policy_on_bad_file(
    admin_env: AdminEnv, policy_file: Path
) -> None:
    holder = admin_env.server.app[appkeys.POLICY]
    good = holder.current.version
    policy_file.write_text(BAD_AT_LINE_6)
    status, body = await api(
        admin_env, "POST", "/admin/api/policy/reload", "privacy_officer", json={}
    )
    assert status == 422 and body["error"]["line"] == 6
    assert holder.current.version == good
    policy_file.write_text(with_person(holder.current.text, "block"))
    status, body = await api(
        admin_env, "POST", "/admin/api/policy/reload", "privacy_officer", json={}
    )
    assert status == 200 and body["version"] != good
    assert holder.current.rule_for("PERSON").action.label == "block"


async def test_sighup_reloads_the_policy_file(admin_env: AdminEnv, policy_file: Path) -> None:
    holder = admin_env.server.app[appkeys.POLICY]
    before = holder.current.version
    loop = asyncio.get_running_loop()
    install_sighup(holder)
    try:
        policy_file.write_text(BAD_AT_LINE_6)
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(0.3)
        assert holder.current.version == before  # a bad file never replaces a good policy
        policy_file.write_text(with_person(holder.current.text, "mask"))
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(50):
            await asyncio.sleep(0.05)
            if holder.current.version != before:
                break
        assert holder.current.rule_for("PERSON").action.label == "mask"
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
    status, hist = await api(admin_env, "GET", "/admin/api/policy/versions", "auditor")
    assert hist["versions"][0]["event"] == "reload" and hist["versions"][0]["actor"] == "sighup"


async def test_test_bench_shows_the_language_and_the_spanish_notice(admin_env: AdminEnv) -> None:
    text = "Sra. García, su biopsia muestra cáncer. Su cita es el martes a las 3:15 p. m."
    status, r = await api(
        admin_env, "POST", "/admin/api/policy/test", "privacy_officer", json={"text": text}
    )
    assert status == 200 and r["action"] == "portal" and r["language"] == "es"
    assert r["outgoing"].startswith("Lakeview Health: tiene un mensaje seguro nuevo")
    assert "cáncer" not in r["outgoing"] and "García" not in r["outgoing"]
    status, r = await api(
        admin_env,
        "POST",
        "/admin/api/policy/test",
        "privacy_officer",
        json={"text": "Your biopsy shows cancer."},
    )
    assert status == 200 and r["language"] == "en"
    assert r["outgoing"].startswith("Lakeview Health: you have a new secure message")
