"""Sending texts through the proxy and reading exports back, for the analytics tests."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import duckdb
from aiohttp.test_utils import TestServer

from proxy.policy.model import Policy
from proxy.policy.parse import default_policy_path, parse_policy
from proxy.tasks import drain
from tests.support.proxy import SENDS

SENDER = "+12125550199"


def policy_with(extra_yaml: str) -> Policy:
    """The shipped policy plus extra top-level YAML (e.g. an ``analytics:`` section)."""
    text = default_policy_path().read_text() + "\n" + extra_yaml + "\n"
    return parse_policy(text, "test-policy.yaml")


async def send(
    proxy: TestServer, text: str, to: str, sender: str = SENDER, dob: str | None = None
) -> int:
    """One Twilio send; ``dob`` is the portal's date-of-birth header (for clinical texts)."""
    headers = {"Authorization": "Basic abc"}
    if dob:
        headers["X-PHI-Proxy-Patient-DOB"] = dob
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.make_url(SENDS),
            data={"To": to, "From": sender, "Body": text},
            headers=headers,
        ) as r,
    ):
        await r.read()
        return r.status


async def settle() -> None:
    """Wait for every background analytics write."""
    assert await drain("analytics:", timeout=60) == 0


def today() -> Any:
    return datetime.now(UTC).date()


def read_parquet_all_as_text(out_dir: Path) -> list[dict[str, str]]:
    """Every exported row with every column (partition column included) cast to text by DuckDB."""
    con = duckdb.connect()
    pattern = str(out_dir / "*" / "*.parquet")
    cols = [
        r[0]
        for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)"
        ).fetchall()
    ]
    casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
    rows = con.execute(
        f"SELECT {casts} FROM read_parquet('{pattern}', hive_partitioning = true)"
    ).fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows]


def read_parquet_native(out_dir: Path) -> list[dict[str, Any]]:
    """The export as DuckDB types it (lists stay lists), ordered by time and id."""
    con = duckdb.connect()
    pattern = str(out_dir / "*" / "*.parquet")
    cur = con.execute(
        f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true) ORDER BY ts, id"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


_OPAQUE = re.compile(r"(?:r_)?[0-9a-f]{16,}")


def leaks(rows: Iterable[dict[str, Any]], needles: Iterable[str]) -> list[str]:
    """Needles found in any column of any row, as whole tokens (not inside a longer word or
    number); numbers of 7+ digits also by their digits alone, so "(212) 555-0134" is caught as
    "2125550134" too. Opaque hex values (random ids, HMAC pseudonyms) are still searched for the
    needle itself, but not digit-by-digit: five decimal digits turn up in random hex by chance."""
    values = [str(v) for r in rows for v in r.values() if v is not None]
    value_digits = [digits(v) for v in values if not _OPAQUE.fullmatch(v)]
    found = []
    for n in set(needles):
        token = re.compile(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])")
        d = digits(n)
        if any(token.search(v) for v in values) or (
            len(d) >= 7 and any(d in v for v in value_digits)
        ):
            found.append(n)
    return sorted(found)
