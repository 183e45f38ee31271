"""Throughput and peak memory: our Detector versus stock Presidio, same process, same texts.

    python -m bench.speed [--corpus PATH] [--limit N] [--workers N ...] [--repeat N]
                          [--allow VALUE ...]

Stock Presidio is ``AnalyzerEngine`` with its default recognizer registry over the same spaCy
package (full pipeline, loaded offline), analysing one text at a time as its API does. Ours is
``Detector.detect`` on the whole list (it batches through ``nlp.pipe``), optionally with the
organisation's allow-list (``--allow "Clinic Name" 555-010-4400 clinic.example``) as deployed.

Two rates are reported: wall-clock messages/second, and messages per CPU-second of this process
(user+sys, all its threads). On a shared, busy machine wall-clock swings with other load; the
CPU rate is the steadier comparison for single-process engines. Runs alternate stock/ours and
the best of ``--repeat`` is kept. Peak RSS is measured per engine in a fresh child process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus" / "dev.jsonl"
SYNTHETIC = [
    "Hi Maria, your appointment with Dr. Lee is on March 3 at 2pm. Call 555-010-1234 to change.",
    "Your A1c was 9.2; please start metformin 500 mg. DOB 01/02/1950 confirmed.",
    "Reminder: lab results are available in the portal. Reply STOP to opt out.",
    "JOHN SMITH, 92 years old, lives at 12 Oak St Apt 4B, Springfield, IL 62704.",
    "Your prescription is ready for pickup at the pharmacy. Questions? Call us.",
    "Pt positive for strep; potassium was high. Fax results to 555.010.9999.",
    "Member ID XJH123456789 on file. SSN 900-12-3456. Email jane.doe@example.com",
    "Hope you're well! Will you confirm your appointment tomorrow at 9:30?",
]


def load_texts(path: Path | None, limit: int) -> list[str]:
    if path is not None and path.exists():
        with path.open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    else:
        texts = SYNTHETIC * 200
    return texts[:limit] if limit else texts


def stock_engine() -> Callable[[Sequence[str]], object]:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from models.engine import OfflineSpacyNlpEngine, make_tldextract_offline
    from models.spacy_model import DEFAULT_MODEL

    make_tldextract_offline()
    nlp = spacy.load(DEFAULT_MODEL)  # the full pipeline, as Presidio would load it
    engine = OfflineSpacyNlpEngine(nlp, DEFAULT_MODEL)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=engine, languages=["en"])
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])

    def run(texts: Sequence[str]) -> object:
        return [analyzer.analyze(text=t, language="en") for t in texts]

    return run


def our_engine(workers: int, allow: Sequence[str] = ()) -> Callable[[Sequence[str]], object]:
    from models import Detector, DetectorSettings

    detector = Detector(DetectorSettings(workers=workers, allow=tuple(allow)))
    return detector.detect


def rates(run: Callable[[Sequence[str]], object], texts: Sequence[str]) -> tuple[float, float]:
    """(messages per wall-second, messages per CPU-second of this process) for one pass."""
    c0, t0 = time.process_time(), time.perf_counter()
    run(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / wall, len(texts) / max(cpu, 1e-9)


def vm_hwm_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB. Unlike ``ru_maxrss`` it starts afresh
    at exec, so a spawned child does not inherit its parent's high-water mark."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_child(
    kind: str, workers: int, texts: list[str], allow: list[str], out: multiprocessing.Queue
) -> None:
    if kind == "stock":
        stock_engine()(texts)
        out.put(vm_hwm_mb())
        return
    from models import Detector, DetectorSettings

    detector = Detector(DetectorSettings(workers=workers, allow=tuple(allow)))
    detector.detect(texts)
    total = vm_hwm_mb()
    pool = detector._pool
    if pool is not None:  # add each worker process's own peak
        total += sum(pool.map(_worker_hwm, range(workers)))
    detector.close()
    out.put(total)


def _worker_hwm(_: int) -> float:
    return vm_hwm_mb()


def peak_rss_mb(kind: str, workers: int, texts: list[str], allow: list[str]) -> float:
    """Peak RSS (MiB) of a fresh process that loads one engine and runs the texts once."""
    ctx = multiprocessing.get_context("spawn")
    q: multiprocessing.Queue = ctx.Queue()
    p = ctx.Process(target=_peak_child, args=(kind, workers, texts, allow, q))
    p.start()
    value = q.get(timeout=600)
    p.join()
    return float(value)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--allow", nargs="*", default=[], help="the organisation's own details")
    ap.add_argument("--no-rss", action="store_true", help="skip the peak-memory children")
    args = ap.parse_args(argv)

    texts = load_texts(args.corpus, args.limit)
    source = args.corpus if args.corpus.exists() else "built-in synthetic list"
    print(f"{len(texts)} texts from {source}")
    engines: dict[str, Callable[[Sequence[str]], object]] = {"stock Presidio": stock_engine()}
    for w in args.workers:
        engines[f"ours (workers={w})"] = our_engine(w, args.allow)
    for run in engines.values():
        run(texts[:16])  # warm-up: lazy parts, caches
    best: dict[str, tuple[float, float]] = {name: (0.0, 0.0) for name in engines}
    for _ in range(args.repeat):  # alternate engines so drifting machine load hits all alike
        for name, run in engines.items():
            wall, cpu = rates(run, texts)
            best[name] = (max(best[name][0], wall), max(best[name][1], cpu))
    stock_wall, stock_cpu = best["stock Presidio"]
    for name, (wall, cpu) in best.items():
        cpu_note = f"{cpu:8.0f} msg/cpu-s ({cpu / stock_cpu:4.1f}x)"
        if "workers=1" not in name and "stock" not in name:
            cpu_note = "(CPU rate n/a: work runs in child processes)"
        print(f"{name:22} {wall:8.0f} msg/s ({wall / stock_wall:4.1f}x)   {cpu_note}")
    for run in engines.values():  # stop worker pools before the interpreter shuts down
        close = getattr(getattr(run, "__self__", None), "close", None)
        if close is not None:
            close()
    if not args.no_rss:
        print(f"peak RSS stock         {peak_rss_mb('stock', 1, texts, args.allow):8.0f} MiB")
        for w in args.workers:
            print(f"peak RSS ours (w={w})   {peak_rss_mb('ours', w, texts, args.allow):8.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
