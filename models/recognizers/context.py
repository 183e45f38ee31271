"""Identifier contexts: where a text says "a name / an address / a number follows", what follows
is suspect unless it is known to be safe (Philter's lesson), whatever country it comes from.

The lexicon rules in :mod:`models.recognizers.names` and :mod:`models.recognizers.location` know
US census names and US street forms; these rules know the *shapes* instead:

* **names after a cue** — "Name:", "patient", "for", "Dear", "Wife", "I am", "records show" …
  followed by one to four capitalised words (any script's capitals, diacritics, initials,
  "Last, First"): a name unless every word is an everyday or clinical word, a month, a weekday,
  a country or a state;
* **international street addresses** — every USPS Publication 28 street suffix; European street
  words (-straße, -straat, -vej, -gatan, rue, via, calle, ul. …); "number Name number";
  units, PO boxes and APO/FPO/DPO military addresses;
* **the city and postcode after a street address**, and places after "lives in", "moved to",
  "home in", "born in";
* **phone numbers in any country's grouping** after a phone cue, and unmistakable ones without
  (``+CC …``, four or more groups, ``(02) 6766 6617``).

Each family module adds its recognizers from here to its own (``names``: names; ``location``:
addresses and facilities; ``contact``: phones; ``dates``: dates), so every type is still
declared by one module. Scores sit above the clinical context rules, so a name in "prior auth
for Johanna Johnson" is a name and not a condition.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import (
    DATE,
    FACILITY,
    LOCATION,
    PERSON,
    PHONE_NUMBER,
    PROVIDER_NAME,
    STREET_ADDRESS,
    ZIP_CODE,
)
from models.overscrub import clinical_vocab
from models.recognizers.base import (
    REGEX_TIMEOUT,
    US_STATE_CODES,
    DetectionTimeout,
    LexiconRecognizer,
    only_digits,
)
from models.recognizers.vocab import COUNTRIES, words

# Small patterns used inside loops, compiled once (not looked up in ``regex``'s cache per call).
_BLANKS = regex.compile(r"[ \t]+")
_NONSPACE = regex.compile(r"\S+")
_ITS_BEFORE = regex.compile(r"(?i:it'?s|this[ \t]+is)[ \t]*$")
_INITIAL = regex.compile(r"\p{Lu}\.?")
_POSSESSIVE_S = regex.compile(r"['’]s$")
_EXTENSION = regex.compile(r"(?i)[ \t]*(?:x|ext)")
_DIGITS = regex.compile(r"\d+")

_STATE_CODES = frozenset(US_STATE_CODES)

# ----------------------------------------------------------------------------- shared word facts
# A capitalised word in any alphabet: "Hülya", "O'Neil", "Saint-Étienne", "ΒΙΚΛΑ", "McDonald".
# A word is at most 40 characters: unbounded, a hyphen or apostrophe run ("A-" * 800) made
# every letter after one a start scanning to the run's end (quadratic; issue #18).
CAP = r"\p{Lu}[\p{L}\p{M}'’\-]{0,39}"
INITIAL = r"\p{Lu}\."
# Particles inside place and person names ("Črni Vrh nad Idrijo", "van der Berg", "da Silva").
PARTICLE = (
    r"(?:nad|pod|na|de|del|della|di|da|do|dos|das|du|des|la|le|van|von|der|den|ter|ten|am|an|"
    r"im|op|sur|sous|en|y|e|i|al|el|bin|ibn|av)"
)
NAME_RUN = (
    r"(?:" + INITIAL + r"|" + CAP + r")(?:[ \t]+(?:" + PARTICLE + r"[ \t]+)?(?:\p{Lu}\.?"
    r"(?![\p{L}])|" + CAP + r")){0,3}"
)

MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
WEEKDAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ]
)
# Words that are never a name in an identifier context, however they are capitalised.
STOP = frozenset(
    [
        "dr",
        "doctor",
        "nurse",
        "np",
        "pa",
        "rn",
        "md",
        "the",
        "a",
        "an",
        "your",
        "our",
        "my",
        "his",
        "her",
        "their",
        "this",
        "that",
        "you",
        "we",
        "i",
        "it",
        "reminder",
        "appointment",
        "appt",
        "pharmacy",
        "clinic",
        "hospital",
        "office",
        "center",
        "patient",
        "patients",
        "team",
        "portal",
        "reply",
        "stop",
        "help",
        "text",
        "call",
        "please",
        "thank",
        "thanks",
        "hi",
        "hello",
        "hey",
        "dear",
        "today",
        "tomorrow",
        "tonight",
        "yesterday",
        "ok",
        "okay",
        "yes",
        "no",
        "am",
        "pm",
        "sorry",
        "welcome",
        "important",
        "update",
        "fyi",
        "note",
        "urgent",
        "notice",
        "alert",
        "re",
        "fwd",
        "attn",
        "good",
        "morning",
        "afternoon",
        "evening",
        "night",
        "family",
        "friend",
        "everyone",
        "all",
        "there",
        "cheers",
        "regards",
        "best",
        "sincerely",
        "new",
        "free",
        "dob",
        "ssn",
        "mrn",
        "id",
        "phone",
        "cell",
        "email",
        "address",
        "name",
        "is",
        "was",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "be",
        "are",
        "has",
        "have",
        "had",
        "will",
        "can",
        "may",
        "not",
        "but",
        "so",
        "if",
        "do",
        "does",
        "did",
        "get",
        "got",
        "apt",
        "suite",
        "unit",
        "box",
        "po",
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "mother",
        "father",
        "wife",
        "husband",
        "son",
        "daughter",
        "brother",
        "sister",
        "caregiver",
        "guardian",
        "contact",
        "emergency",
        "insurance",
        "card",
        "member",
        "subscriber",
        "policy",
        "bill",
        "billing",
        "copay",
        "refund",
        "visit",
        "discharge",
        "summary",
        "records",
        "record",
        "forms",
        "form",
        "lab",
        "labs",
        "results",
        "result",
        "prescription",
        "interpreter",
        "ride",
        "pickup",
        "home",
        "health",
        "emergency",
        "ambulance",
        "prior",
        "auth",
        "referral",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "sr",
        "jr",
        "ii",
        "iii",
        "iv",
    ]
)
# A run ending in one of these is an event, eponym or thing, not a person.
NOT_PERSON_TAIL = words(
    "day week month year disease syndrome score sign test scale criteria award fund "
    "foundation center centre clinic hospital program"
)
LANGUAGES = words(
    "english spanish french german italian portuguese chinese mandarin cantonese japanese "
    "korean vietnamese tagalog arabic russian polish hindi urdu bengali punjabi farsi "
    "persian somali swahili amharic haitian creole greek hebrew turkish dutch swedish "
    "norwegian danish finnish czech hungarian romanian ukrainian thai lao khmer hmong "
    "nepali burmese asl"
)
# A run with one of these is an organisation, not a person ("Ross Acquisition Corp II").
ORG_WORDS = frozenset(
    [
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "ltd",
        "limited",
        "plc",
        "ag",
        "gmbh",
        "sa",
        "spa",
        "srl",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "group",
        "holdings",
        "holding",
        "bank",
        "trust",
        "partners",
        "associates",
        "international",
        "industries",
        "solutions",
        "systems",
        "services",
        "technologies",
        "foundation",
        "university",
        "college",
        "institute",
        "acquisition",
        "capital",
        "ventures",
        "enterprises",
        "freight",
        "transportation",
        "logistics",
        "health",
        "clinic",
        "hospital",
        "medical",
        "pharmacy",
        "center",
        "centre",
        "team",
        "dental",
        "care",
    ]
)


@lru_cache(maxsize=65536)
def _word_is_safe(word: str) -> bool:
    """Is this capitalised word known not to be (part of) a person's name in a cue context?"""
    low = word.lower().strip(".'’-")
    if not low or low in STOP or low in MONTHS or low in WEEKDAYS or low in COUNTRIES:
        return True
    if low in LANGUAGES:
        return True
    lex = lexicons.load()
    if low in lex.state_names or word in _STATE_CODES:
        return True
    named = low in lex.first_names or low in lex.surnames
    if (
        word.isupper()
        and low not in lex.first_names
        and (low in lex.everyday_words or (low in lex.common_words and not named))
    ):
        return True  # "READ", "CANCEL", "HEART": shouting, not a name ("SON JOHN" is one)
    if named:
        return False
    if lex.categories(low) - {lexicons.CITY}:
        return True  # a condition, drug, test or procedure
    return low in lex.everyday_words or (low in lex.common_words and low.isascii())


