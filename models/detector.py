"""Detector.detect(texts) → findings per text. Batching, normalisation, overlap resolution; no I/O.

The recognizers are Presidio recognizers, but the detector calls them itself instead of going
through ``AnalyzerEngine.analyze``: our recognizers score their own context, so Presidio's
per-call registry lookup, lemma-based context enhancer and decision bookkeeping would only cost
time. The spaCy pipeline runs with its NER component alone (nothing else is read), batched with
``nlp.pipe``; with ``workers > 1`` large batches are split over a pool of processes.
"""

from __future__ import annotations

import copy
import gc
import multiprocessing
import os
import weakref
from bisect import bisect_left, bisect_right, insort
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from typing import cast

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from models import entities, language, lexicons
from models.allow import AllowList
from models.allow import covered as allowed_whole
from models.engine import load_spacy, make_tldextract_offline
from models.findings import Finding
from models.normalize import Normalized, normalize
from models.overscrub import drop_safe
from models.propagate import propagate
from models.spacy_model import DEFAULT_MODEL

# Below this many texts a call runs in-process even when a pool exists (IPC would dominate).
MIN_PARALLEL = 32


@dataclass(frozen=True)
class DetectorSettings:
    """How to build a detector. ``model`` is any installed spaCy package name.

    ``workers`` > 1 starts that many worker processes (each with its own pipeline) used for
    batches of at least ``MIN_PARALLEL`` texts; 0 means one per CPU.
    """

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    min_score: float = 0.3
    entities: frozenset[str] | None = field(default=None)
    workers: int = 1
    # The organisation's own name, phone numbers and web addresses: findings that are exactly
    # one of these are dropped (see models.allow).
    allow: tuple[str, ...] = ()


