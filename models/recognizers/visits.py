"""Who, where and when in a question about one patient: the shapes clinical search queries use.

A clinician asking about "a 70yo, Tom B., seen at Cedar Crest on Feb 21" names the patient by a
given name and an initial, the place by whatever it is called, and the visit by its date. The
rules here know those shapes rather than the values:

* **a given name and an initial** — "Tom B.", "Mr. James T.": a word the given-name lists
  know, then one capital and a full stop; a title and an initial alone ("Dr. A.");
* **the place a patient was seen** — after a visit verb ("seen at", "treated at",
  "admitted to", "presented to", "followed at") or before the visit's date ("at X on
  Feb 21"), a capitalised run that is not a known safe word is the facility (or the city);
* **a city before a facility word** — "our Chicago clinic", "the Dallas facility", "NYC
  office": the city is the office's place, smaller than a state;
* **a weekday or month named as a past visit** — "last Friday", "this past December".

Each family module adds its recognizers from here (``names``: names; ``location``: places;
``dates``: dates), so every type is still declared by one module.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import DATE, FACILITY, LOCATION, PERSON, PROVIDER_NAME, STREET_ADDRESS
from models.overscrub import clinical_vocab
from models.recognizers.base import (
    REGEX_TIMEOUT,
    US_STATE_CODES,
    DetectionTimeout,
    LexiconRecognizer,
)
from models.recognizers.context import MONTHS, OURS, STOP, WEEKDAYS
from models.recognizers.vocab import COUNTRIES, words

# ----------------------------------------------------------------------------- names
# "Tom B.", "Mary-Jo K.": a capitalised word, one capital, a full stop, then no letter.
GIVEN_INITIAL = regex.compile(
    r"(?<![\w.\-])(?P<v>(?P<given>\p{Lu}[\p{Ll}'’\-]+)[ \t]+\p{Lu})\.(?![\w])", regex.VERSION1
)
# "Dr. A.", "Mr. T." with no surname after it.
TITLE_INITIAL = regex.compile(
    r"(?<![\w])(?P<v>(?P<t>Dr|Doctor|Mr|Mrs|Ms|Mx|Prof)\.?[ \t]+(?P<i>\p{Lu}))\."
    r"(?![\w]|[ \t]*\p{Lu}[\p{Ll}'’\-])",
    regex.VERSION1,
)
# Given names that are also words which take a letter after them ("Ward B.", "Case A.").
_LETTERED = words("ward wing case page bay pod tower star grade major will may")
_PROVIDER_TITLES = frozenset({"dr", "doctor", "prof"})


# "pt J.S.", "patient initials R.T.", "Name: M.K.L.": dotted initials after a patient cue.
CUED_INITIALS = regex.compile(
    r"(?i:\b(?:pt|patient|initials|name|named|mr|mrs|ms|miss|client|child|baby|son|daughter|"
    r"wife|husband|mother|father)\.?[ \t]*[:\-]?[ \t]+)(?P<v>(?-i:\p{Lu}\.[ \t]?){1,2}\p{Lu}\.?)"
    r"(?![\w])",
    regex.VERSION1,
)


def given_initial_names(text: str) -> list[tuple[str, int, int, str]]:
    """(type, start, end, rule) of each "Given I." and "Title I." in ``text``."""
    lex = lexicons.load()
    out: list[tuple[str, int, int, str]] = []
    for m in GIVEN_INITIAL.finditer(text, timeout=REGEX_TIMEOUT):
        low = m.group("given").lower()
        if (
            low not in lex.first_names
            or low in STOP
            or low in MONTHS
            or low in WEEKDAYS
            or low in _LETTERED
            or low in clinical_vocab()
            or lex.categories(low) - {lexicons.CITY}
        ):
            continue
        out.append((PERSON.name, m.start("v"), m.end("v"), "given_initial"))
    for m in CUED_INITIALS.finditer(text, timeout=REGEX_TIMEOUT):
        out.append((PERSON.name, m.start("v"), m.end("v"), "initial"))  # structural
    for m in TITLE_INITIAL.finditer(text, timeout=REGEX_TIMEOUT):
        title = m.group("t").lower()
        if title in _PROVIDER_TITLES:
            out.append((PROVIDER_NAME.name, m.start("v"), m.end("v"), "title_initial"))
        else:
            out.append((PERSON.name, m.start("i"), m.end("i"), "title_initial"))
    return out


class GivenInitialRecognizer(LexiconRecognizer):
    """PERSON / PROVIDER_NAME: a given name and an initial, or a title and an initial."""

    def __init__(self) -> None:
        super().__init__("GivenInitialRecognizer", [PERSON.name, PROVIDER_NAME.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON.name not in entities and PROVIDER_NAME.name not in entities:
            return []
        try:
            found = given_initial_names(text)
        except TimeoutError as exc:
            raise DetectionTimeout("initial name pattern timed out") from exc
        return [self.result(t, s, e, 0.88, rule) for t, s, e, rule in found if t in entities]


# ----------------------------------------------------------------------------- places
_STATE_CODES = frozenset(US_STATE_CODES)
# A word of a place's name: "Mt.", "St.", "Vincent's", "UW", "Med.", "Women’s", "Sinai".
_PLACE_WORD = r"\p{Lu}[\p{L}\p{M}'’\-]*\.?"
_PLACE_RUN = (
    r"(?P<v>"
    + _PLACE_WORD
    + r"(?:[ \t]+(?:(?:&|and|of|for|de|la)[ \t]+)?"
    + _PLACE_WORD
    + r"){0,4})"
)
_VISIT_VERB = (
    r"seen|treated|evaluated|assessed|examined|followed|hospitali[sz]ed|operated(?:[ \t]+on)?|"
    r"presented|presenting|reviewed|diagnosed|tested|managed|visited|visiting|consulted|"
    r"checked[ \t]+in|admitted|readmitted|referred|ref'?d|transferred|discharged|attended|"
    r"attending|registered|scanned|imaged|delivered|born|cared[ \t]+for|monitored|screened|"
    r"vaccinated|hospitalization|admission|visit|appointment|appt|follow[\-\s]?up|f/u|"
    r"surgery|procedure|inpatient|outpatient|worked[ \t]+up"
)
VISIT_AT = regex.compile(
    r"(?i:\b(?:"
    + _VISIT_VERB
    + r")[ \t]+(?:up[ \t]+)?(?:at|to|in|from)[ \t]+(?:the[ \t]+)?)"
    + _PLACE_RUN,
    regex.VERSION1,
)
# "at Cedar Crest on Feb 21", "at Baylor, 07/15/2022": a place right before the visit's date.
_DATE_AHEAD = (
    r"(?:,?[ \t]+(?i:on|in|dated|during|since|until|till|through|from)[ \t]+(?:the[ \t]+)?|"
    r",[ \t]*|[ \t]+(?=\d{1,2}/\d))"
    r"(?:\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|last|this|early|late|mid))"
)
AT_BEFORE_DATE = regex.compile(
    r"(?i:\b(?:at|to|from)[ \t]+(?:the[ \t]+)?)" + _PLACE_RUN + r"(?=" + _DATE_AHEAD + r")",
    regex.VERSION1,
)
# "at the Downtown Clinic", "in City Hospital", "from County General": after a place word, a
# capitalised run ending in a facility word is a facility, even when its other words are
# everyday ones.
AT_NAMED_FACILITY = regex.compile(
    r"(?i:\b(?:at|in|from|to)[ \t]+(?:the[ \t]+)?)(?P<v>(?:\p{Lu}[\p{L}'’\-]*\.?[ \t]+){1,3}"
    r"(?:Clinic|Hospital|Medical(?:[ \t]+Cent(?:er|re))?|Health[ \t]+Cent(?:er|re)|Infirmary|"
    r"General|Memorial|Children['’]s|Institute|Pediatrics|Urgent[ \t]+Care|Healthcare|"
    r"Cancer[ \t]+Cent(?:er|re)))(?![\w])",
    regex.VERSION1,
)
# "our Chicago clinic", "the Dallas downtown office", "NYC facility", "the Milwaukee area".
_FACILITY_NOUN = (
    r"(?:clinics?|offices?|facility|facilities|hospital|center|centre|branch|location|site|"
    r"campus|practice|ER|ED|urgent[ \t]+care|satellite|area|metro|region|suburbs?)\b"
)
CITY_BEFORE_NOUN = regex.compile(
    # words at most 40 characters: unbounded, every letter after an apostrophe in a long run
    # ("A'" * 800) started a scan to its end (quadratic, past the regex timeout; issue #18)
    r"(?<![\w\-])(?P<v>\p{Lu}[\p{L}\p{M}'’\-]{0,39}(?:[ \t]+\p{Lu}[\p{L}\p{M}'’\-]{0,39}){0,2})"
    r"(?=[ \t]+(?:(?i:downtown|uptown|midtown|main|north|south|east|west|central)[ \t]+)?"
    r"(?i:" + _FACILITY_NOUN + r"))",
    regex.VERSION1,
)
# Short names of large cities, used without a cue ("pt is Jack W. from NYC").
CITY_NICKNAMES = regex.compile(
    r"(?<![\w\-])(?P<v>NYC|N\.Y\.C\.|San[ \t]+Fran|Philly|NOLA|Chi-?town)(?![\w\-])",
    regex.VERSION1,
)
# "New York, NY", "Washington, DC", "Indiana, PA": a state's name before a state code is a town.
STATE_NAMED_TOWN = regex.compile(
    r"(?<![\w\-])(?P<v>\p{Lu}[\p{Ll}]+(?:[ \t]+\p{Lu}[\p{Ll}]+)?),[ \t]*\p{Lu}{2}(?![\w])",
    regex.VERSION1,
)
# "from Elm Street, Denver": a street named without its number, then a known city.
STREET_THEN_CITY = regex.compile(
    r"(?<![\w\-])(?P<street>\p{Lu}[\p{L}'’\-]*(?:[ \t]+\p{Lu}[\p{L}'’\-]*)?[ \t]+"
    r"(?:Street|Avenue|Road|Lane|Drive|Boulevard|Blvd\.?|Ave\.?|Rd\.?|Ln\.?|St\.))"
    r"[ \t]*,[ \t]*(?P<city>\p{Lu}[\p{L}'’\-]*(?:[ \t]+\p{Lu}[\p{L}'’\-]*)?)",
    regex.VERSION1,
)
# Cities spelled like a state ("our New York office"): a city before a facility word.
_CITY_LIKE_STATES = frozenset({"new york", "washington"})
# Words a visit may be "at" that are not a place's name.
_NOT_PLACE = words(
    "home work school church the a an our their his her my this that same another outside "
    "hospital clinic center centre office facility er ed icu ccu or pacu ward unit floor room "
    "bed rehab hospice snf ltac least risk baseline rest night day noon midnight age birth "
    "time times admission discharge presentation diagnosis onset follow-up followup f/u pcp "
    "primary urgent emergency telehealth telemedicine virtual video phone clinic's"
)
_TAILS = words(
    "hospital clinic center centre medical med med. ctr ctr. memorial general health "
    "healthcare institute institution infirmary"
)


def _safe_word(word: str, lex: lexicons.Lexicon) -> bool:
    low = word.lower().strip(".,'’")
    return (
        not low
        or low in STOP
        or low in MONTHS
        or low in WEEKDAYS
        or low in COUNTRIES
        or low in lex.state_names
        or low in _NOT_PLACE
        or low in clinical_vocab()
        or bool(lex.categories(low) - {lexicons.CITY})
    )


_ABBREVIATION = regex.compile(r"(?:Mt|St|Ft|Med|Ctr|Jr|Hosp|Univ)\.")
_TITLE_WORD = regex.compile(r"\p{Lu}[\p{Ll}'’]")


def _place_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The run cut at a sentence's end and trimmed of trailing connectors; None if nothing is
    left, the run starts with a safe word (a month, a department, "Home") or does not start
    like a name (a capital, then small letters: notes typed in capitals are not read here)."""
    lex = lexicons.load()
    ws = list(regex.finditer(r"\S+", text[start:end]))
    for k, w in enumerate(ws):
        if w.group().endswith(".") and not _ABBREVIATION.fullmatch(w.group()):
            del ws[k + 1 :]  # "… to AC. Plan to keep": the run ends with its sentence
            break
    if not ws or not _TITLE_WORD.match(ws[0].group()):
        return None
    while ws and ws[-1].group().lower() in ("&", "and", "of", "for", "de", "la"):
        ws.pop()
    if not ws or _safe_word(ws[0].group(), lex):
        return None
    if len(ws) == 1 and ws[0].group().lower().strip(".,") in _TAILS:
        return None  # "at Hospital": no name in it ("General Hospital" is one)
    s, e = start + ws[0].start(), start + ws[-1].end()
    while e > s and text[e - 1] in ".,;:":
        if text[e - 1] == "." and regex.search(r"(?:^|[ \t])(?:Mt|St|Ft|Med|Ctr|Jr)\.$", text[s:e]):
            break  # "Mt.", "St.", "Med.": the full stop belongs to the abbreviation
        e -= 1
    return (s, e) if e > s else None


