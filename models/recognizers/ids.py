"""Numbers that identify a person or their records: SSN, MRN, plan, account, licence, vehicle,
device.

Most of these are only recognisable by the words in front of them ("MRN", "member ID", "VIN"), so
each type is a cue pattern followed by an identifier; identifiers with a check digit (NPI, DEA,
VIN, card numbers) are also recognised without a cue when the check digit is right.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from models.entities import (
    ACCOUNT_NUMBER,
    DEVICE_ID,
    HEALTH_PLAN_ID,
    LICENSE_NUMBER,
    MEDICAL_RECORD_NUMBER,
    US_SSN,
    VEHICLE_ID,
)
from models.recognizers.base import Rule, RuleRecognizer, before, luhn_ok, only_digits

ENTITIES = (
    US_SSN,
    MEDICAL_RECORD_NUMBER,
    HEALTH_PLAN_ID,
    ACCOUNT_NUMBER,
    LICENSE_NUMBER,
    VEHICLE_ID,
    DEVICE_ID,
)

# Between a cue and its identifier: "#", "no.", "number", "ID", ":", "is", dashes.
_GLUE = r"(?:\s*(?:\#|no\.?|num(?:ber)?\.?|nbr|id|is|was|of|it|on\s+file|:|-|=|\?|,)\s*){0,4}\s*"
# An identifier: letters, digits and inner dashes/spaces-between-digit-groups, with a digit in it.
_ID = r"(?P<v>(?=[A-Z0-9\-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])|\s(?=\d)(?<=\d\s)){3,24})"
# ... ending at a word boundary so "12345abc" is never half-taken.
_END = r"(?![A-Z0-9])"

CUES: dict[str, str] = {
    MEDICAL_RECORD_NUMBER.name: (
        r"\b(?:mrn|mr(?=\s*\#|\s+[A-Z]?\-?\d)|medical\s+record|med\s*rec|record|chart|"
        r"patient\s+(?:id|number|no)|pt\s+id|"
        r"hospital\s+(?:id|number)|case\s+number|encounter)"
    ),
    HEALTH_PLAN_ID.name: (
        r"\b(?:member(?:ship)?|subscriber|policy|insurance|ins\b|insurer|plan|group|medicare|medicaid|"
        r"beneficiary|hicn|mbi|benefits?|coverage|health\s+plan|bcbs|aetna|cigna|humana|"
        r"united\s*healthcare|kaiser|anthem)(?:\s+(?:card|plan|policy|member))?"
    ),
    ACCOUNT_NUMBER.name: (
        r"\b(?:account|acct|a/c|billing|invoice|statement|claim|card\s+ending(?:\s+in)?|cuenta|"
        r"card|routing|iban|bank|balance\s+on|payment\s+ref(?:erence)?|ref(?:erence)?)"
    ),
    LICENSE_NUMBER.name: (
        r"\b(?:licen[cs]e(?!\s+plate)|lic\.?|driver'?s?\s+licen[cs]e|dl|certificate|cert\.?|"
        r"npi|dea|registration|permit|passport|state\s+id|id\s+card)"
    ),
    VEHICLE_ID.name: (
        r"\b(?:vin|vehicle\s+(?:id|identification)|licen[cs]e\s+plate|plate|tag|car)"
    ),
    DEVICE_ID.name: (
        r"\b(?:serial|serail|seiral|s/n|sn|dev|device|imei|udi|meid|pacemaker|implant|pump|"
        r"transmitter|sensor|concentrator|glucometer|meter|oximeter|nebulizer|wheelchair|"
        r"monitor|cgm|"
        r"hearing\s+aid|defibrillator|icd|cpap|model)"
    ),
}


def _cued(entity: str) -> Rule:
    loose = entity in (DEVICE_ID.name, VEHICLE_ID.name, LICENSE_NUMBER.name)

    def check(m: regex.Match[str], text: str) -> float | None:
        value = m.group("v")
        digits = sum(ch.isdigit() for ch in value)
        # Serials and plates may have a single digit ("G7JKAR"); record numbers have more.
        if digits < (1 if loose else 3) or len(value.replace(" ", "")) < (5 if loose else 4):
            return None
        if entity == ACCOUNT_NUMBER.name and len(value.replace(" ", "")) < 5:
            return None  # "card ending in 4471": four digits identify no one
        if entity == VEHICLE_ID.name and "plate" not in m.group().lower() and len(value) == 17:
            return 0.9
        if regex.fullmatch(r"\d{1,2}[/\-]\d{1,2}[/\-]\d{2,4}", value):
            return None  # a date after "record from"
        return 0.85

    pattern = CUES[entity] + _GLUE + _ID + _END
    return Rule(f"cue_{entity.lower()}", pattern, 0.85, check, entity=entity)


SSN_DASHED = r"(?<![\w\-.])(?P<v>\d{3}([\- .])\d{2}([\- .])\d{4})(?![\w\-]|\.\d)"
SSN_BARE = r"(?<![\w\-])(?P<v>\d{9})(?![\w\-])"
SSN_CUE = regex.compile(r"\b(?:ssn|ss#|ss\s*no|social|social\s+security|soc\s+sec|ss)\b")


def _ssn_valid(digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _ssn_dashed(m: regex.Match[str], text: str) -> float | None:
    digits = only_digits(m.group("v"))
    cue = SSN_CUE.search(before(text, m.start(), 30))
    if cue:
        return 0.95
    if m.group(2) != m.group(3):
        return None  # "912-34 5678": mixed separators are an SSN only after an SSN cue
    # A well-formed group is an SSN even with test-range numbers; a phone cue says otherwise.
    if regex.search(r"\b(?:call|phone|fax|text|tel)\b", before(text, m.start(), 20)):
        return None
    return 0.85 if _ssn_valid(digits) else 0.6


def _ssn_bare(m: regex.Match[str], text: str) -> float | None:
    if SSN_CUE.search(before(text, m.start(), 30)):
        return 0.9
    return None


def _verhoeff_free_npi(m: regex.Match[str], text: str) -> float | None:
    digits = m.group("v")
    if not luhn_ok("80840" + digits):
        return None
    return 0.9 if "npi" in before(text, m.start(), 30) else 0.55


def _dea(m: regex.Match[str], text: str) -> float | None:
    v = m.group("v").upper()
    d = [int(c) for c in v[2:]]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    if check != d[6]:
        return 0.85 if "dea" in before(text, m.start(), 30) else None
    return 0.9


_VIN_MAP = {
    **{str(i): i for i in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMNPR", (1, 2, 3, 4, 5, 7, 9), strict=True)),
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_ok(vin: str) -> bool:
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _VIN_MAP for c in vin):
        return False
    total = sum(_VIN_MAP[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    expected = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == expected


def _vin(m: regex.Match[str], text: str) -> float | None:
    v = m.group("v")
    digits = sum(c.isdigit() for c in v)
    cued = m.re.pattern.startswith(r"\bvin")
    if not cued and (digits < 3 or digits > 14):
        return None
    if vin_check_ok(v):
        return 0.9
    if m.re.pattern.startswith(r"\bvin") or regex.search(
        r"\b(?:vin|vehicle)\b", before(text, m.start(), 30)
    ):
        return 0.85
    # 17 characters from the VIN alphabet, letters and digits mixed: nothing else looks so.
    return 0.6


# Licence plates: a vehicle cue in front, or a plate shape that is hard to mistake.
# Short words a plate never starts with ("parking is 5TRX 882", "ride to 12th St").
_FUNCTION_WORD = (
    r"(?:is|to|at|in|on|by|my|of|for|the|and|was|are|it|its|be|as|or|no|so|we|us|our|your|ur|"
    r"you|u|rm|ste|apt|unit|lot|bay|row|spot|level|lvl|fl|floor|gate|door|exit|st|ave|rd)"
)
# The cue may be mistyped ("platte", "plat") or a ride ("driver in platte asu 7746", "uber
# 8KLM 220"); the plate may mix digits and letters either side of the space ("5TRX 882").
PLATE_CUE = (
    r"\b(?:plat{1,2}e?s?|palte|licen[cs]e\s+plat{1,2}e|tag|car|van|truck|suv|sedan|vehicle|"
    r"parked|parking|driver|ride|uber|lyft|taxi|cab)\b"
    r"[^\n.?!]{0,25}?(?<![\w\-'’])(?!" + _FUNCTION_WORD + r"[ \-])(?P<v>"
    r"(?=[A-Z]{0,4}[ \-]?[A-Z]{0,4}\d[A-Z]{0,4}[ \-]?[A-Z]{0,4}\d)"
    r"[A-Z0-9]{2,4}[ \-]?[A-Z0-9]{2,4})(?![\w\-])"
)
PLATE_SHAPES = [
    r"(?<![\w\-])(?P<v>\d[A-Za-z]{3}\d{3})(?![\w\-])",  # 7ABC123 (California style)
    r"(?<![\w\-/])(?P<v>[A-Z]{3}[ \-]?\d{3,4}|\d{3}[ \-][A-Z]{3})(?![\w\-])",
    # rAnDoM case letters ("770 tET", "aSu 7746"): typed to dodge a filter, never a word
    r"(?<![\w\-/])(?P<v>[A-Za-z]{3}[ \-]?\d{3,4}|\d{3}[ \-][A-Za-z]{3})(?![\w\-])",
]
_NOT_PLATE = frozenset(
    [
        "apt",
        "ste",
        "box",
        "ext",
        "rm",
        "fl",
        "bldg",
        "lot",
        "dec",
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "mg",
        "ml",
        "mcg",
        "iu",
        "am",
        "pm",
        "est",
        "pst",
        "cst",
        "mst",
        "edt",
        "pdt",
        "hrs",
        "min",
        "sec",
        "usd",
        "npi",
        "dea",
        "mrn",
        "ssn",
        "dob",
        "vin",
        "acct",
        "icd",
        "cpt",
        "ndc",
        "pin",
        "opt",
        "the",
        "and",
        "for",
        "you",
        "st",
        "nd",
        "rd",
        "th",
        "hwy",
        "rte",
        "ave",
    ]
)


def _plate(m: regex.Match[str], text: str) -> float | None:
    v = m.group("v")
    letters = "".join(c for c in v if c.isalpha()).lower()
    digits = sum(c.isdigit() for c in v)
    if digits < 2 or len(letters) < 2 or letters in _NOT_PLATE:
        return None
    chunks = regex.split(r"[ \-]|(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z])(?=\d)", v.lower())
    if any(c.isalpha() and c in _NOT_PLATE for c in chunks):
        return None  # "Rm 204B", "12th"
    if m.re.pattern == PLATE_CUE:
        return 0.8
    if m.re.pattern == _RANDOM_CASE_SHAPE:
        raw = "".join(c for c in v if c.isalpha())
        if raw.isupper() or raw.islower() or (raw[0].isupper() and raw[1:].islower()):
            return None  # only letters in a case no word is written in
    return 0.6


_RANDOM_CASE_SHAPE = PLATE_SHAPES[2]
_PLATE_CUE_WORDS = frozenset(
    [
        "plate",
        "plates",
        "platte",
        "plat",
        "palte",
        "tag",
        "car",
        "van",
        "truck",
        "suv",
        "sedan",
        "vehicle",
        "parked",
        "parking",
        "driver",
        "ride",
        "uber",
        "lyft",
        "taxi",
        "cab",
    ]
)


# Anything that looks like an identifier (7+ digits, maybe with letters and separators) that no
# labelled rule claimed: redacted rather than guessed at.
UNLABELLED_ID = (
    r"(?<![\w\-/.$])(?<!\(\d{3}\)\s?)(?<!\d[ .])(?P<v>[A-Z]{0,3}\-?\d[\d\-]{5,}\d[A-Z]{0,2}"
    r"|\d{3}\s\d{4,}|\d{3,4}(?:\s\d{3,4}){2})"
    r"(?![\w/]|-\d|\.\d)"
)


def _unlabelled(m: regex.Match[str], text: str) -> float | None:
    v = m.group("v")
    digits = only_digits(v)
    if len(digits) < 7 or len(set(digits)) == 1:
        return None
    if regex.fullmatch(r"(?:19|20)\d{2}-\d{2}-\d{2}", v):
        return None  # a date
    return 0.4


def _card(m: regex.Match[str], text: str) -> float | None:
    digits = only_digits(m.group("v"))
    if not 13 <= len(digits) <= 19 or not luhn_ok(digits) or len(set(digits)) == 1:
        return None
    return 0.85


def recognizers() -> list[EntityRecognizer]:
    ssn = RuleRecognizer(
        "SsnRecognizer",
        [US_SSN.name],
        [Rule("dashed", SSN_DASHED, 0.85, _ssn_dashed), Rule("bare", SSN_BARE, 0.9, _ssn_bare)],
    )
    cued = RuleRecognizer(
        "CuedIdRecognizer",
        [
            MEDICAL_RECORD_NUMBER.name,
            HEALTH_PLAN_ID.name,
            ACCOUNT_NUMBER.name,
            LICENSE_NUMBER.name,
            VEHICLE_ID.name,
            DEVICE_ID.name,
        ],
        [_cued(e) for e in CUES],
    )
    checked = RuleRecognizer(
        "CheckDigitIdRecognizer",
        [LICENSE_NUMBER.name, VEHICLE_ID.name, ACCOUNT_NUMBER.name],
        [
            Rule(
                "npi",
                r"(?<![\w\-])(?P<v>[12]\d{9})(?![\w\-])",
                0.55,
                _verhoeff_free_npi,
                entity=LICENSE_NUMBER.name,
            ),
            Rule(
                "dea",
                r"(?<![\w\-])(?P<v>[A-Z][A-Z9]\d{7})(?![\w\-])",
                0.9,
                _dea,
                entity=LICENSE_NUMBER.name,
            ),
            Rule(
                "vin",
                r"(?<![\w\-])(?P<v>[A-HJ-NPR-Z0-9]{17})(?![\w\-])",
                0.9,
                _vin,
                entity=VEHICLE_ID.name,
            ),
            Rule(
                "vin_cued",
                r"\bvin\W{0,4}(?P<v>[A-HJ-NPR-Z0-9]{17})(?![\w\-])",
                0.9,
                _vin,
                entity=VEHICLE_ID.name,
            ),
            Rule(
                "card",
                r"(?<![\w\-])(?P<v>\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7})(?![\w\-])",
                0.85,
                _card,
                entity=ACCOUNT_NUMBER.name,
            ),
        ],
    )
    plates = RuleRecognizer(
        "PlateRecognizer",
        [VEHICLE_ID.name],
        [
            Rule(
                "plate_cue",
                PLATE_CUE,
                0.8,
                _plate,
                trigger=_PLATE_CUE_WORDS,
            )
        ]
        + [
            Rule(f"plate_shape{i}", p, 0.6, _plate, flags=0, require=r"\d\d\d" if i == 2 else None)
            for i, p in enumerate(PLATE_SHAPES)
        ],
    )
    unlabelled = RuleRecognizer(
        "UnlabelledIdRecognizer",
        [MEDICAL_RECORD_NUMBER.name],
        [Rule("unlabelled", UNLABELLED_ID, 0.4, _unlabelled)],
    )
    from models.recognizers import ids_labelled

    return [ssn, cued, checked, plates, unlabelled, *ids_labelled.recognizers()]
