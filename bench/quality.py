"""Quality benchmark: our scrub path versus stock Presidio on the labelled corpus.

    python -m bench.quality [--corpus dev|test|PATH] [--ours auto|scrubber|detector] [--json OUT]

Both run in one process on the same texts. Figures:

* leak      share of must-go spans whose text still appears in the forwarded text (a blocked
            text leaks nothing; both sides are compared with invisible characters removed and NFKC
            applied, so a value that survives only behind Unicode tricks still counts);
* partial leak  share of must-go spans of which some word survives (the surname of a redacted
            first name, the number of a half-masked ID): a word counts when the output has it more
            often than the original has it outside must-go spans (a portal notice's own wording
            and link are not counted);
* over-scrub share of texts with nothing to remove whose forwarded text differs (blocked = changed);
* kept      share of may-stay spans (appointment times, titled providers, the org's own details)
            whose text still appears;
* per-type recall (must-go span caught = absent from output) and per-type precision of detector
  findings (a finding is correct when it overlaps any labelled span);
* portal share: among texts with clinical spans, the share our pipeline sent to portal or block;
* throughput in messages per second (a side figure; the same machine, the same texts).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bench.corpus.textnorm import norm, value_pattern

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CLINICAL_TYPES = frozenset(
    {"CONDITION", "MEDICATION", "LAB_RESULT", "PROCEDURE", "CLINICAL_DEPARTMENT"}
)
Example = dict[str, Any]


@dataclass
class Outcome:
    """What one pipeline did with one text. ``text`` None means nothing was forwarded."""

    text: str | None
    action: str
    findings: list[tuple[str, int, int]] = field(default_factory=list)


# ------------------------------------------------------------------------------- metrics
def span_text(example: Example, span: dict[str, Any]) -> str:
    return str(example["text"][span["start"] : span["end"]])


def still_present(value: str, forwarded: str | None) -> bool:
    """Does ``value`` survive in what was forwarded? Nothing forwarded means nothing survives."""
    if forwarded is None:
        return False
    pat = value_pattern(value)
    return bool(pat and pat.search(norm(forwarded)))


def has_phi(example: Example) -> bool:
    return any(not s["keep"] for s in example["spans"])


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def leak(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(leaked, total) over must-go spans."""
    leaked = total = 0
    for ex, out in zip(examples, outcomes, strict=True):
        for s in ex["spans"]:
            if not s["keep"]:
                total += 1
                leaked += still_present(span_text(ex, s), out.text)
    return leaked, total


WORD = re.compile(r"\w+")
# Placeholders the pipelines insert ("[name]", "<PERSON>") are not words of the original.
URL = re.compile(r"https?://\S+")


@cache
def _notice_wording() -> re.Pattern[str]:
    """Whole words of the shipped policy's notice template (placeholders aside)."""
    from proxy.policy.parse import load_policy

    literal = re.sub(r"\{\w+\}", " ", load_policy().portal.template)
    words = sorted({w.lower() for w in WORD.findall(literal)})
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|<[A-Z_]{2,40}>")
STOPWORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "to",
        "in",
        "on",
        "at",
        "an",
        "is",
        "was",
        "with",
        "your",
        "ur",
        "de",
        "la",
        "el",
        "en",
    }
)


def _count(word: str, text: str) -> int:
    return len(re.findall(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text))