def _place_type(value: str, lex: lexicons.Lexicon) -> str:
    return LOCATION.name if value.lower() in lex.cities else FACILITY.name


def visit_places(text: str) -> list[tuple[str, int, int, str]]:
    """(type, start, end, rule) of each place a patient was seen, and each city before a
    facility word."""
    lex = lexicons.load()
    out: list[tuple[str, int, int, str]] = []
    for rule, pattern in (
        ("visit_at", VISIT_AT),
        ("at_before_date", AT_BEFORE_DATE),
        ("at_named_facility", AT_NAMED_FACILITY),
    ):
        for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
            span = _place_span(text, *m.span("v"))
            if span is not None:
                out.append((_place_type(text[span[0] : span[1]], lex), *span, rule))
    for m in CITY_BEFORE_NOUN.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT):
        value = m.group("v")
        low = value.lower()
        if low in lex.cities or low in _CITY_LIKE_STATES or CITY_NICKNAMES.fullmatch(value):
            out.append((LOCATION.name, *m.span("v"), "city_before_facility"))
    for m in CITY_NICKNAMES.finditer(text, timeout=REGEX_TIMEOUT):
        out.append((LOCATION.name, *m.span("v"), "city_nickname"))
    for m in STATE_NAMED_TOWN.finditer(text, timeout=REGEX_TIMEOUT):
        code = text[m.end() - 2 : m.end()]
        if m.group("v").lower() in lex.state_names and code in _STATE_CODES:
            out.append((LOCATION.name, *m.span("v"), "state_named_town"))
    for m in STREET_THEN_CITY.finditer(text, timeout=REGEX_TIMEOUT):
        if OURS.search(text[max(0, m.start() - 40) : m.start()]):
            continue  # "our office on Main Street, Springfield": the organisation's own
        if m.group("city").lower() in lex.cities and not _safe_word(m.group("street"), lex):
            out.append((STREET_ADDRESS.name, *m.span("street"), "street_then_city"))
            out.append((LOCATION.name, *m.span("city"), "street_then_city"))
    return out


