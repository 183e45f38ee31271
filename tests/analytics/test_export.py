"""Exports: day partitions, atomic idempotent rewrites, three formats readable by their tools."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from proxy.analytics.export import export_partitioned
from proxy.store import open_database
from tests.analytics.rows import put, row

D1 = datetime(2026, 11, 28, 23, 10, tzinfo=UTC)
D2 = datetime(2026, 11, 29, 0, 5, tzinfo=UTC)
D3 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(db_url):
    """The same tests on SQLite and PostgreSQL."""
    database = await open_database(db_url)
    await put(database, row(D1), row(D1, "allow"), row(D2), row(D3, "block", segments=0))
    yield database
    await database.close()


def no_progress(days, total):
    return days


async def test_partitions_by_day_and_range_is_inclusive(db, tmp_path):
    out = tmp_path / "out"
    rep = await export_partitioned(
        db, date(2026, 11, 28), date(2026, 11, 29), "parquet", out, no_progress
    )
    assert rep.rows == 3
    assert sorted(p.relative_to(out).as_posix() for p in rep.files) == [
        "date=2026-11-28/part.parquet",
        "date=2026-11-29/part.parquet",
    ]
    con = duckdb.connect()
    got = con.execute(
        f"SELECT CAST(date AS VARCHAR), COUNT(*) FROM read_parquet('{out}/*/*.parquet',"
        " hive_partitioning = true) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert got == [("2026-11-28", 2), ("2026-11-29", 1)]


async def test_parquet_is_typed_and_readable_by_pandas(db, tmp_path):
    out = tmp_path / "out"
    await export_partitioned(
        db, date(2026, 11, 30), date(2026, 11, 30), "parquet", out, no_progress
    )
    df = pd.read_parquet(out / "date=2026-11-30" / "part.parquet")
    assert len(df) == 1
    r = df.iloc[0]
    assert r["action"] == "block" and int(r["segments"]) == 0
    assert list(r["medication_classes"]) == ["biguanide"]
    assert json.loads(r["entity_counts"]) == {"PERSON": 1}
    assert str(r["ts"]) == "2026-11-30 12:00:00+00:00"
    assert "decision_id" not in df.columns  # internal link, never exported


async def test_rerunning_rewrites_the_same_files_atomically(db, tmp_path):
    out = tmp_path / "out"
    args = (db, date(2026, 11, 28), date(2026, 11, 30), "jsonl", out, no_progress)
    first = await export_partitioned(*args)
    before = {p: p.read_bytes() for p in first.files}
    inode = {p: p.stat().st_ino for p in first.files}
    second = await export_partitioned(*args)
    assert second.files == first.files
    assert {p: p.read_bytes() for p in second.files} == before
    assert all(p.stat().st_ino != inode[p] for p in second.files)  # replaced by rename
    leftovers = [p for p in out.rglob("*") if p.is_file() and p not in before]
    assert leftovers == []  # no temporary files left behind
    # A late row for a day is picked up by the next run of the same export.
    await put(db, row(D1.replace(hour=5)))
    third = await export_partitioned(*args)
    lines = (out / "date=2026-11-28" / "part.jsonl").read_text().splitlines()
    assert len(lines) == 3 and third.rows == 5


async def test_jsonl_and_csv_carry_the_same_rows(db, tmp_path):
    await export_partitioned(
        db, date(2026, 11, 28), date(2026, 11, 28), "jsonl", tmp_path / "j", no_progress
    )
    await export_partitioned(
        db, date(2026, 11, 28), date(2026, 11, 28), "csv", tmp_path / "c", no_progress
    )
    js = [
        json.loads(x) for x in (tmp_path / "j/date=2026-11-28/part.jsonl").read_text().splitlines()
    ]
    cs = list(csv.DictReader(io.StringIO((tmp_path / "c/date=2026-11-28/part.csv").read_text())))
    assert [j["id"] for j in js] == [c["id"] for c in cs]
    assert js[0]["ts"] == cs[0]["ts"] == "2026-11-28T23:00:00Z"
    assert js[0]["entity_types"] == json.loads(cs[0]["entity_types"]) == ["PERSON"]
    assert "decision_id" not in js[0] and "decision_id" not in cs[0]


def cli(*args: str, tty: bool = False, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run ``python -m proxy export ...``; with ``tty`` its stderr is a pseudo-terminal."""
    cmd = [sys.executable, "-m", "proxy", *args]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    if not tty:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
        return p.returncode, p.stdout, p.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a real size
    p2 = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out = p2.stdout.read().decode() if p2.stdout else ""
    rc = p2.wait(timeout=120)
    os.close(master)
    return rc, out, b"".join(chunks).decode(errors="replace")


async def test_cli_summarises_in_a_pipe_and_shows_progress_on_a_terminal(db, db_url, tmp_path):
    """Issue #19, point 14: one summary line even without a terminal (records, files, dates),
    and a progress bar (in records) on a terminal for exports of several days."""
    url = db_url
    common = ["export", "--db", url, "--since", "2026-11-28", "--until", "2026-11-30"]
    rc, out, err = cli(*common, "--format", "parquet", "--out", str(tmp_path / "p"))
    assert (rc, out) == (0, "")
    assert err == (
        "phi-proxy export: 4 record(s) in 3 file(s), 2026-11-28 to 2026-11-30, parquet, "
        f"in {tmp_path / 'p'}\n"
    )
    assert len(list((tmp_path / "p").glob("date=*/part.parquet"))) == 3
    rc, out, err = cli(*common, "--format", "csv", "--out", str(tmp_path / "t"), tty=True)
    assert rc == 0 and out == ""
    assert "export" in err and "4/4" in err and "record" in err
    assert "4 record(s) in 3 file(s), 2026-11-28 to 2026-11-30" in err


def test_cli_refuses_a_store_that_is_not_there(tmp_path):
    """Run from the wrong directory, the default SQLite path names no file: refused, naming the
    path, and nothing is created; --create allows a new, empty one."""
    rc, _, err = cli("export", "--since", "2026-11-28", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert rc == 2 and "no database at" in err and "--config" in err and "--create" in err
    assert not (tmp_path / "var").exists()
    rc, _, err = cli(
        "export", "--since", "2026-11-28", "--out", str(tmp_path / "o"), "--create", cwd=tmp_path
    )
    assert rc == 0 and "0 record(s) in 0 file(s)" in err


def test_cli_rejects_a_datetime_where_a_day_is_expected(tmp_path):
    rc, _, err = cli("export", "--since", "2026-11-28T10:00", "--out", str(tmp_path))
    assert rc == 2 and "YYYY-MM-DD" in err
