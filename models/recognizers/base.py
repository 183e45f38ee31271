"""Shared machinery for our recognizers: rules with capture groups, validation and a hard timeout.

Presidio's PatternRecognizer swallows a regex timeout and reports nothing, which would let PHI
through. :class:`RuleRecognizer` uses the ``regex`` module's timeout and raises
:class:`DetectionTimeout` instead, so the caller can refuse the text. Patterns are compiled once,
at construction, and report the span of their ``v`` group when they have one (the identifier
without its cue words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Seconds one pattern may spend on one text before detection fails closed.
REGEX_TIMEOUT = 0.5


# USPS state and territory codes, in the order the address patterns try them.
US_STATE_CODES: tuple[str, ...] = tuple(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
    ]
)


class DetectionTimeout(RuntimeError):
    """A pattern ran too long on a text; the text must be treated as unscannable."""


# A validator sees the match and the whole text; returns a score (None/0 drops the match), and may
# return an (entity, score) pair to re-type it (fax vs phone, DOB vs appointment).
Verdict = float | tuple[str, float] | None
Validator = Callable[["regex.Match[str]", str], Verdict]


@dataclass(frozen=True)
class Rule:
    """One pattern: what it finds, how sure a bare match is, and an optional validator."""

    name: str
    pattern: str
    score: float
    validate: Validator | None = None
    flags: int = regex.IGNORECASE
    entity: str | None = None
    # A cheap pattern the text must contain for ``pattern`` to possibly match (e.g. the finding
    # word of a lab result); texts without it skip the costly pattern entirely.
    require: str | None = None
    # Words (lower case; a hyphenated word counts by its parts) one of which the text must
    # contain: a set lookup over the shared word scan, far cheaper than a case-insensitive
    # alternation of literals.
    trigger: frozenset[str] | None = None

    def compile(self) -> regex.Pattern[str]:
        return regex.compile(self.pattern, self.flags | regex.VERSION0)

    def prefilter(self) -> re.Pattern[str] | None:
        return re.compile(self.require, re.IGNORECASE) if self.require else None


class _LabelledResults(EntityRecognizer):
    """Results named ``<recognizer>:<rule>``, so a finding says which rule produced it."""

    label: str

    def result(
        self, entity: str, start: int, end: int, score: float, rule: str
    ) -> RecognizerResult:
        return RecognizerResult(
            entity,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: f"{self.label}:{rule}",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class RuleRecognizer(_LabelledResults):
    """Runs :class:`Rule` patterns; fails closed on timeouts.

    Subclass names must not repeat Presidio's predefined recognizer class names ("DateRecognizer"):
    Presidio's registry loader finds recognizer classes by name among all subclasses.
    """

    def __init__(self, name: str, entities: Sequence[str], rules: Sequence[Rule]) -> None:
        self.label: str = name
        self._rules = [(r, r.compile()) for r in rules]
        self._has_v = [("v" in p.groupindex) for _, p in self._rules]
        self._require = [r.prefilter() for r in rules]
        super().__init__(supported_entities=list(entities), name=name, supported_language="en")

    def load(self) -> None:
        """Patterns are compiled in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        default = self.supported_entities[0]
        for (rule, pattern), has_v, need in zip(
            self._rules, self._has_v, self._require, strict=True
        ):
            if need is not None and need.search(text) is None:
                continue
            if rule.trigger is not None and rule.trigger.isdisjoint(word_set(text)):
                continue
            try:
                matches = list(pattern.finditer(text, timeout=REGEX_TIMEOUT))
            except TimeoutError as exc:
                raise DetectionTimeout(f"pattern {self.label}/{rule.name} timed out") from exc
            for m in matches:
                entity, score = rule.entity or default, rule.score
                if rule.validate is not None:
                    verdict = rule.validate(m, text)
                    if isinstance(verdict, tuple):
                        entity, score = verdict
                    elif verdict is None:
                        continue
                    else:
                        score = verdict
                if not score or entity not in entities:
                    continue
                start, end = m.span("v") if has_v else m.span()
                if end > start:
                    out.append(self.result(entity, start, end, score, rule.name))
        return out


@lru_cache(maxsize=1024)
def word_set(text: str) -> frozenset[str]:
    """The lower-case words of a text, hyphenated words also by their parts."""
    from models import lexicons

    out = set()
    for w in lexicons.analyse(text)[0]:
        out.add(w.lower)
        if "-" in w.lower:
            out.update(w.lower.split("-"))
    return frozenset(out)


def before(text: str, start: int, width: int = 40) -> str:
    """Lower-cased text in the ``width`` characters before ``start`` (the cue window)."""
    return text[max(0, start - width) : start].lower()


def after(text: str, end: int, width: int = 25) -> str:
    return text[end : end + width].lower()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def only_digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


class LexiconRecognizer(_LabelledResults):
    """Base for recognizers that work from the shared lexicon scan rather than one regex."""

    def __init__(self, name: str, entities: Sequence[str]) -> None:
        self.label: str = name
        super().__init__(supported_entities=list(entities), name=name, supported_language="en")

    def load(self) -> None:
        """The lexicon loads lazily, once per process (:func:`models.lexicons.load`)."""
