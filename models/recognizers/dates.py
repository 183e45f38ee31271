"""Dates tied to a person (birth, admission, discharge, death, tests) versus appointment times.

One recognizer finds every date/time expression and types it by the nearest cue in front of it
(same clause): birth cues → DATE_OF_BIRTH; admission, discharge, death, test or visit-in-the-past
cues → DATE; appointment cues, or a clock time with no other cue → APPOINTMENT_DATETIME (which the
policy may let through, and which suppresses overlapping PHI findings). A full date with a year
long past and no cue is treated as a birth date: failing towards redaction.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import AGE_OVER_89, APPOINTMENT_DATETIME, DATE, DATE_OF_BIRTH
from models.lexicons import _within_one
from models.recognizers.base import Rule, RuleRecognizer


def _words(text: str) -> list[str]:
    return text.split()


ENTITIES = (DATE_OF_BIRTH, DATE, APPOINTMENT_DATETIME, AGE_OVER_89)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_FULL = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WEEKDAY = r"(?:" + _WEEKDAY_FULL + r"|(?:mon|tues|tue|weds|wed|thurs|thur|thu|fri|sat|sun)\.?)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
# A slash may have a stray space on one side ("1/3 /01"); a date typed with single spaces needs
# two-digit day and month and a four-digit year ("17 07 2001", "07 17 2001").
_SEP3 = r"(?:[/\-.]|[ \t]/|/[ \t])"
_NUMERIC = (
    r"(?:(?:0?[1-9]|1[0-2])"
    + _SEP3
    + r"(?:0?[1-9]|[12]\d|3[01])"
    + _SEP3
    + r"(?:(?:19|20)\d{2}|\d{2})"
    r"|(?:1[3-9]|2\d|3[01])" + _SEP3 + r"(?:0?[1-9]|1[0-2])" + _SEP3 + r"(?:(?:19|20)\d{2}|\d{2})"
    r"|(?:0[1-9]|[12]\d|3[01])[ \t](?:0[1-9]|1[0-2])[ \t](?:19|20)\d{2}"
    r"|(?:0[1-9]|1[0-2])[ \t](?:1[3-9]|2\d|3[01])[ \t](?:19|20)\d{2}"
    r"|(?:0?[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}[\-/. ](?:0?[1-9]|1[0-2])[\-/. ](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))"
)
_TEXTUAL = (
    r"(?:" + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?"
    r"|" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r")?"
    r"|"
    + _MONTH
    + r",?\s+"
    + _YEAR
    + r"|"
    + _DAY
    + r"[\-/.\s]"
    + _MONTH
    + r"[\-/.\s](?:"
    + _YEAR
    + r"|\d{2}))"
)
# Dates written in words: "the third of February, nineteen sixty-one", "March twenty-first".
_UNIT_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[ \t-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth)"
)
_TENS_WORD = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_YEAR_WORDS = (
    r"(?:(?:nineteen|twenty)[ \t-]+(?:"
    + _TENS_WORD
    + r"(?:[ \t-]+"
    + _UNIT_WORD
    + r")?|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|hundred|oh?[ \t-]+"
    + _UNIT_WORD
    + r")|two[ \t]+thousand(?:[ \t]+(?:and[ \t]+)?(?:"
    + _TENS_WORD
    + r"(?:[ \t-]+"
    + _UNIT_WORD
    + r")?|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|"
    + _UNIT_WORD
    + r"))?)"
)
_ANY_YEAR = r"(?:" + _YEAR + r"|" + _YEAR_WORDS + r")"
SPELLED_DATE = (
    r"(?<![\w])(?P<d>(?:the[ \t]+)?(?:"
    + _ORDINAL_WORD
    + r"|"
    + _DAY
    + r")[ \t]+(?:day[ \t]+)?of[ \t]+"
    + _MONTH
    + r"(?:,?[ \t]+(?:in[ \t]+)?"
    + _ANY_YEAR
    + r")?|(?:(?!may\b)"
    + _MONTH
    + r"|(?-i:May))[ \t]+(?:the[ \t]+)?(?:"
    + _ORDINAL_WORD
    + r"(?:,?[ \t]+"
    + _ANY_YEAR
    + r")?|"
    + _DAY
    + r",?[ \t]+"
    + _YEAR_WORDS
    + r"))(?![\w])"
)
_SPELLED_TRIGGER = frozenset(
    _words(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
        "thirtieth nineteen thousand"
    )
)

_TIME = (
    r"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?(?:[ap]\.?(?:m\.?)?))?|(?:1[0-2]|0?[1-9])\s?(?:[ap]\.?m\.?)"
    r"|(?:1[0-2]|0?[1-9])\s?o'?clock|noon|midnight)(?!\w)"
)
_RELATIVE = (
    r"(?:today|tomorrow|tmrw|tonight|this\s+(?:morning|afternoon|evening)|next\s+"
    + _WEEKDAY_FULL
    + r")"
)
# "Saturday the 20th": a weekday with the day of the month (the ordinal suffix is required).
_WEEKDAY_ORDINAL = _WEEKDAY + r",?\s+the\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"
_DAYPART = (
    r"(?:(?:"
    + _WEEKDAY
    + r",?\s+)?(?:"
    + _NUMERIC
    + r"|"
    + _TEXTUAL
    + r")|"
    + _WEEKDAY_ORDINAL
    + r"|"
    + _RELATIVE
    + r"|"
    + _WEEKDAY_FULL
    + r")"
)  # noqa: E501
_JOIN = r"(?:\s*(?:,|at|@|from|between|by|-|–)?\s*)"
DATETIME = (
    r"(?<![\w/.\-])(?:"
    r"(?P<d>" + _DAYPART + r")(?:" + _JOIN + r"(?P<t>" + _TIME + r"))?"
    r"|(?P<t2>" + _TIME + r")(?:\s*(?:on|,)?\s*(?P<d2>" + _DAYPART + r"))?"
    r")(?![\w/])"
)

DOB_CUE = r"\b(?:dob|d\.o\.b|date\s+of\s+birth|birth\s*date|birthdate|born|birthday|bday|b-day|b\.)"
DATE_CUE = (
    r"\b(?:admit(?:ted)?|admission|admissions|discharg\w*|d/c'?d|d/c|dc'd|passed|died|death|"
    r"deceased|expired|"
    r"collected|drawn|tested|test(?:s|ing)?|specimen|sample|results?|labs?|bloodwork|surgery|"
    r"operat\w*|procedure|diagnos\w*|seen|treated|visited|visit\s+on|er|ed|emergency|"
    r"hospitali[sz]ed|stay|injur\w*|accident|fell|fall|delivered|gave\s+birth|delivery|lmp|"
    r"period|onset|since|x-?ray|scan|mri|biopsy|vaccinat\w*|immuniz\w*|dose|shot|dispensed|"
    r"filled|prescribed|started|stopped|transfer(?:red)?|released|funeral|overdose|dod|doa|"
    r"date\s+of\s+(?:service|death|admission|discharge|injury)|dos|incident|exam(?:ined)?|"
    r"screening|screened|swab(?:bed)?|last\s+(?:seen|visit)|"
    r"for\s+(?:[\w'\-]+\s+){0,4}services?\s+(?:on|from)|services?\s+(?:rendered|provided|received)|"
    r"charges?\s+(?:on|from)|billed\s+(?:on|for))\b"
)
APPT_CUE = (
    r"\b(?:appointment|appt|appts|see\s+you|scheduled|schedule|reschedul\w*|booked|book|arrive|"
    r"arrival|check[- ]?in|reminder|remind\w*|upcoming|come\s+in|follow[- ]?up|telehealth|"
    r"video\s+visit|virtual\s+visit|visit\s+is|your\s+visit|next\s+visit|open|closed|close|"
    r"hours|office|call\s+(?:us|back)|available|availability|slot|session|class|confirm\w*|"
    r"cancel\w*|starts?|begins?|pick\s*up|ready|meeting|consult(?:ation)?|orientation|"
    r"pre-?op\s+call|see\s+u|w/|cita|mark\s+(?:your|ur)\s+calendar|"
    r"(?:mov(?:e|ed|ing)|switch(?:ed)?|chang(?:e|ed)|push(?:ed)?|bump(?:ed)?)\s+"
    r"(?:you|u|it|(?:your|ur)\s+\w+)\s+(?:up\s+|back\s+)?to)\b"
)


# Cue words as often mistyped ("vsit is", "apointment", "reschduled", "movved u to"): a word one
# typo away from one of these is read as it before the cues are looked for again.
_CUE_WORDS = frozenset(
    _words(
        "appointment appointments scheduled schedule rescheduled reschedule reminder visit arrive "
        "arrival upcoming telehealth confirmed confirm cancelled canceled consultation moved "
        "birthday birthdate admitted admission discharged collected surgery procedure"
    )
)
_CUE_LIST = tuple(sorted(_CUE_WORDS))
_TYPO_WORD = regex.compile(r"[a-z]{4,}", regex.IGNORECASE)
# Cues that date a past event even when the date is only a weekday ("seen in the ED Saturday").
STRONG_DATE_CUE = regex.compile(
    r"\b(?:admit(?:ted)?|admission|discharg\w*|d/c'?d|passed|died|death|deceased|expired|"
    r"collected|drawn|seen|treated|visited|hospitali[sz]ed|injur\w*|accident|fell|delivered|"
    r"gave\s+birth|onset|since|dispensed|last\s+filled|prescribed|started|stopped|transferred|"
    r"released|overdose|incident|swabbed|screened|(?:lab\s*work|results?|labs)\s+from)\b",
    regex.IGNORECASE,
)
CUES = regex.compile(
    r"(?P<dob>" + DOB_CUE + r")|(?P<date>" + DATE_CUE + r")|(?P<appt>" + APPT_CUE + r")",
    regex.IGNORECASE,
)
# A cue must be in the same clause: stop at sentence ends and semicolons (not "Dr. ").
CLAUSE_END = regex.compile(
    r"(?<!\b(?:dr|mr|mrs|ms|mx|st|jr|sr|vs|no|apt|ste|inc|[a-z]))[.!?;]\s|\n|\|", regex.IGNORECASE
)
_CLINICAL = frozenset({"procedure", "lab_test", "condition"})
_YEAR4 = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# Two-digit years only in three-part dates: "3/4/61", "25-Jul-26" (never "4/12" or "Jun 10").
_YEAR2 = regex.compile(
    r"(?:^|\s)\d{1,2}\s?[/\-.]\s?\d{1,2}\s?[/\-.]\s?(\d{2})$|(?:^|\s)\d{1,2}[\-/.][A-Za-z]{3,9}\.?[\-/.](\d{2})$"
)


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
} | {w: 10 * (i + 2) for i, w in enumerate(_TENS_WORD[3:-1].split("|"))}
_SPELLED_YEAR = regex.compile(_YEAR_WORDS + r"$", regex.IGNORECASE)


def _spelled_year(day: str) -> int | None:
    """ "nineteen sixty-one" → 1961, "two thousand and five" → 2005."""
    m = _SPELLED_YEAR.search(day)
    if m is None:
        return None
    words = regex.findall(r"[a-z]+", m.group().lower())
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_NUMBER_WORDS.get(w, 0) for w in words[2:])
    century = _NUMBER_WORDS[words[0]] * 100
    rest = words[1:]
    if rest == ["hundred"]:
        return century
    return century + sum(_NUMBER_WORDS.get(w, 0) for w in rest)


def _year(day: str) -> int | None:
    """The year of a date expression, if it has one ("3/4/61" → 1961; "3/4" → None)."""
    four = _YEAR4.search(day)
    if four is not None:
        return int(four.group())
    spelled = _spelled_year(day)
    if spelled is not None:
        return spelled
    two = _YEAR2.search(day.strip())
    if two is None:
        return None
    yy = int(two.group(1) or two.group(2))
    return 1900 + yy if yy > dt.date.today().year % 100 + 1 else 2000 + yy


# An admission, discharge or death named right after the date: "Friday discharge".
_EVENT_AFTER = regex.compile(
    r"[ \t]+(?:discharg\w*|admission|admit|d/c|death|funeral|transfer)\b", regex.IGNORECASE
)
# No calendar date: a weekday, a relative day, or a weekday with only the day of the month
# ("Saturday the 20th", the coming one).
_ONLY_WEEKDAY = regex.compile(
    r"(?:next\s+|this\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|tmrw|"
    r"tonight|this\s+(?:morning|afternoon|evening))|" + _WEEKDAY_ORDINAL,
    regex.IGNORECASE,
)


class PersonDateRecognizer(RuleRecognizer):
    """Date/time expressions; a sentence-final "pm." keeps its letters but not the full stop."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = super().analyze(text, entities, nlp_artifacts)
        for r in out:
            if text[r.end - 1] == "." and text[r.end - 3 : r.end - 1].lower() in ("am", "pm"):
                r.end -= 1
        return out


