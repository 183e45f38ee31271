"""Portal coverage: of the corpus texts with clinical detail, how many left as a working link.

    python -m bench.portal_links [--corpus dev|test|PATH] [--limit N] [--json OUT]

For every text with a labelled clinical span (CONDITION, MEDICATION, LAB_RESULT, PROCEDURE,
CLINICAL_DEPARTMENT) the real scrub path runs with a portal on a throwaway store (the shipped
policy, a synthetic date of birth per text). A text counts as covered only when the action is
``portal``, the notice fits the policy's length in GSM-7, carries a link, contains none of the
clinical span values nor any other must-go value (the notice carries administrative detail of the
original: provider, appointment, the organisation's contact), and the link — opened through the
portal with the right date of birth — returns the original text. Misses are broken down by what
happened instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.quality import CLINICAL_TYPES, CORPUS_DIR, still_present
from proxy.settings import ServerSettings, Settings, StorageSettings
from proxy.sms import gsm7_units

DOB = "1962-03-14"
TOKEN = re.compile(r"/portal/([A-Za-z0-9_-]{43})")


def load(corpus: str, limit: int) -> list[dict[str, Any]]:
    path = Path(corpus) if corpus not in ("dev", "test") else CORPUS_DIR / f"{corpus}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows[:limit] if limit else rows


async def measure(examples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from models.detector import Detector, DetectorSettings
    from proxy.detection.scrubber import Scrubber
    from proxy.policy.parse import load_policy
    from proxy.portal.scrub import scrub_with_portal
    from proxy.portal.standalone import open_portal

    clinical = [e for e in examples if any(s["type"] in CLINICAL_TYPES for s in e["spans"])]
    policy = load_policy()
    detector = Detector(DetectorSettings())
    outcomes: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            server=replace(ServerSettings(), public_base_url="https://portal.example.org"),
            storage=StorageSettings(url=f"sqlite:///{tmp}/bench.sqlite3", data_dir=tmp),
        )
        os.environ.pop("PHI_PROXY_KEK", None)
        async with open_portal(settings) as portal:
            scrubber = Scrubber(policy, detector)
            for start in range(0, len(clinical), 64):
                batch = clinical[start : start + 64]
                results = await scrub_with_portal(
                    scrubber, portal, [e["text"] for e in batch], [DOB] * len(batch)
                )
                for e, r in zip(batch, results, strict=True):
                    why = await _check(portal, e, r, policy.portal.max_length)
                    outcomes[why] += 1
                    if why != "covered":
                        misses.append({"id": e["id"], "outcome": why})
    n = len(clinical)
    return {
        "texts": len(examples),
        "texts_with_clinical_spans": n,
        "covered": outcomes["covered"],
        "share": outcomes["covered"] / n if n else 0.0,
        "outcomes": dict(outcomes),
        "misses": misses,
    }


async def _check(portal: Any, example: dict[str, Any], r: Any, max_length: int) -> str:
    from proxy.portal.service import Portal

    assert isinstance(portal, Portal)
    if r.action != "portal" or r.text is None:
        return f"action:{r.action}"
    units = gsm7_units(r.text)
    if units is None or units > max_length:
        return "notice_too_long"
    link = TOKEN.search(r.text)
    if link is None:
        return "no_link"
    low = r.text.lower()
    for s in example["spans"]:
        value = example["text"][s["start"] : s["end"]]
        if s["type"] in CLINICAL_TYPES and value.lower() in low:
            return "clinical_value_in_notice"
        if not s["keep"] and still_present(value, r.text):
            return "phi_in_notice"
    view = await portal.answer(link.group(1), DOB, "bench")
    if view.page != "message" or view.text != example["text"]:
        return f"link_failed:{view.page}"
    return "covered"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", default="dev")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    figures = asyncio.run(measure(load(args.corpus, args.limit)))
    print(
        f"{figures['covered']}/{figures['texts_with_clinical_spans']} texts with clinical spans "
        f"became a working portal link: {figures['share']:.1%}"
    )
    print("outcomes:", json.dumps(figures["outcomes"], sort_keys=True))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
