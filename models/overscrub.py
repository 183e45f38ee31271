"""Guards against over-scrub: findings that are clinical writing, not identifiers.

Recall by construction finds every capitalised run after a cue and every digit group after
"call"; this module removes what is known to be safe, by what it is rather than by example:

* section headers ("GU:", "ENDO:") and clinical shorthand, lines, devices, units and staff
  roles (``lexicons/curated/clinical_vocab.txt``) are not names, places or streets;
* medical eponyms and named days ("Graves' disease", "Wells score", "Lou Gehrig",
  "Martin Luther King Jr. Day"; ``lexicons/curated/eponyms.txt``) are not patients;
* "today" / "tonight" and clock times are not dates; ventilator and lab strings
  ("PSV 10/5", "5/5", "A/C 600x12", "ABG 7.38-33-169", "SVR 903") are not dates, IDs,
  phone numbers or plates;
* a provider finding whose "name" is shorthand ("PA line", "fem PA", "PT states") is not one.

A word right after a strong cue ("Dear Foley", "Mr. Wells") is never dropped: the cue wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from models.findings import Finding

CURATED = Path(__file__).resolve().parent / "lexicons" / "curated"


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set."""
    return frozenset(text.split())


def _words_file(name: str) -> frozenset[str]:
    out: set[str] = set()
    for line in (CURATED / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        out.update(w.lower() for w in line.split())
    return frozenset(out)


@cache
def clinical_vocab() -> frozenset[str]:
    return _words_file("clinical_vocab.txt")


@cache
def eponyms() -> frozenset[str]:
    return _words_file("eponyms.txt")


_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’/\-]*")
_STRONG_CUE = re.compile(
    r"(?:\b(?:dear|hi|hello|hey|mr|mrs|ms|miss|mx|patient|name|son|daughter|wife|husband|"
    r"mother|father)\b[.:,]?\s*)$",
    re.I,
)
_HEADER = re.compile(r"(?:^|[\n.;]\s*|\s{2,})$")
_EPONYM_TAIL = re.compile(
    r"^(?:'s|’s|')?\s*(?:disease|syndrome|score|criteria|rule|sign|test|maneuver|manoeuvre|"
    r"reflex|palsy|scale|classification|fracture|procedure|phenomenon|disorder|day|jr\.?\s+day|"
    r"law|equation|formula|catheter|line|stain|position|tumou?r|lymphoma|triad|ulcer|risk|"
    r"study|model|method)\b",
    re.I,
)
_RELATIVE_DAY = re.compile(
    r"^(?:today|tonight|tomorrow|yesterday|this\s+(?:morning|afternoon|evening)|overnight|"
    r"midnight|noon|now)$",
    re.I,
)
_CLOCK = re.compile(r"^\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?$|^\d{1,2}:\d{2}$", re.I)
# Ventilator, infusion and lab context right before a number string.
_MEASURE_BEFORE = re.compile(
    r"(?:\b(?:psv|ps|peep|cpap|bipap|ipap|epap|simv|a/c|ac|ac/|vent|settings?|abg|vbg|gas|"
    r"svr|co/ci|ci|co|cvp|pap|pcw|pcwp|bp|sbp|dbp|map|hr|rr|vt|tv|gluc|glucose|fs|sats?|"
    r"o2|fio2|str|strength|range|ranges|between|k|na|bun|cr|hct|plt|wbc|inr|ptt)\b"
    r"[\s:=\-]*(?:of\s+|on\s+|at\s+|is\s+|was\s+)?)$",
    re.I,
)
_MEASURE_AFTER = re.compile(
    r"^\s*(?:%|cc|ml|mg|mcg|u\b|units|peep|ips|hr|hrs|l\b|liters?|mmhg|bpm|'s|s\b|/hr|x\d|fio2)",
    re.I,
)
_IDISH = frozenset(
    {
        "DATE",
        "DATE_OF_BIRTH",
        "PHONE_NUMBER",
        "FAX_NUMBER",
        "MEDICAL_RECORD_NUMBER",
        "ACCOUNT_NUMBER",
        "VEHICLE_ID",
        "DEVICE_ID",
        "HEALTH_PLAN_ID",
        "AGE_OVER_89",
    }
)
# Findings placed by structure (a facility known by name, the place after a street line), which
# the word-based guards below must not second-guess.
_STRUCTURAL = (
    ":known",
    ":saint",
    ":moved_to",
    ":after_street",
    ":territory",
    ":place_cue",
    ":initial",
    ":pager",
)
_NAMEISH = frozenset({"PERSON", "LOCATION", "STREET_ADDRESS", "FACILITY", "PROVIDER_NAME"})
# Measurement units and bedside devices that never sit inside a street address.
_UNIT_WORDS = words(
    "mcg mg kg ml cc mm cm mmhg bpm units meq mmol gtt gtts mic mics foley picc ett ngt "
    "catheter cath liq"
)
_AMBIGUOUS_CREDENTIAL = frozenset({"pa", "pt", "np", "ho", "rt", "ot", "st", "dc"})
_FUNCTION_WORDS = words(
    "which is in on at the and to of with for was were are be by as if but or not no"
)


