"""Clinical detail: conditions, medications, test results, procedures, revealing departments.

Everything here reads the one shared lexicon scan (:func:`models.lexicons.analyse`): ICD-10-CM
derived and lay condition names, the drug dictionary, curated tests, procedures and departments,
with edit-distance-1 matching of long words for misspellings ("diabetis", "metforman"). A test
name is only a LAB_RESULT with a result next to it ("A1c 9.2", "positive for strep", "potassium
was high"); "your lab results are available" names no test and no result. A few patterns cover
what no list can: a word in front of a dose ("zolpiquil 10 mg"), drug-name suffixes, "HIV+".
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import EntityType
from models.recognizers.base import LexiconRecognizer, Rule, RuleRecognizer

CONDITION = EntityType("CONDITION", "condition", "clinical", False, "A condition or diagnosis")
MEDICATION = EntityType("MEDICATION", "medication", "clinical", False, "A medication")
LAB_RESULT = EntityType("LAB_RESULT", "test result", "clinical", False, "A test name with a result")
PROCEDURE = EntityType("PROCEDURE", "procedure", "clinical", False, "A procedure")
CLINICAL_DEPARTMENT = EntityType(
    "CLINICAL_DEPARTMENT", "clinic", "clinical", False, "A clinic or department revealing a condition"
)
ENTITIES = (CONDITION, MEDICATION, LAB_RESULT, PROCEDURE, CLINICAL_DEPARTMENT)

_CATEGORY_ENTITY = {
    lexicons.CONDITION: CONDITION.name,
    lexicons.MEDICATION: MEDICATION.name,
    lexicons.PROCEDURE: PROCEDURE.name,
    lexicons.DEPARTMENT: CLINICAL_DEPARTMENT.name,
}
_SCORES = {
    CONDITION.name: 0.8,
    MEDICATION.name: 0.8,
    PROCEDURE.name: 0.75,
    CLINICAL_DEPARTMENT.name: 0.8,
}

_QUALIFIER = r"(?:(?:very|a\s+bit|a\s+little|slightly|still|too|quite|mildly|critically|now|back)\s+)?"
_VALUE = (
    r"(?:\d+(?:\.\d+)?(?:\s*/\s*\d+)?(?:\s*(?:%|mg/dl|mmol/l|mmol|mg|ng/ml|ng/dl|pg/ml|meq/l|u/l|"
    r"iu/l|iu/ml|g/dl|k/ul|x10\^?9/l|copies(?:/ml)?|cells(?:/mm3)?|mm\s*hg|bpm|ml/min))?"
    r"|positive|negative|pos|neg|high|low|elevated|abnormal|detected|not\s+detected|undetectable|"
    r"reactive|non-?reactive|nonreactive|critical|borderline|raised|increased|decreased|"
    r"out\s+of\s+range|in\s+range|normal|within\s+normal\s+limits|improved|worse|worsening|"
    r"better|stable|up|down|off|concerning|suspicious|malignant|benign|inconclusive|"
    r"confirmed|clear|unremarkable)(?![\w/])"
)
RESULT_AFTER = regex.compile(
    r"\s*(?:levels?|results?|tests?|counts?|readings?|scores?|values?|panels?|numbers?|screens?)?"
    r"\s*(?:(?:was|is|are|were|came\s+back|come\s+back|returned|showed|shows|looks?|looked|"
    r"reads?|read|measured|of|at|:|=|-|–|went)\s*){0,2}(?:as\s+)?" + _QUALIFIER
    + r"(?P<r>" + _VALUE + r")",
    regex.IGNORECASE,
)
RESULT_BEFORE = regex.compile(
    r"(?P<r>(?:tested|screened|came\s+back|were|was|is|are)?\s*(?:positive|negative|pos|neg|"
    r"abnormal|elevated|high|low|reactive|non-?reactive)\s+(?:result\s+)?(?:for|on)\s+"
    r"(?:(?:the|your|a|an)\s+)?)$",
    regex.IGNORECASE,
)
# Results too bland to reveal anything about a generic test ("your labs are normal").
_BLAND = frozenset({"normal", "within normal limits", "stable", "fine", "clear", "unremarkable"})
_GENERIC_TESTS = frozenset({"labs", "blood work", "bloodwork", "culture", "results"})
_DEPARTMENT_TAIL = regex.compile(
    r"\s+(?:clinic|center|centre|department|dept\.?|unit|ward|office|team|program|services|"
    r"floor|practice|specialist|provider|group|suite|wing|doctor|appointment|appt)\b",
    regex.IGNORECASE,
)
_STATE_CODES = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR"]
)


class ClinicalLexiconRecognizer(LexiconRecognizer):
    """Conditions, medications, procedures, departments and test results from the lexicon scan."""

    def __init__(self) -> None:
        super().__init__("ClinicalLexiconRecognizer", [e.name for e in ENTITIES])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        lex = lexicons.load()
        words, hits = lexicons.analyse(text)
        out: list[RecognizerResult] = []
        for h in hits:
            if h.category == lexicons.LAB_TEST or (
                h.category == lexicons.CONDITION and LAB_RESULT.name in entities
            ):
                found = self._result(text, h)
                if found is not None and LAB_RESULT.name in entities:
                    out.append(self.result(LAB_RESULT.name, *found, 0.9, "test_result"))
                    continue
            entity = _CATEGORY_ENTITY.get(h.category)
            if entity is None or entity not in entities:
                continue
            phrase = text[h.start : h.end].lower()
            if phrase == "stroke" and regex.match(r"\s+of\b", text[h.end :]):
                continue  # "stroke of luck"
            end = h.end
            if entity == CLINICAL_DEPARTMENT.name:
                tail = _DEPARTMENT_TAIL.match(text, end)
                end = tail.end() if tail else end
            score = _SCORES[entity] - (0.1 if h.fuzzy else 0.0)
            out.append(self.result(entity, h.start, end, score, "fuzzy" if h.fuzzy else "lexicon"))
        if CONDITION.name in entities:
            out.extend(self._abbreviations(text, words, lex.condition_abbrevs))
        return out

    @staticmethod
    def _result(text: str, h: lexicons.Hit) -> tuple[int, int] | None:
        phrase = text[h.start : h.end].lower()
        after = RESULT_AFTER.match(text, h.end)
        if after is not None and h.category == lexicons.LAB_TEST:
            value = after.group("r").lower()
            bland = phrase in _GENERIC_TESTS and value in _BLAND
            if not bland and not (value.isdigit() and phrase in _GENERIC_TESTS):
                return h.start, after.end()
        before = RESULT_BEFORE.search(text[max(0, h.start - 50) : h.start])
        if before is not None and before.group("r").strip():
            start = max(0, h.start - 50) + before.start("r")
            while start < h.start and text[start].isspace():
                start += 1
            return start, h.end
        return None

    def _abbreviations(
        self, text: str, words: tuple[lexicons.Word, ...], abbrevs: frozenset[str]
    ) -> list[RecognizerResult]:
        out = []
        for w in words:
            token = w.text
            if token not in abbrevs and token.rstrip("+") not in abbrevs:
                continue
            if token in _STATE_CODES and regex.match(r"[\s,]*\d{5}", text[w.end :]):
                continue  # "Jackson, MS 39201"
            if token in _STATE_CODES and text[max(0, w.start - 2) : w.start] == ", ":
                continue
            out.append(self.result(CONDITION.name, w.start, w.end, 0.8, "abbreviation"))
        return out


# Unknown word in front of a dose: almost always a medication (or a misspelt one).
DOSE = (
    r"(?<![\w\-])(?P<v>[A-Za-z][A-Za-z\-]{3,}(?:\s+(?:XR|ER|SR|XL|CR|DR|ODT|HCl))?)\s+"
    r"\d+(?:\.\d+)?\s?(?:mg|mcg|µg|ug|g|ml|units?|iu|meq|mg/ml|tabs?|tablets?|caps?|capsules?|"
    r"puffs?|drops?)(?![\w])"
)
DRUG_SUFFIX = (
    r"(?<![\w\-])(?P<v>[a-z]{3,}(?:pril|olol|sartan|statin|dipine|azole|prazole|cillin|mycin|"
    r"floxacin|cycline|tidine|gliptin|gliflozin|glutide|triptan|afil|oxetine|xetine|azepam|"
    r"zolam|barbital|profen|mab|nib|vir|parin|coxib|lukast|terol|sone|olone|semide|thiazide|"
    r"amine|idone|apine|etine|pine|done|codone|morphone|caine))(?![\w\-])"
)


def _unknown_word(m: regex.Match[str], text: str) -> float | None:
    lex = lexicons.load()
    word = m.group("v").split()[0].lower()
    if word in lex.common_words or word in lex.first_names or word in lex.surnames:
        return None
    return 0.7


def _drug_suffix(m: regex.Match[str], text: str) -> float | None:
    word = m.group("v").lower()
    lex = lexicons.load()
    if len(word) < 7 or word in lex.common_words or word in lex.first_names or word in lex.surnames:
        return None
    if word in lex.cities:
        return None
    return 0.6


def recognizers() -> list[EntityRecognizer]:
    patterns = RuleRecognizer(
        "MedicationPatternRecognizer",
        [MEDICATION.name],
        [Rule("dose", DOSE, 0.7, _unknown_word), Rule("drug_suffix", DRUG_SUFFIX, 0.6, _drug_suffix)],
    )
    return [ClinicalLexiconRecognizer(), patterns]
