"""Publishing under load: no request is lost, each decision cites a version that was live."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import aiohttp

from proxy import appkeys
from tests.admin.conftest import AdminEnv
from tests.support.proxy import SENDS

SENDS_TOTAL = 120
PUBLISHES = 6


async def test_publishing_while_sending_loses_no_request(admin_env: AdminEnv) -> None:
    app = admin_env.server.app
    holder = app[appkeys.POLICY]
    base_text = holder.current.text
    versions = {holder.current.version}
    line = "PERSON: {action: redact, min_score: 0.5}"
    assert line in base_text

    async def one_send(s: aiohttp.ClientSession, i: int) -> int:
        body = urlencode(
            {"To": "+15550100001", "From": "+15550109999", "Body": f"Hi Maria Lopez, ref {i}."}
        )
        async with s.post(
            admin_env.url(SENDS),
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as r:
            await r.read()
            return r.status

    async def publisher(s: aiohttp.ClientSession) -> None:
        for n in range(PUBLISHES):
            await asyncio.sleep(0.08)
            action = "mask" if n % 2 == 0 else "redact"
            text = base_text.replace(line, f"PERSON: {{action: {action}, min_score: 0.{n + 1}}}")
            async with s.post(
                admin_env.url("/admin/api/policy/publish"),
                json={"yaml": text, "reason": f"load test {n}"},
                headers=admin_env.bearer("privacy_officer"),
            ) as r:
                body = await r.json()
                assert r.status == 200, body
                versions.add(body["version"])

    connector = aiohttp.TCPConnector(limit=40)
    async with aiohttp.ClientSession(connector=connector) as s:
        sends: list[asyncio.Task[int]] = []

        async def sender() -> None:
            for i in range(SENDS_TOTAL):  # arrivals spread over the publishes
                sends.append(asyncio.create_task(one_send(s, i)))
                await asyncio.sleep(0.005)

        await asyncio.gather(sender(), publisher(s))
        statuses = await asyncio.gather(*sends)

    assert statuses == [201] * SENDS_TOTAL
    assert len(versions) == PUBLISHES + 1
    rows = await app[appkeys.STORE].fetch("SELECT body FROM audit_log WHERE kind = 'send'")
    cited = [json.loads(r["body"])["policy_version"] for r in rows]
    assert len(cited) == SENDS_TOTAL
    assert set(cited) <= versions
    assert len(set(cited)) >= 2, "publishes did not overlap the sends; the test proved nothing"


async def test_a_publish_reaches_other_workers_through_the_store(
    make_proxy, upstream_server, policy_file
) -> None:
    """Two proxies sharing one database (like ``serve --workers 2``): publish on one, the other
    adopts it; a bad row would be skipped, never break the good policy."""
    from dataclasses import replace as dc_replace

    from proxy.policy.parse import load_policy
    from proxy.settings import AdminSettings, Settings

    settings = Settings(policy_path=str(policy_file), admin=AdminSettings(policy_sync_seconds=0.05))
    url = str(upstream_server.make_url(""))
    a = await make_proxy(url, policy=load_policy(policy_file), settings=settings)
    b = await make_proxy(url, policy=load_policy(policy_file), settings=dc_replace(settings))
    ha, hb = a.app[appkeys.POLICY], b.app[appkeys.POLICY]
    text = ha.current.text.replace(
        "PERSON: {action: redact, min_score: 0.5}", "PERSON: {action: block, min_score: 0.5}"
    )
    published = await ha.publish(text, actor="olivia", reason="block names")
    for _ in range(100):
        await asyncio.sleep(0.02)
        if hb.current.version == published.version:
            break
    assert hb.current.version == published.version
    assert hb.current.rule_for("PERSON").action.label == "block"
    # A's own publish is not re-adopted as a change
    assert await ha.sync_from_store() is False
