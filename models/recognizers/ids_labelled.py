"""Identifiers behind a generic label, and letter-prefixed record numbers on their own.

:mod:`models.recognizers.ids` knows each identifier type by its own cue ("MRN", "member ID").
Safe Harbor's last category is *any other unique identifying number or code*, and people label
those however they like: "ID: 987654321", "Health ID: HD-…", "Site ID: …", "ref. code: …",
"insur ID …". Here:

* **a generic label** — a word ending in ID / identifier / code / number / no. / # (with the
  words before it saying which kind: insurance words make it a plan number, billing words an
  account) followed by a value with at least four digits is an identifier, unless the label
  names a classification that identifies no one (ICD, CPT, NDC, LOINC, a trial's NCT number);
* **a prefixed record number** — one to four capitals, a dash, five or more digits
  ("HMO-234567", "CC-456789") with no label at all: nothing clinical is written so.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from models.entities import ACCOUNT_NUMBER, HEALTH_PLAN_ID, MEDICAL_RECORD_NUMBER
from models.recognizers.base import Rule, RuleRecognizer, Verdict, before

# Up to two words of label before the generic head: "Health ID", "ref. code", "insur ID".
LABELLED = (
    r"(?<![\w\-.])(?P<label>(?:[A-Za-z][A-Za-z\-]{0,20}\.?[ \t]+){0,2}"
    r"(?:ID|Id|id|I\.D\.|identifier|code|number|num\.?|no\.|nbr)|[A-Za-z][A-Za-z\-]{0,20}[ \t]*\#)"
    r"[ \t]*(?::|\#|=|-|is)?[ \t]*\#?[ \t]*"
    r"(?P<v>(?=[A-Za-z0-9\-]*\d{4})[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){3,24})"
    r"(?![\w\-])"
)
# Classifications and catalogue numbers: the code names a disease, a drug or a test, not a
# person ("ICD-10 code E11.9", "CPT code 99213", "NDC number 0002-8215").
_NOT_PERSONAL = regex.compile(
    r"\b(?:icd(?:-?1[01])?(?:-cm)?|cpt|hcpcs|ndc|loinc|snomed|rxnorm|drg|atc|nct|zip|postal|"
    r"area|country|billing\s+code|diagnosis|procedure|lot|batch|catalog|catalogue|model|"
    r"version|error|promo|discount|coupon|reference\s+range|step|page|room|rm|bed|suite|apt|"
    r"pager|beeper|phone|tel|fax|cell|mobile|ext|extension)\b",
    regex.IGNORECASE,
)
_PLAN_WORDS = regex.compile(
    r"\b(?:insur\w*|ins|health|plan|member\w*|policy|hmo|ppo|epo|medicaid|medicare|benefit\w*|"
    r"subscriber|beneficiary|coverage|payer)\b",
    regex.IGNORECASE,
)
_ACCOUNT_WORDS = regex.compile(r"\b(?:account|acct|billing|claim|invoice)\b", regex.IGNORECASE)
# "HMO-234567", "CC-456789", "DX-54321".
PREFIXED = r"(?<![\w\-/.])(?P<v>[A-Z]{1,4}-\d{5,12})(?![\w\-]|\.\d)"
_PLAN_PREFIX = frozenset({"HMO", "PPO", "EPO", "POS", "HP", "INS", "MCD", "MCR"})
_NOT_PREFIX = frozenset({"NCT", "ISRCTN", "EUCTR", "ICD", "CPT", "NDC", "PMID", "DOI", "ISBN"})


def label_kind(label: str) -> str | None:
    """The identifier type a generic label names, or None when it names a classification."""
    if _NOT_PERSONAL.search(label):
        return None
    if _PLAN_WORDS.search(label):
        return HEALTH_PLAN_ID.name
    if _ACCOUNT_WORDS.search(label):
        return ACCOUNT_NUMBER.name
    return MEDICAL_RECORD_NUMBER.name


def _labelled(m: regex.Match[str], text: str) -> Verdict:
    kind = label_kind(m.group("label"))
    if kind is None:
        return None
    if regex.fullmatch(r"\d{1,2}-\d{1,2}-\d{2,4}|(?:19|20)\d\d-\d\d-\d\d", m.group("v")):
        return None  # a date after "number"
    if _NOT_PERSONAL.search(before(text, m.start(), 12)):
        return None  # "ICD-10 diagnosis code"
    return kind, 0.8


def _prefixed(m: regex.Match[str], text: str) -> Verdict:
    prefix = m.group("v").split("-", 1)[0]
    if prefix in _NOT_PREFIX:
        return None
    return (HEALTH_PLAN_ID.name if prefix in _PLAN_PREFIX else MEDICAL_RECORD_NUMBER.name), 0.7


def recognizers() -> list[EntityRecognizer]:
    labelled = RuleRecognizer(
        "LabelledIdRecognizer",
        [MEDICAL_RECORD_NUMBER.name, HEALTH_PLAN_ID.name, ACCOUNT_NUMBER.name],
        [
            Rule(
                "labelled",
                LABELLED,
                0.8,
                _labelled,
                entity=MEDICAL_RECORD_NUMBER.name,
                require=r"\bi\.?d\b|identifier|code|num|\bno\.|nbr|#",
            )
        ],
    )
    prefixed = RuleRecognizer(
        "PrefixedIdRecognizer",
        [MEDICAL_RECORD_NUMBER.name, HEALTH_PLAN_ID.name],
        [
            Rule(
                "prefixed",
                PREFIXED,
                0.7,
                _prefixed,
                flags=0,
                entity=MEDICAL_RECORD_NUMBER.name,
                require=r"[A-Z]-\d{5}",
            )
        ],
    )
    return [labelled, prefixed]
