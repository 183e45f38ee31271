"""The peer systems, as pipelines over texts: stock Presidio and Philter (philter-lite).

Philter needs NLTK's ``averaged_perceptron_tagger_eng``; offline it is built by
:mod:`bench.external.nltk_tagger` into a data dir that is handed to :func:`philter`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bench.external.nltk_tagger import tagger_dir
from bench.quality import Outcome, Pipeline


class PeerUnavailable(RuntimeError):
    """A peer cannot run on this machine (package or data missing); the message says why."""


def philter(data_dir: Path | None) -> Pipeline:
    try:
        import nltk
        import philter_lite
    except ImportError as e:
        raise PeerUnavailable(
            f"philter-lite is not installed ({e.name}): pip install -r requirements-bench.lock"
        ) from e
    if data_dir is None or not tagger_dir(data_dir).is_dir():
        raise PeerUnavailable(
            "NLTK's averaged_perceptron_tagger_eng is missing: build it with "
            "python -m bench.external.nltk_tagger --zip averaged_perceptron_tagger.zip "
            "--out DATA_DIR"
        )
    nltk.data.path.insert(0, str(data_dir / "nltk_data"))
    config = os.path.join(os.path.dirname(philter_lite.__file__), "configs", "philter_delta.toml")
    filters = philter_lite.load_filters(config)

    def run(texts: Sequence[str]) -> list[Outcome]:
        out = []
        for text in texts:
            include, _exclude, tracker = philter_lite.detect_phi(text, filters)
            red = philter_lite.transform_text_asterisk(text, include)
            found = [(e.phi_type, e.start, e.stop) for e in tracker.phi]
            out.append(Outcome(red, "redact" if red != text else "allow", found))
        return out

    return run


def presidio() -> Pipeline:
    from bench.quality import stock

    return stock()
