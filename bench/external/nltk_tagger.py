"""Build NLTK's ``averaged_perceptron_tagger_eng`` (JSON, what nltk >= 3.9 reads) from nltk_data's
older ``averaged_perceptron_tagger.zip`` (one pickle), so Philter can run without a download.

    python -m bench.external.nltk_tagger --zip averaged_perceptron_tagger.zip --out DATA_DIR

writes ``DATA_DIR/nltk_data/taggers/averaged_perceptron_tagger_eng/*.json``. The pickle is read
with an unpickler that admits only plain containers (dict, set, tuple, list, str, float), so a
tampered file cannot run code. Nothing built here is committed: the bench is given DATA_DIR.
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import zipfile
from pathlib import Path
from typing import Any

NAME = "averaged_perceptron_tagger_eng"
_SAFE = {("builtins", n) for n in ("dict", "set", "frozenset", "tuple", "list", "str", "float")}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "__builtin__":  # a Python 2 pickle
            module = "builtins"
        if (module, name) in _SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a tagger pickle")


def tagger_dir(data_dir: Path) -> Path:
    return data_dir / "nltk_data" / "taggers" / NAME


def build(zip_path: Path, data_dir: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".pickle"))
        weights, tagdict, classes = _PlainUnpickler(io.BytesIO(zf.read(member))).load()
    out = tagger_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    for attr, value in (("weights", weights), ("tagdict", tagdict), ("classes", sorted(classes))):
        (out / f"{NAME}.{attr}.json").write_text(json.dumps(value))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--zip", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="data dir given to bench.compare")
    args = ap.parse_args(argv)
    print(build(args.zip, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
