"""Exports of the analytics table: one file per day (``DIR/date=YYYY-MM-DD/part.<ext>``).

Days are whole UTC days, ``since`` and ``until`` both inclusive, so a partition file always
holds its entire day and re-running an export rewrites the same files with the same content.
Each file is written to a temporary name and renamed over the old one, so a reader never sees
half a file. Internal link columns (``decision_id``) are never exported.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from proxy.analytics import store
from proxy.store import Database

FORMATS = ("jsonl", "csv", "parquet")
EXPORT_COLUMNS = tuple(c for c in store.MESSAGE_COLUMNS if c != "decision_id")
_LIST_COLUMNS = ("entity_types", "condition_classes", "medication_classes")


@dataclass(frozen=True)
class ExportReport:
    files: list[Path]
    rows: int


def day_bounds(since: date, until: date) -> tuple[float, float]:
    """Epoch seconds from the start of ``since`` to the end of ``until`` (UTC)."""
    if until < since:
        raise ValueError("--until is before --since")
    start = datetime.combine(since, time(), UTC)
    end = datetime.combine(until + timedelta(days=1), time(), UTC)
    return start.timestamp(), end.timestamp()


async def fetch_day(db: Database, day: str) -> list[dict[str, Any]]:
    return [r async for r in store.rows_of_day(db, day, EXPORT_COLUMNS)]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def encode(rows: list[dict[str, Any]], fmt: str, header: bool = True) -> bytes:
    """The rows as one file's bytes in ``fmt`` (``header``: the CSV header line)."""
    if fmt == "jsonl":
        lines = (json.dumps(r | {"ts": _iso(r["ts"])}, ensure_ascii=False) for r in rows)
        return "".join(line + "\n" for line in lines).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
        if header:
            w.writeheader()
        for r in rows:
            w.writerow(
                {
                    k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                    for k, v in (r | {"ts": _iso(r["ts"])}).items()
                }
            )
        return buf.getvalue().encode()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        out = io.BytesIO()
        pq.write_table(arrow_table(rows), out, compression="zstd")
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def arrow_schema() -> Any:
    import pyarrow as pa

    string, integer = pa.string(), pa.int64()
    types: dict[str, Any] = {c: string for c in EXPORT_COLUMNS}
    types |= {c: pa.list_(string) for c in _LIST_COLUMNS}
    types |= {"ts": pa.timestamp("us", tz="UTC"), "day": pa.date32()}
    types |= {"segments": integer, "upstream_status": integer}
    return pa.schema([(c, types[c]) for c in EXPORT_COLUMNS])


def arrow_table(rows: list[dict[str, Any]]) -> Any:
    """Typed columns: timestamps, dates, integers and lists stay typed for pandas and DuckDB."""
    import pyarrow as pa

    columns: dict[str, list[Any]] = {c: [] for c in EXPORT_COLUMNS}
    for r in rows:
        for c in EXPORT_COLUMNS:
            v = r[c]
            if c == "ts":
                v = datetime.fromtimestamp(v, UTC)
            elif c == "day":
                v = date.fromisoformat(v)
            elif c == "entity_counts":
                v = json.dumps(v, sort_keys=True)
            columns[c].append(v)
    return pa.table(columns, schema=arrow_schema())


async def stream_range(db: Database, since: date, until: date, fmt: str) -> AsyncIterator[bytes]:
    """One file covering the range, produced a day at a time (for the admin API): JSONL and CSV
    go out as they are read; Parquet is built in a temporary file, one row group per day."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    lo, hi = day_bounds(since, until)
    days = [d for d, _ in await store.days(db, lo, hi)]
    if fmt != "parquet":
        if fmt == "csv" and not days:
            yield encode([], fmt)
        for i, day in enumerate(days):
            yield encode(await fetch_day(db, day), fmt, header=i == 0)
        return
    import pyarrow.parquet as pq

    with tempfile.TemporaryFile() as f:
        writer = pq.ParquetWriter(f, arrow_schema(), compression="zstd")
        try:
            for day in days:
                table = arrow_table(await fetch_day(db, day))
                await asyncio.to_thread(writer.write_table, table)
        finally:
            writer.close()
        f.seek(0)
        while chunk := f.read(1 << 16):
            yield chunk


def write_atomic(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def partition_path(out_dir: Path, day: str, fmt: str) -> Path:
    return out_dir / f"date={day}" / f"part.{fmt}"


Progress = Callable[[Iterable[tuple[str, int]], int], Iterable[tuple[str, int]]]


LONG_EXPORT_RECORDS = 2000  # a bar for exports at least this big (or of several days)


def tty_progress(days: Iterable[tuple[str, int]], total: int) -> Iterable[tuple[str, int]]:
    """A progress bar in records on a terminal's stderr, for long exports (several days, or
    many records); nothing at all in a pipe, where the summary line says what was written."""
    days = list(days)
    records = sum(n for _, n in days)
    if not sys.stderr.isatty() or (len(days) < 2 and records < LONG_EXPORT_RECORDS):
        return days
    from tqdm import tqdm

    def ticking() -> Iterable[tuple[str, int]]:
        with tqdm(total=records, unit="record", desc="export", file=sys.stderr) as bar:
            for day, n in days:
                bar.set_postfix_str(day, refresh=False)
                yield day, n
                bar.update(n)

    return ticking()


async def export_partitioned(
    db: Database,
    since: date,
    until: date,
    fmt: str,
    out_dir: Path,
    progress: Progress = tty_progress,
) -> ExportReport:
    """Write one file per day that has rows; returns the files written and the row count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    lo, hi = day_bounds(since, until)
    days = await store.days(db, lo, hi)
    files: list[Path] = []
    total = 0
    for day, _ in progress(days, len(days)):
        rows = await fetch_day(db, day)
        path = partition_path(out_dir, day, fmt)
        write_atomic(path, encode(rows, fmt))
        files.append(path)
        total += len(rows)
    return ExportReport(files, total)