def _classify(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    start = m.start()
    window_start = max(0, start - 60)
    window = text[window_start:start]
    ends = list(CLAUSE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    cue = None
    for c in CUES.finditer(window):
        cue = c  # nearest cue before the date wins
    if cue is None:
        fixed = _fix_typos(window)
        if fixed is not None:
            for c in CUES.finditer(fixed):
                cue = c
    if cue is None:
        # "DOB" / "born" may also follow: "01/02/1950 (DOB)".
        tail = text[m.end() : m.end() + 12]
        follow = CUES.search(tail)
        if follow is not None and follow.lastgroup == "dob":
            cue = follow
    g = m.groupdict()
    has_time = bool(g.get("t") or g.get("t2"))
    has_day = bool(g.get("d") or g.get("d2"))
    kind = cue.lastgroup if cue is not None else None
    if not has_day:
        return APPOINTMENT_DATETIME.name, 0.6  # a clock time alone dates nothing
    if kind != "dob" and _EVENT_AFTER.match(text, m.end()):
        return DATE.name, 0.8  # "bed for Friday discharge": the date of a stay, not a visit
    day = g.get("d") or g.get("d2") or ""
    if _ONLY_WEEKDAY.fullmatch(day.strip()):
        if kind == "date" and STRONG_DATE_CUE.search(window):
            return DATE.name, 0.7  # "seen in the ED Saturday"
        return APPOINTMENT_DATETIME.name, 0.6  # "Monday", "tomorrow": no calendar date
    y = _year(day)
    if kind == "dob":
        return DATE_OF_BIRTH.name, 0.95
    if y is not None and kind != "date" and y <= dt.date.today().year - 10:
        return DATE_OF_BIRTH.name, 0.8  # decades ago: not an appointment, likely a birth date
    if kind == "date":
        return DATE.name, 0.85
    if kind == "appt":
        return APPOINTMENT_DATETIME.name, 0.9
    if has_time:
        return APPOINTMENT_DATETIME.name, 0.7
    # A procedure, test or condition named just before a bare date: the date it happened.
    offset = start - len(window)
    _, hits = lexicons.analyse(text)
    if any(h.category in _CLINICAL and offset <= h.start and h.end <= start for h in hits):
        return DATE.name, 0.75
    if y is not None:
        if y <= dt.date.today().year - 10:
            return DATE_OF_BIRTH.name, 0.7  # long ago, tied to a person: most likely a birth date
        if y < dt.date.today().year:
            return DATE.name, 0.6
    # A calendar date with no appointment cue and no clock time: in a sentence about the reader
    # ("your Oct 3 visit", "your balance is due Jan 15") a date in their record; in one about
    # the clinic ("the lobby reopens March 3", "World Kidney Day is March 13") an announcement.
    if _personal_sentence(text, start, m.end()):
        return DATE.name, 0.55
    return APPOINTMENT_DATETIME.name, 0.5


def _fix_typos(window: str) -> str | None:
    """The window with words one typo from a cue word spelled right; None if none were."""
    lex = lexicons.load()
    pieces: list[str] = []
    last = 0
    for w in _TYPO_WORD.finditer(window):
        low = w.group().lower()
        if low in _CUE_WORDS or low in lex.common_words:
            continue
        squeezed = _DOUBLED.sub(r"\1", low)
        fix = squeezed if squeezed in _CUE_WORDS else None
        if fix is None:
            fix = next((c for c in _CUE_LIST if _within_one(low, c)), None)
        if fix is not None:
            pieces += [window[last : w.start()], fix]
            last = w.end()
    if not pieces:
        return None
    return "".join(pieces) + window[last:]


_DOUBLED = regex.compile(r"(.)\1")


_PERSONAL = regex.compile(
    r"\b(?:you|your|ur|u|his|her|their|pt|patient|mr|mrs|ms|mx|su|sus|tu)\b", regex.IGNORECASE
)


_SENTENCE_ENDS = (". ", "! ", "? ", "\n", "|")


class _Sentences:
    """Where one text's sentences end, and which were read already: each date's sentence is
    found by bisection and read once, not searched for and read again per date (quadratic on
    a long text without a sentence end, issue #18)."""

    def __init__(self, text: str) -> None:
        # no separator can overlap itself, so every occurrence is found
        self.marks = [
            [m.start() for m in regex.finditer(regex.escape(c), text)] for c in _SENTENCE_ENDS
        ]
        self.personal: dict[tuple[int, int], bool] = {}

    def bounds(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The sentence (or line) around a span: as ``text.rfind`` / ``text.find`` of each end."""
        left = -1
        right = len(text)
        for c, marks in zip(_SENTENCE_ENDS, self.marks, strict=True):
            i = bisect_right(marks, start - len(c))  # the last one wholly before ``start``
            if i:
                left = max(left, marks[i - 1])
            j = bisect_left(marks, end)  # the first one at or after ``end``
            if j < len(marks):
                right = min(right, marks[j])
        return left + 1, right


@lru_cache(maxsize=8)
def _sentences(text: str) -> _Sentences:
    return _Sentences(text)


def _personal_sentence(text: str, start: int, end: int) -> bool:
    """Is the sentence around a span about a person (the reader, a patient)?"""
    found = _sentences(text)
    key = found.bounds(text, start, end)
    if key not in found.personal:
        found.personal[key] = _PERSONAL.search(text[key[0] : key[1]]) is not None
    return found.personal[key]


_AGE_NUM = r"(?P<v>(?:9\d|1[01]\d|120))"
AGE_PATTERNS = [
    _AGE_NUM + r"(?=\s*(?:-|\s)?\s*(?:years?|yrs?|y/?o|y\.o\.|year-old|yo)\b)",
    r"\b(?:age[ds]?|aged)\s*(?:of\s*|is\s*|:\s*)?" + _AGE_NUM + r"\b",
    r"\b(?:turn(?:s|ed|ing)?|is\s+now|celebrat\w+\s+(?:her|his|their))\s+" + _AGE_NUM + r"\b",
    _AGE_NUM + r"(?=(?:st|nd|rd|th)\s+birthday)",
    r"(?:\b(?:is|are|was|were|now|'re|’re)\s+)" + _AGE_NUM + r"(?![\w.,]\d)(?!\s*(?:%|\$|mg|mcg|ml|"
    r"units?|min|mins|minutes|hours?|hrs?|days?|lbs?|pounds|kg|degrees|°|mm|cm|bpm|percent|"
    r"dollars|cents|copies|cells|/))",
    r"\(" + _AGE_NUM + r"\)",
    r"(?<=\b[A-Z][a-z]+),\s" + _AGE_NUM + r"(?=,)",
    r"\b(?:ur|you're|youre|you\s+are|he's|she's|hes|shes|he\s+is|she\s+is)\s+"
    + _AGE_NUM
    + r"\b(?!\s*(?:%|mg|min|minutes|lbs?|pounds|dollars))",
    r"\b" + _AGE_NUM + r"(?=\s+and\s+counting\b)",
]


# Ages written in words: "(ninety-one)", "turns ninety-two", "a hundred and one year old".
_AGE_WORDS = (
    r"(?P<v>(?:ninety(?:[ \t-]+" + _UNIT_WORD + r")?|(?:one|a)[ \t]+hundred(?:[ \t]+(?:and[ \t]+)?"
    r"(?:"
    + _UNIT_WORD
    + r"|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|twenty))?))"
)
AGE_WORD_PATTERNS = [
    r"(?<![\w-])" + _AGE_WORDS + r"(?=[ \t-]*(?:years?|yrs?|y/?o|year-old)\b)",
    r"\b(?:aged?|turn(?:s|ed|ing)?|is\s+now|celebrat\w+\s+(?:her|his|their))[ \t]+"
    + _AGE_WORDS
    + r"(?![\w-])",
    r"\([ \t]*" + _AGE_WORDS + r"[ \t]*\)",
    r"\b(?:is|are|was|were|now|'re|’re|ur|you're|he's|she's)[ \t]+" + _AGE_WORDS + r"(?![\w-])"
    r"(?![ \t]*(?:%|percent|dollars|minutes|mins|pounds|lbs|degrees|days))",
]


_NOT_AGE_BEFORE = regex.compile(
    r"\b(?:score|level|levels|glucose|sugar|weight|temp|temperature|bp|pressure|rate|pulse|"
    r"balance|copay|total|amount|count|a1c|ldl|hdl|cholesterol|reading|number|room|suite|"
    r"result|saturation|o2|spo2|ox)\b[^.\n]{0,12}$",
    regex.IGNORECASE,
)


def _age(m: regex.Match[str], text: str) -> float | None:
    if _NOT_AGE_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
        return None  # "glucose is 95": a value, not an age
    return 0.9


def recognizers() -> list[EntityRecognizer]:
    dates = PersonDateRecognizer(
        "DateRecognizer",
        [APPOINTMENT_DATETIME.name, DATE_OF_BIRTH.name, DATE.name],
        [
            Rule(
                "datetime",
                DATETIME,
                0.7,
                _classify,
                require=r"\d|today|tomorrow|tonight|this\s|day\b|noon|midnight",
            )
        ],
    )
    spelled = PersonDateRecognizer(
        "SpelledDateRecognizer",
        [APPOINTMENT_DATETIME.name, DATE_OF_BIRTH.name, DATE.name],
        [Rule("spelled_date", SPELLED_DATE, 0.7, _classify, trigger=_SPELLED_TRIGGER)],
    )
    ages = RuleRecognizer(
        "AgeOver89Recognizer",
        [AGE_OVER_89.name],
        [
            Rule(f"age{i}", p, 0.9, _age, require=r"\b(?:9\d|1[01]\d|120)")
            for i, p in enumerate(AGE_PATTERNS)
        ]
        + [
            Rule(
                "age_words",
                "|".join(AGE_WORD_PATTERNS),
                0.85,
                _age,
                trigger=frozenset(["ninety", "hundred"]),
            )
        ],
    )
    from models.recognizers.context import ContextDateRecognizer
    from models.recognizers.notes import NoteDateRecognizer
    from models.recognizers.visits import PastNamedDateRecognizer

    return [
        *[dates, spelled, ages],
        ContextDateRecognizer(),
        NoteDateRecognizer(),
        PastNamedDateRecognizer(),
    ]
