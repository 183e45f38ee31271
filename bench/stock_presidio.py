"""Stock Presidio as the baseline: default recognizers, spaCy NER, every finding becomes ``<TYPE>``.

This is what a team would get by installing Presidio and calling it as documented, with two
offline changes only: the spaCy pipeline is injected instead of downloaded, and tldextract uses its
bundled public-suffix snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import spacy
import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from models.spacy_model import DEFAULT_MODEL

MODEL = DEFAULT_MODEL


@dataclass(frozen=True)
class StockResult:
    """Anonymised text plus the analyzer's raw findings (for precision)."""

    text: str
    findings: list[RecognizerResult]


class StockPresidio:
    """AnalyzerEngine + AnonymizerEngine with Presidio's defaults, built without network access."""

    def __init__(self, model: str = MODEL) -> None:
        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(
            suffix_list_urls=(), cache_dir=None
        )
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
        # instead of engine.load(), which would try to download the pipeline
        engine.nlp = {"en": spacy.load(model)}  # type: ignore[assignment]
        self.analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
        self.anonymizer = AnonymizerEngine()
        self._replace = {"DEFAULT": OperatorConfig("replace")}  # -> "<ENTITY_TYPE>"

    def run(self, texts: Sequence[str]) -> list[StockResult]:
        out = []
        for text in texts:
            results = self.analyzer.analyze(text=text, language="en")
            anon = self.anonymizer.anonymize(
                text=text,
                analyzer_results=results,  # type: ignore[arg-type]
                operators=self._replace,
            )
            out.append(StockResult(anon.text, results))
        return out


_default: StockPresidio | None = None


def stock_scrub(texts: Sequence[str]) -> list[str]:
    """Texts with every entity stock Presidio finds replaced by ``<TYPE>``."""
    global _default
    if _default is None:
        _default = StockPresidio()
    return [r.text for r in _default.run(texts)]