def _name_words(run: str) -> list[str]:
    return [w for w in _BLANKS.split(run) if w]


def _trim_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop safe words from the run's right end (and left); None when nothing suspect is left
    or the run names an organisation."""
    while end > start and text[end - 1] == "." and end - start > 2 and text[end - 3] != " ":
        end -= 1  # a sentence's full stop, not an initial's
    words = list(_NONSPACE.finditer(text[start:end]))
    if any(w.group().strip(".,").lower() in ORG_WORDS for w in words):
        return None
    if words and words[-1].group().strip(".,").lower() in NOT_PERSON_TAIL:
        return None  # "World Kidney Day", "Graves Disease"
    if regex.match(
        r"[ \t]+(?:at|from)[ \t]+(?:the|our)\b", text[end:], regex.IGNORECASE
    ) and _ITS_BEFORE.search(text[:start]):
        return None  # "it's Grace at the front desk": staff, not a patient
    while words and _word_is_safe(words[-1].group().rstrip(",;:!?")):
        if len(words) > 1 and _INITIAL.fullmatch(words[-1].group()):
            break  # an initial after a name ("Sam K.") is part of it
        lex = lexicons.load()
        if (
            len(words) > 1
            and words[-1].group().strip(".,").lower() in lex.surnames
            and words[-2].group().lower() in lex.first_names
        ):
            break  # a given name and a surname that is also a word ("JASMINE SUN")
        words.pop()
    if not words or _word_is_safe(words[0].group()):
        return None  # the cue must be right before the name ("to Tropical Depression Ida")
    s, e = start + words[0].start(), start + words[-1].end()
    while e > s and text[e - 1] in ",;:!?":
        e -= 1
    return (s, e) if e > s else None


# ----------------------------------------------------------------------------- names
NAME_CUE = regex.compile(
    r"(?i:(?<![\w])(?:(?:full\s+|patient\s+|pt\.?\s+|first\s+|last\s+|sur)?name|patient|"
    r"caregiver|guardian|contact|subscriber|member|guarantor|beneficiary|emergency\s+contact|"
    r"mother|father|mom|dad|wife|husband|son|daughter|brother|sister|spouse|partner|"
    r"grandmother|grandfather|grandson|granddaughter|aunt|uncle|niece|nephew|cousin|"
    r"dear|hi|hello|hey|thanks|thank\s+you|mr\.?|mrs\.?|ms\.?|miss|mx\.?|"
    r"case\s*worker|social\s+worker|sw|chaplain|rabbi|pastor|priest|house\s+staff|"
    r"girlfriend|boyfriend|fiance|fiancee|friend|neighbou?r|sons|daughters|brothers|sisters|"
    r"ask\s+for|page|paged|(?:could\s+not|couldn'?t|unable\s+to|tried\s+to|trying\s+to)\s+reach|"
    r"for|to|with|by|show|shows|about|reach|i\s+am|i'm|this\s+is|it's|my\s+name\s+is|"
    r"signed|cc|attn|re)\s*[:\-]?[ \t]+)"
    r"(?P<v>" + NAME_RUN + r")",
    regex.VERSION1,
)
# Cues that are everyday prepositions need more: the run must have a word that is a known name
# or no English word at all ("for Hülya Bouwmeester", not "for Spanish Speakers").
WEAK = frozenset({"for", "to", "with", "by", "show", "shows", "about", "re", "cc", "reach"})
LAST_FIRST = regex.compile(
    r"(?:^|(?<=[\n:]\s*))(?P<v>(?:" + PARTICLE + r"[ \t]+){0,2}" + CAP + r"(?:[ \t]" + CAP + r")?,"
    r"[ \t]+" + CAP + r"(?:[ \t]"
    r"(?:" + CAP + r"|" + INITIAL + r"))?)(?=[ \t]*(?:[\-–(,;\n]|$|dob|born|mrn))",
    regex.VERSION1 | regex.MULTILINE,
)
# After a name: its possessive, or "at" and a house number (the addressee of a delivery).
_OWNER_AFTER = regex.compile(r"['’]s\b|[ \t]+at[ \t]+\d{1,6}[ \t]+\p{L}", regex.VERSION1)
# What follows a record's "Last, First": its date of birth or record number.
_RECORD_AFTER = regex.compile(r"[ \t]*[\-–(,;:]?[ \t]*(?i:dob|d\.o\.b|born|mrn|ssn)\b")
# The display name of an e-mail address: "Tamao Takuda {{tt@example.com}}", "Ana Čeč <a@b.c>".
DISPLAY_NAME = regex.compile(
    r"(?<![\w\-])(?P<v>" + CAP + r"(?:[ \t]+(?:(?:" + PARTICLE + r")[ \t]+){0,2}" + CAP + r"){0,3})"
    r"[ \t]*(?:\{\{|<|\(|\[)[ \t]*[\w.+\-]+@",
    regex.VERSION1,
)
# An initial and a surname: "Z. MILLER AWARE", "E. Welsh", "per S. Kondouli".
INITIAL_SURNAME = regex.compile(
    r"(?<![\w.'’/&])(?P<v>\p{Lu}\.[ \t]?" + CAP + r")(?![\w])", regex.VERSION1
)
# A capitalised run followed by a person's verb or a possessive: "Motoko T Sato is a …",
# "Víctor Cantú's copay", "Mieszko Dudek called".
BEFORE_VERB = regex.compile(
    r"(?<![\w\-])(?P<v>"
    + CAP
    + r"(?:[ \t]+(?:"
    + CAP
    + r"|\p{Lu}(?![\p{L}])|"
    + PARTICLE
    + r")){1,3})"
    r"(?=(?:'s|’s)\b|[ \t]+(?:is|was|has|had|needs|called|asked|says|said|wants|prefers|"
    r"moved|fell|came|left|missed|declined|lives|lived|died|passed|speaks|will|can)\b|"
    r",[ \t]+(?:a|an|age|aged|who)[ \t]|"
    r"[ \t]*\((?:dob|born|\d))",
    regex.VERSION1,
)


# Names in lower case ("house staff mary souza aware", "dr. kerle to speak"): only after a role
# or title, and only words the name lists know (or, after a title, no everyday word).
ROLE_LOWER = regex.compile(
    r"(?i:\b(?P<cue>dr\.?|doctor|case\s*worker|social\s+worker|chaplain|rabbi|pastor|"
    r"house\s+staff|nurse|rn|np|pa)[ \t]+)(?P<v>[a-z][a-z'\-]+(?:[ \t]+[a-z][a-z'\-]+)?)",
    regex.VERSION1,
)
_TITLES = frozenset({"dr", "dr.", "doctor"})


def _lower_names(text: str) -> list[tuple[str, int, int]]:
    lex = lexicons.load()
    out = []
    for m in ROLE_LOWER.finditer(text, timeout=REGEX_TIMEOUT):
        cue = m.group("cue").lower()
        s = m.start("v")
        e = s
        for w in regex.finditer(r"[a-z][a-z'\-]+", m.group("v")):
            low = w.group()
            name = low in lex.first_names or low in lex.surnames
            if cue in _TITLES and e == s:
                ok = (
                    name or (low not in lex.everyday_words and low not in lex.common_words)
                ) and low not in STOP
                ok = ok and low not in _NOT_AFTER_TITLE
            else:
                ok = name and low not in lex.everyday_words and low not in STOP
            if not ok:
                break
            e = m.start("v") + w.end()
        if e > s:
            kind = PROVIDER_NAME.name if cue in _TITLES else PERSON.name
            out.append((kind, s, e))
    return out


# What follows "dr" in a note when no name does ("dr aware", "dr notified").
_NOT_AFTER_TITLE = words(
    "aware notified paged called here in at on to and or of said says states stated ordered "
    "wants feels following follow consulted spoke came saw seen note notes order orders team "
    "office visit appt appointment"
)


_STATE_AFTER = regex.compile(r"[ \t]*,?[ \t]*(?:\p{Lu}{2}\b|\d{5})", regex.VERSION1)
_STATE_ZIP_AFTER = regex.compile(r"[ \t]*,?[ \t]*\p{Lu}{2}[ \t]+\d{5}\b", regex.VERSION1)
_PLACE_BEFORE = regex.compile(
    r"(?i:\b(?:moved|relocated|lives?|living|resides?|born|home|located|in|near)[ \t]+"
    r"(?:to|in|at|from|near)?[ \t]*)$",
    regex.VERSION1,
)


def _is_place(text: str, span: tuple[int, int], words: list[str]) -> bool:
    """A run that is a gazetteer city, or sits where a place does ("moved to X, IL")."""
    lex = lexicons.load()
    if " ".join(words) in lex.cities and (
        _PLACE_BEFORE.search(text[max(0, span[0] - 20) : span[0]])
        or _STATE_AFTER.match(text, span[1])
        or len(words) > 1
    ):
        return True
    if _STATE_ZIP_AFTER.match(text, span[1]):
        return True  # "Hagåtña, GU 96910": a place before a state and a ZIP
    return bool(_STATE_AFTER.match(text, span[1])) and bool(
        _PLACE_BEFORE.search(text[max(0, span[0] - 20) : span[0]])
    )


class ContextNameRecognizer(LexiconRecognizer):
    """PERSON: capitalised runs in a name context that are not known to be safe words."""

    def __init__(self) -> None:
        super().__init__("ContextNameRecognizer", [PERSON.name, PROVIDER_NAME.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON.name not in entities:
            return []
        lex = lexicons.load()
        out: list[RecognizerResult] = []
        try:
            cue_matches = list(NAME_CUE.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT))
            other = [
                ("last_first", m) for m in LAST_FIRST.finditer(text, timeout=REGEX_TIMEOUT)
            ] + [("before_verb", m) for m in BEFORE_VERB.finditer(text, timeout=REGEX_TIMEOUT)]
            other += [("initial", m) for m in INITIAL_SURNAME.finditer(text, timeout=REGEX_TIMEOUT)]
            other += [
                ("display_name", m) for m in DISPLAY_NAME.finditer(text, timeout=REGEX_TIMEOUT)
            ]
        except TimeoutError as exc:
            raise DetectionTimeout("context name pattern timed out") from exc
        for m in cue_matches:
            cue = text[m.start() : m.start("v")].strip(" \t:-").lower()
            span = _trim_run(text, m.start("v"), m.end("v"))
            if span is None:
                continue
            words = [
                _POSSESSIVE_S.sub("", w).strip(".,'’").lower()
                for w in _name_words(text[span[0] : span[1]])
            ]
            if _is_place(text, span, words):
                continue
            known = any(w in lex.first_names or w in lex.surnames for w in words)
            spelled = [w for w in words if len(w) > 1]  # "Iven A Desnoyer": an initial aside
            unknown = bool(spelled) and all(
                len(w) > 2 and w not in lex.common_words and w not in lex.everyday_words
                for w in spelled
            )
            foreign = any(not w.isascii() and len(w) > 2 for w in words) and unknown
            # after "for"/"to"/"with": a known given name or surname, two unknown words, or a
            # word spelled outside English ("reach Marčelo")
            # one word no list knows, then a possessive or the address it goes to ("for
            # Takumi's page", "deliver to Saraja at 229 …"): a person's name
            owner = unknown and bool(
                _OWNER_AFTER.match(text, span[1]) or regex.search(r"\w['’]s$", text[: span[1]])
            )
            if cue in WEAK and not (known or foreign or owner or (unknown and len(spelled) >= 2)):
                continue
            out.append(self.result(PERSON.name, span[0], span[1], 0.92, "cue"))
        for kind, s0, e0 in _lower_names(text):
            if kind in entities:
                out.append(self.result(kind, s0, e0, 0.9, "role_lower"))
        for rule, m in other:
            if rule == "initial":
                surname = m.group("v").split(".", 1)[1].strip()
                low = surname.lower()
                if (
                    low in STOP
                    or low in clinical_vocab()
                    or _word_is_safe(surname)
                    and low not in lex.surnames
                ):
                    continue
                out.append(self.result(PERSON.name, m.start("v"), m.end("v"), 0.85, rule))
                continue
            if rule == "display_name":  # the whole run names the address's owner
                run = _trim_run(text, m.start("v"), m.end("v"))
                if run is not None:
                    out.append(self.result(PERSON.name, run[0], m.end("v"), 0.9, rule))
                continue
            span = _trim_run(text, m.start("v"), m.end("v"))
            if span is None:
                continue
            words = [w.strip(".,'’").lower() for w in _name_words(text[span[0] : span[1]])]
            # at least one word is a known name, and none is an everyday word ("Grace Period")
            if _is_place(text, span, words):
                continue
            known = any(w in lex.first_names or w in lex.surnames for w in words)
            foreign = any(len(w) > 3 and not w.isascii() for w in words)
            # two or more capitalised words no English list knows, before a person's verb
            unknown = len(words) >= 2 and not any(
                w in lex.common_words or w in lex.everyday_words for w in words
            )
            record = rule == "last_first" and bool(_RECORD_AFTER.match(text, span[1]))
            if record:  # "Last, First - DOB": a record's person whatever the words
                out.append(self.result(PERSON.name, span[0], span[1], 0.9, rule))
                continue
            if not (known or foreign or (rule == "before_verb" and unknown)):
                continue
            if rule == "before_verb" and len(words) < 2:
                continue
            out.append(self.result(PERSON.name, span[0], span[1], 0.9, rule))
        return out


# ----------------------------------------------------------------------------- addresses
# USPS Publication 28, Appendix C1: every primary street suffix name and its common and
# standard abbreviations.
USPS_SUFFIXES = [
    "allee",
    "alley",
    "ally",
    "aly",
    "anex",
    "annex",
    "annx",
    "anx",
    "arc",
    "arcade",
    "av",
    "ave",
    "aven",
    "avenu",
    "avenue",
    "avn",
    "avnue",
    "bayoo",
    "bayou",
    "bch",
    "beach",
    "bend",
    "bnd",
    "blf",
    "bluf",
    "bluff",
    "bluffs",
    "blfs",
    "bot",
    "btm",
    "bottm",
    "bottom",
    "blvd",
    "boul",
    "boulevard",
    "boulv",
    "br",
    "brnch",
    "branch",
    "brg",
    "brdge",
    "bridge",
    "brk",
    "brook",
    "brooks",
    "brks",
    "burg",
    "bg",
    "burgs",
    "bgs",
    "byp",
    "bypa",
    "bypas",
    "bypass",
    "byps",
    "camp",
    "cp",
    "cmp",
    "canyn",
    "canyon",
    "cnyn",
    "cyn",
    "cape",
    "cpe",
    "causeway",
    "causwa",
    "cswy",
    "cen",
    "cent",
    "center",
    "centr",
    "centre",
    "cnter",
    "cntr",
    "ctr",
    "centers",
    "ctrs",
    "cir",
    "circ",
    "circl",
    "circle",
    "crcl",
    "crcle",
    "circles",
    "cirs",
    "clf",
    "cliff",
    "clfs",
    "cliffs",
    "clb",
    "club",
    "common",
    "cmn",
    "commons",
    "cmns",
    "cor",
    "corner",
    "corners",
    "cors",
    "course",
    "crse",
    "court",
    "ct",
    "courts",
    "cts",
    "cove",
    "cv",
    "coves",
    "cvs",
    "creek",
    "crk",
    "crescent",
    "cres",
    "crsent",
    "crsnt",
    "crest",
    "crst",
    "crossing",
    "crssng",
    "xing",
    "crossroad",
    "xrd",
    "crossroads",
    "xrds",
    "curve",
    "curv",
    "dale",
    "dl",
    "dam",
    "dm",
    "div",
    "divide",
    "dv",
    "dvd",
    "dr",
    "driv",
    "drive",
    "drv",
    "drives",
    "drs",
    "est",
    "estate",
    "estates",
    "ests",
    "exp",
    "expr",
    "express",
    "expressway",
    "expw",
    "expy",
    "ext",
    "extension",
    "extn",
    "extnsn",
    "exts",
    "fall",
    "falls",
    "fls",
    "ferry",
    "frry",
    "fry",
    "field",
    "fld",
    "fields",
    "flds",
    "flat",
    "flt",
    "flats",
    "flts",
    "ford",
    "frd",
    "fords",
    "frds",
    "forest",
    "forests",
    "frst",
    "forg",
    "forge",
    "frg",
    "forges",
    "frgs",
    "fork",
    "frk",
    "forks",
    "frks",
    "fort",
    "frt",
    "ft",
    "freeway",
    "freewy",
    "frway",
    "frwy",
    "fwy",
    "garden",
    "gardn",
    "grden",
    "grdn",
    "gardens",
    "gdns",
    "grdns",
    "gdn",
    "gateway",
    "gatewy",
    "gatway",
    "gtway",
    "gtwy",
    "glen",
    "gln",
    "glens",
    "glns",
    "green",
    "grn",
    "greens",
    "grns",
    "grov",
    "grove",
    "grv",
    "groves",
    "grvs",
    "harb",
    "harbor",
    "harbr",
    "hbr",
    "hrbor",
    "harbors",
    "hbrs",
    "haven",
    "hvn",
    "ht",
    "hts",
    "highway",
    "highwy",
    "hiway",
    "hiwy",
    "hway",
    "hwy",
    "hill",
    "hl",
    "hills",
    "hls",
    "hllw",
    "hollow",
    "hollows",
    "holw",
    "holws",
    "inlt",
    "inlet",
    "is",
    "island",
    "islnd",
    "islands",
    "islnds",
    "iss",
    "isle",
    "isles",
    "jct",
    "jction",
    "jctn",
    "junction",
    "junctn",
    "juncton",
    "jctns",
    "jcts",
    "junctions",
    "key",
    "ky",
    "keys",
    "kys",
    "knl",
    "knol",
    "knoll",
    "knls",
    "knolls",
    "lk",
    "lake",
    "lks",
    "lakes",
    "land",
    "landing",
    "lndg",
    "lndng",
    "lane",
    "ln",
    "lgt",
    "light",
    "lights",
    "lgts",
    "lf",
    "loaf",
    "lck",
    "lock",
    "lcks",
    "locks",
    "ldg",
    "ldge",
    "lodg",
    "lodge",
    "loop",
    "loops",
    "mall",
    "mnr",
    "manor",
    "manors",
    "mnrs",
    "meadow",
    "mdw",
    "mdws",
    "meadows",
    "medows",
    "mews",
    "ml",
    "mill",
    "mls",
    "mills",
    "missn",
    "msn",
    "mission",
    "motorway",
    "mtwy",
    "mnt",
    "mt",
    "mount",
    "mntain",
    "mntn",
    "mountain",
    "mountin",
    "mtin",
    "mtn",
    "mntns",
    "mountains",
    "nck",
    "neck",
    "orch",
    "orchard",
    "orchrd",
    "oval",
    "ovl",
    "overpass",
    "opas",
    "park",
    "prk",
    "parks",
    "parkway",
    "parkwy",
    "pkway",
    "pkwy",
    "pky",
    "parkways",
    "pkwys",
    "pass",
    "passage",
    "psge",
    "path",
    "paths",
    "pike",
    "pikes",
    "pine",
    "pne",
    "pines",
    "pnes",
    "pl",
    "place",
    "plain",
    "pln",
    "plains",
    "plns",
    "plaza",
    "plz",
    "plza",
    "point",
    "pt",
    "points",
    "pts",
    "port",
    "prt",
    "ports",
    "prts",
    "pr",
    "prairie",
    "prr",
    "rad",
    "radial",
    "radiel",
    "radl",
    "ramp",
    "ranch",
    "ranches",
    "rnch",
    "rnchs",
    "rapid",
    "rpd",
    "rapids",
    "rpds",
    "rest",
    "rst",
    "rdg",
    "rdge",
    "ridge",
    "rdgs",
    "ridges",
    "riv",
    "river",
    "rvr",
    "rivr",
    "rd",
    "road",
    "roads",
    "rds",
    "route",
    "rte",
    "row",
    "rue",
    "run",
    "shl",
    "shoal",
    "shls",
    "shoals",
    "shoar",
    "shore",
    "shr",
    "shoars",
    "shores",
    "shrs",
    "skyway",
    "skwy",
    "spg",
    "spng",
    "spring",
    "sprng",
    "spgs",
    "spngs",
    "springs",
    "sprngs",
    "spur",
    "spurs",
    "sq",
    "sqr",
    "sqre",
    "squ",
    "square",
    "sqs",
    "squares",
    "sta",
    "station",
    "statn",
    "stn",
    "stra",
    "strav",
    "straven",
    "stravenue",
    "stravn",
    "strvn",
    "strvnue",
    "stream",
    "streme",
    "strm",
    "street",
    "strt",
    "st",
    "str",
    "streets",
    "sts",
    "smt",
    "sumit",
    "sumitt",
    "summit",
    "ter",
    "terr",
    "terrace",
    "throughway",
    "trwy",
    "trace",
    "traces",
    "trce",
    "track",
    "tracks",
    "trak",
    "trk",
    "trks",
    "trafficway",
    "trfy",
    "trail",
    "trails",
    "trl",
    "trls",
    "trailer",
    "trlr",
    "trlrs",
    "tunel",
    "tunl",
    "tunls",
    "tunnel",
    "tunnels",
    "tunnl",
    "trnpk",
    "turnpike",
    "turnpk",
    "un",
    "underpass",
    "upas",
    "union",
    "unions",
    "uns",
    "valley",
    "vally",
    "vlly",
    "vly",
    "valleys",
    "vlys",
    "vdct",
    "via",
    "viadct",
    "viaduct",
    "vw",
    "view",
    "views",
    "vws",
    "vill",
    "villag",
    "village",
    "villg",
    "villiage",
    "vlg",
    "villages",
    "vlgs",
    "ville",
    "vl",
    "vis",
    "vist",
    "vista",
    "vst",
    "vsta",
    "walk",
    "walks",
    "wall",
    "wy",
    "way",
    "ways",
    "well",
    "wl",
    "wells",
    "wls",
]
_SUFFIX_ALT = "|".join(sorted(set(USPS_SUFFIXES), key=len, reverse=True))
# Street words of other countries, as word endings ("Kirchstrasse", "Havnegade") or leading
# words ("rue du Président Roosevelt", "ul. Kurantów").
_EURO_END = (
    r"(?:stra(?:ss|ß)e|str\.|weg|gasse|allee|platz|damm|ufer|straat|laan|plein|steeg|"
    r"kade|dijk|gracht|singel|vej|gade|gata|gatan|vägen|väg|veien|vei|gränd|torg|katu|tie|"
    r"polku|utca|körút|ulica|cesta|ulice|náměstí|rahu|tänav|iela|gatve)"
)
_EURO_WORD = (
    r"(?i:út|utca|útja|ulica|ulice|cesta|tänav|iela|gatve|vej|gade|gata|gatan|vägen|veien|"
    r"terrasse|straße|strasse|weg|allee|laan|straat|plein|platz|ring|rahu|kuja|tie|katu|polku)"
)
# Leading street words, as written in an address ("rue", "Rue"), never shouted ("VIA FOLEY").
_HEADS = words(
    "rue avenue av. avda. avda avenida calle c/ carrer paseo camino via viale vicolo piazza "
    "corso strada largo rua travessa praça alameda ul. ulica al. aleja plac os. boulevard bd. "
    "chemin impasse allée quai place route chaussée straße strasse"
)
_EURO_HEAD = (
    r"(?:R\.?(?=[ \t]+\p{Lu})|krt\.|"
    + "|".join(
        "[" + h[0].upper() + h[0] + "]" + regex.escape(h[1:])
        for h in sorted(_HEADS, key=len, reverse=True)
    )
    + r")"
)
_NUM = r"\d{1,6}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?(?:[ \t]\d{1,4}(?=[ \t]+\p{L}))?"
_NAMEW = r"(?:" + CAP + r"|" + PARTICLE + r"|\d{1,3}(?:st|nd|rd|th))"
STREET_RULES = [
    # "83 Forge Estates", "12 North Skyway": number, capitalised words, a USPS suffix
    (
        "usps",
        r"(?<![\w\-/.])(?P<v>" + _NUM + r"[ \t]+(?:(?:[NSEW]|North|South|East|West)\.?[ \t]+)?"
        r"(?:" + CAP + r"[ \t]+){1,3}(?i:" + _SUFFIX_ALT + r")\b\.?"
        r"(?:[ \t]+(?:[NSEW]|NE|NW|SE|SW)\b\.?)?)",
        0.85,
    ),
    # "Kirchstrasse 67", "104 Kirchstrasse 67", "Havnegade 69": the street word's ending
    (
        "euro_end",
        r"(?<![\w\-/.])(?P<v>(?:"
        + _NUM
        + r"[ \t]+)?(?:"
        + CAP
        + r"[ \t]+){0,2}\p{Lu}\p{L}*"
        + _EURO_END
        + r"(?![\p{L}])(?:[ \t]+"
        + _NUM
        + r"(?![\w]))?)",
        0.85,
    ),
    # "93910 Nánási út 21", "552 Stensås terrasse 38": a street word of its own, with a number
    (
        "euro_word",
        r"(?<![\w\-/.])(?P<v>(?:"
        + _NUM
        + r"[ \t]+)?(?:"
        + CAP
        + r"[ \t]+){1,3}"
        + _EURO_WORD
        + r"(?:[ \t]+"
        + _NUM
        + r"(?![\w]))?)(?![\p{L}])",
        0.8,
    ),
    # "39 rue du Président Roosevelt", "ul. Kurantów 76", "Avenida Noruega 42"
    (
        "euro_head",
        # a number before the street word ("39 rue du Président Roosevelt") or after the name
        # ("Avenida Noruega 42"); the street word as written in an address, never shouted
        r"(?<![\w\-/.])(?P<v>(?:"
        + _NUM
        + r",?[ \t]+"
        + _EURO_HEAD
        + r"[ \t]+(?:"
        + _NAMEW
        + r"[ \t]+){0,4}"
        + CAP
        + r"(?:[ \t]+"
        + _NUM
        + r"(?![\w]))?|"
        + _EURO_HEAD
        + r"[ \t]+(?:"
        + _NAMEW
        + r"[ \t]+){0,4}"
        + CAP
        + r"[ \t]+"
        + _NUM
        + r"(?![\w])))",
        0.8,
    ),
    # "949 Rahu 37", "5991 Mühle 116": number, one or two capitalised words, number
    (
        "num_name_num",
        r"(?<![\w\-/.:])(?P<v>\d{1,6}[ \t]+(?:"
        + CAP
        + r"[ \t]+){1,2}\d{1,4}[A-Za-z]?)(?![\w/:.\-]\d)",
        0.7,
    ),
    # units, boxes, military addresses
    (
        "unit",
        r"(?<![\w])(?P<v>(?i:apt|apartment|suite|ste|unit|flat|bldg|building|room|rm|floor|fl|"
        r"lot|trlr|box|p\.?\s?o\.?\s+box)\.?[ \t]*#?[ \t]*\d{1,6}[A-Za-z]?"
        r"(?:[ \t]+(?i:box)[ \t]+\d{1,6})?)(?![\w])",
        0.8,
    ),
    (
        "military",
        r"(?<![\w])(?P<v>(?:(?:PSC|Unit|CMR|USNS|USNV|USS|USCGC)[ \t]+[\p{L}\d]+"
        r"(?:[ \t,]+Box[ \t]+\d{1,6})?[ \t,]*\n?[ \t]*)?(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5})",
        0.9,
    ),
]


@lru_cache(maxsize=1)
def _street_patterns() -> list[tuple[str, regex.Pattern[str], float]]:
    """Compiled on first use: the suffix alternations are large, and a process that never
    sees a digit before a word need not pay for them at import."""
    return [(name, regex.compile(p, regex.VERSION1), score) for name, p, score in STREET_RULES]


# Cheap necessary conditions: a number before a word, a street word of its own, or a unit.
_STREET_GATE = regex.compile(
    r"\d[ \t]+(?:\d{1,4}[ \t]+)?\p{L}|(?i:\b(?:rue|calle|via|ul|avenida|rua|box|apt|suite|unit|"
    r"apo|fpo|dpo|ste)\b)|\p{L}(?:" + _EURO_END + r")(?![\p{L}])",
    regex.VERSION1,
)
UNIT_AFTER = regex.compile(
    r"[ \t]*,?[ \t]*(?i:apt|apartment|suite|ste|unit|flat|#)\b", regex.VERSION1
)
# The organisation's own address: "our office, 1200 Commerce Pkwy", "we are at 12 Main St".
OURS = regex.compile(
    r"(?i:\b(?:our\b[^.\n]{0,20}\b(?:office|clinic|location|address|building|practice|site|"
    r"campus|hospital|center|centre|pharmacy|lab)s?\b|we(?:'re|[ \t]+are)[ \t]+(?:at|in|now)|"
    r"visit[ \t]+us[ \t]+at)[^.\n]{0,12})$",
    regex.VERSION1,
)
# What makes "number Name number" an address: a cue before it, or a city after it.
ADDRESS_CUE = regex.compile(
    r"(?i:\b(?:at|to|address|addr|lives?|living|resides?|home|mail|deliver|send|ship|"
    r"located|moved|street)\b)[^\n\d]{0,20}$",
    regex.VERSION1,
)
# After a street address: ", City", "\n City", then state, postcode, country.
PLACE_RUN = r"(?:" + CAP + r")(?:[ \t]+(?:" + PARTICLE + r"[ \t]+)?" + CAP + r"){0,3}"
POSTCODE = (
    r"(?:\d{5}(?:-\d{4})?|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}-\d{3}|\d{3,6}|"
    r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d)"
)
AFTER_STREET = regex.compile(
    r"\G(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*)(?:(?P<zip1>"
    + POSTCODE
    + r")[ \t]+)?(?P<city>"
    + PLACE_RUN
    + r")(?:[ \t]*,?[ \t]*(?:\p{Lu}{2}\b|"
    + CAP
    + r")?[ \t]*,?[ \t]*(?P<zip2>"
    + POSTCODE
    + r")(?![\w]))?",
    regex.VERSION1,
)
PLACE_CUE = regex.compile(
    r"(?i:\b(?:lives?|living|lived|resides?|residing|moved|relocated|born|home|located|"
    r"staying|stays|originally)[ \t]+(?:here[ \t]+)?(?:in|to|at|from|"
    r"near)[ \t]+|\bborn\b[^.;\n]{0,24}?\bin[ \t]+)(?P<v>" + PLACE_RUN + r")",
    regex.VERSION1,
)
# US territories and military "states", which the state list leaves out: "Hagåtña, GU 96910",
# "Saipan, MP 96950", "APO, AE 09012". Case-sensitive and only before a ZIP, so "as"/"GU:" stay.
TERRITORY = regex.compile(
    r"(?<![\w])(?P<city>" + PLACE_RUN + r"),?[ \t]+(?:GU|VI|AS|MH|FM|MP|PW|PR|AA|AE|AP)[ \t]+"
    r"(?P<zip>\d{5}(?:-\d{4})?)(?![\w])",
    regex.VERSION1,
)
TRAILING_ZIP = regex.compile(
    r"\G[ \t]*,?[ \t]*(?:\p{Lu}{2}[ \t]+)?(?P<v>" + POSTCODE + r")(?![\w])", regex.VERSION1
)


def _place_ok(text: str, after_street: bool = False) -> bool:
    words = [w.strip(".,").lower() for w in _name_words(text)]
    lex = lexicons.load()
    if after_street:  # right after a street line, a place is whatever is not known to be safe
        return bool(words) and not all(
            w in STOP or w in COUNTRIES or w in MONTHS or w in WEEKDAYS or w in lex.state_names
            for w in words
        )
    return bool(words) and not all(_safe_place_word(w, lex) for w in words)


def _safe_place_word(w: str, lex: lexicons.Lexicon) -> bool:
    return (
        w in STOP
        or w in COUNTRIES
        or w in MONTHS
        or w in WEEKDAYS
        or w in lex.state_names
        or (w in lex.everyday_words and w not in lex.cities)
    )


class ContextAddressRecognizer(LexiconRecognizer):
    """STREET_ADDRESS, LOCATION, ZIP_CODE: international streets and what follows them."""

    def __init__(self) -> None:
        super().__init__(
            "ContextAddressRecognizer", [STREET_ADDRESS.name, LOCATION.name, ZIP_CODE.name]
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        try:
            streets: list[tuple[int, int]] = []
            if _STREET_GATE.search(text):
                for name, pattern, score in _street_patterns():
                    for m in pattern.finditer(text, overlapped=False, timeout=REGEX_TIMEOUT):
                        s, e = m.span("v")
                        if name == "num_name_num":
                            words = _name_words(text[s:e])[1:-1]
                            if all(_word_is_safe(w) for w in words):
                                continue
                            after = AFTER_STREET.match(text, e) or UNIT_AFTER.match(text, e)
                            if not ADDRESS_CUE.search(text[max(0, s - 40) : s]) and not after:
                                continue
                        if name == "unit" and not (
                            ADDRESS_CUE.search(text[max(0, s - 40) : s])
                            or any(0 <= s - pe <= 8 for _ps, pe in streets)
                        ):
                            continue  # "we're in Suite 210": the clinic's own suite
                        if OURS.search(text[max(0, s - 40) : s]):
                            continue  # "our Eastside office, 1200 Commerce Pkwy"
                        streets.append((s, e))
                        out.append(self.result(STREET_ADDRESS.name, s, e, score, name))
            # the place and postcode after an address line; a chain of them ("…, Apt 4, City")
            for _s, e in sorted(streets):
                pos = e
                for _ in range(3):
                    m = AFTER_STREET.match(text, pos, timeout=REGEX_TIMEOUT)
                    if not m:
                        break
                    if m.group("zip1"):
                        out.append(
                            self.result(
                                ZIP_CODE.name, m.start("zip1"), m.end("zip1"), 0.85, "after_street"
                            )
                        )
                    city = m.group("city")
                    cs, ce = m.span("city")
                    tail = regex.search(r"[ \t]+(\p{Lu}{2})$", city)
                    if tail and tail.group(1) in _STATE_CODES:
                        ce -= len(tail.group())
                        city = text[cs:ce]
                    if _place_ok(city, after_street=True):
                        out.append(self.result(LOCATION.name, cs, ce, 0.85, "after_street"))
                    if m.group("zip2"):
                        out.append(
                            self.result(
                                ZIP_CODE.name, m.start("zip2"), m.end("zip2"), 0.85, "after_street"
                            )
                        )
                    pos = m.end()
            for m in TERRITORY.finditer(text, timeout=REGEX_TIMEOUT):
                if _place_ok(m.group("city"), after_street=True):
                    out.append(
                        self.result(
                            LOCATION.name, m.start("city"), m.end("city"), 0.85, "territory"
                        )
                    )
                out.append(
                    self.result(ZIP_CODE.name, m.start("zip"), m.end("zip"), 0.85, "territory")
                )
            for m in PLACE_CUE.finditer(text, timeout=REGEX_TIMEOUT):
                span = _trim_place(text, m.start("v"), m.end("v"))
                if span is None:
                    continue
                out.append(self.result(LOCATION.name, span[0], span[1], 0.8, "place_cue"))
                z = TRAILING_ZIP.match(text, span[1])
                if z:
                    out.append(
                        self.result(ZIP_CODE.name, z.start("v"), z.end("v"), 0.8, "place_cue")
                    )
        except TimeoutError as exc:
            raise DetectionTimeout("context address pattern timed out") from exc
        return [r for r in out if r.entity_type in entities]


def _trim_place(text: str, start: int, end: int) -> tuple[int, int] | None:
    lex = lexicons.load()
    while end > start and text[end - 1] == ".":
        end -= 1
    words = list(_NONSPACE.finditer(text[start:end]))
    while words and _safe_place_word(words[-1].group().strip(".,").lower(), lex):
        words.pop()
    if not words:
        return None
    return start + words[0].start(), start + words[-1].end()


# ----------------------------------------------------------------------------- phones
PHONE_CUE = regex.compile(
    r"(?i:\b(?:phone|ph|tel|telephone|cell|cellphone|mobile|mob|call|callback|called|calling|"
    r"reach|reached|text|texted|sms|whatsapp|contact|number|no|num|fax|pager|tried|dial|"
    r"home|work|landline)\b|#)[^\n\d]{0,30}$",
    regex.VERSION1,
)
# Digits in groups as any country writes them: "95 450653", "02.64.62.52.37", "(02) 6766 6617",
# "+44 20 7946 0958", "0664 635 99 87", "650-752-7354x549".
GROUPED = regex.compile(
    r"(?<![\w+.\-/])(?P<v>\+?\(?\d{1,5}\)?(?:[ .\-]{1,2}\(?\d{1,8}\)?){1,5}"
    r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?)(?![\w/]|[.\-]\d)",
    regex.VERSION1,
)
_DATE_LIKE = regex.compile(r"^\d{1,4}[./\-]\d{1,2}(?:[./\-]\d{1,4})?$")


# Short numbers that reach a person: "Pager: #54321", "PG 33445" (an extension is the
# organisation's own line, and stays).
PAGER = regex.compile(
    r"(?i:\b(?:pager|beeper|pg)\b\.?[ \t]*:?[ \t]*#?[ \t]*)"
    r"(?P<v>\d{4,5})(?![\w/.]\d|\d)",
    regex.VERSION1,
)


class IntlPhoneRecognizer(LexiconRecognizer):
    """PHONE_NUMBER in any country's grouping, by shape and cue."""

    def __init__(self) -> None:
        super().__init__("IntlPhoneRecognizer", [PHONE_NUMBER.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PHONE_NUMBER.name not in entities or not any(ch.isdigit() for ch in text):
            return []
        out = []
        try:
            matches = list(GROUPED.finditer(text, timeout=REGEX_TIMEOUT))
        except TimeoutError as exc:
            raise DetectionTimeout("phone pattern timed out") from exc
        for m in PAGER.finditer(text, timeout=REGEX_TIMEOUT):
            out.append(self.result(PHONE_NUMBER.name, m.start("v"), m.end("v"), 0.75, "pager"))
        for m in matches:
            value = m.group("v")
            main = _EXTENSION.split(value)[0]
            digits = only_digits(main)
            if not 6 <= len(digits) <= 15 or _DATE_LIKE.match(main):
                continue
            if len(set(digits)) == 1:
                continue
            groups = _DIGITS.findall(main)
            cued = PHONE_CUE.search(text[max(0, m.start() - 40) : m.start()]) is not None
            shaped = (
                main.startswith("+")
                or (main.startswith("(") and len(digits) >= 8)
                or (len(groups) >= 4 and len(digits) >= 8)
                or (len(groups) >= 3 and len(digits) >= 9 and max(map(len, groups)) <= 4)
            )
            if cued and len(digits) >= 6 or shaped:
                out.append(
                    self.result(
                        PHONE_NUMBER.name,
                        m.start("v"),
                        m.end("v"),
                        0.8 if cued else 0.7,
                        "cue" if cued else "shape",
                    )
                )
        return out


# ----------------------------------------------------------------------------- facilities
_FACILITIES_FILE = (
    Path(__file__).resolve().parent.parent / "lexicons" / "curated" / "facilities.txt"
)


def _facility_word(word: str) -> str:
    """One word of a listed facility as a pattern: an abbreviation's full stop optional
    ("Mt. Sinai"), either apostrophe ("St. Vincent’s"), "&" for "and"."""
    if word in ("and", "&"):
        return r"(?:and|&)"
    if word in ("medical", "center", "centre"):  # "UCLA Med Ctr", "Baylor Med. Center"
        return r"med(?:ical|\.)?" if word == "medical" else r"(?:cent(?:er|re)|ctr\.?)"
    stem = word.rstrip(".")
    out = regex.escape(stem).replace("'", "['’]").replace("’", "['’]")
    return out + (r"\.?" if stem in ("st", "mt", "ft", "med", "ctr") or word.endswith(".") else "")


@lru_cache(maxsize=1)
def _known_facilities() -> regex.Pattern[str]:
    """Listed facilities in any case; one that is a single everyday word ("rush", "mayo")
    only capitalised."""
    lex = lexicons.load()
    names = sorted(
        {
            line.strip().lower()
            for line in _FACILITIES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        },
        key=len,
        reverse=True,
    )

    def pattern(n: str) -> str:
        return r"[ \t]+".join(_facility_word(w) for w in n.split())

    def cased(n: str) -> bool:
        return " " not in n and (n in lex.everyday_words or n in lex.common_words)

    anycase = "|".join(pattern(n) for n in names if not cased(n))
    capital = "|".join(
        regex.escape(n.capitalize()) + "|" + regex.escape(n.upper()) for n in names if cased(n)
    )
    return regex.compile(
        r"(?<![\w])(?P<v>(?i:" + anycase + r")" + (r"|" + capital if capital else "") + r")"
        r"(?![\w])",
        regex.VERSION1,
    )


_FAC_TAIL = (
    r"(?:Memorial|General|Regional|Community|Medical[ \t]+Cent(?:er|re)|Hospital|Infirmary|"
    r"Health(?:care)?|Clinic|Sanatorium|Hospice|Nursing[ \t]+Home|Rehab(?:ilitation)?|"
    r"University[ \t]+Hospital|Children'?s)"
)
# "Frederick Memorial", "FREDERICK MEMORIAL", "Methodist Hospital", "UCLA Medical Center",
# "VAMC", "GBMC": proper words before a facility word, or an acronym ending in MC.
FACILITY_RULES = [
    (
        "tail",
        regex.compile(
            r"(?<![\w])(?P<v>(?:"
            + CAP
            + r"[ \t]+){1,3}(?:"
            + _FAC_TAIL
            + r"|(?i:"
            + _FAC_TAIL
            + r"))(?:[ \t]+(?:Hospital|HOSPITAL|Center|CENTER|Medical[ \t]+Center))?)(?![\w])",
            regex.VERSION1,
        ),
        0.75,
    ),
    ("acronym", regex.compile(r"(?<![\w])(?P<v>[A-Z]{1,4}MC)(?![\w])", regex.VERSION1), 0.75),
    # "accepted by St. Agnes", "TO GO TO ST. MARY ON TUESDAY": a saint's name is a hospital
    (
        "saint",
        regex.compile(
            r"(?i:\b(?:to|at|from|by|in)[ \t]+)(?P<v>(?:St\.?|ST\.?|Saint|SAINT)[ \t]+"
            + CAP
            + r"(?:'s|’s)?)(?![ \t]+(?i:day|patrick|st\b|street|ave|avenue|rd|road))",
            regex.VERSION1,
        ),
        0.7,
    ),
]


_TAIL_WORD = regex.compile(
    r"(?i:memorial|general|regional|community|medical|center|centre|hospital|infirmary|health|"
    r"healthcare|clinic|sanatorium|hospice|nursing|home|rehab|rehabilitation|university|"
    r"children'?s)"
)


# "referred to GH", "poss transfer to quartermain", "admitted to Holy Cross": where a patient
# is moved to or from is a facility unless it is a unit, a room or home.
MOVED_TO = regex.compile(
    r"(?i:\b(?:transfer(?:red)?|trans|xfer(?:red)?|admitted|readmitted|referred|sent|"
    r"discharged|d/c'?d|accepted|came|comes|arrived|returned|going|go|"
    # misspelt and note shorthand: "transfered", "tranfered", "adm", "med-flighted", "taken"
    r"trans?fe?r+e?d|tranfer+e?d|adm|(?:med[ \-]?)?flighted|taken|brought|rec'?d|"
    r"re(?:ce|ci)ved)[ \t]+(?:back[ \t]+)?"
    r"(?:to|from|at|by|into)[ \t]+(?:the[ \t]+)?)"
    r"(?P<v>[\p{L}][\p{L}'’\-]*(?:[ \t]+\p{Lu}[\p{L}'’\-]*){0,2})",
    regex.VERSION1,
)
_NOT_A_FACILITY = words(
    "home rehab nursing hospice snf osh ltac ed er or ward unit room floor bed icu ccu micu "
    "sicu csru pacu ct mri x-ray xray radiology dialysis surgery cath ir the a an his her "
    "their another outside same this that our your my step-down stepdown tele telemetry "
    "cvicu nicu picu ot pt be have see them him us"
)


def _moved_to(text: str) -> list[tuple[int, int]]:
    lex = lexicons.load()
    out = []
    for m in MOVED_TO.finditer(text, timeout=REGEX_TIMEOUT):
        words = list(_NONSPACE.finditer(m.group("v")))
        first = words[0].group().strip(".,").lower()
        if first in _NOT_A_FACILITY or first in STOP or first in clinical_vocab():
            continue
        if first in lex.everyday_words and not words[0].group()[:1].isupper():
            continue  # "sent to get", "came to visit"
        if (
            first in lex.everyday_words
            and words[0].group().islower() is False
            and (first in lex.common_words and len(words) == 1 and not words[0].group().isupper())
        ):
            continue  # "Transferred to Floor"
        end = m.start("v") + words[0].end()
        for w in words[1:]:
            if w.group().strip(".,").lower() in STOP:
                break
            end = m.start("v") + w.end()
        while end > m.start("v") and text[end - 1] in ".,;:":
            end -= 1
        out.append((m.start("v"), end))
    return out


class ContextFacilityRecognizer(LexiconRecognizer):
    """FACILITY: well-known systems by name, proper words + a facility word, *MC acronyms."""

    def __init__(self) -> None:
        super().__init__("ContextFacilityRecognizer", [FACILITY.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if FACILITY.name not in entities:
            return []
        out = []
        try:
            for s1, e1 in _moved_to(text):
                out.append(self.result(FACILITY.name, s1, e1, 0.7, "moved_to"))
            for m in _known_facilities().finditer(text, timeout=REGEX_TIMEOUT):
                out.append(self.result(FACILITY.name, m.start("v"), m.end("v"), 0.7, "known"))
            for name, pattern, score in FACILITY_RULES:
                for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                    s, e = m.span("v")
                    if name == "tail":
                        words = _name_words(text[s:e])
                        while words and words[0].lower() in STOP:
                            s = text.index(words[0], s) + len(words[0])
                            s += len(text[s:]) - len(text[s:].lstrip())
                            words.pop(0)
                        if not words or not words[-1][:1].isupper():
                            continue  # "faith-based community": a facility word in lower case
                        proper = [w for w in words if not _TAIL_WORD.fullmatch(w)]
                        if not proper or all(
                            w.lower() in STOP or w.lower() in lexicons.load().everyday_words
                            for w in proper
                        ):
                            continue
                    out.append(self.result(FACILITY.name, s, e, score, name))
        except TimeoutError as exc:
            raise DetectionTimeout("facility pattern timed out") from exc
        return out


# ----------------------------------------------------------------------------- dates
_MONTH_WORD = (
    r"(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
DATE_RULES = [
    # "echo 8/87", "CVA 5/97": month and two-digit year
    (
        "month_year",
        regex.compile(
            r"(?<![\w/.\-])(?P<v>(?:0?[1-9]|1[0-2])/(?:3[2-9]|[4-9]\d|00))(?![\w/%]|\.\d)",
            regex.VERSION1,
        ),
    ),
    # "on the 11th", "since the 3rd"
    (
        "ordinal_day",
        regex.compile(
            r"(?i:\b(?:on|since|until|by|from|before|after)[ \t]+the[ \t]+)"
            r"(?P<v>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b",
            regex.VERSION1,
        ),
    ),
    # "in sept.", "MARCH OF 1993", "since May": a month named as when something happened
    (
        "month_alone",
        regex.compile(
            r"(?i:\b(?:in|since|during|until|by|early|late|mid|last|this|next)[ \t\-]+)"
            r"(?P<v>(?i:" + _MONTH_WORD + r")|May)(?![\w]|[ \t]+\d)"
            r"|(?P<v>(?i:" + _MONTH_WORD + r"|may)[ \t]+(?i:of)[ \t]+(?:19|20)\d{2})",
            regex.VERSION1,
        ),
    ),
]


# Something that happened to a patient: a month or day named near one is the patient's date.
EVENT = regex.compile(
    r"(?i:\b(?:admitted|admission|readmitted|discharged|discharge|diagnosed|dx|seen|born|"
    r"died|drawn|started|stopped|hospitali[sz]ed|transferred|surgery|operation|procedure|"
    r"d/c'?d|dc'?d|dose|doses|fell|fall|injury|onset|mi|cva|cabg|echo|cath|"
    r"biopsy|delivered|pregnan\w*|lmp|edc)\b)",
    regex.VERSION1,
)


class ContextDateRecognizer(LexiconRecognizer):
    """DATE: month/year, "the 11th", a month named alone as a time something happened."""

    def __init__(self) -> None:
        super().__init__("ContextDateRecognizer", [DATE.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if DATE.name not in entities:
            return []
        out = []
        try:
            for name, pattern in DATE_RULES:
                for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                    s0, e0 = m.span("v")
                    if name != "month_year" and not EVENT.search(text[max(0, s0 - 60) : s0]):
                        continue  # "flu shots in June", "due on the 1st": not a person's date
                    out.append(self.result(DATE.name, s0, e0, 0.7, name))
        except TimeoutError as exc:
            raise DetectionTimeout("date pattern timed out") from exc
        return out
