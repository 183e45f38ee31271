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
from models.entities import CLINICAL_DEPARTMENT, CONDITION, LAB_RESULT, MEDICATION, PROCEDURE
from models.recognizers.base import US_STATE_CODES, LexiconRecognizer, Rule, RuleRecognizer
from models.recognizers.clinical_detail import ClinicalDetailRecognizer

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

_QUALIFIER = (
    r"(?:(?:very|a\s+bit|a\s+little|slightly|still|too|quite|mildly|critically|now|back)\s+)?"
)
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
    r"reads?|read|measured|of|at|:|=|-|–|\(|went|up\s+to|down\s+to|now|still|back|rose\s+to|"
    r"fell\s+to|dropped\s+to|increased\s+to|decreased\s+to)\s*){0,3}(?:as\s+)?"
    + _QUALIFIER
    + r"(?P<r>"
    + _VALUE
    + r")(?:[ \t]*\))?",
    regex.IGNORECASE,
)
RESULT_BEFORE = regex.compile(
    r"(?P<r>(?:tested|screened|came\s+back|were|was|is|are)?\s*(?:positive|negative|pos|neg|"
    r"abnormal|elevated|high|low|reactive|non-?reactive)\s+(?:result\s+)?(?:for|on)\s+"
    r"(?:(?:the|your|a|an)\s+)?)$",
    regex.IGNORECASE,
)
# Immunity written after a disease or its titer: "rubella immune", "varicella non-immune",
# "Hep B titer: not immune".
IMMUNITY_AFTER = regex.compile(
    r"[ \t]*(?:(?:titers?|antibod(?:y|ies)|igg|status|immunity)[ \t]*)?(?:[:=\-][ \t]*|"
    r"(?:is|was|came\s+back|shows?|showed)[ \t]+)?(?P<r>immune|non-?immune|not[ \t]+immune|"
    r"equivocal)(?![\w])",
    regex.IGNORECASE,
)
# A result word right before a test's abbreviation: "positive ANA", "reactive RPR".
RESULT_WORD_BEFORE = regex.compile(
    r"(?:(?:weakly|strongly|mildly)\s+)?(?:positive|negative|reactive|non-?reactive|abnormal|"
    r"elevated|raised|borderline|high|low)\s+$",
    regex.IGNORECASE,
)
# Case-sensitive test abbreviations whose result may be a word ("ANA positive", "positive ANA").
WORD_RESULT_ABBREVIATIONS = frozenset(
    [
        "ANA",
        "RF",
        "HIV",
        "HCV",
        "HBsAg",
        "RPR",
        "VDRL",
        "PPD",
        "QFT",
        "UDS",
        "hCG",
        "HCG",
        "GBS",
        "BRCA",
        "BRCA1",
        "BRCA2",
        "HPV",
        "PSA",
        "CRP",
        "ESR",
        "TSH",
        "INR",
        "CEA",
        "AFP",
        "FOBT",
        "FIT",
        "dsDNA",
        "ANCA",
        "HLA-B27",
        "CCP",
    ]
)
# Results too bland to reveal anything about a generic test ("your labs are normal").
_BLAND = frozenset({"normal", "within normal limits", "stable", "fine", "clear", "unremarkable"})
_GENERIC_TESTS = frozenset({"labs", "blood work", "bloodwork", "culture", "results"})
# Case-sensitive test abbreviations ("K 5.5", "Mg was 2.3"; never the unit "mg").
LAB_ABBREVIATIONS = frozenset(
    [
        "K",
        "Mg",
        "Na",
        "Cr",
        "Ca",
        "Cl",
        "Hgb",
        "Hct",
        "Plt",
        "WBC",
        "RBC",
        "GFR",
        "eGFR",
        "BUN",
        "CRP",
        "ESR",
        "TSH",
        "PSA",
        "INR",
        "LDL",
        "HDL",
        "AST",
        "ALT",
        "ALP",
        "BMI",
        "BP",
        "HR",
        "O2",
        "SpO2",
        "A1C",
    ]
)
_DEPARTMENT_TAIL = regex.compile(
    r"\s+(?:clinic|center|centre|department|dept\.?|unit|ward|office|team|program|services|"
    r"floor|practice|specialist|provider|group|suite|wing|doctor|appointment|appt)\b",
    regex.IGNORECASE,
)
_STATE_CODES = frozenset(US_STATE_CODES)


