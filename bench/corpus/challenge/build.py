"""Build the hand-written challenge corpus: ``python -m bench.corpus.challenge.build [--out PATH]``.

The texts live in ``source.py`` with inline markup, ``[[TYPE:value]]``; this script strips the
markup into text + spans (same format as dev/test), labels the organisation's own name, phone and
web address as ORG_ALLOWED wherever they occur unmarked, validates every example and writes
``challenge.jsonl``. Nothing here is random: the output is a pure function of ``source.py``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.corpus.challenge import source
from bench.corpus.generate import check

HERE = Path(__file__).resolve().parent
OUT = HERE / "challenge.jsonl"

ALIASES = {
    "N": "PERSON",
    "PR": "PROVIDER_NAME",
    "DOB": "DATE_OF_BIRTH",
    "DT": "DATE",
    "AP": "APPOINTMENT_DATETIME",
    "AGE": "AGE_OVER_89",
    "PH": "PHONE_NUMBER",
    "FAX": "FAX_NUMBER",
    "EM": "EMAIL_ADDRESS",
    "URL": "URL",
    "IP": "IP_ADDRESS",
    "SSN": "US_SSN",
    "MRN": "MEDICAL_RECORD_NUMBER",
    "ID": "HEALTH_PLAN_ID",
    "ACCT": "ACCOUNT_NUMBER",
    "LIC": "LICENSE_NUMBER",
    "VEH": "VEHICLE_ID",
    "DEV": "DEVICE_ID",
    "ST": "STREET_ADDRESS",
    "CITY": "LOCATION",
    "ZIP": "ZIP_CODE",
    "FAC": "FACILITY",
    "C": "CONDITION",
    "M": "MEDICATION",
    "L": "LAB_RESULT",
    "PX": "PROCEDURE",
    "DEPT": "CLINICAL_DEPARTMENT",
    "ORG": "ORG_ALLOWED",
}
TYPES = frozenset(ALIASES.values())
MAY_STAY = frozenset({"APPOINTMENT_DATETIME", "PROVIDER_NAME", "ORG_ALLOWED"})
MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]", re.S)
# The organisation's own details, labelled ORG_ALLOWED wherever they appear without markup.
ORG = re.compile(
    r"(?i)(?:https?://)?(?:www\.)?lakeviewhealth\.example(?:/[\w-]+)*"
    r"|\bLakeview Health\b"
    r"|(?<![\w(])(?:\+?1[ .-]?)?\(?555\)?[ .-]?010[ .-]?4400(?!\d)"
)
CATEGORIES = (
    "reminder",
    "results",
    "refill",
    "billing",
    "care_coordination",
    "informal",
    "adversarial",
    "admin_only",
)

Span = dict[str, Any]


def parse(marked: str) -> tuple[str, list[Span]]:
    """Markup to (plain text, spans). Unmarked org details become ORG_ALLOWED spans."""
    text = ""
    spans: list[Span] = []
    pos = 0
    for m in MARK.finditer(marked):
        text += marked[pos : m.start()]
        typ = ALIASES.get(m.group(1), m.group(1))
        if typ not in TYPES:
            raise ValueError(f"unknown type {m.group(1)!r} in {marked!r}")
        value = m.group(2)
        spans.append({"start": len(text), "end": len(text) + len(value), "type": typ})
        text += value
        pos = m.end()
    text += marked[pos:]
    if "[[" in text or "]]" in text:
        raise ValueError(f"unbalanced markup in {marked!r}")
    for m in ORG.finditer(text):
        if not any(s["start"] < m.end() and m.start() < s["end"] for s in spans):
            spans.append({"start": m.start(), "end": m.end(), "type": "ORG_ALLOWED"})
    spans.sort(key=lambda s: s["start"])
    return text, [{**s, "keep": s["type"] in MAY_STAY} for s in spans]


def problem(category: str, text: str, spans: list[Span]) -> str | None:
    """Why an example is unusable, or None."""
    if category not in CATEGORIES:
        return f"unknown category {category}"
    if not 10 <= len(text) <= 640:
        return "length outside 10-640"
    why = check(text, spans)
    if why:
        return why
    if category == "admin_only" and any(not s["keep"] for s in spans):
        return "admin_only text with something to remove"
    return None


def build() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for category, texts in source.TEXTS.items():
        for marked in texts:
            text, spans = parse(marked)
            why = problem(category, text, spans)
            if why:
                raise ValueError(f"{why}: {marked!r}")
            ident = f"ch-{len(rows) + 1:04d}"
            rows.append({"id": ident, "category": category, "text": text, "spans": spans})
    seen: set[str] = set()
    for r in rows:
        if r["text"] in seen:
            raise ValueError(f"duplicate text {r['text']!r}")
        seen.add(r["text"])
    return rows


def dumps(rows: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = build()
    args.out.write_text(dumps(rows), encoding="utf-8")
    clean = sum(1 for r in rows if not any(not s["keep"] for s in r["spans"]))
    spans = sum(len(r["spans"]) for r in rows)
    share = clean / len(rows)
    print(f"{len(rows)} texts, {clean} with nothing to remove ({share:.0%}), {spans} spans")


if __name__ == "__main__":
    main()
