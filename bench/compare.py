"""Side by side on text we did not write: phi-proxy vs stock Presidio vs Philter, one process.

    python -m bench.compare --data-dir DATA_DIR [--physionet DEID_DIR [--physionet-half first]]
                            [--asq-phi FILE_OR_DIR]
                            [--corpora presidio-dev,physionet,sms-dev,...]
                            [--systems ours,presidio,philter]
                            [--limit N] [--json OUT] [--markdown OUT] [--examples N]

Every system sees the same texts in the same process; each text's forwarded form is scored by
the same scorer (:mod:`bench.quality`):

* **leak**: share of must-remove PHI spans whose text is still present in what would be
  forwarded (Unicode tricks undone before comparing);
* **clean altered**: share of texts with nothing to remove whose forwarded text differs;
* **leak by type**: the same, per the corpus's own span types.

Corpora (``--corpora``, comma-separated):

* ``presidio-dev`` / ``presidio-holdout`` — Microsoft presidio-evaluator's generator with our
  templates (:mod:`bench.external.pe_corpus`); dev is committed, holdout is generated here from
  its own seed and written under DATA_DIR (tune on dev only);
* ``physionet`` — PhysioNet deid nursing notes (``--physionet DIR`` with id.text and
  id-phi.phrase; GPL-2.0, not committed). ``--physionet-half first`` (default) is the dev half;
  ``second`` is the held-out half, run once at the end;
* ``asq-first`` / ``asq-second`` — ASQ-PHI, 1,051 synthetic clinical search queries with PHI
  (``--asq-phi FILE_OR_DIR``; MIT, not committed), split in file order: tune on the first half,
  score the second half once at the end (:mod:`bench.external.asq_phi`);
* ``sms-dev``, ``sms-test``, ``challenge`` — our own labelled clinic SMS (bench/corpus).

What "ours" forwards: on our clinic SMS, the proxy's scrub path with its shipped default policy
(clinical detail goes to the portal); on the external corpora, which label identifiers only, the
detector with every Safe Harbor identifier finding and every care provider's name redacted
(clinical detail is not labelled there, so redacting it would count only as alteration; the
deid notes label clinicians' names as PHI), and appointment times that hold a calendar date
(de-identification removes every date element but the year; clock times and "tomorrow" stay).
Stock Presidio redacts everything it finds; Philter
(philter-lite, its shipped ``philter_delta`` config) asterisks everything it does not include.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.quality import (
    CORPUS_DIR,
    Example,
    Outcome,
    Pipeline,
    has_phi,
    leak,
    over_scrub,
    recall_by_type,
    span_text,
    still_present,
)

OWN = {
    "sms-dev": CORPUS_DIR / "dev.jsonl",
    "sms-test": CORPUS_DIR / "test.jsonl",
    "challenge": CORPUS_DIR / "challenge" / "challenge.jsonl",
}
EXTERNAL = ("presidio-dev", "presidio-holdout", "physionet", "asq-first", "asq-second")
SYSTEMS = ("ours", "presidio", "philter")
# Held-out corpora: scored, never looked into (``--examples`` prints nothing for them).
HELD_OUT = frozenset({"presidio-holdout", "physionet-second", "asq-second"})


def _jsonl(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(name: str, args: argparse.Namespace) -> list[Example]:
    if name in OWN:
        return _jsonl(OWN[name])
    if name == "presidio-dev":
        return _jsonl(CORPUS_DIR / "external" / "presidio_dev.jsonl")
    if name == "presidio-holdout":
        from bench.external import pe_corpus

        if args.data_dir is None:
            raise SystemExit("presidio-holdout is generated under --data-dir: give one")
        path = args.data_dir / "presidio_holdout.jsonl"
        if not path.exists():
            pe_corpus.main(["--split", "holdout", "--out", str(path)])
        return _jsonl(path)
    if name == "physionet":
        from bench.external import physionet

        if args.physionet is None:
            raise SystemExit("physionet needs --physionet DIR (id.text, id-phi.phrase)")
        return physionet.load(args.physionet, args.physionet_half)
    if name in ("asq-first", "asq-second"):
        from bench.external import asq_phi

        if args.asq_phi is None:
            raise SystemExit(f"{name} needs --asq-phi FILE_OR_DIR (synthetic_clinical_queries.txt)")
        return asq_phi.load(args.asq_phi, "first" if name == "asq-first" else "second")
    raise SystemExit(f"unknown corpus {name!r}")


# ------------------------------------------------------------------------------- pipelines
# A calendar date (HIPAA: every element of a date but the year goes), as opposed to a clock
# time, "tomorrow" or a fraction ("1/2", "3/4"): "7/23", "Oct 3", "3rd of May".
CALENDAR_DATE = re.compile(
    r"(?<![\d/])(?!(?:1/[234]|2/3|3/4)(?![\d/]))\d{1,2}/\d{1,2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)


def ours_identifiers(detector: Any) -> Pipeline:
    """Every Safe Harbor identifier the detector finds, and care providers' names (the
    de-identification an analytics export does), redacted as ``[label]``."""
    from models import entities

    def run(texts: Sequence[str]) -> list[Outcome]:
        out = []
        for text, found in zip(texts, detector.detect(texts), strict=True):
            acted = [
                f
                for f in found
                if entities.get(f.type).family == "identifier"
                or f.type == "PROVIDER_NAME"
                or (
                    f.type == "APPOINTMENT_DATETIME" and CALENDAR_DATE.search(text[f.start : f.end])
                )
            ]
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


class Systems:
    """Builds each system once, on first use."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._cache: dict[str, Pipeline] = {}
        self.unavailable: dict[str, str] = {}

    def get(self, system: str, corpus: str) -> Pipeline | None:
        key = system + ("/sms" if system == "ours" and corpus in OWN else "")
        if key in self._cache:
            return self._cache[key]
        if system in self.unavailable:
            return None
        from bench.external import peers

        try:
            if key == "ours/sms":
                from bench.quality import ours_scrubber

                made = ours_scrubber()
            elif key == "ours":
                from models import Detector, DetectorSettings

                made = ours_identifiers(Detector(DetectorSettings()))
            elif system == "presidio":
                made = peers.presidio()
            elif system == "philter":
                made = peers.philter(self.data_dir)
            else:
                raise SystemExit(f"unknown system {system!r}")
        except peers.PeerUnavailable as e:
            self.unavailable[system] = str(e)
            print(f"{system}: unavailable: {e}", file=sys.stderr)
            return None
        self._cache[key] = made
        return made