def _all_safe(words: Sequence[str], everyday: frozenset[str]) -> bool:
    vocab = clinical_vocab()
    return bool(words) and all(w in vocab or w in everyday for w in words)


def is_safe(text: str, f: Finding, everyday: frozenset[str] = frozenset()) -> bool:
    """Is this finding clinical writing rather than an identifier?"""
    value = text[f.start : f.end]
    before = text[max(0, f.start - 40) : f.start]
    after = text[f.end : f.end + 25]
    if f.type in _NAMEISH:
        if _STRONG_CUE.search(before) or f.source.endswith(_STRUCTURAL):
            return False  # a cue, or a facility known by name
        words = [w.lower().strip("'’") for w in _WORD.findall(value)]
        if f.type == "PROVIDER_NAME":
            rest = [w for w in words if w not in _AMBIGUOUS_CREDENTIAL]
            # "PA line", "fem PA", "PT states"
            return len(rest) < len(words) and _all_safe(rest, everyday)
        vocab = clinical_vocab()
        if words and all(w in vocab for w in words):
            return True
        shouting = _shouting(text)
        if (
            value.isupper()
            and words
            and all(w in vocab or w in eponyms() or w in everyday for w in words)
            and not any(w in _first_names() for w in words)
        ):
            return True  # "HICKMAN CATH PLACEMENT", "FOLEY DRAINING"
        if (
            shouting
            and f.type == "PERSON"
            and f.source.startswith("PatientNameRecognizer")
            and f.source.split(":", 1)[-1] in _GUESSES
        ):
            return True  # a note in capitals: name pairs and NER guesses are noise
        # a section header: capitals and a colon at the start of a line or sentence
        if value.isupper() and after.startswith(":") and _HEADER.search(before):
            return True
        if (
            words
            and all(w in eponyms() for w in words)
            and (_EPONYM_TAIL.search(after) or len(words) > 1)
        ):
            return True
        if f.type == "STREET_ADDRESS" and (
            any(w in _UNIT_WORDS for w in words)
            or (value.isupper() and any(w in _FUNCTION_WORDS for w in words))
        ):
            return True  # "8 MCG. BP", "3 WAY FOLEY IN PLACE", "98 SYS WHICH IS"
        if f.type == "PERSON" and not f.source.endswith(":cue"):
            from models import lexicons

            lex = lexicons.load()
            known = any(w in lex.first_names or w in lex.surnames for w in words)
            if value.isupper() and len(value) > 1 and not known:
                return True  # shouted note words the name lists do not know ("OOB", "PERL")
        # a shouted note: capitals that are all everyday or clinical words
        if value.isupper() and everyday and _all_safe(words, everyday):
            from models import lexicons

            firsts = lexicons.load().first_names
            return not any(w in firsts for w in words)  # "JASMINE SUN" stays a name
        return False
    if f.type in _IDISH:
        if f.type in ("DATE", "DATE_OF_BIRTH") and (
            _RELATIVE_DAY.match(value.strip()) or _CLOCK.match(value.strip())
        ):
            return True
        numeric = re.sub(r"(?<=\d)[xX](?=\d)", "", value)  # "600x12": vent rate x volume
        if not any(ch.isalpha() for ch in numeric) or f.type == "VEHICLE_ID":
            if _MEASURE_BEFORE.search(before.lower()[-14:]) and f.type != "DATE_OF_BIRTH":
                return (
                    "/" in value
                    or "-" in value
                    or "x" in value.lower()
                    or f.type in ("VEHICLE_ID", "PHONE_NUMBER")
                )
            if _MEASURE_AFTER.match(after):
                return True
        if f.type == "VEHICLE_ID":
            first = re.split(r"[\s\-/:=]+", value.strip(), maxsplit=1)[0].lower()
            return first in clinical_vocab()  # "ABG-119", "CT 150K", "SVR 903"
    return False


# Name rules that guess from word shapes and the NER, not from a cue; in capitals they misfire.
_GUESSES = frozenset(
    {
        "full_name",
        "given_name",
        "name_pair_in_context",
        "spacy",
        "unknown_full_name",
        "upper_full_name",
        "person_verb",
        "possessive_unknown",
        "weak_cue",
        "weak_cue_ambiguous",
        "glued",
    }
)


@cache
def _first_names() -> frozenset[str]:
    from models import lexicons

    return frozenset(lexicons.load().first_names)


@lru_cache(maxsize=16)  # asked once per finding of the same text: once per text (issue #18)
def _shouting(text: str) -> bool:
    """Is most of this text written in capitals (a note typed with caps lock)?"""
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    return len(letters) > 40 and sum(ch.isupper() for ch in letters) > 0.6 * len(letters)


def drop_safe(text: str, findings: list[Finding]) -> list[Finding]:
    from models import lexicons
    from models.overscrub_queries import drop_safe_in_question

    everyday = lexicons.load().everyday_words
    return drop_safe_in_question(text, [f for f in findings if not is_safe(text, f, everyday)])