_SERVICE_TAIL = regex.compile(
    r"(?:\s+(?!(?:at|in|from|to|by|of)\b)[A-Za-z]+){0,2}?\s+(?:clinic|center|centre|program|unit|service|services|"
    r"department|ward|team|group|specialists?)\b",
    regex.IGNORECASE,
)
# A condition word used about something other than a patient ("Tropical Depression Ida",
# "stroke of luck", "diabetes prevention talk", "cancer awareness walk").
_NOT_PATIENT_BEFORE = regex.compile(
    r"\b(?:tropical|great|economic)\s+$|\bif\s+(?:you|u)\s+(?:have|had|get|feel|develop|notice)"
    r"\s+(?:a\s+|an\s+|any\s+)?$",
    regex.IGNORECASE,
)
_NOT_PATIENT_AFTER = regex.compile(
    r"^\s+(?:of\s+luck|prevention|awareness|education|month|week|walk|run|fundraiser|talk|"
    r"class|classes|seminar|fair|event|support\s+group|research|foundation|association|society|"
    r"screening\s+event|vaccines?|shots?|boosters?|warning\s+signs|signs|season|testing\s+site|"
    r"resources|hotline|and\s+flu\s+vaccines?|risk\s+factors)\b",
    regex.IGNORECASE,
)


# "ur gestational diabetes class", "her asthma education": the reader's own condition, whatever
# the service after it.
_OWNED_BEFORE = regex.compile(
    r"\b(?:ur|your|his|her|my|their|pt'?s|patient'?s)\s+(?:[a-z\-]+\s+)?$", regex.IGNORECASE
)