class VisitPlaceRecognizer(LexiconRecognizer):
    """FACILITY / LOCATION: where a patient was seen; a city before a facility word."""

    def __init__(self) -> None:
        super().__init__(
            "VisitPlaceRecognizer", [FACILITY.name, LOCATION.name, STREET_ADDRESS.name]
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not {FACILITY.name, LOCATION.name, STREET_ADDRESS.name} & set(entities):
            return []
        try:
            found = visit_places(text)
        except TimeoutError as exc:
            raise DetectionTimeout("visit place pattern timed out") from exc
        return [self.result(t, s, e, 0.8, rule) for t, s, e, rule in found if t in entities]


# ----------------------------------------------------------------------------- dates
# "last Friday", "this past December": one day or month of the patient's, named as past.
PAST_NAMED = regex.compile(
    r"(?i:\b(?:last|this[ \t]+past|past)[ \t]+)(?P<v>(?i:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|"
    r"october|november|december)|(?-i:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|"
    r"Jul|Aug|Sept?|Oct|Nov|Dec)\.?)(?![\w])",
    regex.VERSION1,
)


class PastNamedDateRecognizer(LexiconRecognizer):
    """DATE: a weekday or month named as a past one ("seen last Friday")."""

    def __init__(self) -> None:
        super().__init__("PastNamedDateRecognizer", [DATE.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if DATE.name not in entities:
            return []
        try:
            found = list(PAST_NAMED.finditer(text, timeout=REGEX_TIMEOUT))
        except TimeoutError as exc:
            raise DetectionTimeout("past date pattern timed out") from exc
        return [self.result(DATE.name, m.start(), m.end(), 0.7, "past_named") for m in found]
