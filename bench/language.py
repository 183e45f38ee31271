"""Per-text language: what :mod:`models.language` decides on the labelled corpora, at what cost,
next to ``lingua-language-detector`` when it is importable (it is not a dependency: install it
into a separate target and put that on PYTHONPATH to compare).

    python -m bench.language [--corpus PATH ...]

For each corpus: the share of texts read as en / es / mixed, per category; microseconds per
text; and, with lingua, its load time, peak memory and per-text time, and how often the two
agree on "has Spanish" (es or mixed) versus "English only".
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from models import language

HERE = Path(__file__).resolve().parent / "corpus"
DEFAULT = [HERE / "dev.jsonl", HERE / "es-dev.jsonl"]


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, nargs="*", default=DEFAULT)
    args = ap.parse_args(argv)
    lingua = None
    try:
        from lingua import Language, LanguageDetectorBuilder  # type: ignore[import-not-found]

        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        lingua = (
            LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH)
            .with_preloaded_language_models()
            .build()
        )
        load_s = time.perf_counter() - t0
        rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
        print(f"lingua: built in {load_s:.2f} s, +{rss:.0f} MiB peak RSS")
    except ImportError:
        print("lingua: not importable (not compared)")
    for path in args.corpus:
        examples = load(path)
        texts = [str(e["text"]) for e in examples]
        language.detect.cache_clear()
        t0 = time.perf_counter()
        ours = [language.detect(t) for t in texts]
        per = (time.perf_counter() - t0) / len(texts) * 1e6
        print(f"\n{path.name}: {len(texts)} texts; ours {per:.1f} µs/text")
        by_cat: dict[str, Counter[str]] = {}
        for e, lang in zip(examples, ours, strict=True):
            by_cat.setdefault(str(e["category"]), Counter())[lang] += 1
        total = Counter(ours)
        print(
            "  all: "
            + ", ".join(f"{k} {100 * total[k] / len(texts):.1f}%" for k in language.LANGUAGES)
        )
        for cat, c in sorted(by_cat.items()):
            n = sum(c.values())
            print(
                f"  {cat:18} "
                + ", ".join(f"{k} {100 * c[k] / n:5.1f}%" for k in language.LANGUAGES)
            )
        if lingua is not None:
            t0 = time.perf_counter()
            theirs = []
            for t in texts:
                conf = lingua.compute_language_confidence_values(t)
                es = next((c.value for c in conf if c.language.name == "SPANISH"), 0.0)
                theirs.append(es)
            lper = (time.perf_counter() - t0) / len(texts) * 1e6
            has_es = [lang != "en" for lang in ours]
            their_es = [v >= 0.5 for v in theirs]
            agree = sum(a == b for a, b in zip(has_es, their_es, strict=True)) / len(texts)
            print(
                f"  lingua {lper:.0f} µs/text; Spanish (>=0.5 confidence) "
                f"{100 * sum(their_es) / len(texts):.1f}%"
                f"; agrees with ours on has-Spanish for {100 * agree:.1f}% of texts"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