def score(examples: Sequence[Example], outcomes: Sequence[Outcome]) -> dict[str, Any]:
    leaked, total = leak(examples, outcomes)
    changed, clean = over_scrub(examples, outcomes)
    by_type = {
        t: {"leaked": n - c, "total": n, "leak": (n - c) / n if n else None}
        for t, (c, n) in recall_by_type(examples, outcomes).items()
    }
    return {
        "texts": len(examples),
        "leak": leaked / total if total else None,
        "leaked": leaked,
        "must_go": total,
        "clean_altered": changed / clean if clean else None,
        "altered": changed,
        "clean_texts": clean,
        "leak_by_type": by_type,
    }


def run_corpus(
    name: str, examples: list[Example], systems: Systems, wanted: Sequence[str]
) -> dict[str, Any]:
    texts = [ex["text"] for ex in examples]
    results: dict[str, Any] = {}
    outcomes: dict[str, list[Outcome]] = {}
    for system in wanted:
        pipeline = systems.get(system, name)
        if pipeline is None:
            continue
        pipeline(texts[:4])  # warm-up
        t0 = time.perf_counter()
        outs = pipeline(texts)
        secs = time.perf_counter() - t0
        outcomes[system] = outs
        results[system] = score(examples, outs) | {
            "msgs_per_sec": len(texts) / secs if secs else None
        }
    return {"results": results, "outcomes": outcomes}


