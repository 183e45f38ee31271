"""Console figures as plain dicts, and the analyst export/summary endpoints of the admin API."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import aiohttp
import pyarrow.parquet as pq
import pytest
from aiohttp import web

from proxy import appkeys
from proxy.analytics.routes import register_routes
from proxy.analytics.summary import console_summary
from proxy.audit import AuditEvent, AuditLog
from proxy.secrets_store import load_or_create
from proxy.settings import Settings, StorageSettings
from proxy.store import open_database
from tests.analytics.rows import put, row

NOW = datetime.now(UTC)
TODAY = NOW.date()


@pytest.fixture
async def db(db_url):
    """The same tests on SQLite and PostgreSQL."""
    database = await open_database(db_url)
    yield database
    await database.close()


async def test_console_summary(db):
    await put(
        db,
        row(NOW, "redact", entity_counts=json.dumps({"PERSON": 2, "PHONE_NUMBER": 1})),
        row(NOW, "redact", entity_counts=json.dumps({"PERSON": 1})),
        row(NOW, "block", entity_counts=json.dumps({"CONDITION": 1})),
        row(datetime(2020, 1, 1, tzinfo=UTC), "allow"),  # outside the range
    )
    await db.execute(
        "INSERT INTO analytics_held_back (id, ts, day, provider, action, policy_version,"
        " residual_types) VALUES ('h1', ?, ?, 'twilio', 'redact', 'v', '[\"PERSON\"]')",
        NOW.timestamp(),
        TODAY.isoformat(),
    )
    audit = AuditLog(db)
    for kind in ("optout", "optout", "optout.keyword", "portal.view", "send"):
        await audit.append(AuditEvent(kind=kind, outcome="ok"))
    s = await console_summary(db, TODAY, TODAY)
    assert s["texts_per_day"] == {TODAY.isoformat(): {"block": 1, "redact": 2}}
    assert s["texts"] == 3
    assert s["top_entity_types"][:2] == [
        {"type": "PERSON", "count": 3},
        {"type": "CONDITION", "count": 1},
    ] or s["top_entity_types"][:2] == [
        {"type": "PERSON", "count": 3},
        {"type": "PHONE_NUMBER", "count": 1},
    ]
    assert len(s["top_entity_types"]) == 3
    assert s["held_back"] == 1
    assert s["optouts"] == {"total": 3, "by_kind": {"optout": 2, "optout.keyword": 1}}
    assert s["portal_links_opened"] == 1
    json.dumps(s)  # plain, serialisable


def api_app(db, tmp_path, require_role) -> web.Application:
    app = web.Application()
    app[appkeys.STORE] = db
    app[appkeys.SETTINGS] = Settings(storage=StorageSettings(data_dir=str(tmp_path)))
    register_routes(app, require_role)
    return app


async def test_a_role_check_dependency_guards_the_export(aiohttp_client, db, tmp_path):
    seen = []

    async def require_role(request: web.Request, role: str) -> None:
        seen.append(role)
        if request.headers.get("X-Role") != role:
            raise web.HTTPForbidden()

    await put(db, row(NOW), row(NOW, "allow"))
    client = await aiohttp_client(api_app(db, tmp_path, require_role))
    r = await client.get("/admin/api/exports", params={"since": TODAY.isoformat()})
    assert r.status == 403
    r = await client.get(
        "/admin/api/exports",
        params={"since": TODAY.isoformat(), "format": "parquet"},
        headers={"X-Role": "analyst"},
    )
    assert r.status == 200
    assert r.headers["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(await r.read()))
    assert table.num_rows == 2 and "decision_id" not in table.column_names
    r = await client.get("/admin/api/analytics/summary", headers={"X-Role": "analyst"})
    assert r.status == 200 and (await r.json())["texts"] == 2
    assert seen == ["analyst"] * 3


async def test_api_exports_span_days_in_every_format(aiohttp_client, db, tmp_path):
    async def allow(request, role):
        return None

    days = [datetime(2026, 11, d, 10, tzinfo=UTC) for d in (27, 28, 28, 30)]
    await put(db, *(row(d) for d in days))
    client = await aiohttp_client(api_app(db, tmp_path, allow))
    params = {"since": "2026-11-27", "until": "2026-11-30"}
    r = await client.get("/admin/api/exports", params=params | {"format": "parquet"})
    table = pq.read_table(io.BytesIO(await r.read()))
    assert table.num_rows == 4 and table.num_columns == 18
    r = await client.get("/admin/api/exports", params=params | {"format": "csv"})
    lines = (await r.text()).splitlines()
    assert len(lines) == 5 and lines[0].startswith("id,ts,day,")  # one header, four rows
    r = await client.get("/admin/api/exports", params=params | {"format": "jsonl"})
    got = [json.loads(x)["day"] for x in (await r.text()).splitlines()]
    assert got == ["2026-11-27", "2026-11-28", "2026-11-28", "2026-11-30"]
    r = await client.get("/admin/api/exports", params={"since": "2020-01-01", "format": "parquet"})
    assert pq.read_table(io.BytesIO(await r.read())).num_rows == 0  # empty but valid


async def test_the_stand_in_bearer_key_guard(aiohttp_server, make_proxy, upstream_server):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    key = load_or_create("analytics_api", proxy.app[appkeys.SETTINGS].storage.data_dir).hex()
    url = proxy.make_url("/admin/api/exports")
    async with aiohttp.ClientSession() as s:
        async with s.get(url) as r:
            assert r.status == 401
        async with s.get(url, headers={"Authorization": "Bearer " + "0" * 64}) as r:
            assert r.status == 401
        async with s.get(url, headers={"Authorization": f"Bearer {key}"}) as r:
            assert r.status == 200 and await r.text() == ""
        async with s.get(
            url, params={"format": "xml"}, headers={"Authorization": f"Bearer {key}"}
        ) as r:
            assert r.status == 400


async def test_bad_dates_are_a_400(aiohttp_client, db, tmp_path):
    async def allow(request, role):
        return None

    client = await aiohttp_client(api_app(db, tmp_path, allow))
    r = await client.get("/admin/api/exports", params={"since": "yesterday"})
    assert r.status == 400
    r = await client.get(
        "/admin/api/exports", params={"since": "2026-11-29", "until": "2026-11-28"}
    )
    assert r.status == 400
    assert date.fromisoformat("2026-11-29")  # the format the API wants
