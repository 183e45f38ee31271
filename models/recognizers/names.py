"""People: patients and relatives (PHI) versus titled providers (administrative, may stay).

Patient names come from three sources, each checked against the census name lexicon:

* cue words right before a name ("Hi", "Dear", "patient", "Mr.", "your son") — these also catch
  lower-case names and names that are everyday words ("Hi hope," / "Dear Will");
* a given name followed by a surname-like word, in any case ("JOHN SMITH", "maria lopez");
* spaCy's PERSON entities, dropped when they are a lone everyday word with no cue ("Hope you are
  well", "Will you confirm?") or a clinical term.

A name behind a clinical title (Dr., Nurse, NP) or before a credential (", MD", " RN") is
PROVIDER_NAME instead; it outscores the overlapping PERSON finding, so the name may stay.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import EntityType
from models.lexicons import Word, _within_one
from models.recognizers.base import REGEX_TIMEOUT, DetectionTimeout, LexiconRecognizer
from models.recognizers.vocab import COUNTRIES

PERSON = EntityType("PERSON", "name", "identifier", True, "A patient's or relative's name")
PROVIDER_NAME = EntityType(
    "PROVIDER_NAME",
    "provider",
    "administrative",
    False,
    "A clinician's name with a title (Dr., NP)",
)
ENTITIES = (PERSON, PROVIDER_NAME)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words right before a name that make it one: greetings, honorifics, relations, "patient".
GREETINGS = _set(
    "hi hello hey dear hola oye hiya morning afternoon evening buenos buenas querido querida "
    "estimado estimada bonjour greetings dias días tardes noches"
)
HONORIFICS = _set("mr mrs ms miss mx mister sr sra srta")
RELATIONS = _set(
    "patient pt son daughter wife husband mother mom mommy father dad daddy brother sister "
    "grandson granddaughter grandmother grandma grandfather grandpa child baby infant newborn "
    "caregiver guardian spouse partner fiance fiancee niece nephew aunt uncle cousin named "
    "resident client attn re regarding stepson stepdaughter boyfriend girlfriend roommate "
    "hijo hija esposo esposa guarantor subscriber policyholder dependent beneficiary"
)
STRONG_CUES = GREETINGS | HONORIFICS | RELATIONS
WEAK_CUES = _set(
    "for from with and to by cc call tell ask remind love or visiting about xo hugs saw"
)
TWO_WORD_CUES = frozenset(
    {
        ("name", "is"),
        ("this", "is"),
        ("i", "am"),
        ("sending", "love"),
        ("message", "for"),
        ("looking", "for"),
        ("happy", "birthday"),
        ("happy", "bday"),
    }
)
# "thank you, Stella!", "thanks hyun!": a name only when it is addressed (ends the phrase).
THANKS = frozenset({("thank", "you"), ("thanks", ""), ("thx", ""), ("ty", "")})
# "ok June, emailed the forms": a name between "ok" and a comma.
OK_WORDS = _set("ok okay k kk")
# Verbs that, right after a word, make it a person even when the word is also an everyday word
# ("Hope called", "Bill can call us", "Clement was born"), unlike "Grace is over".
_PERSON_VERB = regex.compile(
    r"[ \t]+(?:relocated|moved|no-showed|missed|called|declined|cancell?ed|confirmed|owes|"
    r"says|said|asked|wants|was\s+born|is\s+(?:being\s+)?discharged|was\s+discharged|"
    r"(?:can|will|should|may)\s+(?:call|text|reach|pick|come|bring|sign))\b",
    regex.IGNORECASE,
)
# Capitalised words after these are storms and places, not people ("Tropical Storm Ida").
NOT_PERSON_BEFORE = _set(
    "hurricane storm depression typhoon cyclone street st avenue ave road rd county lake mount "
    "mt fort ft port saint san santa"
)
# Words that are never (part of) a person's name even when capitalised.
NOT_NAMES = (
    _set(
        "dr doctor nurse np pa rn md do the a an your our my his her their this that you we i it "
        "reminder appointment appt pharmacy clinic hospital office center patient patients team "
        "portal reply stop help text call please thank thanks hi hello hey dear today tomorrow "
        "monday tuesday wednesday thursday friday saturday sunday january february march "
        "july september october november december ok okay yes no am pm sorry welcome "
        "gracias hola saludos important update fyi note urgent notice alert re fwd attn good "
        "morning afternoon evening night family friend friends everyone all there folks mon tue "
        "tues wed thu thur thurs fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec "
        "cheers regards best sincerely xoxo greetings dias días tardes noches hon honey new free "
        "congrats congratulations yay wow great english spanish español french chinese arabic "
        "vietnamese korean russian portuguese "
        "sweetie buddy"
    )
    | COUNTRIES
)  # countries may stay (Safe Harbor removes places below state level only)
_PLACE_PREPOSITIONS = _set("to from in near at")
# What follows a person's name in a sentence (and not "Grace Period" or "Will Call").
_PERSON_CONTEXT = regex.compile(
    r"(?:'s\b|[ \t]*(?:[:(]|,[ \t]+(?:(?:your|ur|you|please|dob|born|mrn|we)\b|\d{1,3}[,)])|[ \t]+"
    r"(?:has|had|have|is|was|needs|called|left|no-showed|missed|relocated|moved|owes|needs|will|can|says|said|"
    r"asked|wants|came|did|does|declined|cancelled|canceled|confirmed|completed)\b))",
    regex.IGNORECASE,
)
SIGN_OFFS = _set("love thanks cheers regards best sincerely xoxo hugs")
_AMBIGUOUS_VOCATIVE = regex.compile(
    r"[ \t]*(?:!|,[ \t]*(?:please|pls|your|ur|you|u|we|it|this|i|the|just|hi|hello|hey|dr|"
    r"doctor|nurse)\b)",
    regex.IGNORECASE,
)
# After "hey kit": words that show the next word was a name being addressed.
FILLERS = _set("lol haha hahaha ok okay so sorry omg yes yep ugh hmm aw aww")
_YOUR_NEXT = regex.compile(r"[ \t]*(?:[,—–\-:][ \t]*)?(?:ur|your)\b", regex.IGNORECASE)
_YOUR_AFTER_MARK = regex.compile(r"[ \t]*[,—–\-:][ \t]*(?:ur|your)\b", regex.IGNORECASE)
_GREETING_GAP = regex.compile(r"[ \t]*[,!]*[ \t]*")
_ADDRESS_FOLLOWS = regex.compile(
    r"[ \t]+(?:its|it's|this\s+is|is\s+(?:ur|your)|ur|your|u|you|pls|please|wya|r\s+u|"
    r"are\s+you|did|can|just|"
    r"dont|don't|i|we)\b",
    regex.IGNORECASE,
)
_HOLIDAY_AFTER = regex.compile(r"(?:\s+Jr\.?|'s)?\s+Day\b")
_ADDRESSED = regex.compile(
    r"[!\s]*[^\n]{0,60}?\b(?:you|your|ur|u|su|sus|tu|tus|usted)\b", regex.IGNORECASE
)
# "Hi tere," / "hey evryone": a greeting's usual object, mistyped, is not a name.
GREETING_OBJECTS = _set("there all everyone everybody team folks friends friend guys yall")
# Endearments are not names alone ("Hi honey"), but are given names before a surname.
ENDEARMENTS = _set("honey hon sweetie buddy")
# A dash after the first word of a text: "Jack - Statement returned; update your address".
_DASH_AFTER = regex.compile(r"[ \t]+[-–—][ \t]+")
_HI_AFTER = regex.compile(r"[ \t]*,[ \t]*(?:hi|hello|hey|hola)\b", regex.IGNORECASE)
_POSSESSION = regex.compile(
    r"\s+(?:follow-?up|appointment|appt|results?|meds|medications?|prescriptions?|refills?|"
    r"surgery|procedure|tests?|labs?|visit|treatment|care|insurance|account|balance|statement|"
    r"bill|records?|chart|dob|birthday|diagnosis|therapy|infusion|scan|biopsy|referral|"
    r"pharmacy|rx)\b",
    regex.IGNORECASE,
)
_CUE_GAP = regex.compile(r"[\s,.:;!\-]*")
_SENTENCE_GAP = regex.compile(r"\s*\n\s*|\s*[.!?|:\-(\[]\s*|\s*,\s*[\-|]\s*")
_VOCATIVE_MARK = regex.compile(r"[ \t]*[!,:]")
_VOCATIVE_END = regex.compile(r"[ \t]*(?:[,!.:;?)]|$|\n|\s-\s)")
_WORD_SHAPE = regex.compile(r"[a-z][a-z'\-]*")
# A name glued to the identifier before it by "/", "-", "::" or " / ": the identifier ends in a
# run of letters and digits with a digit in it ("2521", "454 JSZ", "770 tET").
_GLUED_HINT = regex.compile(
    r"\d[A-Za-z0-9]*(?:[ \-][A-Za-z0-9]+)?(?:[/|]|::|-|[ \t]/[ \t])[A-Za-z]"
)
_GLUED = regex.compile(
    r"(?<=\d[A-Za-z0-9]*(?:[ \-][A-Za-z0-9]{1,4})?)(?P<sep>[/|]|::|-|[ \t]/[ \t])"
    r"(?P<n>[A-Za-z][a-z']{1,30}|[A-Z][A-Z']{1,30})(?![\w\-/])"
    r"(?:[ \t](?P<s>[A-Z][a-z'\-]{1,30}|[A-Z][A-Z'\-]{1,30})(?![\w\-/]))?"
)
# The identifier before a glued name: its last chunk, and the one before if that is all letters.
_ID_BEFORE = regex.compile(r"[A-Za-z0-9\-]+")
_ELONGATED = regex.compile(r"(.)\1{2,}")
_RELATION_AFTER = regex.compile(r"\s+(" + "|".join(sorted(RELATIONS - {"named", "re"})) + r")\b")
_GREETED_LOWER = regex.compile(r"\s+(?:its|it's|this|ur|your|u|you|please|we|i|i'm|im)\b")
_OPENING_UNKNOWN = regex.compile(
    r"[ \t]*,\s*(?:please|your|you|we|this|it|u|ur)\b", regex.IGNORECASE
)


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
        scan = _NameScan(self, text, words, clinical)
        # Words of titled providers are not patient names, nor seeds for other mentions.
        for r in _provider_spans(text):
            scan.taken.update(
                i for i, w in enumerate(words) if w.start >= r.start and w.end <= r.end
            )
        scan.run()
        scan.glued()
        scan.spacy(nlp_artifacts)
        scan.propagate()
        return scan.out


class _NameScan:
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
            i not in clinical and low not in NOT_NAMES and _WORD_SHAPE.fullmatch(low) is not None
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
        return any(
            low[:k] + low[k + 1 :] in self.lex.first_names
            and low[:k] + low[k + 1 :] not in self.lex.ambiguous_names
            for k in range(1, len(low))
        )

    def gap(self, i: int, j: int) -> str:
        return self.text[self.words[i].end : self.words[j].start]

    def vocative_end(self, i: int) -> bool:
        return _VOCATIVE_END.match(self.text, self.base_end(i)) is not None

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
                or _PERSON_CONTEXT.match(self.text, self.base_end(i + 1)) is not None
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
        if _HOLIDAY_AFTER.match(self.text, self.words[j - 1].end):
            return  # "Martin Luther King Jr. Day", "Presidents Day"
        short = j == i + 1 and len(self.low(i)) < 3 and not self.cap(i)
        if short and (not rule.startswith("cue") or self.low(i) in self.lex.common_words):
            return  # "ty!!", "hola! si, ...": two letters alone are not enough
        self.taken.update(range(i, j))
        end = self.base_end(j - 1)
        self.out.append(self.owner.result(PERSON.name, self.words[i].start, end, score, rule))

    # -- rules -----------------------------------------------------------------------------
    def run(self) -> None:
        words = self.words
        for i in range(len(words)):
            if self.low(i) in ENDEARMENTS and self._endearment_name(i):
                self.emit(i, i + 2, 0.7, "endearment_full_name")  # "for Honey Murphy"
                continue
            if not self.usable(i):
                continue
            gap = self.gap(i - 1, i) if i > 0 else ""
            prev = words[i - 1].lower.rstrip(".") if i > 0 and len(gap) <= 4 else ""
            if prev and not _CUE_GAP.fullmatch(gap):
                prev = ""
            if prev in RELATIONS and gap.strip(" :") or prev in HONORIFICS and gap.strip(" ."):
                prev = ""  # "patient, Due to..." is not "patient Due"
            if (
                ("!" in gap or "." in gap)
                and words[i].text[:1].isupper()
                and not (prev in HONORIFICS or prev in RELATIONS and "!" not in gap)
            ):
                prev = ""  # "Hey! Mark your calendar": a new sentence, not a name
            if prev in GREETINGS and not _GREETING_GAP.fullmatch(gap):
                prev = ""  # "hello! - hope ur feeling better", "Good morning,\nGrace, Mark and..."
            if len(prev) > 3 and prev[-1] == prev[-2] and prev not in STRONG_CUES:
                prev = _ELONGATED.sub(r"\1", prev)  # "heyyy", "hiii", "hellooo"
            prev2 = (words[i - 2].lower, prev) if i > 1 and prev else ("", "")
            if prev in NOT_PERSON_BEFORE or self._no_rule_can_take(i, prev, prev2):
                continue
            self.rule(i, prev, prev2)

    def _no_rule_can_take(self, i: int, prev: str, prev2: tuple[str, str]) -> bool:
        """Most words of a text are everyday words with no cue before them: every rule that
        takes an uncued word needs it to be a lexicon name or an uncommon word of 3+ letters,
        so such words skip :meth:`rule` (and its look-ahead patterns) altogether."""
        if self.lexical(i) or prev in STRONG_CUES or prev2 in TWO_WORD_CUES:
            return False
        if prev2 in THANKS or (prev, "") in THANKS:
            return False
        low = self.low(i)
        return len(low) <= 2 or low in self.lex.common_words

    def rule(self, i: int, prev: str, prev2: tuple[str, str]) -> None:
        low, cap = self.low(i), self.cap(i)
        lexical, amb = self.lexical(i), self.ambiguous(i)
        known = lexical and not amb
        everyday = low in self.lex.everyday_words
        # Patterns match from an offset rather than on a copy of the text's tail: a copy per
        # word made long texts quadratic.
        after_word, after_full = self.base_end(i), self.words[i].end
        if (lexical or self.unknown_cap(i)) and _HI_AFTER.match(self.text, after_word):
            self.emit(i, self.extend(i), 0.8, "vocative_hi")  # "RUBY, HI." / "Min-jun, hi"
            return
        if (
            lexical
            and cap
            and self.words[i].lower.endswith("'s")
            and _POSSESSION.match(self.text, after_full)
        ):
            self.emit(i, i + 1, 0.75, "possessive")  # "Pearl's follow-up", "Ruby's results"
            return
        if (
            self.unknown_cap(i)
            and self.words[i].lower.endswith("'s")
            and _POSSESSION.match(self.text, after_full)
        ):
            self.emit(i, i + 1, 0.7, "possessive_unknown")
            return
        if (
            lexical
            and self.words[i].lower.endswith("'s")
            and low not in RELATIONS
            and _RELATION_AFTER.match(self.text, after_full)
        ):
            self.emit(i, i + 1, 0.75, "possessive_relation")  # "call hope's husband"
            return
        if prev2 in THANKS or (prev, "") in THANKS:
            j = self.extend(i, cued=True)
            namelike = (
                lexical
                or self.unknown_cap(i)
                or (
                    len(low) > 2
                    and low not in self.lex.common_words
                    and not self.lex.near_common(low)
                )
            )
            if namelike and self.vocative_end(j - 1):
                self.emit(i, j, 0.75, "thanks_vocative")  # "thank you, Stella!"
                return
        if (
            prev in OK_WORDS
            and lexical
            and (not everyday or low in self.lex.first_names)
            and _VOCATIVE_MARK.match(self.text, after_word)
            and self.text[after_word:].lstrip()[:1] == ","
        ):
            self.emit(i, i + 1, 0.7, "ok_vocative")  # "ok June, emailed the forms"
            return
        run_end = self.extend(i) if lexical and low in self.lex.first_names else i + 1
        if (
            lexical
            and low in self.lex.first_names
            and _PERSON_VERB.match(self.text, self.base_end(run_end - 1))
        ):
            start = i
            if (
                i > 1
                and self.gap(i - 1, i) == ", "
                and self.usable(i - 1)
                and self.cap(i - 1)
                and self.low(i - 1) in self.lex.surnames
            ):
                start = i - 1  # "Garcia, Trinity can call us"
            self.emit(start, run_end, 0.7, "person_verb")
            return
        if self.upper_text and everyday and prev not in STRONG_CUES and prev2 not in TWO_WORD_CUES:
            return  # in an all-caps text, "CANCEL" and "BRING" are just words
        if prev in HONORIFICS and (cap or lexical):
            self.emit(i, self.extend(i), 0.9, "honorific")
            return
        if (
            prev in HONORIFICS
            and len(low) > 2
            and low not in self.lex.common_words
            and not self.lex.near_common(low)
        ):
            self.emit(i, i + 1, 0.8, "honorific_lower")  # "good afternoon, ms mbeki."
            return
        if (
            prev in GREETINGS
            and not cap
            and any(_within_one(low, t) for t in GREETING_OBJECTS)
            and low not in STRONG_CUES
        ):
            return  # "Hi tere,", "hey evryone"
        if prev in STRONG_CUES or prev2 in TWO_WORD_CUES:
            greeting = prev in GREETINGS or prev2 in TWO_WORD_CUES
            if (
                greeting
                and "," in self.gap(i - 1, i)
                and everyday
                and not self.vocative_end(i)
                and not self._surname_next(i)
            ):
                return  # "Hi, Bring a photo ID": a sentence after the greeting, not a name
            if known and (cap or not everyday or greeting):
                self.emit(i, self.extend(i, cued=True), 0.85, "cue")
                return
            addressed = greeting and (
                self.vocative_end(i) or _ADDRESS_FOLLOWS.match(self.text, self.words[i].end)
            )
            if lexical and (
                cap and not self.upper_text or addressed or self.extend(i, cued=True) > i + 1
            ):
                self.emit(i, self.extend(i, cued=True), 0.8, "cue_ambiguous")
                return
            j = self.extend(i)
            if self.unknown_cap(i) and (
                not greeting or self.vocative_end(j - 1) or (j < len(self.words) and self.cap(j))
            ):
                self.emit(i, j, 0.75, "cue_unknown")
                return
            if (
                greeting
                and not cap
                and len(low) > 2
                and (self.vocative_end(i) or _GREETED_LOWER.match(self.text, self.words[i].end))
                and low not in self.lex.common_words
                and not self.lex.near_common(low)
            ):
                self.emit(i, i + 1, 0.6, "greeting_lower")
                return
        j = self.extend(i)
        if prev in _PLACE_PREPOSITIONS and low in self.lex.cities and j == i + 1:
            return  # "relocated to Albuquerque": the city recognizer's
        if prev in WEAK_CUES:
            if known and (cap or not everyday):
                self.emit(i, j, 0.7, "weak_cue")
                return
            if lexical and cap and not self.upper_text and j > i + 1:
                self.emit(i, j, 0.7, "weak_cue_full_name")  # "for Hunter Cho", "To Honey Barnes"
                return
            nxt_surname = (
                not cap
                and low in self.lex.first_names
                and low not in NOT_NAMES
                and i + 1 < len(self.words)
                and self.gap(i, i + 1) == " "
                and self.usable(i + 1)
                and (
                    self.low(i + 1) in self.lex.surnames or self.low(i + 1) in self.lex.first_names
                )
                and self.low(i + 1) not in self.lex.everyday_words
                and (not everyday or self.low(i + 1) not in self.lex.common_words)
            )
            if nxt_surname:
                self.emit(i, i + 2, 0.65, "weak_cue_lower_pair")  # "for april farouk"
                return
            if lexical and cap and not self.upper_text and self.vocative_end(j - 1):
                self.emit(i, j, 0.6, "weak_cue_ambiguous")
                return
        opening = i == 0 or _SENTENCE_GAP.fullmatch(self.gap(i - 1, i)) is not None
        # "Otto ur BP was...", "lol Otto ur BP", "Rose — your flu test": addressed by name (but
        # "Bring your", "Wash your": an everyday word needs a dash or comma before "your").
        end_j = self.base_end(j - 1)
        addressed = (
            _YOUR_NEXT.match(self.text, end_j)
            if not everyday
            else (_YOUR_AFTER_MARK.match(self.text, end_j))
        )
        if (
            prev in FILLERS
            and cap
            and low in self.lex.first_names
            and _YOUR_NEXT.match(self.text, end_j)
        ):
            self.emit(i, j, 0.7, "filler_addressed")  # "haha Dot ur 102 and still sharp"
            return
        if (opening or prev in FILLERS) and lexical and (cap or not everyday) and addressed:
            self.emit(i, j, 0.75, "addressed_your")
            return
        if opening:
            # Start of the text, line or sentence, then "!" or ",": "Grace!", "Brook, please".
            after = self.text[end_j:]
            typo_of_word = (
                lexical
                and not amb
                and not everyday
                and low in self.lex.surnames
                and low not in self.lex.first_names
                and after.lstrip().startswith("!")
                and self.lex.near_common(low)
            )
            if typo_of_word:
                return  # "Garcias!" for "Gracias!": a surname one typo from a word, exclaimed
            dash = _DASH_AFTER.match(after)
            if dash is not None and cap and low not in SIGN_OFFS:
                rest = after[dash.end() :]
                if (lexical and not amb and not everyday) or self.unknown_cap(i):
                    self.emit(i, j, 0.7, "opening_dash")  # "Katya - Pt is 99 years old"
                    return
                if i == 0 and lexical and _ADDRESSED.match(rest):
                    self.emit(i, j, 0.65, "opening_dash_addressed")  # "Jack - update your"
                    return
            if (amb or everyday) and not _AMBIGUOUS_VOCATIVE.match(after):
                pass  # "Grace, Mark and the team": an ambiguous name needs "Grace, please ..."
            elif (
                (amb or everyday)
                and after.lstrip().startswith("!")
                and not _ADDRESSED.match(after.lstrip()[1:])
            ):
                pass  # "Joy!" as an exclamation; "Grace!\nYour ride..." addresses someone
            elif (
                lexical
                and (cap or not everyday or self.words[i].text.isupper())
                and low not in SIGN_OFFS
                and _VOCATIVE_MARK.match(after)
            ):
                self.emit(i, j, 0.75, "opening_vocative")
                return
            unknown = cap and not lexical and len(low) > 2 and low not in self.lex.common_words
            if unknown and _OPENING_UNKNOWN.match(after):
                self.emit(i, j, 0.7, "opening_vocative_unknown")
                return
        if self.cap(i) and j > i + 1 and self.low(i) in self.lex.first_names:
            second = self.low(i + 1)
            if (not amb and not self.upper_text and not everyday) or (
                second in self.lex.surnames and second not in self.lex.everyday_words
            ):
                self.emit(i, j, 0.8, "full_name")
                return
        if self._person_pair(i, prev):
            self.emit(i, i + 2, 0.7, "name_pair_in_context")
            return
        if self.unknown_cap(i) and j > i + 1 and not self.upper_text:
            second = self.low(i + 1)
            if second in self.lex.surnames and second not in self.lex.everyday_words:
                self.emit(i, j, 0.7, "unknown_full_name")
                return
        upper_pair = (
            self.words[i].text.isupper()
            and len(low) > 1
            and i + 1 < len(self.words)
            and self.gap(i, i + 1) == " "
            and self.words[i + 1].text.isupper()
        )
        if upper_pair and low in self.lex.first_names and not everyday and self.usable(i + 1):
            second = self.low(i + 1)
            if second in self.lex.surnames and not self.upper_text:
                self.emit(i, i + 2, 0.75, "upper_full_name")
                return
        lower_pair = (
            not cap
            and low in self.lex.first_names
            and not amb
            and i + 1 < len(self.words)
            and self.gap(i, i + 1) == " "
            and self.usable(i + 1)
            and not self.cap(i + 1)
        )
        if lower_pair and self.low(i + 1) in self.lex.surnames:
            self.emit(i, i + 2, 0.65, "lower_full_name")  # "maria lopez"
            return
        if (
            cap
            and low in self.lex.first_names
            and not amb
            and len(low) >= 3
            and low not in self.lex.cities
            and not (self.upper_text and everyday)
        ):
            self.emit(i, j, 0.6, "given_name")

    def glued(self) -> None:
        """Names stuck to an identifier: "UKC-2521/FATIMA", "E368365292-Keisha Mansour",
        "ref 936-94-5459 / Ruby" (record lines pasted from another system)."""
        if _GLUED_HINT.search(self.text) is None:
            return
        for m in _GLUED.finditer(self.text):
            name, sep = m.group("n"), m.group("sep").strip()
            low = name.lower()
            if low in NOT_NAMES or low in self.lex.state_names:
                continue
            lexical = low in self.lex.first_names or low in self.lex.surnames
            capital = name[:1].isupper()
            if lexical:
                # An everyday word ("Rich", "West") only after a slash, written like a name, and
                # after a real identifier (letters and digits, or five digits): not "2024/Fall".
                tokens = _ID_BEFORE.findall(self.text[max(0, m.start("sep") - 30) : m.start("sep")])
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
            prev in WEAK_CUES or _PERSON_CONTEXT.match(self.text, self.base_end(i + 1)) is not None
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
        for r in self.out:
            for i, w in enumerate(self.words):
                if w.start >= r.start and w.end <= r.end + 2:
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


_TITLE = r"(?:dr|doctor|dra|prof|professor)\.?"
_ROLE = (
    r"(?:nurse(?:\s+practitioner)?|np|pa|rn|lpn|therapist|counselor|midwife|pharmacist|"
    r"physician\s+assistant|surgeon|dentist|psychologist|social\s+worker|coach|"
    r"care\s+coordinator|case\s+manager|dietitian|nutritionist)"
)
_CREDENTIAL = (
    r"(?:M\.?D\.?|D\.?O\.?|NP|FNP(?:-C|-BC)?|AGNP|PNP|DNP|APRN|PA-C|PA|RN|BSN|LPN|CNM|CRNA|DDS|"
    r"DMD|OD|PharmD|PhD|PsyD|LCSW|LMFT|LPC|LMHC|MSW|DPT|OTR|CNP|ANP|RD|PT|OT|SLP|RRT|CNA|CMA|"
    r"RDN|DC)"
)
_PNAME = r"(?:[A-Za-z][A-Za-z'\-]{1,30}|[A-Z]\.)"  # bounded: overlapped scans stay linear
PROVIDER_TITLED = (
    r"(?<![\w])(?i:"
    + _TITLE
    + r"|"
    + _ROLE
    + r")[ \t]+(?P<v>"
    + _PNAME
    + r"(?:[ \t]+"
    + _PNAME
    + r"){0,2})"
)
PROVIDER_CREDENTIAL = (
    r"(?<![\w])(?P<v>"
    + _PNAME
    + r"(?:[ \t]+"
    + _PNAME
    + r"){0,2}),?[ \t]+(?:"
    + _CREDENTIAL
    + r"|(?:md|m\.d\.|do|np|fnp|dnp|pa-c|pa|rn|lpn|aprn|phd)(?=\W|$)"
    + r")(?![\w\-])(?!\.\w)(?!,?\s*\d{5})(?P<next>[ \t]+[A-Z][a-z]+)?"
)


_HOUSE_NUMBER = regex.compile(
    r"(?<![\w\-/.:])\d{1,6}[A-Za-z]?(?:[ \t]+[A-Z][A-Za-z.']*){1,4}[ \t]+$"
)
_TITLED = regex.compile(PROVIDER_TITLED)
_CREDENTIALED = regex.compile(PROVIDER_CREDENTIAL)
# What every credential match contains: a credential after a space or tab. Searching for it once
# is several times cheaper than the overlapped credential scan, which most texts never match.
_CREDENTIAL_HINT = regex.compile(
    r"[ \t](?:"
    + _CREDENTIAL
    + r"|(?:md|m\.d\.|do|np|fnp|dnp|pa-c|pa|rn|lpn|aprn|phd)(?=\W|$))(?![\w\-])"
)
_NAME_TOKEN = regex.compile(r"[A-Za-z][A-Za-z'\-]+|[A-Z]\.")


class ProviderRecognizer(LexiconRecognizer):
    """Titled clinicians: "Dr. Jane Lee", "Nurse Kelly", "Jane Lee, NP", "dr. lee".

    Reports the title with the name, so the whole span is administrative and shadows any PERSON
    finding inside it. Names not written like names (lower case) must be known names.
    """

    def __init__(self) -> None:
        super().__init__("ProviderRecognizer", [PROVIDER_NAME.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PROVIDER_NAME.name not in entities:
            return []
        return list(_provider_spans(text))

    def _find(self, text: str) -> list[RecognizerResult]:
        out = []
        for pattern, titled in ((_TITLED, True), (_CREDENTIALED, False)):
            if not titled and _CREDENTIAL_HINT.search(text) is None:
                continue
            try:
                matches = list(pattern.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT))
            except TimeoutError as exc:
                raise DetectionTimeout("provider pattern timed out") from exc
            lex = lexicons.load()
            for m in matches:
                if (
                    titled
                    and m.group().lower().startswith("dr")
                    and _HOUSE_NUMBER.search(text, max(0, m.start() - 60), m.start())
                ):
                    continue  # "27775 NW Mill Dr Duluth": a street suffix, not a title
                nxt = m.group("next") if "next" in pattern.groupindex else None
                if (
                    nxt
                    and nxt.strip().lower() in lex.surnames
                    and nxt.strip().lower() not in (lex.everyday_words)
                ):
                    continue  # "Bill PA Kapoor": the credential is a title for the next name
                span = self._names(text, m.start("v"), m.end("v"), titled)
                if span is None:
                    continue
                start, end = span
                if titled:
                    start = m.start()
                else:
                    end = m.start("next") if nxt else m.end()
                rule = "titled" if titled else "credential"
                out.append(self.result(PROVIDER_NAME.name, start, end, 0.92, rule))
        return out

    @staticmethod
    def _names(text: str, start: int, end: int, titled: bool) -> tuple[int, int] | None:
        lex = lexicons.load()
        tokens = list(_NAME_TOKEN.finditer(text, start, end))

        def ok(t: regex.Match[str]) -> bool:
            low = t.group().lower().strip(".")
            if low in NOT_NAMES:
                return False
            named = low in lex.first_names or low in lex.surnames
            if not t.group()[:1].isupper():
                if low in lex.everyday_words:
                    return False  # "in", "will": lower-case words are names only if not words
                return named or (low not in lex.common_words and not lex.near_common(low))
            return named or low not in lex.common_words or len(t.group()) == 2

        if titled:  # the name follows the title: keep the run from the left
            keep = []
            for t in tokens:
                if not ok(t):
                    break
                keep.append(t)
            while (
                len(keep) > 1
                and keep[-1].group().lower() in lex.everyday_words
                and keep[-1].group().lower() not in lex.surnames
            ):
                keep.pop()
        else:  # the name precedes the credential: keep the run from the right
            keep = []
            for t in reversed(tokens):
                if not ok(t):
                    break
                keep.insert(0, t)
            known = [
                t
                for t in keep
                if t.group().lower().strip(".") in lex.first_names
                or t.group().lower() in lex.surnames
            ]
            if not known:
                return None  # "Erie, PA" is a place: a credential needs a known name before it
            credential = text[end:].lstrip(", ").split()[0].upper() if text[end:].strip() else ""
            if (
                credential in ("PA", "MD")
                and len(keep) == 1
                and keep[0].group().lower() in (lex.cities)
            ):
                return None  # "Erie, PA", "Bethesda, MD"
        if not keep:
            return None
        end = keep[-1].end()
        if text[end - 2 : end].lower() in ("'s", "’s"):
            end -= 2  # "Dr. Lee's office": the possessive is not part of the name
        return keep[0].start(), end


_PROVIDERS = ProviderRecognizer()


@lru_cache(maxsize=4096)
def _provider_spans(text: str) -> tuple[RecognizerResult, ...]:
    """Titled-provider spans of a text, shared by both name recognizers."""
    return tuple(_PROVIDERS._find(text))


def recognizers() -> list[EntityRecognizer]:
    return [PatientNameRecognizer(), ProviderRecognizer()]
