"""The PhysioNet deid gold standard (nursing notes, GPL-2.0) as labelled examples.

The corpus is not in the repository: pass the directory holding ``id.text`` and
``id-phi.phrase`` (from the deid 1.1 package, or a mirror of it) on the command line.

Notes are split in file order: the **first half** is development data (look, tune); the
**second half** is the held-out set, scored once at the end of a piece of work and never
inspected. ``DateYear`` (a year alone) may stay under HIPAA Safe Harbor and is labelled keep;
every other annotated phrase (patient, relative and care-provider names, dates, places,
phones, ages over 89, other identifiers) must go.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

Half = Literal["first", "second", "all"]
_RECORD = re.compile(
    r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", re.S
)
TYPES = {
    "PTName": "PATIENT_NAME",
    "PTNameInitial": "PATIENT_NAME",
    "RelativeProxyName": "RELATIVE_NAME",
    "HCPName": "PROVIDER_NAME",
    "Date": "DATE",
    "DateYear": "YEAR",
    "Location": "LOCATION",
    "Phone": "PHONE",
    "Age": "AGE",
    "Other": "OTHER_ID",
}
KEEP = frozenset({"YEAR"})


def load(directory: Path, half: Half = "first") -> list[dict[str, Any]]:
    text = (directory / "id.text").read_text(encoding="utf-8", errors="replace")
    notes = [(int(p), int(n), body) for p, n, body in _RECORD.findall(text)]
    spans: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for line in (directory / "id-phi.phrase").read_text(encoding="utf-8").splitlines():
        parts = line.split(None, 5)
        if len(parts) < 5:
            continue
        p, n, s, e, typ = parts[:5]
        kind = TYPES.get(typ, "OTHER_ID")
        spans.setdefault((int(p), int(n)), []).append(
            {"start": int(s), "end": int(e), "type": kind, "keep": kind in KEEP}
        )
    mid = len(notes) // 2
    chosen = {"first": notes[:mid], "second": notes[mid:], "all": notes}[half]
    out = []
    for p, n, body in chosen:
        found = sorted(spans.get((p, n), []), key=lambda s: (s["start"], s["end"]))
        clean: list[dict[str, Any]] = []
        for s in found:  # the gold file repeats a few phrases; keep spans disjoint
            if clean and s["start"] < clean[-1]["end"]:
                continue
            while s["end"] > s["start"] and body[s["end"] - 1].isspace():
                s["end"] -= 1
            clean.append(s)
        out.append(
            {"id": f"deid-{p}-{n}", "category": "nursing-note", "text": body, "spans": clean}
        )
    return out
