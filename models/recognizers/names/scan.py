"""One pass over one text for patient names: word features computed once, name runs, and the
rules (:mod:`.rules`) tried in order for each word that could start a name; then names glued to
identifiers, spaCy's PERSON entities, and every other mention of a name already found."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import PERSON
from models.lexicons import Word
from models.recognizers.base import LexiconRecognizer
from models.recognizers.names.cues import (
    CUE_GAP,
    ELONGATED,
    ENDEARMENTS,
    GLUED,
    GLUED_HINT,
    GREETING_GAP,
    GREETINGS,
    HOLIDAY_AFTER,
    HONORIFICS,
    ID_BEFORE,
    NOT_NAMES,
    NOT_PERSON_BEFORE,
    PERSON_CONTEXT,
    RELATIONS,
    STRONG_CUES,
    THANKS,
    TWO_WORD_CUES,
    VOCATIVE_END,
    WEAK_CUES,
    WORD_SHAPE,
)
from models.recognizers.names.providers import _provider_spans
from models.recognizers.names.rules import RULES, SKIP, Candidate


def _base(w: Word) -> tuple[str, int]:
    """Lower-case word without a possessive, and its end offset without it."""
    if w.lower.endswith("'s") and len(w.lower) > 3:
        return w.lower[:-2], w.end - 2
    return w.lower, w.end


def _capitalised(t: str, upper_text: bool) -> bool:
    """Capitalised like a name: "Ana", "ANA" in an all-caps text, or rAnDoM case."""
    if t.islower():
        return False  # most words: no capital anywhere (a cheap C check before the scans below)
    if t[:1].isupper():
        return upper_text or not t.isupper() or len(t) <= 1
    return any(ch.isupper() for ch in t[1:]) and any(ch.islower() for ch in t)


class PatientNameRecognizer(LexiconRecognizer):
    """Names of patients and relatives from cues, the name lexicon and spaCy PERSON entities."""

    reads_ner = True  # run again with spaCy's entities when the detector needs them

    def __init__(self) -> None:
        super().__init__("PatientNameRecognizer", [PERSON.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON.name not in entities:
            return []
        words, hits = lexicons.analyse(text)
        clinical = {i for h in hits if h.category != lexicons.CITY for i in range(h.first, h.last)}
        scan = NameScan(self, text, words, clinical)
        # Words of titled providers are not patient names, nor seeds for other mentions.
        starts = [w.start for w in words]
        for r in _provider_spans(text):
            scan.taken.update(words_within(words, starts, r.start, r.end))
        scan.run()
        scan.glued()
        scan.spacy(nlp_artifacts)
        scan.propagate()
        return scan.out


class NameScan:
    """One pass of :class:`PatientNameRecognizer` over one text."""

    def __init__(
        self, owner: LexiconRecognizer, text: str, words: tuple[Word, ...], clinical: set[int]
    ) -> None:
        self.owner = owner
        self.text = text
        self.words = words
        self.clinical = clinical
        self.lex = lexicons.load()
        letters = [w for w in words if w.text[:1].isalpha()]
        self.upper_text = sum(w.text.isupper() for w in letters) > 0.6 * max(1, len(letters))
        self.out: list[RecognizerResult] = []
        self.taken: set[int] = set()
        # Word features the rules ask for many times per word: computed once per text.
        bases = [_base(w) for w in words]
        self._low = [b[0] for b in bases]
        self._base_end = [b[1] for b in bases]
        self._cap = [_capitalised(w.text, self.upper_text) for w in words]
        self._lexical = [
            low in self.lex.first_names or low in self.lex.surnames for low in self._low
        ]
        # ``usable`` minus ``taken`` (which grows while the scan emits names).
        self._word_usable = [
            i not in clinical and low not in NOT_NAMES and WORD_SHAPE.fullmatch(low) is not None
            for i, low in enumerate(self._low)
        ]
        self._unknown_cap: dict[int, bool] = {}

    # -- word features ---------------------------------------------------------------------
    def low(self, i: int) -> str:
        return self._low[i]

    def base_end(self, i: int) -> int:
        """End offset of word ``i`` without a possessive "'s"."""
        return self._base_end[i]

    def cap(self, i: int) -> bool:
        """Capitalised like a name (see :func:`_capitalised`)."""
        return self._cap[i]

    def lexical(self, i: int) -> bool:
        return self._lexical[i]

    def ambiguous(self, i: int) -> bool:
        return self.low(i) in self.lex.ambiguous_names or self.low(i) in NOT_NAMES

    def usable(self, i: int) -> bool:
        return i not in self.taken and self._word_usable[i]

    def unknown_cap(self, i: int) -> bool:
        """Capitalised, not in the name lexicon, and not an everyday word: an unusual name?

        Memoised per word: rules ask it again and again, and the typo check is costly."""
        known = self._unknown_cap.get(i)
        if known is None:
            known = self._unknown_cap[i] = self._unknown_cap_uncached(i)
        return known

    def _unknown_cap_uncached(self, i: int) -> bool:
        low = self.low(i)
        return (
            self.cap(i)
            and not self.lexical(i)
            and len(low) > 2
            and low not in self.lex.common_words
            and (not self.lex.near_common(low) or self._a_name_plus_one(low))
        )

    def _a_name_plus_one(self, low: str) -> bool:
        """ "Katya" is one letter more than "Katy": near a word, but nearer a given name."""
        if len(low) > self.lex.longest_first_name + 1:
            return False  # no name is one letter shorter (and the check is quadratic)
        return any(
            low[:k] + low[k + 1 :] in self.lex.first_names
            and low[:k] + low[k + 1 :] not in self.lex.ambiguous_names
            for k in range(1, len(low))
        )

    def gap(self, i: int, j: int) -> str:
        return self.text[self.words[i].end : self.words[j].start]

    def vocative_end(self, i: int) -> bool:
        return VOCATIVE_END.match(self.text, self.base_end(i)) is not None

    # -- spans -----------------------------------------------------------------------------
    def extend(self, i: int, cued: bool = False) -> int:
        """Index after the name run starting at ``i`` (up to three words, single spaces)."""
        j = i + 1
        lower = not self.cap(i)
        while j < len(self.words) and j - i < 4 and self.gap(j - 1, j) in (" ", ". "):
            if self.gap(j - 1, j) == ". " and len(self.words[j - 1].text) != 1:
                break  # only an initial ("Ruby A. Ivanova") may be followed by a full stop
            if (
                len(self.words[j].text) == 1
                and self.words[j].text.isupper()
                and (
                    self.text[self.words[j].end : self.words[j].end + 1] == "."
                    and j + 1 < len(self.words)
                )
            ):
                j += 1  # a middle initial
                continue
            if not self.usable(j) and not self._surname_despite_stopword(i, j, cued):
                break
            low = self.low(j)
            if self.upper_text or not lower:
                strong_first = (
                    self.low(j - 1) in self.lex.first_names
                    and self.low(j - 1) not in self.lex.ambiguous_names
                )
                ok = self.cap(j) and (
                    self.lexical(j)
                    and not (
                        self.upper_text
                        and low in self.lex.everyday_words
                        and not strong_first
                        and not (cued and low in self.lex.surnames)
                    )
                    or (not self.upper_text and low not in self.lex.common_words)
                )
            else:
                # "maria lopez", "mark patel": a surname after a lower-case given name; an
                # everyday word too ("harper wells") only when the given name was cued.
                ok = low in self.lex.surnames and (cued or low not in self.lex.everyday_words)
            if not ok:
                break
            j += 1
        return j

    def _endearment_name(self, i: int) -> bool:
        return (
            not self.upper_text
            and self._given_then_surname(i)
            and (
                (i > 0 and self.words[i - 1].lower in WEAK_CUES | STRONG_CUES)
                or PERSON_CONTEXT.match(self.text, self.base_end(i + 1)) is not None
            )
        )

    def _surname_despite_stopword(self, i: int, j: int, cued: bool) -> bool:
        """ "MESSAGE FOR JASMINE SUN:": a cued given name, then a known surname that is also a
        stop word (a weekday abbreviation), ending the phrase."""
        return (
            cued
            and j == i + 1
            and j not in self.taken
            and j not in self.clinical
            and self.low(i) in self.lex.first_names
            and self.low(j) in NOT_NAMES
            and self.low(j) in self.lex.surnames
            and self.cap(j)
            and self.vocative_end(j)
        )

    def emit(self, i: int, j: int, score: float, rule: str) -> None:
        if any(k in self.taken for k in range(i, j)):
            return
        if HOLIDAY_AFTER.match(self.text, self.words[j - 1].end):
            return  # "Martin Luther King Jr. Day", "Presidents Day"
        short = j == i + 1 and len(self.low(i)) < 3 and not self.cap(i)
        if short and (not rule.startswith("cue") or self.low(i) in self.lex.common_words):
            return  # "ty!!", "hola! si, ...": two letters alone are not enough
        self.taken.update(range(i, j))
        end = self.base_end(j - 1)
        self.out.append(self.owner.result(PERSON.name, self.words[i].start, end, score, rule))

    # -- rules -----------------------------------------------------------------------------
    def run(self) -> None:
        for i in range(len(self.words)):
            if self.low(i) in ENDEARMENTS and self._endearment_name(i):
                self.emit(i, i + 2, 0.7, "endearment_full_name")  # "for Honey Murphy"
                continue
            w = self.candidate(i)
            if w is None:
                continue
            for rule in RULES:
                verdict = rule(w)
                if verdict is None:
                    continue
                if verdict != SKIP:
                    start, end, score = verdict
                    self.emit(start, end, score, rule.__name__)  # the rule's name is its id
                break

    def candidate(self, i: int) -> Candidate | None:
        """Word ``i`` with the cue before it, for the rules; None if no rule can take it."""
        words = self.words
        if not self.usable(i):
            return None
        gap = self.gap(i - 1, i) if i > 0 else ""
        prev = words[i - 1].lower.rstrip(".") if i > 0 and len(gap) <= 4 else ""
        if prev and not CUE_GAP.fullmatch(gap):
            prev = ""
        if prev in RELATIONS and gap.strip(" :") or prev in HONORIFICS and gap.strip(" ."):
            prev = ""  # "patient, Due to..." is not "patient Due"
        if (
            ("!" in gap or "." in gap)
            and words[i].text[:1].isupper()
            and not (prev in HONORIFICS or prev in RELATIONS and "!" not in gap)
        ):
            prev = ""  # "Hey! Mark your calendar": a new sentence, not a name
        if prev in GREETINGS and not GREETING_GAP.fullmatch(gap):
            prev = ""  # "hello! - hope ur feeling better", "Good morning,\nGrace, Mark and..."
        if len(prev) > 3 and prev[-1] == prev[-2] and prev not in STRONG_CUES:
            prev = ELONGATED.sub(r"\1", prev)  # "heyyy", "hiii", "hellooo"
        prev2 = (words[i - 2].lower, prev) if i > 1 and prev else ("", "")
        if prev in NOT_PERSON_BEFORE or self._no_rule_can_take(i, prev, prev2):
            return None
        return Candidate(self, i, prev, prev2)

    def _no_rule_can_take(self, i: int, prev: str, prev2: tuple[str, str]) -> bool:
        """Most words of a text are everyday words with no cue before them: every rule that
        takes an uncued word needs it to be a lexicon name or an uncommon word of 3+ letters,
        so such words skip the :data:`~.rules.RULES` (and their look-ahead patterns) altogether."""
        if self.lexical(i) or prev in STRONG_CUES or prev2 in TWO_WORD_CUES:
            return False
        if prev2 in THANKS or (prev, "") in THANKS:
            return False
        low = self.low(i)
        return len(low) <= 2 or low in self.lex.common_words

    def glued(self) -> None:
        """Names stuck to an identifier: "UKC-2521/FATIMA", "E368365292-Keisha Mansour",
        "ref 936-94-5459 / Ruby" (record lines pasted from another system)."""
        if GLUED_HINT.search(self.text) is None:
            return
        for m in GLUED.finditer(self.text):
            name, sep = m.group("n"), m.group("sep").strip()
            low = name.lower()
            if low in NOT_NAMES or low in self.lex.state_names:
                continue
            lexical = low in self.lex.first_names or low in self.lex.surnames
            capital = name[:1].isupper()
            if lexical:
                # An everyday word ("Rich", "West") only after a slash, written like a name, and
                # after a real identifier (letters and digits, or five digits): not "2024/Fall".
                tokens = ID_BEFORE.findall(self.text[max(0, m.start("sep") - 30) : m.start("sep")])
                chunk = tokens[-1] if tokens else ""
                if chunk.isalpha() and len(tokens) > 1:
                    chunk = tokens[-2] + chunk  # "454 JSZ/Declan"
                chunk = chunk.replace("-", "")
                ident = (not chunk.isdigit() and not chunk.isalpha() and chunk.isalnum()) or sum(
                    ch.isdigit() for ch in chunk
                ) >= 5
                ok = low not in self.lex.everyday_words or (sep != "-" and capital and ident)
            else:
                ok = (
                    capital
                    and len(low) > 2
                    and low not in self.lex.common_words
                    and not self.lex.near_common(low)
                )
            if not ok or self.lex.categories(name):
                continue
            end = m.end("n")
            s = m.group("s")
            second = s.lower() if s else ""
            if (
                s
                and second not in NOT_NAMES
                and second not in self.lex.ambiguous_names
                and (
                    second in self.lex.surnames
                    and second not in self.lex.everyday_words
                    or second not in self.lex.common_words
                )
            ):
                end = m.end("s")
            self.out.append(self.owner.result(PERSON.name, m.start("n"), end, 0.7, "glued"))

    def _surname_next(self, i: int) -> bool:
        """Is word ``i`` a given name followed by a capitalised, non-everyday surname?"""
        return self._given_then_surname(i) and self.low(i + 1) not in self.lex.everyday_words

    def _given_then_surname(self, i: int) -> bool:
        """Word ``i`` a capitalised given name, the next (one space on) a capitalised surname."""
        return (
            self.cap(i)
            and self.low(i) in self.lex.first_names
            and i + 1 < len(self.words)
            and self.gap(i, i + 1) == " "
            and self.usable(i + 1)
            and self.cap(i + 1)
            and self.low(i + 1) in self.lex.surnames
        )

    def _person_pair(self, i: int, prev: str) -> bool:
        """ "Ginger Gray has...", "for Nizhoni Ford (chart...": given name + surname, both
        written like names, where the sentence treats them as a person. Either word may be an
        everyday word; the context decides."""
        if i + 1 >= len(self.words) or self.gap(i, i + 1) != " " or not self.usable(i + 1):
            return False
        first, second = self.words[i], self.words[i + 1]
        titled = first.text[:1].isupper() and second.text[:1].isupper()
        if not titled or self.low(i + 1) not in self.lex.surnames:
            return False
        low = self.low(i)
        if not (low in self.lex.first_names or (low not in self.lex.common_words and len(low) > 2)):
            return False
        return (
            prev in WEAK_CUES or PERSON_CONTEXT.match(self.text, self.base_end(i + 1)) is not None
        )

    def spacy(self, nlp_artifacts: NlpArtifacts | None) -> None:
        """spaCy PERSON entities with at least one word that is clearly a name."""
        if nlp_artifacts is None or not nlp_artifacts.entities:
            return
        for ent in nlp_artifacts.entities:
            if ent.label_ != "PERSON":
                continue
            inside = [
                i
                for i, w in enumerate(self.words)
                if w.start >= ent.start_char and w.end <= ent.end_char
            ]
            if not inside or not all(self.usable(i) and self.cap(i) for i in inside):
                continue
            strong = [
                i
                for i in inside
                if len(self.low(i)) > 1
                and (
                    (
                        self.lexical(i)
                        and not self.ambiguous(i)
                        and self.low(i) not in self.lex.everyday_words
                    )
                    or (
                        self.low(i) not in self.lex.common_words
                        and len(self.low(i)) > 2
                        and not self.lex.near_common(self.low(i))
                    )
                )
            ]
            if not strong or self.upper_text and not any(self.lexical(i) for i in inside):
                continue
            if self.low(inside[-1]) == "day":
                continue  # "Martin Luther King Jr. Day"
            self.emit(inside[0], inside[-1] + 1, 0.7, "spacy")

    def propagate(self) -> None:
        """Once a word is known to be a name here, every other mention of it is one too.

        Also takes a surname around a re-found given name: "Agnieszka Hall", "Hall, Agnieszka".
        """
        names: set[str] = set()
        starts = [w.start for w in self.words]
        for r in self.out:
            for i in words_within(self.words, starts, r.start, r.end + 2):
                low = self.low(i)
                if len(low) >= 3 and low not in NOT_NAMES and low not in self.lex.state_names:
                    names.add(low)
        if not names:
            return

        def surname_like(k: int) -> bool:
            return (
                self.usable(k)
                and self.cap(k)
                and (self.low(k) in self.lex.surnames or self.low(k) not in self.lex.common_words)
            )

        for i in range(len(self.words)):
            if i in self.taken or self.low(i) not in names or not self.usable(i):
                continue
            first = last = i
            if i + 1 < len(self.words) and self.gap(i, i + 1) == " " and surname_like(i + 1):
                last = i + 1
            if i >= 1 and self.gap(i - 1, i) == ", " and surname_like(i - 1):
                first = i - 1
            self.emit(first, last + 1, 0.8, "propagated")


def words_within(words: Sequence[Word], starts: Sequence[int], start: int, end: int) -> range:
    """Indexes of the words lying within ``start``..``end``: a range, found by bisection (words
    are in text order and never overlap), so a text with many spans stays linear (issue #18)."""
    i = j = bisect_left(starts, start)
    while j < len(words) and words[j].end <= end:
        j += 1
    return range(i, j)
