"""MEDDOCAN de-identification benchmark: ``phi-proxy deidentify`` versus stock Presidio on
Spanish clinical case reports with synthetic PHI (CC BY 4.0, github PlanTL-GOB-ES/SPACCC_MEDDOCAN).

    python -m bench.meddocan PATH/corpus/dev/brat [--limit N] [--no-stock] [--examples N]
                             [--json OUT]

The corpus is never shipped with this repository: pass the folder of a split's BRAT files
(``*.txt`` + ``*.ann``). Tune on ``train``, report ``dev``; the ``test`` split is for a final,
one-time figure by whoever owns the claim.

Figures (the scorer of bench/quality.py: a span leaks when its text still appears, word-bounded,
after invisible characters are removed and NFKC applied):

* ``leak``: must-go spans whose text survives in what ``phi-proxy deidentify`` prints; a
  document held back by the verifying second scan prints nothing, so it leaks nothing;
* ``leak before hold-back``: the same on the Safe Harbor rewrite of every document, as if the
  second scan did not exist (the detector's own recall);
* ``held back``: share of documents the second scan withheld (nothing printed for them);
* per MEDDOCAN type, the share of spans that survive (before hold-back).

Must-go: every MEDDOCAN span except what Safe Harbor lets stay — SEXO_SUJETO_ASISTENCIA,
PROFESION, PAIS (a country is not a subdivision smaller than a state), ages under 90
(EDAD_SUJETO_ASISTENCIA counts only at 90 and over), a date that is a year alone ("2014", "año
1978": the year may stay), and descriptive spans with neither a digit nor a capital letter
("madre", "primo materno", "viudo", "raza caucásica": relations and traits, not identifiers),
and a relative's age under 90 ("65 años").
The excluded spans are counted and printed. NOMBRE_PERSONAL_SANITARIO counts,
although a titled clinician ("Dr. Peset") is administrative in our policy and kept by design.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus.textnorm import norm, value_pattern

ALLOWED_TYPES = frozenset({"SEXO_SUJETO_ASISTENCIA", "PROFESION", "PAIS"})
_AGE = re.compile(r"\d{1,3}")


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Doc:
    name: str
    text: str
    spans: tuple[Span, ...]


def load(folder: Path, limit: int = 0) -> list[Doc]:
    docs = []
    for txt in sorted(folder.glob("*.txt")):
        ann = txt.with_suffix(".ann")
        text = txt.read_text(encoding="utf-8")
        spans = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if not line.startswith("T"):
                continue
            _, info, value = line.split("\t", 2)
            typ, start, end = info.split(" ")[:3]
            if ";" in end:
                continue  # discontinuous spans: none in MEDDOCAN, skipped if any
            spans.append(Span(typ, int(start), int(end), value))
        docs.append(Doc(txt.stem, text, tuple(spans)))
        if limit and len(docs) >= limit:
            break
    return docs


_AGE_PHRASE = re.compile(r"(\d{1,3})\s*a[ñn]os", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"(?:(?:el\s+)?a[ñn]o\s+)?(?:19|20)\d{2}", re.IGNORECASE)


def must_go(span: Span) -> bool:
    if span.type in ALLOWED_TYPES:
        return False
    if span.type == "EDAD_SUJETO_ASISTENCIA":
        m = _AGE.search(span.text)
        return bool(m and int(m.group()) >= 90)
    if span.type == "FECHAS" and _YEAR_ONLY.fullmatch(span.text.strip()):
        return False
    age = _AGE_PHRASE.fullmatch(span.text.strip())
    if age and int(age.group(1)) < 90:
        return False  # a relative's age ("65 años")
    return any(c.isdigit() or c.isupper() for c in span.text)


def survives(value: str, output: str | None) -> bool:
    if output is None:
        return False
    pat = value_pattern(value)
    return bool(pat and pat.search(norm(output)))


def score(docs: Sequence[Doc], outputs: Sequence[str | None]) -> dict[str, Any]:
    leaked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for doc, out in zip(docs, outputs, strict=True):
        for s in doc.spans:
            if not must_go(s):
                continue
            total[s.type] += 1
            if survives(s.text, out):
                leaked[s.type] += 1
                examples.setdefault(s.type, []).append(s.text)
    n, k = sum(total.values()), sum(leaked.values())
    return {
        "leak": k / n if n else None,
        "leaked": k,
        "must_go_spans": n,
        "by_type": {
            t: {"leak": leaked[t] / total[t], "leaked": leaked[t], "total": total[t]}
            for t in sorted(total)
        },
        "_examples": examples,
    }


def ours(docs: Sequence[Doc]) -> tuple[list[str | None], list[str]]:
    """(what ``phi-proxy deidentify`` prints per document, the rewrite before hold-back)."""
    from models.detector import Detector, DetectorSettings
    from proxy.analytics import safe_harbor
    from proxy.analytics.deidentifier import CLINICAL_CLASSED, Deidentifier, ThreadScanner
    from proxy.policy import load_policy

    policy = load_policy()
    detector = Detector(DetectorSettings(allow=policy.allow.values))
    deid = Deidentifier(ThreadScanner(detector))
    texts = [d.text for d in docs]
    results = asyncio.run(deid.run(texts, policy))
    printed = [r.text for r in results]
    year = deid.reference_year()
    found = detector.detect(texts, safe_harbor.scan_types() | CLINICAL_CLASSED)
    rewrites = [
        safe_harbor.deidentify(
            t, f, reference_year=year, min_score=lambda typ: policy.rule_for(typ).min_score
        ).text
        for t, f in zip(texts, found, strict=True)
    ]
    return printed, rewrites


def stock(docs: Sequence[Doc]) -> list[str]:
    from bench.stock_presidio import StockPresidio

    return [r.text for r in StockPresidio().run([d.text for d in docs])]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path, help="a MEDDOCAN split's brat/ folder")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-stock", action="store_true")
    ap.add_argument("--examples", type=int, default=0, help="print N leaked values per type")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    docs = load(args.folder, args.limit)
    if not docs:
        print(f"no BRAT documents in {args.folder}", file=sys.stderr)
        return 2
    printed, rewrites = ours(docs)
    results = {
        "ours (deidentify)": score(docs, printed),
        "ours (before hold-back)": score(docs, rewrites),
    }
    held = sum(p is None for p in printed)
    if not args.no_stock:
        results["stock presidio"] = score(docs, stock(docs))
    spans = [s for d in docs for s in d.spans]
    kept = Counter(s.type for s in spans if not must_go(s))
    print(f"MEDDOCAN {args.folder}: {len(docs)} documents, {held} held back by the second scan")
    print(
        f"spans: {len(spans)}, must-go {len(spans) - sum(kept.values())}; may stay (Safe Harbor): "
        + ", ".join(f"{t} {n}" for t, n in kept.most_common())
    )
    names = list(results)
    print(f"{'':34}" + "".join(f"{n:>24}" for n in names))
    print(
        f"{'leak (must-go spans)':34}"
        + "".join(
            f"{100 * results[n]['leak']:23.1f}%" + "" if results[n]["leak"] is not None else ""
            for n in names
        )
    )
    types = sorted({t for r in results.values() for t in r["by_type"]})
    for t in types:
        cells = []
        for n in names:
            v = results[n]["by_type"].get(t)
            cells.append(f"{100 * v['leak']:16.1f}% of {v['total']:4d}" if v else f"{'':24}")
        print(f"  {t:32}" + "".join(cells))
    if args.examples:
        for t, values in sorted(results["ours (before hold-back)"]["_examples"].items()):
            print(f"  leaked {t}: " + " | ".join(repr(v) for v in values[: args.examples]))
    if args.json:
        clean = {n: {k: v for k, v in r.items() if k != "_examples"} for n, r in results.items()}
        clean["_meta"] = {"documents": len(docs), "held_back": held}  # type: ignore[assignment]
        args.json.write_text(json.dumps(clean, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
