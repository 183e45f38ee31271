"""Places below state level: street addresses, cities, ZIP codes, and facility names.

Street addresses are a house number, one to four name words and a street suffix, optionally with
a unit; "City, ST 12345" marks both the city and the ZIP; other cities come from the US gazetteer
lexicon (multi-word names, or single names that are not everyday words or people's names, or any
gazetteer city after "in/from/near/lives in"). States may stay (Safe Harbor keeps them).
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import FACILITY, LOCATION, STREET_ADDRESS, ZIP_CODE
from models.recognizers.base import (
    US_STATE_CODES,
    LexiconRecognizer,
    Rule,
    RuleRecognizer,
    before,
)

ENTITIES = (STREET_ADDRESS, LOCATION, ZIP_CODE, FACILITY)

_SUFFIX = (
    r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|way|court|ct|place|pl|"
    r"terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|loop|alley|aly|path|"
    r"pike|crossing|xing|plaza|plz|row|walk|point|pt|ridge|rdg|heights|hts|park|run|bend|cove|"
    r"creek|crescent|cres|expressway|expy|freeway|fwy|turnpike|tpke|route|rte|grove|hollow|"
    r"landing|meadow|meadows|pass|station|summit|view|vista|village|isle|manor|mews|green|glen|"
    r"wharf|pier|quay|harbor|harbour|causeway|esplanade|commons|knoll|hill|hills|bluff|"
    r"orchard|gardens|brook)"
)
_UNIT = r"(?:apt|apartment|suite|ste|unit|rm|room|fl|floor|bldg|building|lot|trlr|#)\.?\s*#?\s*[A-Z0-9](?:[A-Z0-9\-]{0,5})"  # noqa: E501
_STRONG_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|parkway|pkwy|"
    r"highway|hwy|terrace|circle|place)"
)
_CAP_WORD = r"(?:[A-Z0-9][A-Za-z0-9'\-]*\.?)"
_ANY_WORD = r"(?:[A-Za-z0-9][A-Za-z0-9'\-]*\.?)"
_DIRECTION = r"(?:(?:[NSEW]|north|south|east|west|ne|nw|se|sw)\.?\s+)?"
_NUMBER = r"\d{1,6}[A-Z]?(?:-\d{1,4})?\s+"
_AFTER = r"\b\.?(?:\s+(?:[NSEW]|NE|NW|SE|SW)\b\.?)?(?:,?\s*(?i:" + _UNIT + r"))?)(?![\w])"
# Capitalised street names may end in any suffix; lower-case ones only in an unmistakable one.
STREET = (
    r"(?<![\w\-/.])(?P<v>"
    + _NUMBER
    + r"(?i:"
    + _DIRECTION
    + r")(?:"
    + _CAP_WORD
    + r"\s+){0,3}?"
    + _CAP_WORD
    + r"\s+(?i:"
    + _SUFFIX
    + r")"
    + _AFTER
)
STREET_LOWER = (
    r"(?<![\w\-/.])(?P<v>"
    + _NUMBER
    + r"(?i:"
    + _DIRECTION
    + r"(?:"
    + _ANY_WORD
    + r"\s+){0,2}?"
    + _ANY_WORD
    + r"\s+"
    + _STRONG_SUFFIX
    + r")"
    + _AFTER
)
PO_BOX = r"\b(?P<v>p\.?\s?o\.?\s+box\s+\d{1,6})\b"

_STATE_CODES = US_STATE_CODES
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming|Puerto Rico"
)
_STATE = r"(?:" + "|".join(_STATE_CODES) + r"|" + _STATE_NAMES + r")"
_CITY_WORD = r"(?:(?:St|Ft|Mt)\.?|[A-Z][a-z]+(?:['\-][A-Za-z]+)?|[A-Z]{2,})"
CITY_STATE = (
    r"(?<![A-Za-z])(?P<city>"
    + _CITY_WORD
    + r"(?:[ \t]"
    + _CITY_WORD
    + r"){0,2})(?:,\s*(?P<state>"
    + _STATE
    + r")\b\.?(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?|\s+(?P<state2>"
    + "|".join(_STATE_CODES)
    + r")\s+(?P<zip2>\d{5}(?:-\d{4})?))(?!\w)"
)
# "Toledo 95957" after a street line: a gazetteer city (or any name right after an address
# line) followed by a ZIP.
CITY_ZIP = (
    r"(?<![A-Za-z])(?P<city>" + _CITY_WORD + r"(?:[ \t]" + _CITY_WORD + r"){0,2}),?\s+"
    r"(?P<zip>\d{5}(?:-\d{4})?)(?![\w\-])"
)
ZIP_PLUS4 = r"(?<![\w\-])(?P<v>\d{5}-\d{4})(?![\w\-])"
ZIP_CUED = r"\b(?:zip|zip\s*code|zipcode|postal\s+code)\W{0,4}(?P<v>\d{5}(?:-\d{4})?)(?!\w)"
# A ZIP right after a street line: "75 Juniper Street, Apt. 12 83937".
ZIP_AFTER_STREET = (
    r"(?i:\b" + _SUFFIX + r"|" + _UNIT + r")\.?,?[ \t]+(?P<v>\d{5}(?:-\d{4})?)(?![\w\-])"
)
ZIP_AFTER_STATE = r"\b" + _STATE + r"\.?,?\s+(?P<v>\d{5}(?:-\d{4})?)(?!\w)"

_FACILITY_TAIL = (
    r"(?:Hospital|Medical\s+Cent(?:er|re)|Health\s+Cent(?:er|re)|Health\s+System|Healthcare|"
    r"Health\s+Care|Medical\s+Group|Medical\s+Associates|Nursing\s+(?:Home|Center|Facility)|"
    r"Rehabilitation\s+(?:Center|Hospital)|Rehab\s+Center|Hospice|Urgent\s+Care|"
    r"Surg(?:ery|ical)\s+Center|Infirmary|Care\s+Center|Assisted\s+Living|Senior\s+Living|"
    r"Memory\s+Care|Clinic|Medical\s+Clinic|Family\s+Practice|Pediatrics|Health|Pharmacy|"
    r"Laborator(?:y|ies)|Imaging(?:\s+Center)?|Cancer\s+(?:Center|Institute)|Children'?s\s+Hospital|"
    r"Behavioral\s+Health|Treatment\s+Center|Recovery\s+Center|Dialysis\s+Center|"
    r"Specialty\s+Care|Physicians|Medicine|Skilled\s+Nursing(?:\s+(?:Facility|Center|Home))?|"
    r"Long[- ]Term\s+Care|Adult\s+Day\s+(?:Care|Center)|Group\s+Home|Care\s+Home|Nursing)"
)
# A word is at most 40 characters: unbounded, a long run of capitals ("MRN" * 530) made every
# capital a start scanning to the run's end (quadratic; issue #18). No name word is longer.
_PROPER = r"(?:St\.|Saint|Mt\.|[A-Z][A-Za-z'\-&]{1,39}|[A-Z]\.)"
FACILITY_PATTERN = (
    r"(?P<v>(?:"
    + _PROPER
    + r"\s+){1,4}(?:of\s+(?:the\s+)?(?:"
    + _PROPER
    + r"\s+){1,3})?"
    + _FACILITY_TAIL
    + r"(?:\s+(?:of|at)\s+(?:"
    + _PROPER
    + r"(?:\s+|(?=\W|$))){1,3})?)(?!\w)"
)
# Words that start sentences or name generic services, never the proper part of a facility name.
_FACILITY_STOP = frozenset(
    [
        "please",
        "call",
        "visit",
        "your",
        "our",
        "the",
        "at",
        "to",
        "from",
        "reminder",
        "welcome",
        "thank",
        "thanks",
        "you",
        "with",
        "hi",
        "hello",
        "dear",
        "in",
        "a",
        "an",
        "this",
        "is",
        "on",
        "for",
        "and",
        "of",
        "we",
        "new",
        "go",
        "come",
        "see",
        "contact",
        "text",
        "reply",
        "by",
        "via",
        "near",
    ]
)
_GENERIC_FACILITY = frozenset(
    [
        "family",
        "primary",
        "general",
        "community",
        "local",
        "main",
        "our",
        "your",
        "the",
        "urgent",
        "walk-in",
        "same-day",
        "medical",
        "health",
        "care",
        "clinic",
        "center",
        "pediatrics",
        "medicine",
    ]
)


_OWN_PREMISES = regex.compile(
    r"\b(?:our|the\s+clinic'?s?|we\s+are|we're|located)\s+(?:[\w\-]+\s+){0,3}"
    r"(?:office|clinic|location|building|campus|pharmacy|at|in)?\W{0,3}$",
    regex.IGNORECASE,
)


def _street(m: regex.Match[str], text: str) -> float | None:
    """The organisation's own premises ("our Eastside office, 1200 Commerce Pkwy") may stay."""
    if _OWN_PREMISES.search(text, max(0, m.start() - 40), m.start()):
        return None
    return 0.85