def partial_leak(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(spans with a surviving word, total) over must-go spans."""
    leaked = total = 0
    for ex, out in zip(examples, outcomes, strict=True):
        text = ex["text"]
        rest = text
        for s in ex["spans"]:
            if not s["keep"]:
                rest = rest[: s["start"]] + " " * (s["end"] - s["start"]) + rest[s["end"] :]
        rest_n = PLACEHOLDER.sub(" ", norm(rest))
        fwd = PLACEHOLDER.sub(" ", norm(out.text)) if out.text is not None else ""
        if out.action == "portal":  # the notice's own wording and link are not the original's
            fwd = _notice_wording().sub(" ", URL.sub(" ", fwd))
        for s in ex["spans"]:
            if s["keep"]:
                continue
            total += 1
            words = {
                w
                for w in WORD.findall(norm(span_text(ex, s)))
                if len(w) >= 2 and w.lower() not in STOPWORDS
            }
            leaked += any(_count(w, fwd) > _count(w, rest_n) for w in words)
    return leaked, total


def over_scrub(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(changed, total) over texts with nothing to remove."""
    changed = total = 0
    for ex, out in zip(examples, outcomes, strict=True):
        if not has_phi(ex):
            total += 1
            changed += out.text != ex["text"]
    return changed, total


def kept(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(kept, total) over may-stay spans."""
    ok = total = 0
    for ex, out in zip(examples, outcomes, strict=True):
        for s in ex["spans"]:
            if s["keep"]:
                total += 1
                ok += still_present(span_text(ex, s), out.text)
    return ok, total


def recall_by_type(
    examples: Sequence[Example], outcomes: Sequence[Outcome], keep: bool = False
) -> dict[str, tuple[int, int]]:
    """Per span type: (caught, total) for must-go spans, or (kept, total) with ``keep=True``."""
    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for ex, out in zip(examples, outcomes, strict=True):
        for s in ex["spans"]:
            if bool(s["keep"]) != keep:
                continue
            total[s["type"]] += 1
            present = still_present(span_text(ex, s), out.text)
            hit[s["type"]] += present if keep else not present
    return {t: (hit[t], total[t]) for t in sorted(total)}


def precision_by_type(
    examples: Sequence[Example], outcomes: Sequence[Outcome]
) -> dict[str, tuple[int, int]]:
    """Per finding type: (findings overlapping some labelled span, findings)."""
    good: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for ex, out in zip(examples, outcomes, strict=True):
        spans = [(s["start"], s["end"]) for s in ex["spans"]]
        for typ, start, end in out.findings:
            total[typ] += 1
            good[typ] += any(start < e and s < end for s, e in spans)
    return {t: (good[t], total[t]) for t in sorted(total)}


def leak_examples(
    examples: Sequence[Example], outcomes: Sequence[Outcome], per_type: int
) -> dict[str, list[str]]:
    """Up to ``per_type`` leaked values per span type (synthetic data; for tuning recognizers)."""
    out: dict[str, list[str]] = {}
    for ex, o in zip(examples, outcomes, strict=True):
        for s in ex["spans"]:
            value = span_text(ex, s)
            if not s["keep"] and still_present(value, o.text):
                seen = out.setdefault(s["type"], [])
                if len(seen) < per_type:
                    seen.append(value)
    return dict(sorted(out.items()))


def portal_share(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(portal or block, total) over texts with a must-go clinical span."""
    hit = total = 0
    for ex, out in zip(examples, outcomes, strict=True):
        if any(not s["keep"] and s["type"] in CLINICAL_TYPES for s in ex["spans"]):
            total += 1
            hit += out.action in ("portal", "block")
    return hit, total


def score(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Every figure for one pipeline, as plain data."""
    leaked, must_go = leak(examples, outcomes)
    partial, _ = partial_leak(examples, outcomes)
    changed, clean = over_scrub(examples, outcomes)
    ok, may_stay = kept(examples, outcomes)
    portal, clinical = portal_share(examples, outcomes)
    recall = recall_by_type(examples, outcomes)
    by_cat: dict[str, Any] = {}
    for cat in sorted({ex["category"] for ex in examples}):
        idx = [i for i, ex in enumerate(examples) if ex["category"] == cat]
        exs, outs = [examples[i] for i in idx], [outcomes[i] for i in idx]
        lk, tot = leak(exs, outs)
        ch, cl = over_scrub(exs, outs)
        by_cat[cat] = {"leak": _ratio(lk, tot), "over_scrub": _ratio(ch, cl), "texts": len(idx)}
    return {
        "texts": len(examples),
        "leak": _ratio(leaked, must_go),
        "leaked": leaked,
        "must_go_spans": must_go,
        "partial_leak": _ratio(partial, must_go),
        "partially_leaked": partial,
        "over_scrub": _ratio(changed, clean),
        "over_scrubbed": changed,
        "clean_texts": clean,
        "kept": _ratio(ok, may_stay),
        "kept_spans": ok,
        "may_stay_spans": may_stay,
        "portal_share": _ratio(portal, clinical),
        "clinical_texts": clinical,
        "actions": dict(Counter(o.action for o in outcomes)),
        "recall_by_type": {
            t: {"recall": _ratio(c, n), "caught": c, "total": n} for t, (c, n) in recall.items()
        },
        "kept_by_type": {
            t: {"kept": _ratio(c, n), "kept_n": c, "total": n}
            for t, (c, n) in recall_by_type(examples, outcomes, keep=True).items()
        },
        "precision_by_type": {
            t: {"precision": _ratio(c, n), "correct": c, "findings": n}
            for t, (c, n) in precision_by_type(examples, outcomes).items()
        },
        "by_category": by_cat,
    }


# ------------------------------------------------------------------------------- pipelines
Pipeline = Callable[[Sequence[str]], list[Outcome]]


def ours_detector(detector: Any = None) -> Pipeline:
    """Fallback: models.Detector, every non-administrative finding redacted as ``[label]``."""
    from models import Detector, DetectorSettings, entities

    if detector is None:
        detector = Detector(DetectorSettings())

    def run(texts: Sequence[str]) -> list[Outcome]:
        out = []
        for text, found in zip(texts, detector.detect(texts), strict=True):
            acted = [f for f in found if entities.get(f.type).family != "administrative"]
            red = text
            for f in sorted(acted, key=lambda f: f.start, reverse=True):
                red = red[: f.start] + f"[{entities.get(f.type).label}]" + red[f.end :]
            out.append(
                Outcome(
                    red, "redact" if acted else "allow", [(f.type, f.start, f.end) for f in found]
                )
            )
        return out

    return run


def ours_scrubber() -> Pipeline:
    """The proxy's shared scrub path with its default policy."""
    from proxy.detection.scrubber import Scrubber  # type: ignore[import-not-found,unused-ignore]

    scrubber = Scrubber.from_paths(policy_path=None)

    def run(texts: Sequence[str]) -> list[Outcome]:
        results = scrubber.scrub(list(texts))
        if inspect.isawaitable(results):
            results = asyncio.run(results)  # type: ignore[arg-type]
        return [
            Outcome(r.text, str(r.action), [(f.type, f.start, f.end) for f in r.findings])
            for r in results
        ]

    return run


def ours(mode: str) -> tuple[str, Pipeline]:
    if mode == "detector":
        return "detector", ours_detector()
    if mode == "scrubber":
        return "scrubber", ours_scrubber()
    try:
        import proxy.detection.scrubber  # noqa: F401  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "detector", ours_detector()
    return "scrubber", ours_scrubber()


def stock() -> Pipeline:
    from bench.stock_presidio import StockPresidio

    engine = StockPresidio()

    def run(texts: Sequence[str]) -> list[Outcome]:
        return [
            Outcome(
                r.text,
                "redact" if r.findings else "allow",
                [(f.entity_type, f.start, f.end) for f in r.findings],
            )
            for r in engine.run(texts)
        ]

    return run


def timed(pipeline: Pipeline, texts: Sequence[str]) -> tuple[list[Outcome], float]:
    pipeline(texts[:8])  # warm-up: lazy model parts, caches
    t0 = time.perf_counter()
    out = pipeline(texts)
    return out, len(texts) / (time.perf_counter() - t0)


# ------------------------------------------------------------------------------- report
def load_corpus(name: str) -> list[Example]:
    path = CORPUS_DIR / f"{name}.jsonl" if name in ("dev", "test") else Path(name)
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _pct(x: float | None) -> str:
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def _pct_at(*path: str) -> Callable[[dict[str, Any]], str]:
    """Cell getter: the percentage at ``path`` in a result, or n/a when absent."""

    def get(result: dict[str, Any]) -> str:
        x: Any = result
        for key in path:
            x = x.get(key) if isinstance(x, dict) else None
        return _pct(x if isinstance(x, int | float) else None)

    return get


def _pair_at(
    a: Callable[[dict[str, Any]], str], b: Callable[[dict[str, Any]], str]
) -> Callable[[dict[str, Any]], str]:
    return lambda result: f"{a(result).strip()} / {b(result).strip()}"


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    w, cw = 28, 17
    lines = [f"{'':{w}}" + "".join(f"{n:>{cw}}" for n in names)]

    def row(label: str, get: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"{label:{w}}" + "".join(f"{get(results[n]):>{cw}}" for n in names))

    row("leak (lower is better)", lambda r: _pct(r["leak"]))
    row("partial leak (lower)", lambda r: _pct(r["partial_leak"]))
    row("over-scrub (lower)", lambda r: _pct(r["over_scrub"]))
    row("kept (higher)", lambda r: _pct(r["kept"]))
    row("portal share", lambda r: _pct(r["portal_share"]))
    row("messages/second", lambda r: f"{r['msgs_per_sec']:.0f}")
    lines.append("")
    lines.append("recall by type (must-go spans caught)")
    types = sorted({t for r in results.values() for t in r["recall_by_type"]})
    for t in types:
        total = next(
            r["recall_by_type"][t]["total"] for r in results.values() if t in r["recall_by_type"]
        )
        row(f"  {t} ({total})", _pct_at("recall_by_type", t, "recall"))
    lines.append("")
    lines.append("kept by type (may-stay spans kept)")
    for t in sorted({t for r in results.values() for t in r["kept_by_type"]}):
        row(f"  {t}", _pct_at("kept_by_type", t, "kept"))
    lines.append("")
    lines.append("by category: leak / over-scrub")
    for c in sorted({c for r in results.values() for c in r["by_category"]}):
        row(
            f"  {c}",
            _pair_at(_pct_at("by_category", c, "leak"), _pct_at("by_category", c, "over_scrub")),
        )
    for n in names:
        lines.append("")
        lines.append(f"precision by finding type: {n}")
        for t, p in results[n]["precision_by_type"].items():
            lines.append(f"  {t:{w - 2}}{_pct(p['precision']):>{cw}}  ({p['findings']} findings)")
    return "\n".join(lines)


def worst_leaks(result: dict[str, Any], k: int = 5) -> list[tuple[str, float, int]]:
    rows = [
        (t, 1 - v["recall"], v["total"] - v["caught"])
        for t, v in result["recall_by_type"].items()
        if v["recall"] is not None
    ]
    return sorted(rows, key=lambda r: (-r[1], -r[2]))[:k]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", default="dev", help="dev, test, or a path to a JSONL corpus")
    ap.add_argument("--ours", choices=["auto", "scrubber", "detector"], default="auto")
    ap.add_argument("--no-stock", action="store_true", help="skip the stock Presidio baseline")
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts")
    ap.add_argument("--json", type=Path, help="write all figures to this file")
    ap.add_argument(
        "--max-leak",
        type=float,
        metavar="RATE",
        help="exit 1 if our leak rate is above RATE (0-1), for CI gating",
    )
    ap.add_argument(
        "--max-over-scrub",
        type=float,
        metavar="RATE",
        help="exit 1 if our over-scrub rate is above RATE (0-1)",
    )
    ap.add_argument(
        "--examples",
        type=int,
        default=0,
        metavar="N",
        help="print N leaked values per type and N over-scrubbed texts for ours",
    )
    args = ap.parse_args(argv)

    examples = load_corpus(args.corpus)
    if args.limit:
        examples = examples[: args.limit]
    texts = [ex["text"] for ex in examples]
    mode, pipeline = ours(args.ours)
    results: dict[str, dict[str, Any]] = {}
    ours_outs, rate = timed(pipeline, texts)
    results[f"ours[{mode}]"] = score(examples, ours_outs) | {"msgs_per_sec": rate}
    if not args.no_stock:
        outs, rate = timed(stock(), texts)
        results["stock"] = score(examples, outs) | {"msgs_per_sec": rate}

    print(f"corpus {args.corpus}: {len(examples)} texts")
    print(table(results))
    for name, r in results.items():
        worst = ", ".join(f"{t} {100 * x:.0f}% ({n})" for t, x, n in worst_leaks(r))
        print(f"worst leaking types, {name}: {worst}")
    if args.examples:
        print(f"\nleaked values, ours (up to {args.examples} per type):")
        for typ, values in leak_examples(examples, ours_outs, args.examples).items():
            print(f"  {typ}: " + " | ".join(repr(v) for v in values))
        print("\nover-scrubbed texts, ours:")
        shown = 0
        for ex, o in zip(examples, ours_outs, strict=True):
            if not has_phi(ex) and o.text != ex["text"] and shown < args.examples:
                shown += 1
                hits = [(t, ex["text"][a:b]) for t, a, b in o.findings]
                print(f"  {ex['id']} {o.action}: {hits}")
    if args.json:
        args.json.write_text(json.dumps({"corpus": args.corpus, "results": results}, indent=2))
    return gate(results[f"ours[{mode}]"], args.max_leak, args.max_over_scrub)


def gate(result: dict[str, Any], max_leak: float | None, max_over: float | None) -> int:
    """Exit status for CI: 1 when a configured ceiling is exceeded."""
    failed = []
    if max_leak is not None and (result["leak"] or 0.0) > max_leak:
        failed.append(f"leak {result['leak']:.3f} > {max_leak}")
    if max_over is not None and (result["over_scrub"] or 0.0) > max_over:
        failed.append(f"over-scrub {result['over_scrub']:.3f} > {max_over}")
    for f in failed:
        print(f"FAIL: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