# ------------------------------------------------------------------------------- report
def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def markdown(report: dict[str, Any], command: str, unavailable: dict[str, str]) -> str:
    lines = ["```", command, "```", ""]
    systems = [s for s in SYSTEMS if any(s in r["results"] for r in report.values())]
    lines.append(
        "| corpus | texts | must-go spans | clean texts | "
        + " | ".join(f"{s} leak / clean altered" for s in systems)
        + " |"
    )
    lines.append("|---|---|---|---|" + "---|" * len(systems))
    for corpus, r in report.items():
        res = r["results"]
        any_r = next(iter(res.values()))
        cells = [
            f"{_pct(res[s]['leak'])} / {_pct(res[s]['clean_altered'])}" if s in res else "—"
            for s in systems
        ]
        lines.append(
            f"| {corpus} | {any_r['texts']} | {any_r['must_go']} | {any_r['clean_texts']} | "
            + " | ".join(cells)
            + " |"
        )
    for corpus, r in report.items():
        res = r["results"]
        lines += ["", f"**{corpus}: leak by type** (leaked / total)", ""]
        lines.append("| type | " + " | ".join(s for s in systems if s in res) + " |")
        lines.append("|---|" + "---|" * sum(s in res for s in systems))
        types = sorted({t for x in res.values() for t in x["leak_by_type"]})
        for t in types:
            cells = []
            for s in systems:
                if s not in res:
                    continue
                v = res[s]["leak_by_type"].get(t)
                cells.append(f"{_pct(v['leak'])} ({v['leaked']}/{v['total']})" if v else "—")
            lines.append(f"| {t} | " + " | ".join(cells) + " |")
    speeds = [
        f"{corpus}: "
        + ", ".join(
            f"{s} {r['results'][s]['msgs_per_sec']:.0f}/s" for s in systems if s in r["results"]
        )
        for corpus, r in report.items()
    ]
    lines += ["", "Throughput (wall clock, shared machine; a side figure): " + "; ".join(speeds)]
    for s, why in unavailable.items():
        lines += ["", f"{s} did not run: {why}"]
    return "\n".join(lines) + "\n"


def examples_report(examples: Sequence[Example], outs: Sequence[Outcome], n: int) -> list[str]:
    lines = []
    leaked: dict[str, list[str]] = {}
    for ex, o in zip(examples, outs, strict=True):
        for s in ex["spans"]:
            v = span_text(ex, s)
            if not s["keep"] and still_present(v, o.text):
                got = leaked.setdefault(s["type"], [])
                if len(got) < n:
                    got.append(v)
    for t, vs in sorted(leaked.items()):
        lines.append(f"  leaked {t}: " + " | ".join(repr(v) for v in vs))
    shown = 0
    for ex, o in zip(examples, outs, strict=True):
        if not has_phi(ex) and o.text != ex["text"] and shown < n:
            shown += 1
            hits = [(t, ex["text"][a:b]) for t, a, b in o.findings]
            lines.append(f"  altered clean {ex['id']}: {hits}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="built NLTK tagger, generated holdout set")
    ap.add_argument("--physionet", type=Path, help="directory with id.text and id-phi.phrase")
    ap.add_argument("--physionet-half", choices=["first", "second", "all"], default="first")
    ap.add_argument(
        "--asq-phi", type=Path, help="ASQ-PHI synthetic_clinical_queries.txt (or its directory)"
    )
    ap.add_argument("--corpora", default="presidio-dev,physionet,sms-dev,challenge")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts of each corpus")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--examples", type=int, default=0, help="print N leaks per type (ours)")
    args = ap.parse_args(argv)

    wanted = [s for s in args.systems.split(",") if s]
    systems = Systems(args.data_dir)
    report: dict[str, Any] = {}
    for name in [c for c in args.corpora.split(",") if c]:
        if name == "physionet" and args.physionet is None:
            print("physionet: skipped (no --physionet DIR)", file=sys.stderr)
            continue
        if name.startswith("asq-") and args.asq_phi is None:
            print(f"{name}: skipped (no --asq-phi FILE_OR_DIR)", file=sys.stderr)
            continue
        examples = load(name, args)
        if args.limit:
            examples = examples[: args.limit]
        label = f"physionet-{args.physionet_half}" if name == "physionet" else name
        got = run_corpus(label, examples, systems, wanted)
        report[label] = {"results": got["results"]}
        print(f"== {label}: {len(examples)} texts", file=sys.stderr)
        for s, r in got["results"].items():
            print(
                f"   {s:9} leak {_pct(r['leak'])}  clean altered {_pct(r['clean_altered'])}",
                file=sys.stderr,
            )
        if args.examples and label in HELD_OUT:
            print(f"   {label} is held out: no examples shown", file=sys.stderr)
        elif args.examples and "ours" in got["outcomes"]:
            print("\n".join(examples_report(examples, got["outcomes"]["ours"], args.examples)))
    command = "python -m bench.compare " + " ".join(argv if argv is not None else sys.argv[1:])
    md = markdown(report, command, systems.unavailable)
    print(md)
    if args.markdown:
        args.markdown.write_text(md)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
