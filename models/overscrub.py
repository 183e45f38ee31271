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
    r"^\s*(?:%|cc|ml|mg|mcg|u\b|units|peep|ips|hr|hrs|l\b|liters?|mmhg|bpm|'s|s\b(?!/)|/hr|x\d|"
    r"fio2)",
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
    # models.recognizers.notes: a name placed by a note's own layout
    ":signature",
    ":before_label",
    ":relative_list",
    ":cue_glued",
    ":relative_lower",
    ":doctors",
    ":doctor",
    ":family_name",
    ":from_service",
    ":near_family_lower",
    ":tail_any_case",
    ":employer",
    ":university_of",
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
        if (
            f.type in ("DATE", "DATE_OF_BIRTH")
            and (_RELATIVE_DAY.match(value.strip()) or _CLOCK.match(value.strip()))
            and not f.source.endswith(":apostrophe_year")  # "'07 PTCA": a year, not 7 o'clock
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
    note = clinical_note(text)
    kept = [
        f
        for f in findings
        if not is_safe(text, f, everyday)
        and not (
            note
            and (
                note_guess(text, f, everyday)
                or vent_setting(text, f)
                or note_number(text, f, everyday)
            )
        )
        and not url_cut_short(text, f)
    ]
    if note:
        # A note's "from X" is where the patient came from, not a source it cites; a name placed
        # by the note's own layout ("Lopie Certusi cell# ...") is not an eponym ("Hurthle cell").
        from models.overscrub_queries import is_eponym

        return [f for f in kept if f.source.endswith(_STRUCTURAL) or not is_eponym(text, f)]
    return drop_safe_in_question(text, kept)


_AGE_AFTER = re.compile(r"\s*(?:y/?o\b|yo\b|yrs?\b|years?\b|-?year)", re.I)
_READING_BEFORE = re.compile(
    r"\b(?:sats?|spo2|o2|sbp|dbp|map|hr|rr|bp|bun|cr|glu\w*|temp|tmax|was|now|are|is|to)\b"
    r"[\s:=]*$",
    re.I,
)
_RANGE = re.compile(r"^\d{1,4}(?:\.\d+)?\s*-\s*\d{1,4}(?:\.\d+)?\s*[a-z]{0,4}$", re.I)


def note_number(text: str, f: Finding, everyday: frozenset[str]) -> bool:
    """In a clinical note, numbers that are readings, not identifiers: a plate-shaped pair with
    a word or a bare number ("373 NEG", "CMV 600", "WAS 102", "2004") and a range of one or two
    to four digits ("500-1000CC", "1900-0700", "900-1300")."""
    value = text[f.start : f.end].strip()
    if f.type == "VEHICLE_ID":
        parts = re.split(r"[\s\-]+", value.lower())
        return all(
            p.isdigit() or p in everyday or p in clinical_vocab() or len(p) <= 3 for p in parts
        )
    if f.type == "AGE_OVER_89":
        # "sats are 97-100%", "SBP NOW 117-132", "BUN 105(103)": a reading, not an age
        after = text[f.end : f.end + 12]
        return not _AGE_AFTER.match(after) and (
            re.match(r"\s*[-–(]\s*\d", after) is not None
            or re.match(r"\s*\)", after) is not None
            or _READING_BEFORE.search(text[max(0, f.start - 16) : f.start]) is not None
        )
    if f.type in ("MEDICAL_RECORD_NUMBER", "ACCOUNT_NUMBER", "DEVICE_ID") and _RANGE.match(value):
        return True
    return f.type in ("ACCOUNT_NUMBER", "DEVICE_ID") and "peep" in value.lower()


def url_cut_short(text: str, f: Finding) -> bool:
    """A bare domain that a letter continues ("level.continue", "COMMANDS.COOPERATIVE"): two
    words joined by a missing space, not a web address."""
    if f.type != "URL" or f.end >= len(text) or not text[f.end].isalpha():
        return False
    return "://" not in text[f.start : f.end] and not text[f.start : f.end].lower().startswith(
        "www"
    )


# ------------------------------------------------------------------ clinical notes
# A nurse's or therapist's note: long, full of shorthand, often typed in capitals. There a
# capitalised word is as likely to be "Sputum", "Neo" or "WEANED" as a name, and "x/y" after a
# ventilator word is a setting. The guards below apply only to such texts.
_NOTE_MIN_CHARS = 150
_NOTE_MIN_VOCAB = 3
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'/\-]*")


@lru_cache(maxsize=64)
def clinical_note(text: str) -> bool:
    """Is ``text`` clinical writing (a nursing or progress note), not a message to a person?
    At least :data:`_NOTE_MIN_CHARS` characters with :data:`_NOTE_MIN_VOCAB` distinct words of
    clinical shorthand (``clinical_vocab.txt``)."""
    if len(text) < _NOTE_MIN_CHARS:
        return False
    vocab = clinical_vocab()
    seen: set[str] = set()
    for m in _TOKEN.finditer(text[:4000]):
        low = m.group().lower().strip("'")
        if len(low) > 1 and low in vocab:  # a unit letter ("g", "l") says nothing
            seen.add(low)
            if len(seen) >= _NOTE_MIN_VOCAB:
                return True
    return False


# Placements that rest on a cue word or a title: kept unless the word itself is shorthand.
_PROTECTING = re.compile(
    r"(?:\b(?:son|sons|daughter|daughters|dtr|wife|husband|mother|father|mom|dad|brother|"
    r"sister|niece|nephew|aunt|uncle|cousin|grandson|granddaughter|girlfriend|boyfriend|"
    r"friend|fiance|fiancee|spouse|partner|caregiver|proxy|guardian|rabbi|chaplain|pastor|"
    r"priest|caseworker|dr|doctor|drs)\b['’]?[.,]?|\b(?:mr|mrs|ms|miss)\b\.?)[ \t]*$",
    re.I,
)
_LINE_START = re.compile(r"(?:^|[\n.!?:;]|\s{2,})[\s\-*]*$")


def _explained(word: str, raw: str, shouting: bool, everyday: frozenset[str]) -> bool:
    """Is this word of a note known writing rather than a name? Clinical shorthand, a clinical
    term of the lexicons, a typo of an everyday word that is no given name ("neice",
    "attemt"), or, where case says nothing (a note in capitals, a word in lower case), an
    everyday word."""
    from models import lexicons

    lex = lexicons.load()
    if word in clinical_vocab() or word in eponyms():
        return True
    if lex.categories(word) - {lexicons.CITY}:
        return True
    if (shouting or raw.islower()) and word in everyday:
        return True
    if (
        raw.islower()
        and word not in lex.first_names
        and (word in lex.common_words or len(word) <= 4)
    ):
        return True  # "pulling", "leaks"; truncations "hosp", "poss", "dopp"
    return word not in lex.first_names and word not in lex.common_words and lex.near_common(word)


def note_guess(text: str, f: Finding, everyday: frozenset[str]) -> bool:
    """In a clinical note, is this PERSON finding a guess the note's own words explain?

    * a placement without a family, title or honorific cue (a preposition, "patient", a
      section header "MS:", the statistical NER, an initial + word) whose first word, or any
      word of a longer run, is shorthand, a clinical term or a typo ("FOR SUBTHERAPUTIC PTT",
      "WITH LITTLE EFFECT", "O. SEE CAREVUE", "90'S. LAST ABG");
    * a one-word NER or given-name guess at the start of a line or sentence that no name list
      knows ("Sputum cx sent", "Sxnd x3");
    * after a family cue or title, only shorthand and clinical terms ("WIFE STATES" stays
      a guess the names package makes; "son John" is kept).
    """
    if f.type != "PERSON" or f.source.endswith(_STRUCTURAL):
        return False
    from models import lexicons

    lex = lexicons.load()
    value = text[f.start : f.end]
    raws = [w.strip("'’.-") for w in _WORD.findall(value)]
    raws = [w for w in raws if w]
    if not raws:
        return False
    lows = [w.lower() for w in raws]
    before = text[max(0, f.start - 30) : f.start]
    shouting = _shouting(text)
    if len(lows) > 1 and lows[-1] in _FUNCTION_WORDS:
        return True  # "PETER IN": a run that ran on into the text (the cue's own finding stays)
    rule = f.source.split(":", 1)[-1]
    if rule == "initial" and len(raws) > 1:
        # "90'S. LAST ABG", "O. SEE CAREVUE": the word after the letter decides
        return _explained(lows[1], raws[1], shouting, everyday) or lows[1] in lex.everyday_words
    if re.search(r"\b(?:patient|pt)\.?[ \t]*$", before, re.I):
        # "PATIENT UNRESPONSIVE", "pt began": in a note "patient" is the subject of a verb
        return (
            lows[0] not in lex.first_names
            and lows[0] not in lex.surnames
            or _explained(lows[0], raws[0], shouting, everyday)
        )
    if _PROTECTING.search(before) and not re.search(
        r"\b(?:ms|mr|mrs)[ \t]*[:\-][ \t]*$", before, re.I
    ):
        vocab = clinical_vocab()
        if lows[0] in vocab or lex.categories(lows[0]) - {lexicons.CITY}:
            return True
        # "WIFE AGRESS THAT", "SON PRESNT TILL": a typo of a word, not a given name (after
        # an honorific or a title the word is a surname, whatever it resembles)
        titled = re.search(r"\b(?:mr|mrs|ms|miss|dr|doctor|drs)\b['’.]?[ \t]*$", before, re.I)
        return (
            not titled
            and lows[0] not in lex.first_names
            and (lows[0] not in lex.common_words and lex.near_common(lows[0]))
        )
    if _explained(lows[0], raws[0], shouting, everyday):
        return True
    if len(lows) > 1 and any(len(w) > 1 and w in clinical_vocab() for w in lows):
        return True  # "HICKMAN CATH PLACEMENT"
    return (
        len(lows) == 1
        and rule in ("spacy", "given_name", "propagated")
        and lows[0] not in lex.first_names
        and lows[0] not in lex.surnames
        and _LINE_START.search(before) is not None
    )


_VENT_BEFORE = re.compile(
    r"\b(?:psv?|peep|cpap|bipap|ips|ipap|epap|simv|a/c|ac|flowby|flow-by|settings?)\b", re.I
)
_FRACTION_AFTER = re.compile(
    r"^\s*(?:ns\b|normal\s+saline|str\b|strength|hours?\b|hrs?\b|pain\b|tabs?\b|amp\b)", re.I
)
_SMALL_PAIR = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def vent_setting(text: str, f: Finding) -> bool:
    """In a clinical note, is this date-shaped "x/y" a ventilator setting ("PS 10/5", "tried on
    5/5 today" after a vent word), a fraction ("1/2 NS", "3/4 str") or a pain score ("c/o 3/10
    pain")?"""
    if f.type not in ("DATE", "APPOINTMENT_DATETIME", "DATE_OF_BIRTH"):
        return False
    m = _SMALL_PAIR.match(text[f.start : f.end].strip())
    if not m:
        return False
    a, b = int(m.group(1)), int(m.group(2))
    if a > 25 or b > 25:
        return False
    after = text[f.end : f.end + 20]
    if _FRACTION_AFTER.match(after) or (
        b == 10 and re.search(r"\bc/o\s*$|pain", text[max(0, f.start - 12) : f.end + 12], re.I)
    ):
        return True
    return _VENT_BEFORE.search(text[max(0, f.start - 30) : f.start]) is not None
