"""Console figures as plain dicts, and the analyst export/summary endpoints of the admin API."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import aiohttp
import pyarrow.parquet as pq
import pytest

import proxy.admin.auth as auth_mod
from proxy import appkeys
from proxy.admin.roles import ROLES
from proxy.admin.state_keys import AUTH
from proxy.analytics.summary import console_summary
from proxy.audit.log import AuditEvent, AuditLog
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


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)


@pytest.fixture
async def api(make_proxy, upstream_server):
    """The real proxy (admin access middleware included) with an analyst and an operator."""
    server = await make_proxy(str(upstream_server.make_url("")))
    auth = server.app[AUTH]
    keys = {role: (await auth.add_user(f"u_{role}", role)).api_key for role in ROLES}
    return server, keys


async def get(server, path: str, key: str | None, **params: str) -> tuple[int, bytes, str]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        aiohttp.ClientSession() as s,
        s.get(server.make_url(path), params=params, headers=headers) as r,
    ):
        return r.status, await r.read(), r.headers.get("Content-Type", "")


async def test_exports_are_for_analysts(api):
    server, keys = api
    await put(server.app[appkeys.STORE], row(NOW), row(NOW, "allow"))
    path = "/admin/api/exports"
    assert (await get(server, path, None))[0] == 401
    for role in ("operator", "auditor", "privacy_officer"):
        assert (await get(server, path, keys[role]))[0] == 403, role
    status, body, ctype = await get(server, path, keys["analyst"], format="parquet")
    assert status == 200 and ctype == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == 2 and "decision_id" not in table.column_names
    assert (await get(server, path, keys["admin"], format="csv"))[0] == 200


async def test_the_summary_is_for_metrics_readers(api):
    server, keys = api
    await put(server.app[appkeys.STORE], row(NOW), row(NOW, "allow"))
    path = "/admin/api/analytics/summary"
    for role in ("auditor", "privacy_officer", "operator", "admin"):
        status, body, _ = await get(server, path, keys[role])
        assert status == 200 and json.loads(body)["texts"] == 2, role
    assert (await get(server, path, keys["analyst"]))[0] == 403  # analysts: exports only
    assert (await get(server, path, None))[0] == 401


async def test_api_exports_span_days_in_every_format(api):
    server, keys = api
    days = [datetime(2026, 11, d, 10, tzinfo=UTC) for d in (27, 28, 28, 30)]
    await put(server.app[appkeys.STORE], *(row(d) for d in days))
    key = keys["analyst"]
    rng = {"since": "2026-11-27", "until": "2026-11-30"}
    _, body, _ = await get(server, "/admin/api/exports", key, format="parquet", **rng)
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == 4 and table.num_columns == 18
    _, body, _ = await get(server, "/admin/api/exports", key, format="csv", **rng)
    lines = body.decode().splitlines()
    assert len(lines) == 5 and lines[0].startswith("id,ts,day,")  # one header, four rows
    _, body, _ = await get(server, "/admin/api/exports", key, format="jsonl", **rng)
    got = [json.loads(x)["day"] for x in body.decode().splitlines()]
    assert got == ["2026-11-27", "2026-11-28", "2026-11-28", "2026-11-30"]
    _, body, _ = await get(server, "/admin/api/exports", key, since="2020-01-01", format="parquet")
    assert pq.read_table(io.BytesIO(body)).num_rows == 0  # empty but valid


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "2026-11-29", "until": "2026-11-28"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"format": "xml"},
    ],
)
async def test_bad_requests_are_a_400(api, params):
    server, keys = api
    assert (await get(server, "/admin/api/exports", keys["analyst"], **params))[0] == 400
