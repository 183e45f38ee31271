"""The console's Exports page offers the de-identified per-message export with a date range and a
format, to the roles that may download it (issue #19, point 15)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from proxy.analytics.recorder import TASK_PREFIX
from proxy.tasks import drain
from tests.admin.conftest import AdminEnv
from tests.admin.console.test_sends_console import traffic


async def get(env: AdminEnv, role: str, path: str) -> tuple[int, str, str]:
    r = await env.request("GET", path, role=role)
    return r.status, r.content_type, r.text()


async def test_exports_page_downloads_the_deidentified_records(admin_env: AdminEnv) -> None:
    await traffic(admin_env)
    await drain(TASK_PREFIX)
    status, _, page = await get(admin_env, "analyst", "/admin/exports")
    assert status == 200
    form = re.search(r'<form method="get" action="(/admin/api/exports)">(.*?)</form>', page, re.S)
    assert form
    fields = dict(re.findall(r'<input type="date" name="(\w+)" required\s+value="([\d-]+)"', page))
    assert set(fields) == {"since", "until"}
    assert re.findall(r'<option value="(\w+)"', form.group(2)) == ["csv", "jsonl", "parquet"]
    today = datetime.now(UTC).date().isoformat()
    assert fields["until"] == today
    # what the form submits: the range and format, as one file
    query = f"?since={fields['since']}&until={fields['until']}&format=csv"
    status, ctype, body = await get(admin_env, "analyst", form.group(1) + query)
    assert status == 200 and ctype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) >= 3 and all(r["day"] == today for r in rows)
    assert "Maria" not in body and "5550100001" not in body
    # an auditor sees the daily counts only (the role table says so)
    status, _, page = await get(admin_env, "auditor", "/admin/exports")
    assert status == 200 and "/admin/api/exports?" not in page and 'type="date"' not in page
    assert "decisions.csv" in page
