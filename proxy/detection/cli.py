"""``phi-proxy scrub``: JSONL in, what the proxy would forward out (:mod:`.scrubber`).

Portal-bound texts get real links in the configured store, so this command, like ``serve``,
composes the portal in: it is an entry point (the import is deferred to the call).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from models.spacy_model import DEFAULT_MODEL


def register(sub: Any) -> None:
    sc = sub.add_parser("scrub", help='JSONL {"id","text"} on stdin → what the proxy would forward')
    sc.set_defaults(run=scrub)
    sc.add_argument("--policy")
    sc.add_argument("--model", help=f"spaCy package name (default {DEFAULT_MODEL})")
    sc.add_argument(
        "--config", help="service settings: portal links go to the same store and keys as serve"
    )


def scrub(args: argparse.Namespace) -> int:
    """JSONL in, JSONL out. Portal texts get real links in the configured store (a line may
    carry ``"dob"`` for the portal's date-of-birth check)."""
    return asyncio.run(_scrub(args))


async def _scrub(args: argparse.Namespace) -> int:
    from proxy.detection.scrubber import Scrubber
    from proxy.jsonl import text_objects
    from proxy.portal.scrub import scrub_with_portal
    from proxy.portal.standalone import open_portal
    from proxy.settings import load_settings

    settings = load_settings(args.config)
    scrubber = Scrubber.from_paths(args.policy or settings.policy_path, args.model)
    bad = 0
    async with open_portal(settings) as portal:
        batch: list[tuple[Any, str, str | None]] = []

        async def flush() -> None:
            results = await scrub_with_portal(
                scrubber, portal, [t for _, t, _ in batch], [d for _, _, d in batch]
            )
            for (ident, _, _), r in zip(batch, results, strict=True):
                line: dict[str, Any] = {
                    "id": ident,
                    "action": r.action,
                    "text": r.text,
                    "findings": [f.as_dict() for f in r.findings],
                }
                if r.portal_token_id:
                    line["portal_token_id"] = r.portal_token_id
                if r.error:
                    line["error"] = r.error
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            batch.clear()

        for n, obj in text_objects(sys.stdin):
            dob = None if isinstance(obj, str) else obj.get("dob")
            if dob is not None and not isinstance(dob, str):
                obj = "'dob' must be a string (YYYY-MM-DD)"
            if isinstance(obj, str):
                print(f"phi-proxy scrub: line {n}: {obj}", file=sys.stderr)
                bad += 1
                continue
            batch.append((obj.get("id"), obj["text"], _dob(dob)))
            if len(batch) >= 64:
                await flush()
        if batch:
            await flush()
    return 1 if bad else 0


def _dob(value: str | None) -> str | None:
    from proxy.portal.verify import normalize_dob

    return normalize_dob(value) if value else None
