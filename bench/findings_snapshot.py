"""Every finding of the full detector on the committed corpora, one JSON line per text, to check
that a refactoring leaves detection byte-identical:

    python -m bench.findings_snapshot before.jsonl   # on the old commit
    python -m bench.findings_snapshot after.jsonl    # on the new one
    cmp before.jsonl after.jsonl

Each line: [corpus file, the text's first 30 characters, [[type, start, end, score, source]...]].
"""

from __future__ import annotations

import argparse
import glob
import json
import sys

from models.detector import Detector, DetectorSettings


def main(path: str) -> int:
    detector = Detector(DetectorSettings())
    files = sorted(glob.glob("bench/corpus/*.jsonl") + glob.glob("bench/corpus/*/*.jsonl"))
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for name in files:
            with open(name, encoding="utf-8") as f:
                texts = [json.loads(line)["text"] for line in f if line.strip()]
            for start in range(0, len(texts), 64):
                batch = texts[start : start + 64]
                for text, found in zip(batch, detector.detect(batch), strict=True):
                    row = [[x.type, x.start, x.end, x.score, x.source] for x in found]
                    out.write(json.dumps([name, text[:30], row], ensure_ascii=False) + "\n")
                    n += 1
    print(n, "texts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("path", help="the JSONL file to write")
    sys.exit(main(ap.parse_args().path))