def _not_a_patients_condition(text: str, start: int, end: int) -> bool:
    if _NOT_PATIENT_BEFORE.search(text[max(0, start - 20) : start]):
        return True
    return bool(
        _NOT_PATIENT_AFTER.match(text[end : end + 30])
        and not _OWNED_BEFORE.search(text[max(0, start - 25) : start])
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
            if entity in (CONDITION.name, CLINICAL_DEPARTMENT.name) and _not_a_patients_condition(
                text, h.start, h.end
            ):
                continue
            end = h.end
            if entity == CLINICAL_DEPARTMENT.name:
                tail = _DEPARTMENT_TAIL.match(text, end)
                end = tail.end() if tail else end
            score = _SCORES[entity] - (0.1 if h.fuzzy else 0.0)
            out.append(self.result(entity, h.start, end, score, "fuzzy" if h.fuzzy else "lexicon"))
        if LAB_RESULT.name in entities:
            for w in words:
                if w.text in LAB_ABBREVIATIONS:
                    value = RESULT_AFTER.match(text, w.end)
                    if value is not None and value.group("r")[:1].isdigit():
                        out.append(
                            self.result(
                                LAB_RESULT.name, w.start, value.end(), 0.85, "lab_abbreviation"
                            )
                        )
                        continue
                if w.text in WORD_RESULT_ABBREVIATIONS:
                    word = RESULT_WORD_BEFORE.search(text, max(0, w.start - 30), w.start)
                    if word is not None:
                        out.append(
                            self.result(LAB_RESULT.name, word.start(), w.end, 0.85, "result_word")
                        )
                        continue
                    value = RESULT_AFTER.match(text, w.end)
                    if value is not None and value.group("r").lower() not in _BLAND:
                        out.append(
                            self.result(
                                LAB_RESULT.name, w.start, value.end(), 0.85, "lab_abbreviation"
                            )
                        )
        if CONDITION.name in entities or CLINICAL_DEPARTMENT.name in entities:
            conditions = [r for r in out if r.entity_type == CONDITION.name]
            conditions += self._abbreviations(text, words, lex.condition_abbrevs)
            out.extend(r for r in conditions if r not in out and CONDITION.name in entities)
            if CLINICAL_DEPARTMENT.name in entities:
                out.extend(self._condition_services(text, conditions))
        return out

    def _condition_services(
        self, text: str, conditions: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """ "<condition> clinic/center/program": the service names the condition."""
        out = []
        for r in conditions:
            tail = _SERVICE_TAIL.match(text, r.end)
            if tail is not None:
                out.append(
                    self.result(
                        CLINICAL_DEPARTMENT.name, r.start, tail.end(), 0.85, "condition_service"
                    )
                )
        return out

    @staticmethod
    def _result(text: str, h: lexicons.Hit) -> tuple[int, int] | None:
        phrase = text[h.start : h.end].lower()
        immunity = IMMUNITY_AFTER.match(text, h.end)
        if immunity is not None:
            return h.start, immunity.end()
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
        lex = lexicons.load()
        for w in words:
            token = w.text
            if token not in abbrevs and token.rstrip("+") not in abbrevs:
                # Lower-case texts: long or digit-bearing abbreviations ("copd", "dm2") still
                # count unless the lower-case form is an everyday word ("aids").
                upper = token.upper().rstrip("+")
                if upper not in lex.condition_abbrevs_upper:
                    continue
                low = token.lower().rstrip("+")
                if (len(low) < 4 and not any(c.isdigit() for c in low)) or (
                    low in lex.common_words or low in lex.everyday_words
                ):
                    continue
            if token in _STATE_CODES and regex.match(r"[\s,]*\d{5}", text[w.end :]):
                continue  # "Jackson, MS 39201"
            if token in _STATE_CODES and text[max(0, w.start - 2) : w.start] == ", ":
                continue
            if _not_a_patients_condition(text, w.start, w.end):
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


# Results that are findings whatever the test is called ("negative for HSV-2", "no C. diff
# detected", "THC positive", "screen: reactive"); X is up to three words of the test's name.
# Each word is at most 40 characters: unbounded, a long token with a start after every "-",
# "." or "/" ("12-" * 533, "a.b" * 533) scanned to its end from each start (quadratic; issue #18).
_X = r"(?:[A-Za-z0-9][\w.+\-/']{0,39})(?:\s[A-Za-z0-9][\w.+\-/']{0,39}){0,2}?"
# A test name never starts with these ("your E. coli positive" → "E. coli positive").
_X_START = (
    r"(?!(?:your|ur|the|a|an|my|his|her|their|our|and|or|but|is|was|are|were|you|we|it|this|"
    r"that|still|stay|be|so|very|not|all|results?|labs?|tests?)\b)"
)
_FINDING = (
    r"(?:positive|negative|reactive|non-?reactive|nonreactive|detected|not\s+detected|"
    r"undetectable|elevated|abnormal|indeterminate|equivocal)"
)
LAB_PATTERNS = [
    # positive for X / tested negative for X
    r"(?<![\w])(?P<v>(?:tested\s+|came\s+back\s+|screened\s+|was\s+|is\s+)?(?:positive|"
    r"negative|reactive|non-?reactive|detected)\s+(?:for|on)\s+(?:the\s+|a\s+|an\s+)?"
    + _X
    + r")(?=\s*(?:[.,;:!?)\n]|$|\s(?:on|and|but|so|in|from|at|-)\b))",
    # no X detected / no evidence of X
    r"(?<![\w])(?P<v>no\s+" + _X + r"\s+(?:detected|found|seen|identified))(?![\w])",
    # "urine culture grew E. coli"
    r"(?<![\w])(?P<v>(?:culture|cultures|swab|specimen|sample|biopsy|pathology|test)\s+"
    r"(?:grew|showed|shows|revealed|found)\s+" + _X_START + _X + r")(?=\s*(?:[.,;:!?)\n]|$))",
    # X (screen|test|...)? (: | was | came back)? positive
    r"(?<![\w])(?P<v>" + _X_START + _X + r"(?:\s+(?:screen|test|panel|culture|swab|result|"
    r"results|antibody|"
    r"antigen|pcr|titer|level|levels|study))?\s*(?::|=|-|\s(?:was|is|are|were|came\s+back|"
    r"returned|showed))?\s*" + _FINDING + r")(?![\w])",
    # a positive X test / low sperm count
    r"(?<![\w])(?P<v>(?:positive|negative|abnormal|low|high|elevated|raised|reactive)\s+"
    + _X
    + r"\s+(?:test|screen|count|result|level|panel|culture|swab|uds|pcr)s?)(?![\w])",
    r"(?<![\w])(?P<v>(?:positive|negative)\s+(?:UDS|PCR|culture|swab|screen|test))(?![\w])",
    # X+ ("C. diff+", "hpv+")
    r"(?<![\w])(?P<v>(?:[A-Za-z]\.\s?)?[A-Za-z][\w\-]{1,20}\+)(?![\w+])",
]
LAB_REQUIRE = [
    r"positive|negative|reactive|detected",
    r"\bno\s",
    r"grew|showed|shows|revealed|found",
    r"positive|negative|reactive|detected|elevated|abnormal|indeterminate|equivocal",
    r"positive|negative|abnormal|low|high|elevated|raised|reactive",
    r"positive|negative",
    r"\w\+",
]
# Words that cannot be (the start of) a test's name in those patterns.
_NOT_TEST = frozenset(
    [
        "stay",
        "be",
        "is",
        "are",
        "was",
        "were",
        "your",
        "you",
        "we",
        "our",
        "the",
        "a",
        "an",
        "it",
        "this",
        "that",
        "and",
        "or",
        "but",
        "please",
        "so",
        "very",
        "still",
        "not",
        "all",
        "everyone",
        "results",
        "result",
        "labs",
        "lab",
        "test",
        "tests",
        "screening",
        "new",
        "good",
        "great",
        "think",
        "keep",
        "remain",
        "stays",
        "staying",
        "thinking",
    ]
)


def _lab_pattern(m: regex.Match[str], text: str) -> float | None:
    words = m.group("v").split()
    if not words:
        return None
    if any(w[-1] in ".,:;!?" and len(w) > 2 for w in words[:-1]):
        return None  # crossed a sentence end ("portal. Stay positive")
    head = words[0].lower().strip(".,:")
    if head in (
        "positive",
        "negative",
        "reactive",
        "detected",
        "tested",
        "came",
        "screened",
        "was",
        "is",
        "no",
        "non-reactive",
        "nonreactive",
    ):
        # The test name follows: it must not be an everyday function word ("positive for you").
        tail = [w.lower().strip(".,:") for w in words if w.lower() not in ("for", "on", "the")]
        if tail and tail[-1] in _NOT_TEST | {"me", "us", "him", "her", "them", "life", "sure"}:
            return None
        return 0.85
    if head in _NOT_TEST:
        return None
    if m.group("v").endswith("+"):
        lex = lexicons.load()
        low = m.group("v")[:-1].lower()
        cats = lex.categories(low)
        if not cats & {lexicons.LAB_TEST, lexicons.CONDITION} and not (
            low.replace(".", "").replace(" ", "").isalnum()
            and low not in lex.everyday_words
            and len(low) <= 8
        ):
            return None
    return 0.85


PROCEDURE_SUFFIX = (
    r"(?<![\w\-])(?P<v>[a-z]{3,}(?:ectomy|ectomies|otomy|ostomy|oscopy|oscopies|oplasty|ography|"
    r"ocentesis|odesis|opexy|orrhaphy|otripsy))(?![\w\-])"
)
# Body parts that turn "<part> repair/biopsy/surgery" into a procedure whatever the part's name.
_ANATOMY = (
    "knee|knees|hip|hips|shoulder|back|spine|spinal|neck|breast|skin|prostate|liver|kidney|lung|"
    "heart|cardiac|brain|thyroid|bladder|colon|bowel|uterus|uterine|ovary|ovarian|cervix|"
    "cervical|eye|cataract|retina|retinal|ear|nose|nasal|sinus|tonsil|gallbladder|appendix|"
    "hernia|marrow|bone|joint|wrist|hand|foot|ankle|elbow|acl|mcl|meniscus|cuff|tunnel|disc|"
    "vertebral|lumbar|cervical|carotid|vein|artery|valve|mitral|aortic|pelvic|vaginal|"
    "rectal|anal|stomach|gastric|esophageal|lymph|node|parathyroid|adrenal|pancreas|tooth|"
    "teeth|dental|gum|jaw|facial|cosmetic|mole|cyst|lesion|tumor|polyp|fibroid|varicose|"
    "bunion|tendon|ligament|achilles|labrum|hamstring|trigger|finger|toe|nail|scalp|chest|"
    "abdominal|cochlear|corneal|lasik|tubal|testicular|penile|embryo|egg|sperm|fetal|wound"
)
_PROCEDURE_ACTIONS = (
    r"repair|release|reconstruction|replacement|removal|resection|ablation|biopsy|transplant|"
    r"fusion|surgery|implant|placement|graft|bypass|cath|debridement|amputation|excision|"
    r"aspiration|injection|extraction|scope|scan|ultrasound|x-ray|mri|\bct\b|procedure|"
    r"reduction|augmentation|lift|stimulation|retrieval|transfer|freezing"
)
PROCEDURE_PHRASE = (
    r"(?<![\w\-])(?P<v>(?:(?:left|right|bilateral|total|partial|minimally\s+invasive)\s+)?"
    # words at most 40 characters (unbounded: quadratic on "a'" * 800, a start after each "'")
    r"(?:[A-Za-z][\w'\-]{0,39}\s){0,2}?(?:" + _ANATOMY + r")\s+(?:[A-Za-z][\w'\-]{0,39}\s)?"
    r"(?:repair|release|reconstruction|replacement|removal|resection|ablation|biopsy|transplant|"
    r"fusion|surgery|implant|implantation|placement|graft|bypass|catheterization|cath|"
    r"debridement|amputation|excision|aspiration|injection|extraction|scope|scan|ultrasound|"
    r"x-ray|mri|ct|procedure|reduction|augmentation|lift|stimulation|retrieval|transfer|"
    r"freezing))(?![\w\-])"
)


IMAGING_OF = (
    r"(?<![\w\-])(?P<v>(?:ct|cat|mri|pet|x-?ray|ultrasound|scan|biopsy|imaging|ct\s+scan|"
    r"mri\s+scan)\s+of\s+(?:the\s+|your\s+|his\s+|her\s+)?(?:left\s+|right\s+)?"
    r"[A-Za-z]{3,})(?![\w\-])"
)


def _procedure(m: regex.Match[str], text: str) -> float | None:
    lex = lexicons.load()
    word = m.group("v").split()[0].lower()
    if m.re.pattern == PROCEDURE_SUFFIX and (word in lex.common_words):
        return None
    return 0.75


class ProcedurePhraseRecognizer(RuleRecognizer):
    """ "<body part> <action>" phrases; leading sentence words are trimmed off the span."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        for r in super().analyze(text, entities, nlp_artifacts):
            span = text[r.start : r.end]
            for word in regex.finditer(r"\S+", span):
                if word.group().lower() not in _LEADING:
                    r.start += word.start()
                    break
            out.append(r)
        return out


_LEADING = frozenset(
    [
        "your",
        "the",
        "a",
        "an",
        "my",
        "his",
        "her",
        "their",
        "our",
        "for",
        "of",
        "to",
        "and",
        "or",
        "with",
        "after",
        "before",
        "from",
        "on",
        "at",
        "in",
        "this",
        "that",
        "is",
        "was",
    ]
)


# Phrases that say "what follows (or precedes) is the patient's condition", whatever it is called.
_COND = r"(?P<v>[A-Za-z][\w'\-]*(?:\s[A-Za-z][\w'\-]*){0,3}?)"
CONDITION_CONTEXT = [
    r"\b(?:consistent\s+with|signs\s+of|diagnosed\s+with|diagnosis\s+of|history\s+of|hx\s+of|"
    r"hx|dx|dx\s+of|treatment\s+for|treated\s+for|go\s+over\s+your|living\s+with|"
    r"suffering\s+from|prior\s+auth(?:orization)?\s+for|flare\s+of|managing\s+your|"
    r"shows?|showed|revealed|found|confirmed)\s+(?:a\s+|an\s+|\d+\s+)?(?:(?:small|large|"
    r"mild|moderate|severe|bad|new|tiny)\s+)?"
    + _COND
    + r"(?=\s*(?:[.,;:!?)\n]|$|\s(?:and|but|so|needs?|results?|meds|treatment|is|was|has|at|"
    r"on|in|with|for|today|tomorrow)\b))",
    r"\b(?:your|ur|his|her|their)\s+" + _COND + r"\s+(?:meds|medications?|treatment|flare-?up|"
    r"flare|symptoms|diagnosis|care\s+plan)\b",
]
_NOT_CONDITION = frozenset(
    [
        "test",
        "tests",
        "lab",
        "labs",
        "new",
        "recent",
        "blood",
        "your",
        "the",
        "a",
        "an",
        "my",
        "his",
        "her",
        "this",
        "that",
        "these",
        "all",
        "any",
        "some",
        "prescription",
        "prescriptions",
        "refill",
        "refills",
        "visit",
        "appointment",
        "care",
        "health",
        "daily",
        "regular",
        "current",
        "usual",
        "monthly",
        "weekly",
        "other",
        "same",
        "next",
        "last",
        "first",
        "follow-up",
        "follow",
        "up",
        "pharmacy",
        "insurance",
        "bill",
        "billing",
        "payment",
        "it",
        "them",
        "results",
        "result",
    ]
)


def _condition_context(m: regex.Match[str], text: str) -> float | None:
    words = [w.lower() for w in m.group("v").split()]
    lex = lexicons.load()
    if not words or words[0] in _NOT_CONDITION or words[-1] in _NOT_CONDITION:
        return None
    if all(w in lex.everyday_words or w in lex.common_words for w in words) and not any(
        lex.categories(w) & {lexicons.CONDITION} for w in words
    ):
        return None  # "go over your plan", "history of falls" is not enough to say
    return 0.65


# "<topic> health clinic": services named after a body part or a population's care.
DEPARTMENT_PHRASE = (
    r"(?<![\w\-])(?P<v>(?:gender|breast|sexual|mental|behavioral|behavioural|women'?s|men'?s|"
    r"reproductive|transgender|trans|lgbtq\+?|heart|lung|kidney|liver|bone|skin|eye|brain|spine|"
    r"memory|addiction|recovery|wound|sleep|pain|weight|fertility|pelvic|prostate|cancer|"
    r"diabetes|cardiac|vascular|infusion|dialysis|transplant|hiv|std|sti|detox|rehab|"
    r"methadone|suboxone|opioid|eating\s+disorders?|psychiatric|oncology)\s+(?:health\s+|care\s+|"
    r"medicine\s+|treatment\s+|wellness\s+)?(?:clinic|center|centre|program|unit|service|"
    r"services|institute|practice))(?![\w\-])"
)


def recognizers() -> list[EntityRecognizer]:
    departments = RuleRecognizer(
        "DepartmentPatternRecognizer",
        [CLINICAL_DEPARTMENT.name],
        [
            Rule(
                "topic_service",
                DEPARTMENT_PHRASE,
                0.8,
                require=r"clinic|cent|program|unit|servic|institut|practic",
            )
        ],
    )
    conditions = RuleRecognizer(
        "ConditionContextRecognizer",
        [CONDITION.name],
        [
            Rule(
                "context0",
                CONDITION_CONTEXT[0],
                0.65,
                _condition_context,
                require=r"with|signs|diagnos|history|hx|dx|treat|over|living|suffering|prior|"
                r"flare|managing|show|reveal|found|confirm",
            ),
            Rule(
                "context1",
                CONDITION_CONTEXT[1],
                0.65,
                _condition_context,
                require=r"meds|medication|treatment|flare|symptom|diagnosis|care plan",
            ),
        ],
    )
    procedures = ProcedurePhraseRecognizer(
        "ProcedurePatternRecognizer",
        [PROCEDURE.name],
        [
            Rule(
                "suffix",
                PROCEDURE_SUFFIX,
                0.75,
                _procedure,
                require=r"(?:tomy|tomies|scop|plasty|graphy|centesis|desis|pexy|rrhaphy|tripsy)",
            ),
            Rule("phrase", PROCEDURE_PHRASE, 0.75, _procedure, require=_PROCEDURE_ACTIONS),
            Rule("imaging_of", IMAGING_OF, 0.75, _procedure, require=r"\sof\s"),
        ],
    )
    labs = RuleRecognizer(
        "LabFindingRecognizer",
        [LAB_RESULT.name],
        [
            Rule(f"finding{i}", p, 0.85, _lab_pattern, require=need)
            for i, (p, need) in enumerate(zip(LAB_PATTERNS, LAB_REQUIRE, strict=True))
        ],
    )
    patterns = RuleRecognizer(
        "MedicationPatternRecognizer",
        [MEDICATION.name],
        [
            Rule("dose", DOSE, 0.7, _unknown_word, require=r"\d\s?(?:m|u|µ|g|i|t|c|p|d)"),
            Rule("drug_suffix", DRUG_SUFFIX, 0.6, _drug_suffix),
        ],
    )
    return [
        ClinicalLexiconRecognizer(),
        labs,
        procedures,
        conditions,
        departments,
        patterns,
        # named tests, results a date away, ICD-10 codes, revealing services
        ClinicalDetailRecognizer(RESULT_AFTER, _not_a_patients_condition),
    ]
