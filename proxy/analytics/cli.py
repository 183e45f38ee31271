"""``phi-proxy deidentify`` and ``phi-proxy export``: the analytics subcommands."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from models.spacy_model import DEFAULT_MODEL
from proxy.analytics.export import FORMATS, export_partitioned
from proxy.jsonl import text_objects

BATCH = 64


def register(sub: Any) -> None:
    d = sub.add_parser(
        "deidentify",
        help='JSONL {"id","text"} on stdin → Safe Harbor de-identified {"id","text"} on stdout',
    )
    d.set_defaults(run=run)
    d.add_argument("--policy", help="policy file (allow list and score thresholds)")
    d.add_argument("--model", help=f"spaCy package name (default {DEFAULT_MODEL})")

    e = sub.add_parser("export", help="write the analytics table as day partitions")
    e.set_defaults(run=run)
    e.add_argument("--config", help="service settings (for the storage URL)")
    e.add_argument("--db", help="storage URL, overriding the config's")
    e.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (default: today)")
    e.add_argument("--until", type=_date, help="last day, inclusive (default: --since)")
    e.add_argument("--format", choices=FORMATS, default="parquet")
    e.add_argument("--out", required=True, type=Path, help="directory for date=YYYY-MM-DD/")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date, YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    if args.command == "deidentify":
        return deidentify(args, sys.stdin, sys.stdout)
    return asyncio.run(export(args))


def deidentify(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from models.detector import Detector, DetectorSettings
    from proxy.analytics.deidentifier import Deidentifier, ThreadScanner
    from proxy.policy.parse import load_policy

    policy = load_policy(args.policy)
    settings = DetectorSettings(model=args.model) if args.model else DetectorSettings()
    return asyncio.run(
        deidentify_stream(Deidentifier(ThreadScanner(Detector(settings))), policy, stdin, stdout)
    )


async def deidentify_stream(deid: Any, policy: Any, stdin: TextIO, stdout: TextIO) -> int:
    """Line in, line out, in batches. A held-back text comes out as ``"text": null``."""
    batch: list[tuple[Any, str]] = []
    bad = held = 0

    async def flush() -> int:
        results = await deid.run([t for _, t in batch], policy)
        for (ident, _), r in zip(batch, results, strict=True):
            line: dict[str, Any] = {"id": ident, "text": r.text}
            if r.held_back:
                line["held_back"] = True
            stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        stdout.flush()
        n = sum(r.held_back for r in results)
        batch.clear()
        return n

    for n, obj in text_objects(stdin):
        if isinstance(obj, str):
            print(f"phi-proxy deidentify: line {n}: {obj}", file=sys.stderr)
            bad += 1
            continue
        batch.append((obj.get("id"), obj["text"]))
        if len(batch) >= BATCH:
            held += await flush()
    if batch:
        held += await flush()
    if held:
        print(f"phi-proxy deidentify: {held} text(s) held back (identifiers left)", file=sys.stderr)
    return 1 if bad else 0


async def export(args: argparse.Namespace) -> int:
    from proxy.settings import load_settings
    from proxy.store import open_database

    url = args.db or load_settings(args.config).storage.url
    since = args.since or datetime.now(UTC).date()
    until = args.until or since
    if until < since:
        print("phi-proxy export: --until is before --since", file=sys.stderr)
        return 2
    db = await open_database(url)
    try:
        report = await export_partitioned(db, since, until, args.format, args.out)
    finally:
        await db.close()
    if sys.stderr.isatty():
        print(
            f"exported {report.rows} record(s) in {len(report.files)} file(s) to {args.out}",
            file=sys.stderr,
        )
    return 0