class Detector:
    """Finds PHI in texts. Thread-compatible for reads once built; build one per process."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        from models import recognizers

        self.settings = settings or DetectorSettings()
        known = entities.all_types()
        wanted = self.settings.entities
        if wanted is not None:
            unknown = sorted(set(wanted) - set(known))
            if unknown:
                raise ValueError(f"unknown entity types requested: {', '.join(unknown)}")
        self.entities: frozenset[str] = frozenset(wanted if wanted is not None else known)
        make_tldextract_offline()
        self._nlp = load_spacy(self.settings.model)
        lexicons.load()
        self._recognizers: list[EntityRecognizer] = recognizers.build_all()
        self._allow = AllowList.of(self.settings.allow)
        self._extra: frozenset[int] = frozenset()  # recognizers added by with_recognizers
        # The pipeline and lexicons are hundreds of thousands of long-lived objects: move them
        # out of the cyclic collector's way, or every collection walks them all again.
        gc.collect()
        gc.freeze()
        self._pool: ProcessPoolExecutor | None = None
        workers = self.settings.workers or (os.cpu_count() or 1)
        if workers > 1:
            ctx = multiprocessing.get_context("spawn")
            child = DetectorSettings(
                model=self.settings.model,
                batch_size=self.settings.batch_size,
                min_score=self.settings.min_score,
                entities=self.settings.entities,
                workers=1,
                allow=self.settings.allow,
            )
            self._pool = ProcessPoolExecutor(
                workers, ctx, initializer=_init_worker, initargs=(child,)
            )
            self._workers = workers
            # Stop the workers when this detector is garbage-collected or the program exits.
            weakref.finalize(self, self._pool.shutdown, cancel_futures=True)
            # Start every worker now, so the first request does not pay for model loading.
            list(self._pool.map(_warm, range(workers)))

    def warm(self) -> None:
        """Build what recognizers build on first use (the Spanish clinical index alone takes
        about a second), so that the first sends after start-up do not pay for it: in a server
        every request queued behind that first detection would (issue #18). Findings are
        unchanged; call it before freezing the collector."""
        self._detect(list(WARM_TEXTS), self.entities)

    def with_recognizers(self, extra: Sequence[EntityRecognizer]) -> Detector:
        """A detector sharing this one's spaCy pipeline and recognizers, plus ``extra`` (e.g. a
        policy's own patterns). Cheap; this detector is left unchanged. The extra recognizers
        run in-process (a worker pool, if any, is not used by the clone)."""
        clone = copy.copy(self)
        clone._recognizers = [*self._recognizers, *extra]
        clone._extra = frozenset(id(r) for r in extra)
        clone.entities = self.entities | {e for r in extra for e in r.supported_entities}
        clone._pool = None
        return clone

    def close(self) -> None:
        """Stop worker processes, if any."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Detector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        """Findings for each text, offsets into the original text, sorted and non-overlapping."""
        wanted = frozenset(self.entities if entities is None else set(entities) & self.entities)
        if self._pool is not None and len(texts) >= MIN_PARALLEL:
            size = -(-len(texts) // self._workers)
            chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
            futures = [self._pool.submit(_detect_in_worker, c, wanted) for c in chunks]
            return [found for f in futures for found in f.result()]
        return self._detect(texts, wanted)

    def _propagated(self, text: str, found: list[Finding]) -> list[Finding]:
        """``found`` plus the other mentions of its names and dates (:mod:`models.propagate`),
        never inside the organisation's own details."""
        more = propagate(text, found, lexicons.load().everyday_words)
        if len(more) == len(found) or not self._allow:
            return more
        own = self._allow.spans(text)
        return found + [
            f for f in more[len(found) :] if not allowed_whole(text, f.start, f.end, own)
        ]

    def _detect(self, texts: Sequence[str], wanted: frozenset[str]) -> list[list[Finding]]:
        if not wanted:
            return [[] for _ in texts]
        active = [
            (r, [e for e in r.supported_entities if e in wanted])
            for r in self._recognizers
            if any(e in wanted for e in r.supported_entities)
        ]
        normed = [normalize(t) for t in texts]
        langs = [language.detect(n.text) for n in normed]
        # Pass 1: every recognizer on tokens alone. Pass 2: the statistical NER, only on texts
        # where a word it could judge is still unexplained, and then only the recognizers that
        # read its entities run again. Most clinic texts never need the NER, its costliest step.
        docs = [self._nlp.make_doc(n.text) for n in normed]
        found = [
            _analyze(n.text, doc, active, lang=lang)
            for n, doc, lang in zip(normed, docs, langs, strict=True)
        ]
        readers = [i for i, (r, _) in enumerate(active) if getattr(r, "reads_ner", False)]
        if readers and wanted & NER_TYPES:
            allow = self._allow.names if self._allow else frozenset()
            need: list[tuple[int, list[tuple[int, int]]]] = []
            for i, (n, per) in enumerate(zip(normed, found, strict=True)):
                covered = [(x.start, x.end) for rs in per for x in rs]
                # the (English) NER reads texts with English in them only
                english = language.includes(langs[i], "en")
                triggers = ner_triggers(n.text, allow, covered) if per and english else []
                if triggers:  # the NER reads only around these words, not the whole text
                    need.append((i, ner_windows(docs[i], triggers)))
            ents = windowed_entities(
                self._nlp, [(docs[i], w) for i, w in need], self.settings.batch_size
            )
            for (i, _), got_ents in zip(need, ents, strict=True):
                again = _analyze(
                    normed[i].text, docs[i], [active[k] for k in readers], got_ents, langs[i]
                )
                for k, got in zip(readers, again, strict=True):
                    found[i][k] = got
        out: list[list[Finding]] = []
        for norm, per in zip(normed, found, strict=True):
            if not per:
                out.append([])
                continue
            results: list[RecognizerResult] = []
            for (recognizer, _), got in zip(active, per, strict=True):
                if id(recognizer) in self._extra:
                    for r in got:  # the officer's own pattern wins a tie with a built-in one
                        r.score = min(1.0, r.score + 0.01)
                results.extend(got)
            allowed: list[tuple[int, int]] = []
            if self._allow:
                # The organisation's own details, and anything else found over them.
                allowed = self._allow.spans(norm.text) + [
                    (r.start, r.end)
                    for r in results
                    if self._allow.allows(norm.text[r.start : r.end])
                ]
            kept = [
                r
                for r in results
                if r.score >= self.settings.min_score
                and r.entity_type in wanted
                # allowed only whole: a finding inside the organisation's own detail, never
                # a finding that merely contains or touches one ("Mary Lakeview Jones")
                and not allowed_whole(norm.text, r.start, r.end, allowed)
            ]
            original = texts[len(out)]
            safe = drop_safe(original, _to_findings(kept, norm))
            whole = dates_out_of_clinical(self._propagated(original, safe))
            out.append(trim(resolve(whole), original))
        return out


def _analyze(
    text: str,
    doc: Doc,
    active: Sequence[tuple[EntityRecognizer, list[str]]],
    entities: Sequence[Span] | None = None,
    lang: language.Language = "mixed",
) -> list[list[RecognizerResult]]:
    """Each recognizer's results on one text (nothing for a blank text); ``entities`` stand in
    for the doc's own. A recognizer for other languages than the text's reports nothing."""
    if not text.strip():
        return []
    artifacts = _artifacts(doc, entities)
    return [r.analyze(text, types, artifacts) if _reads(r, lang) else [] for r, types in active]


def _reads(recognizer: EntityRecognizer, lang: language.Language) -> bool:
    """Does ``recognizer`` run on a text in ``lang``? (Its ``languages``; none = all.)"""
    langs: frozenset[str] | None = getattr(recognizer, "languages", None)
    return langs is None or lang == "mixed" or lang in langs


# Types whose recognizers read spaCy's entities (PERSON names, GPE cities); the recognizers
# themselves say so with a true ``reads_ner`` attribute.
NER_TYPES = frozenset({"PERSON", "LOCATION"})


def ner_triggers(
    text: str, allowed_names: Collection[str] = (), covered: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Character spans of the words only the statistical NER can judge, in text order.

    A capitalised word the lexicons know nothing about (not an everyday word, not a known name,
    not a clinical term, not the organisation's own name), or a gazetteer city (the NER's GPE
    label separates "Jackson" the city from the person), that no finding already ``covered``
    (whatever the NER said, it is removed). The NER then only needs to read around these.
    """
    lex = lexicons.load()
    words, hits = lexicons.analyse(text)

    # is [start, end) inside a covered span? The spans starting at or before ``start`` reach
    # ``end`` when the furthest of them does: a bisection, not a scan of every span per word
    # (quadratic on a text with a finding every few characters; issue #18)
    spans = sorted(covered)
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))

    def explained(start: int, end: int) -> bool:
        i = bisect_right(starts, start)
        return i > 0 and reach[i - 1] >= end

    found = [
        (h.start, h.end)
        for h in hits
        if h.category == lexicons.CITY and not explained(h.start, h.end)
    ]
    known = {i for h in hits for i in range(h.first, h.last)}
    # The organisation's own words are no trigger only where the whole allowed name stands.
    own_spans = AllowList(names=frozenset(allowed_names)).spans(text) if allowed_names else []
    for i, w in enumerate(words):
        if (
            len(w.text) > 2
            and w.text[:1].isupper()
            and w.text.isalpha()
            and i not in known
            and not explained(w.start, w.end)
        ):
            low = w.lower
            in_own = any(s <= w.start and w.end <= e for s, e in own_spans)
            if low in lex.common_words or in_own or lex.near_common(low):
                continue  # an everyday word, perhaps with a typo ("Resutls")
            if low in lex.first_names or low in lex.surnames:
                continue
            found.append((w.start, w.end))
    return sorted(found)


# Tokens of context the NER reads either side of a word it is asked about. Its tok2vec sees 4
# tokens either side of each token and its transition model one more behind, so beyond ~5
# tokens away the rest of the text cannot change what it says about that word; 8 leaves room.
NER_REACH = 8
# How many tokens further a window's edge may reach to fall on the end of a sentence.
_SENTENCE_SLACK = 3


def ner_windows(
    doc: Doc, triggers: Sequence[tuple[int, int]], reach: int = NER_REACH
) -> list[tuple[int, int]]:
    """Character ranges of ``doc`` to run the NER on: each trigger with at least ``reach``
    tokens either side, merged where they overlap or touch, in text order.

    Why: the NER's cost grows with the text's length, but what it says about a word depends only
    on the few tokens around it, so on a long text with one unexplained word most of its work
    was wasted. Edges fall on token boundaries of ``doc`` (the same tokenizer the NER runs, so a
    window's tokens are the full text's tokens), and reach on to a sentence end when one is
    near, so a window does not open or close mid-phrase when it need not.
    """
    spans: list[tuple[int, int]] = []
    for start, end in triggers:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return [(0, len(doc.text))]  # cannot place it: read the whole text (fail closed)
        lo = _sentence_edge(doc, span.start - reach, -1)
        hi = _sentence_edge(doc, span.end + reach, 1)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    out = []
    for a, b in spans:
        while b - a > 1 and doc[a].is_space:
            a += 1
        while b - a > 1 and doc[b - 1].is_space:
            b -= 1
        out.append((doc[a].idx, doc[b - 1].idx + len(doc[b - 1])))
    return out


def _sentence_edge(doc: Doc, edge: int, step: int) -> int:
    """The token boundary ``edge``, moved outward (``step`` -1: left, 1: right) by up to
    :data:`_SENTENCE_SLACK` tokens to fall just after a sentence end; the text's own edge if
    that is reached first."""
    for b in range(edge, edge + step * (_SENTENCE_SLACK + 1), step):
        if b <= 0 or b >= len(doc):
            return min(max(b, 0), len(doc))
        if _ends_sentence(doc[b - 1]):
            return b
    return min(max(edge, 0), len(doc))


def _ends_sentence(token: Token) -> bool:
    return (token.is_punct and token.text[-1] in ".!?;") or "\n" in token.text


def windowed_entities(
    nlp: Language, docs: Sequence[tuple[Doc, Sequence[tuple[int, int]]]], batch_size: int
) -> list[list[Span]]:
    """The NER's entities for each doc, found in the given character windows only and placed on
    the doc's own tokens (so recognizers read them against the full text). An entity whose
    edges do not fall on the doc's token boundaries is dropped."""
    pieces = [(k, start) for k, (_, windows) in enumerate(docs) for start, _ in windows]
    texts = [doc.text[s:e] for doc, windows in docs for s, e in windows]
    out: list[list[Span]] = [[] for _ in docs]
    for (k, offset), window in zip(pieces, nlp.pipe(texts, batch_size=batch_size), strict=True):
        full = docs[k][0]
        for ent in window.ents:
            span = full.char_span(offset + ent.start_char, offset + ent.end_char, ent.label_)
            if span is not None:
                out[k].append(span)
    return out


class _Artifacts:
    """The part of Presidio's NlpArtifacts our recognizers read (building the real one computes
    keywords and lemmas for every token, which nothing here uses)."""

    __slots__ = ("entities", "tokens")

    def __init__(self, doc: Doc, entities: Sequence[Span] | None = None) -> None:
        self.entities = list(doc.ents if entities is None else entities)
        self.tokens = doc


def _artifacts(doc: Doc, entities: Sequence[Span] | None = None) -> NlpArtifacts:
    return cast(NlpArtifacts, _Artifacts(doc, entities))


_WORKER: Detector | None = None


#: synthetic texts (no real person) that reach the recognizers' lazily built parts
WARM_TEXTS = (
    "Hi Jane Doe, this is Dr. John Smith's office at Lakeview Health: your appointment is on "
    "Tuesday 03/04/2025 at 3:15 PM. Call +1 555 010 0100. MRN 48212602, DOB 1964-11-04.",
    "Hola Maria, su receta de simvastatin 20 mg esta lista. La Dra. Villanueva quiere verla "
    "el lunes en la clinica de cardiologia. Llame al 555-010-0199.",
    "Your biopsy results from the oncology clinic are ready; ur lab (A1c 7.2) came back high. "
    "Reply C to confirm. Visit 10 Main St, Springfield, MA 01103 or 192.0.2.1.",
)


def _init_worker(settings: DetectorSettings) -> None:
    global _WORKER
    _WORKER = Detector(settings)


def _warm(_: int) -> int:
    return os.getpid()


def _detect_in_worker(texts: list[str], wanted: frozenset[str]) -> list[list[Finding]]:
    if _WORKER is None:
        raise RuntimeError("worker initializer did not run")
    return _WORKER._detect(texts, wanted)


def _to_findings(results: list[RecognizerResult], norm: Normalized) -> list[Finding]:
    found = []
    for r in results:
        start, end = norm.to_original(r.start, r.end)
        source = ""
        if r.recognition_metadata:
            source = str(r.recognition_metadata.get("recognizer_name", ""))
        found.append(Finding(r.entity_type, start, end, float(r.score), source))
    return found


# Inside a test result or a department name, the condition or drug itself is what analytics and
# the officer care about: it is kept whole and the finding around it is split (still covered).
_NAMED_FIRST = frozenset({"CONDITION", "MEDICATION"})


def _rank(f: Finding) -> float:
    return f.score + (0.2 if f.type in _NAMED_FIRST else 0.0)


def _is_admin(f: Finding) -> bool:
    return entities.is_known(f.type) and entities.get(f.type).family == "administrative"


_DATED = frozenset({"DATE", "DATE_OF_BIRTH"})


def dates_out_of_clinical(findings: list[Finding]) -> list[Finding]:
    """A date inside a clinical finding ("CULTURE 8/16", "CT SCAN 8/23") is a date of the
    patient's care: the clinical finding is split around it, so resolving the overlap keeps the
    date (an identifier) and the test on either side of it."""
    dates = [f for f in findings if f.type in _DATED]
    if not dates:
        return findings
    out = []
    for f in findings:
        inside = [
            d
            for d in dates
            if f.type not in _DATED
            and entities.is_known(f.type)
            and entities.get(f.type).family == "clinical"
            and f.start <= d.start
            and d.end <= f.end
        ]
        if not inside:
            out.append(f)
            continue
        for start, end in _uncovered(f, inside):
            if end - start >= 2:
                out.append(Finding(f.type, start, end, f.score, f.source))
    return out


def resolve(findings: list[Finding]) -> list[Finding]:
    """A non-overlapping set: higher score wins, then the longer span, then the earlier.

    A lower-ranked PHI finding that only partly overlaps kept PHI findings keeps its uncovered
    part (so a disagreement about where a span ends never un-redacts characters); one that
    overlaps an administrative finding (a titled provider, an appointment time) is dropped, which
    is how those suppress the PHI findings inside them.
    """
    ranked = sorted(findings, key=lambda f: (-_rank(f), -(f.end - f.start), f.start))
    kept: list[Finding] = []
    # the kept findings never overlap one another, so sorted by (start, end) their ends never
    # decrease too: a finding's clashes are found by bisection instead of a comparison with
    # every kept finding (quadratic on a text with a finding every few characters; issue #18)
    spans: list[tuple[int, int]] = []
    by_span: dict[tuple[int, int], list[Finding]] = {}

    def keep(k: Finding) -> None:
        kept.append(k)
        if (k.start, k.end) not in by_span:
            insort(spans, (k.start, k.end))
        by_span.setdefault((k.start, k.end), []).append(k)

    for f in ranked:
        clashes: list[Finding] = []
        i = bisect_left(spans, (f.end, -1)) - 1  # the last kept span starting before f ends
        while i >= 0 and spans[i][1] > f.start:
            clashes.extend(k for k in by_span[spans[i]] if f.overlaps(k))
            i -= 1
        if not clashes:
            keep(f)
            continue
        if _is_admin(f) or any(_is_admin(k) for k in clashes):
            continue
        for start, end in _uncovered(f, clashes):
            if end - start >= 2:
                keep(Finding(f.type, start, end, f.score, f.source))
    return sorted(kept, key=lambda f: f.start)


def trim(findings: list[Finding], text: str) -> list[Finding]:
    """Findings without leading/trailing whitespace or separators (left by overlap trimming)."""
    out = []
    for f in findings:
        start, end = f.start, f.end
        while start < end and (text[start].isspace() or text[start] in ",;"):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
            end -= 1
        if end > start:
            out.append(
                f
                if (start, end) == (f.start, f.end)
                else Finding(f.type, start, end, f.score, f.source)
            )
    return out


def _uncovered(f: Finding, clashes: list[Finding]) -> list[tuple[int, int]]:
    pieces = [(f.start, f.end)]
    for c in clashes:
        nxt = []
        for s, e in pieces:
            if c.end <= s or c.start >= e:
                nxt.append((s, e))
                continue
            if s < c.start:
                nxt.append((s, c.start))
            if c.end < e:
                nxt.append((c.end, e))
        pieces = nxt
    return pieces
