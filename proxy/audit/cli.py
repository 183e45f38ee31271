"""``phi-proxy audit verify | checkpoint export | purge``: the audit log from the outside."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from proxy.audit.checkpoints import CheckpointSigner, read_jsonl, to_jsonl
from proxy.audit.log import AuditLog, all_checkpoints, purge, verify
from proxy.settings import Settings, load_settings
from proxy.store import Database, open_database


def register(sub: Any) -> None:
    au = sub.add_parser("audit", help="verify, checkpoint and purge the audit log")
    au.set_defaults(run=run)
    ausub = au.add_subparsers(dest="audit_command", required=True)
    av = ausub.add_parser("verify", help="check the chain; exit 1 listing every problem")
    av.add_argument("--config")
    av.add_argument(
        "--checkpoints",
        action="append",
        default=[],
        metavar="FILE",
        help="checkpoints exported earlier (JSONL); detects a truncated tail",
    )
    av.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="HEX",
        help="accept checkpoints only under these Ed25519 public keys",
    )
    acp = ausub.add_parser("checkpoint", help="signed checkpoints")
    acpsub = acp.add_subparsers(dest="checkpoint_command", required=True)
    ex = acpsub.add_parser("export", help="sign the tail now and write every checkpoint (JSONL)")
    ex.add_argument("--config")
    ex.add_argument("--out", required=True, help="file to write ('-' for stdout)")
    ap = ausub.add_parser("purge", help="delete records past retention, keeping a signed anchor")
    ap.add_argument("--config")
    ap.add_argument("--retention-days", type=float, help="default: audit.retention_days")


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    db = await open_database(settings.storage.url)
    try:
        if args.audit_command == "verify":
            return await _verify(db, args)
        signer = _signer(settings)
        if args.audit_command == "checkpoint":
            return await _export(db, signer, args.out)
        if args.audit_command == "purge":
            days = args.retention_days or settings.audit.retention_days
            report = await purge(db, signer, days)
            print(
                f"purged {report.purged} audit records older than {days:g} days"
                + (f"; anchor at seq {report.anchor_seq}" if report.anchor_seq else "")
            )
            return 0
    finally:
        await db.close()
    return 2


def _signer(settings: Settings) -> CheckpointSigner:
    return CheckpointSigner.load(settings.audit.signing_key_file, settings.storage.data_dir)


async def _verify(db: Database, args: argparse.Namespace) -> int:
    exported = [cp for f in args.checkpoints for cp in read_jsonl(f)]
    trusted = set(args.trusted_key) or None
    report = await verify(db, exported, trusted)
    for p in report.problems:
        print(f"PROBLEM {p}")
    status = "OK" if report.ok else f"FAILED ({len(report.problems)} problems)"
    print(
        f"audit log {status}: {report.records} records (seq {report.first_seq}..{report.last_seq}),"
        f" {report.checkpoints_checked} checkpoints checked"
    )
    return 0 if report.ok else 1


async def _export(db: Database, signer: CheckpointSigner, out: str) -> int:
    log = AuditLog(db, signer)
    await log.checkpoint()
    lines = list(to_jsonl(await all_checkpoints(db)))
    text = "".join(line + "\n" for line in lines)
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        print(
            f"wrote {len(lines)} checkpoints to {out} at {now}"
            f" (public key {signer.public_key}); keep it outside this system",
            file=sys.stderr,
        )
    return 0