def _facility(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    words = m.group("v").split()
    while words and words[0].lower().rstrip(".,") in _FACILITY_STOP:
        words.pop(0)
    proper = [w for w in words if w.lower().strip(".,'s") not in _GENERIC_FACILITY]
    lex = lexicons.load()
    if not proper or all(
        w.lower() in lex.common_words
        and w.lower() not in lex.cities
        and w.lower() not in lex.surnames
        for w in proper
    ):
        return None
    return FACILITY.name, 0.8


class FacilityRecognizer(RuleRecognizer):
    """Facility names; trims sentence words ("Please call") off the front of the match."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for r in super().analyze(text, entities, nlp_artifacts):
            span = text[r.start : r.end]
            offset = 0
            for word in span.split():
                if word.lower().rstrip(".,") not in _FACILITY_STOP:
                    break
                offset = span.index(word, offset) + len(word)
            while offset < len(span) and span[offset].isspace():
                offset += 1
            r.start += offset
            if r.entity_type == FACILITY.name:
                town = _TOWN_AFTER.match(text, r.end)
                if town is not None and LOCATION.name in entities and _town_ok(town.group("t")):
                    out.append(
                        self.result(
                            LOCATION.name, town.start("t"), town.end("t"), 0.75, "facility_town"
                        )
                    )
            out.append(r)
        return out


# "Maple Terrace Assisted Living, Dunmore." — the town a facility is in, after a comma and
# before the clause ends (or a state code / ZIP).
_TOWN_AFTER = regex.compile(
    r",[ \t]*(?P<t>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)(?=[ \t]*(?:[.;:!?)\n]|$|,?[ \t]*"
    r"(?:[A-Z]{2}\b|\d{5})))"
)


def _town_ok(town: str) -> bool:
    lex = lexicons.load()
    low = town.lower()
    if low in lex.state_names or low.split()[0] in _FACILITY_STOP:
        return False
    if low in lex.cities:
        return True
    return all(w not in lex.common_words and w not in lex.everyday_words for w in low.split())


def _city_zip(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    city = m.group("city")
    lex = lexicons.load()
    if city.lower() in lex.state_names or city.split()[0].lower() in _FACILITY_STOP:
        return None
    if city in _STATE_CODES:
        return None  # "Brackenridge, PA 15014": the state before the ZIP may stay
    after_address = regex.search(
        r"(?i:" + _SUFFIX + r"|" + _UNIT + r")\.?\s*[,\n]\s*$",
        text[max(0, m.start() - 40) : m.start()],
    )
    if city.lower() in lex.cities or after_address:
        return LOCATION.name, 0.85
    return None


_CREDENTIAL_STATES = frozenset({"IN", "OR", "ME", "OK", "HI", "PA", "MD", "DO", "DE", "CO", "MA"})


def _city_state(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    city = m.group("city")
    lex = lexicons.load()
    first = city.split()[0].lower()
    if first in _FACILITY_STOP or city.lower() in lex.state_names:
        return None
    credential_like = m.group("state") in _CREDENTIAL_STATES
    if (
        credential_like
        and city.lower() not in lex.cities
        and not m.group("zip")
        and any(w.lower() in lex.surnames or w.lower() in lex.first_names for w in city.split())
    ):
        return None  # "Smith, MD", "Jones, PA": credentials look like state codes
    return LOCATION.name, 0.85


class CityStateRecognizer(RuleRecognizer):
    """ "City, ST 12345": the city as LOCATION, the ZIP as ZIP_CODE (the state may stay)."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for r in super().analyze(text, [LOCATION.name], nlp_artifacts):
            m = regex.match(CITY_STATE, text[r.start :]) or regex.match(CITY_ZIP, text[r.start :])
            if m is None:
                continue
            if LOCATION.name in entities:
                out.append(
                    self.result(LOCATION.name, r.start, r.start + m.end("city"), 0.85, "city_state")
                )
            zip_group = next(
                (g for g in ("zip", "zip2") if g in m.re.groupindex and m.group(g)), None
            )
            if zip_group and ZIP_CODE.name in entities:
                out.append(
                    self.result(
                        ZIP_CODE.name,
                        r.start + m.start(zip_group),
                        r.start + m.end(zip_group),
                        0.9,
                        "city_state_zip",
                    )
                )
        return out


STRONG_PLACE_CUE = regex.compile(
    r"\b(?:moved|moving|relocated|relocating|lives|living|live|still|located|based|resides|"
    r"residing)\s+(?:back\s+)?(?:to|in|near)\s*$",
    regex.IGNORECASE,
)
LOCATION_CUE = regex.compile(
    r"\b(?:in|from|to|near|at|of|lives?|living|moved|visiting|located|outside|downtown|"
    r"resident|residing|stays?|staying|home)\s*$",
    regex.IGNORECASE,
)


class CityRecognizer(LexiconRecognizer):
    """Gazetteer cities: spelled like a place name and either unambiguous or after a place cue."""

    reads_ner = True  # run again with spaCy's entities when the detector needs them

    def __init__(self) -> None:
        super().__init__("CityRecognizer", [LOCATION.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if LOCATION.name not in entities:
            return []
        lex = lexicons.load()
        words, hits = lexicons.analyse(text)
        gpe = _spacy_spans(nlp_artifacts, ("GPE", "LOC"))
        out = []
        for h in hits:
            if h.category != lexicons.CITY:
                continue
            span_words = words[h.first : h.last]
            name = text[h.start : h.end].lower()
            lower = not all(w.text[0].isupper() for w in span_words if w.lower not in ("de", "la"))
            # "r u still in tulsa?": a lower-case city needs a place cue and must not be an
            # everyday word ("mobile").
            if (
                lower
                and not STRONG_PLACE_CUE.search(before(text, h.start, 30))
                and (
                    not LOCATION_CUE.search(before(text, h.start, 20))
                    or any(w.lower in lex.everyday_words for w in span_words)
                )
            ):
                continue
            if name in lex.state_names:
                continue
            single = len(span_words) == 1
            ambiguous = single and (
                name in lex.common_words or name in lex.first_names or name in lex.surnames
            )
            cue = LOCATION_CUE.search(before(text, h.start, 20))
            in_gpe = (h.start, h.end) in gpe
            if not ambiguous:
                score = 0.8 if (cue or in_gpe or not single) else 0.6
            elif in_gpe and cue:
                score = 0.6
            elif cue and name not in lex.everyday_words and name not in lex.first_names:
                score = 0.75  # "relocated to Albuquerque": a surname too, but after a place cue
            elif STRONG_PLACE_CUE.search(before(text, h.start, 30)):
                score = 0.75  # "moved to Savannah", "still in mobile": whatever else it means
            else:
                continue
            out.append(self.result(LOCATION.name, h.start, h.end, score, "gazetteer"))
        return out


def _spacy_spans(
    nlp_artifacts: NlpArtifacts | None, labels: tuple[str, ...]
) -> set[tuple[int, int]]:
    if nlp_artifacts is None or not nlp_artifacts.entities:
        return set()
    return {(e.start_char, e.end_char) for e in nlp_artifacts.entities if e.label_ in labels}


def recognizers() -> list[EntityRecognizer]:
    street = RuleRecognizer(
        "StreetAddressRecognizer",
        [STREET_ADDRESS.name],
        [
            Rule("street", STREET, 0.85, _street, flags=0),
            Rule("street_lower", STREET_LOWER, 0.8, _street, flags=0),
            Rule("po_box", PO_BOX, 0.85),
        ],
    )
    zips = RuleRecognizer(
        "ZipRecognizer",
        [ZIP_CODE.name],
        [
            Rule("zip4", ZIP_PLUS4, 0.8),
            Rule("zip_cue", ZIP_CUED, 0.9),
            Rule("zip_state", ZIP_AFTER_STATE, 0.9, flags=0, require=r"\d{5}"),
            Rule("zip_street", ZIP_AFTER_STREET, 0.85, flags=0, require=r"\d{5}"),
        ],
    )
    city_state = CityStateRecognizer(
        "CityStateRecognizer",
        [LOCATION.name, ZIP_CODE.name],
        [
            Rule("city_state", CITY_STATE, 0.85, _city_state, flags=0),
            Rule("city_zip", CITY_ZIP, 0.85, _city_zip, flags=0, require=r"\d{5}"),
        ],
    )
    facility = FacilityRecognizer(
        "FacilityRecognizer",
        [FACILITY.name, LOCATION.name],
        [Rule("facility", FACILITY_PATTERN, 0.8, _facility, flags=0)],
    )
    from models.recognizers.context import ContextAddressRecognizer, ContextFacilityRecognizer
    from models.recognizers.notes import NoteFacilityRecognizer
    from models.recognizers.visits import VisitPlaceRecognizer

    return [
        *[street, zips, city_state, CityRecognizer(), facility],
        ContextAddressRecognizer(),
        ContextFacilityRecognizer(),
        NoteFacilityRecognizer(),
        VisitPlaceRecognizer(),
    ]
