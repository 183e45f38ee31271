"""Clinical detail a text gives away without a condition's name or a test's result.

* **A test or panel named alone** ("Your results are ready (urine drug screen)", "your PSA",
  "genetic test", "HbA1c"): which test someone had is clinical detail. Generic words ("labs",
  "blood work"), vital signs ("weight", "blood pressure"), imaging (a procedure, found elsewhere)
  and public-health broadcasts ("free cholesterol screenings", "flu season", "COVID vaccines")
  are not; an analyte that is also an everyday word ("iron", "glucose") needs the patient's
  possessive in front ("your glucose"), and a three-letter name must be written in capitals or
  after one ("PSA", "your psa"; never "PSA:" heading an announcement).
* **A result within its test's sentence**, even past a date: "Your CBC from 4/15/25 showed a
  mass", "A1c on March 3 was 9.1".
* **ICD-10-CM codes** next to a diagnosis cue ("dx E11.9", "ICD-10 F32.1", "Dx: F41.1, I10"), or
  with a decimal part next to a patient ("patient F32.1"); the three-character category must
  exist. Without a cue a code-shaped string (a sensor "A1C2", a SKU "F32.1", a time) is not one.
* **Named services that reveal a condition** ("Planned Parenthood", DaVita, MD Anderson,
  Alcoholics Anonymous): ``lexicons/curated/revealing_services.txt``.

Misspellings, leetspeak and dotted abbreviations are decoded before any recognizer runs
(:mod:`models.clinical_words`, :mod:`models.decode`), so the rules here and in
:mod:`models.recognizers.clinical` see "HIV" for "H.I.V." and "cancer" for "c4nc3r".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import clinical_words, lexicons
from models.entities import CLINICAL_DEPARTMENT, CONDITION, LAB_RESULT
from models.recognizers.base import REGEX_TIMEOUT, DetectionTimeout, LexiconRecognizer

# Cheap gates, compiled once (a string pattern goes through ``regex``'s cache on every call).
_TEST_WORD = regex.compile(r"test|panel|screen|brca|nipt|tox|study|analysis", regex.I)
_CAPITAL_DIGIT = regex.compile(r"[A-Z]\d")

# Part of the clinical family: models.recognizers.clinical.recognizers() builds it.
ENTITIES = (LAB_RESULT, CONDITION, CLINICAL_DEPARTMENT)

CURATED = Path(__file__).resolve().parent.parent / "lexicons" / "curated"

# Test names that say nothing alone: generic words, vital signs, broadcast vaccines and imaging
# (imaging is a procedure: the procedure recognizers decide about it).
GENERIC_TESTS = frozenset(
    [
        "labs",
        "blood work",
        "bloodwork",
        "culture",
        "pathology",
        "flu",
        "flu a",
        "flu b",
        "covid",
        "covid test",
        "flu test",
        "rsv",
        "influenza a",
        "influenza b",
        "weight",
        "temperature",
        "heart rate",
        "blood pressure",
        "bp",
        "bmi",
        "oxygen",
        "oxygen saturation",
        "oxygen sat",
        "ox sat",
        "o2 sat",
        "pulse ox",
        "spo2",
        "peak flow",
        "ultrasound",
        "x-ray",
        "mri",
        "ct scan",
        "ecg",
        "ekg",
        "apgar",
        "sugar",
        "sugars",
        "biopsy",
        "mammogram",
        "cocaine",
        "fentanyl",
        "ethanol",
        "opiates",
        "opioids",
        "amphetamines",
        "benzodiazepines",
        "benzos",
        "methamphetamine",
        "thc",
        "mono",
        "strep",
        "lyme",
        "pertussis",
        "norovirus",
        "e. coli",
        "c. diff",
        "h. pylori",
        "chlamydia",
        "gonorrhea",
        "syphilis",
        "trichomonas",
        "hiv",
        "hpv",
        "hsv",
        "hsv-2",
        "hep b",
        "hep c",
        "hepatitis c",
    ]
)
# Analytes that are also everyday words: a test only after the patient's possessive.
NEEDS_OWNER = frozenset(
    [
        "glucose",
        "blood sugar",
        "blood glucose",
        "cholesterol",
        "total cholesterol",
        "iron",
        "calcium",
        "sodium",
        "potassium",
        "magnesium",
        "chloride",
        "albumin",
        "ammonia",
        "lactate",
        "vitamin d",
        "vitamin b12",
        "b12",
        "testosterone",
        "estradiol",
        "progesterone",
        "prolactin",
        "cortisol",
        "bilirubin",
        "bili",
        "total bili",
        "platelets",
        "hemoglobin",
        "hematocrit",
        "creatinine",
        "triglycerides",
        "uric acid",
        "lead level",
        "ferritin",
        "neutrophils",
        "temperature",
        "na",
        "cr",
        "ef",
        "alt",
        "ast",
        "anc",
        "alc",
        "mcv",
        "t4",
        "cd4",
        "ppd",
        "inr",
        "ldl",
        "hdl",
        "ejection fraction",
        "liver enzymes",
        "gleason",
        "t-score",
        "z-score",
        "fasting glucose",
        "glucose level",
    ]
)
_OWNER = regex.compile(
    r"\b(?:your|ur|yr|his|her|their|my|pt'?s|patient'?s|child'?s|son'?s|daughter'?s)\s+"
    r"(?:[\w\-]+\s+){0,2}$",
    regex.IGNORECASE,
)
# Public-health broadcasts and offers: "free cholesterol screenings", "walk-in PSA checks".
_BROADCAST_BEFORE = regex.compile(
    r"\b(?:free|community|walk-?in|drive-?thr(?:u|ough)|no-?cost|low-?cost|offering|offers?|"
    r"national|world|about|learn|what\s+is\s+(?:a|an)?|donate\s+to|support|sponsor(?:ed|s)?)"
    r"\s+(?:[\w\-]+\s+){0,1}$",
    regex.IGNORECASE,
)
_BROADCAST_AFTER = regex.compile(
    r"\s*(?:screenings|clinics?|drives?|events?|days?|fairs?|vaccines?|shots?|kits|"
    r"awareness|month|season|for\s+(?:all|everyone|anyone)|(?:is|are)\s+(?:now\s+)?available)\b",
    regex.IGNORECASE,
)
# "PSA: the office is closed Monday" (an announcement), "CBC Radio".
_NOT_A_TEST_AFTER = regex.compile(r"\s*(?::(?!\s*\d)|(?:radio|news|sports|tv)\b)", regex.IGNORECASE)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_WHEN = (
    r"(?:\d{1,2}[/\-]\d{1,2}(?:[/\-]\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}|"
    + _MONTH
    + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH
    + r"|(?:last|this|past)\s+(?:week|month|"
    + _DAY
    + r")|yesterday|today|earlier\s+today|"
    + _DAY
    + r")"
)
# A date between a test and its result: "CBC from 4/15/25 showed", "A1c (March 3) was 9.1".
DATE_GAP = regex.compile(
    r"[ \t]*,?[ \t]*\(?(?:(?:from|on|dated|taken|drawn|done|collected|of)[ \t]+(?:on[ \t]+)?)?"
    + _WHEN
    + r"\)?[ \t]*,?",
    regex.IGNORECASE,
)
# A finding stated with a verb: "showed a mass", "revealed a small nodule".
FINDING_VERB = regex.compile(
    r"[ \t]*(?:results?[ \t]+)?(?:showed|shows|revealed|reveals|found|indicated|indicates|"
    r"detected|came[ \t]+back[ \t]+(?:with|showing)|was[ \t]+consistent[ \t]+with)[ \t]+"
    r"(?P<r>[^.!?;\n]{1,60}?)(?=[ \t]*(?:[.!?;\n]|$|,[ \t]*(?:please|call|log|reply|see)))",
    regex.IGNORECASE,
)

# ICD-10-CM: a letter, two characters (the third may be A/B), an optional decimal part.
ICD10 = regex.compile(
    r"(?<![\w.\-/#])(?P<v>[A-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4})?)(?![\w]|[.\-/][\w])", regex.VERSION0
)
_CODE = r"[A-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4})?"
_STRONG_CUE = (
    r"\b(?:dx|ddx|diagnos[ie]s|diagnosed(?:\s+with)?|diag|icd(?:[\s\-]?10(?:[\s\-]?cm)?)?|"
    r"assessment|problem\s+list|impression|hx|h/o|a/p)\b"
)
_CUE_TAIL = (
    r"[\s:#\-=(]*(?:(?:code|codes|is|are|of|was|with)[\s:#\-=(]*)*(?:"
    + _CODE
    + r"[\s,;/&()]+(?:and\s+|&\s+|or\s+)?)*$"
)
ICD_STRONG = regex.compile(_STRONG_CUE + _CUE_TAIL, regex.IGNORECASE | regex.VERSION0)
ICD_WEAK = regex.compile(
    r"\b(?:pt|patient|member|client)\b[^.!?\n]{0,24}?" + _CUE_TAIL, regex.IGNORECASE
)


@cache
def icd10_categories() -> frozenset[str]:
    """Every ICD-10-CM three-character category (``lexicons/curated/icd10_categories.txt``)."""
    out: set[str] = set()
    for line in (CURATED / "icd10_categories.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        letter, *pairs = line.split()
        out.update(letter + p for p in pairs)
    return frozenset(out)


def _lines(name: str) -> list[str]:
    text = (CURATED / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _phrase_pattern(phrases: list[str], flags: int) -> str:
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        words = regex.split(r"[\s\-]+", p)
        parts.append(r"[\s\-]*".join(regex.escape(w) for w in words if w))
    inner = "|".join(parts) if parts else r"(?!)"
    return r"(?<![\w\-])(?:" + inner + r")(?![\w\-])"


# A named service's score; a hospital's is below FACILITY's (0.7), so where the facility
# recognizers know it the identifier wins (see revealing_services.txt).
SERVICE_SCORE = 0.85
HOSPITAL_SERVICE_SCORE = 0.65


@cache
def _services() -> tuple[tuple[regex.Pattern[str], float], ...]:
    out = []
    for hospital in (False, True):
        names = [
            n.lstrip("~") for n in _lines("revealing_services.txt") if n.startswith("~") == hospital
        ]
        plain = [n for n in names if not n.startswith("=")]
        exact = [n[1:] for n in names if n.startswith("=")]
        score = HOSPITAL_SERVICE_SCORE if hospital else SERVICE_SCORE
        out.append((regex.compile(_phrase_pattern(plain, 0), regex.IGNORECASE), score))
        out.append((regex.compile(_phrase_pattern(exact, 0)), score))
    return tuple(out)


@cache
def _extra_tests() -> regex.Pattern[str]:
    return regex.compile(_phrase_pattern(_lines("test_names.txt"), 0), regex.IGNORECASE)


_SERVICE_NOT_PATIENT = regex.compile(
    r"\b(?:donate|donation|donations|support|sponsor\w*|partner\w*|volunteer\w*|fundrais\w*|"
    r"walk|run|gala)\s+(?:to\s+|for\s+|with\s+|at\s+)?(?:the\s+)?$",
    regex.IGNORECASE,
)


def _names_condition(phrase: str) -> bool:
    """Does a test's name hold a condition's name or abbreviation ("HIV test", "STD panel")?"""
    lex = lexicons.load()
    for word in regex.findall(r"[\w\-]+", phrase):
        if lexicons.CONDITION in lex.categories(word) or word in lex.condition_abbrevs:
            return True
    return False


class ClinicalDetailRecognizer(LexiconRecognizer):
    """Named tests, results a date away, ICD-10 codes and condition-revealing services."""

    def __init__(
        self,
        result_after: regex.Pattern[str],
        not_a_patients_condition: Callable[[str, int, int], bool],
    ) -> None:
        """``result_after`` reads a result after a test's name, ``not_a_patients_condition``
        tells a broadcast from the patient's own (both from models.recognizers.clinical, which
        builds this recognizer)."""
        super().__init__("ClinicalDetailRecognizer", [e.name for e in ENTITIES])
        self._result_after = result_after
        self._not_patient = not_a_patients_condition
        # Built now (model loading), not on the first text.
        clinical_words.targets()
        icd10_categories()
        _services()
        _extra_tests()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        try:
            if LAB_RESULT.name in entities:
                out.extend(self._tests(text))
            if CONDITION.name in entities:
                out.extend(self._icd10(text))
            if CLINICAL_DEPARTMENT.name in entities:
                out.extend(self._services(text))
        except TimeoutError as exc:
            raise DetectionTimeout(f"pattern {self.label} timed out") from exc
        return out

    # ------------------------------------------------------------------ tests
    def _tests(self, text: str) -> list[RecognizerResult]:
        _, hits = lexicons.analyse(text)
        spans = [(h.start, h.end) for h in hits if h.category == lexicons.LAB_TEST]
        if _TEST_WORD.search(text):
            spans += [m.span() for m in _extra_tests().finditer(text, timeout=REGEX_TIMEOUT)]
        conditions = [(h.start, h.end) for h in hits if h.category == lexicons.CONDITION]
        out = []
        for start, end in sorted(set(spans)):
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
                continue  # inside a longer test name ("urine drug screen" ⊃ "drug screen")
            if any(s < end and start < e for s, e in conditions) or _names_condition(
                text[start:end]
            ):
                continue  # "HIV test": the condition is the finding already
            name = text[start:end]
            low = name.lower()
            if low in GENERIC_TESTS or not self._named_for_patient(text, start, end, name):
                continue
            out.append(self.result(LAB_RESULT.name, start, end, 0.6, "test_name"))
            stop = self._result_end(text, end)
            if stop is not None:
                # below a DATE's score: the date inside stays a DATE (an analytics export
                # redacts it) and the result keeps the parts around it
                out.append(self.result(LAB_RESULT.name, start, stop, 0.7, "test_result_gap"))
        return out

    def _named_for_patient(self, text: str, start: int, end: int, name: str) -> bool:
        low = name.lower()
        window = text[max(0, start - 40) : start]
        owned = _OWNER.search(window) is not None
        if low in NEEDS_OWNER and not owned:
            return False
        letters = [ch for ch in name if ch.isalpha()]
        if len(name) <= 3 and not owned and (not letters or all(ch.islower() for ch in letters)):
            return False  # "psa", "cbc" typed in lower case without "your": too ambiguous
        if not owned and _NOT_A_TEST_AFTER.match(text, end):
            return False
        if not owned and (
            _BROADCAST_BEFORE.search(text[max(0, start - 30) : start])
            or _BROADCAST_AFTER.match(text, end)
        ):
            return False
        return not self._not_patient(text, start, end)

    def _result_end(self, text: str, end: int) -> int | None:
        """Where the test's result ends, reading past one date after the test, or None."""
        pos = end
        gap = DATE_GAP.match(text, pos, timeout=REGEX_TIMEOUT)
        if gap is not None:
            pos = gap.end()
        verb = FINDING_VERB.match(text, pos, timeout=REGEX_TIMEOUT)
        if verb is not None:
            return verb.end("r")
        if gap is not None:
            value = self._result_after.match(text, pos, timeout=REGEX_TIMEOUT)
            if value is not None and value.group("r").strip():
                return value.end()
        return None

    # ------------------------------------------------------------------ ICD-10
    def _icd10(self, text: str) -> list[RecognizerResult]:
        if not _CAPITAL_DIGIT.search(text):
            return []
        cats = icd10_categories()
        out = []
        for m in ICD10.finditer(text, timeout=REGEX_TIMEOUT):
            code = m.group("v")
            if code[:3] not in cats:
                continue
            window = text[max(0, m.start() - 60) : m.start()]
            strong = ICD_STRONG.search(window, timeout=REGEX_TIMEOUT) is not None
            weak = "." in code and ICD_WEAK.search(window, timeout=REGEX_TIMEOUT) is not None
            if strong or weak:
                out.append(self.result(CONDITION.name, m.start(), m.end(), 0.85, "icd10"))
        return out

    # ------------------------------------------------------------------ services
    def _services(self, text: str) -> list[RecognizerResult]:
        out = []
        for pattern, score in _services():
            for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                if _SERVICE_NOT_PATIENT.search(text[max(0, m.start() - 30) : m.start()]):
                    continue
                out.append(
                    self.result(
                        CLINICAL_DEPARTMENT.name, m.start(), m.end(), score, "revealing_service"
                    )
                )
        return out
