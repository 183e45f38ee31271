"""Over-scrub guards for clinical questions: eponyms by their shape, institutions cited as a
source of knowledge.

:mod:`models.overscrub` drops what is known to be safe by list (``eponyms.txt``); a question
names eponyms no list holds ("Chaddock reflex", "Ludwig's angina", "Guillain-Barré syndrome")
and cites institutions for what they published, not as where a patient was seen
("recommendations from Mayo Clinic"). By shape:

* **an eponym** — capitalised words right before a word that only follows a discoverer's name
  (reflex, sign, syndrome, angina, palsy, triad, criteria, classification …), or before a
  heading of a named study ("Framingham Heart Study"); before "disease", "test", "score" and
  other words a patient's own possessive also takes ("Jones's test"), only without the
  possessive or when every word is a listed eponym ("Lou Gehrig's disease");
* **an institution as a source** — a facility named right after "recommendations from",
  "guidelines by", "according to", or right before "guidelines", "recommendations",
  "protocol", "criteria".

A name after a strong cue ("Mr. Chaddock", "patient Wells") is never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from models.findings import Finding

_EPONYMS_FILE = Path(__file__).resolve().parent / "lexicons" / "curated" / "eponyms.txt"
# A cue that makes the next word a person whatever follows ("Mr. Chaddock", "patient Wells").
_STRONG_CUE = re.compile(
    r"(?:\b(?:dear|hi|hello|hey|mr|mrs|ms|miss|mx|patient|pt|name|son|daughter|wife|husband|"
    r"mother|father)\b[.:,]?\s*)$",
    re.I,
)


@cache
def eponyms() -> frozenset[str]:
    """The listed eponyms' words (``lexicons/curated/eponyms.txt``), lower case."""
    out: set[str] = set()
    for line in _EPONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            out.update(w.lower() for w in line.split())
    return frozenset(out)


# Words that follow a discoverer's name and nothing a patient owns.
_EPONYM_ONLY = (
    r"syndrome|sign|signs|reflex|reflexes|angina|palsy|phenomenon|maneuver|manoeuvre|triad|"
    r"criteria|classification|law|sarcoma|lymphoma|node|nodes|cells?|bodies|body|index|ratio|"
    r"technique|equation|formula|staging|grading|fracture|hernia|ulcer|tumou?r|diverticulum|"
    r"aneurysm|contracture|neuroma|neuralgia|phenomenon|pupil|murmur|nodules?|spots?|"
    r"study|trial|cohort|criterion|rule|questionnaire|inventory"
)
# Words a patient's possessive takes too ("Smith's disease progressed", "Jones's test").
_SHARED = r"disease|disorder|test|score|scale|procedure|operation|diet|protocol|method|model"
_AFTER = re.compile(
    r"^(?P<poss>['’]s|['’])?[ \t]+(?:[A-Z][a-z]+[ \t]+){0,2}"
    r"(?:(?P<only>" + _EPONYM_ONLY + r")|(?P<shared>" + _SHARED + r"))\b",
    re.I,
)
_POSS_END = re.compile(r"['’]s?$")
_NAMEISH = frozenset({"PERSON", "LOCATION", "FACILITY"})

_SOURCE_BEFORE = re.compile(
    r"(?:\b(?:recommendations?|guidelines?|guidance|criteria|protocols?|consensus|statement|"
    r"data|research|studies|study|trials?|experts?|published|publications?|reviews?|"
    r"resources?|articles?)\s+(?:from|by|of)|\baccording\s+to|\bper)\s+(?:the\s+)?$",
    re.I,
)
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s?)?\s+(?:guidelines?|recommendations?|protocols?|criteria|guidance|experts?|"
    r"consensus|pathways?|algorithms?)\b",
    re.I,
)


def _plain(word: str) -> str:
    """Lower case without accents or a possessive ("Barré" → "barre", "Gehrig’s" → "gehrig")."""
    word = _POSS_END.sub("", word.lower())
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


def is_eponym(text: str, f: Finding) -> bool:
    """Is this name-like finding a discoverer's name before its disease, sign or study?"""
    if f.type not in _NAMEISH or _STRONG_CUE.search(text[max(0, f.start - 40) : f.start]):
        return False
    value = text[f.start : f.end]
    parts = [p for p in re.split(r"[\s\-]+", value) if p]
    if not parts or len(parts) > 4 or not all(p[:1].isupper() for p in parts):
        return False
    after = text[f.end : f.end + 60]
    poss = _POSS_END.search(value)
    if poss:  # the finding took the possessive with it: "Lou Gehrig’s"
        after = poss.group() + after
    m = _AFTER.match(after)
    if m is None:
        return False
    if m.group("only"):
        return True
    listed = all(_plain(p) in eponyms() for p in parts)
    return listed or not m.group("poss")


def is_cited_source(text: str, f: Finding) -> bool:
    """Is this facility cited for what it published ("recommendations from Mayo Clinic")?"""
    if f.type != "FACILITY":
        return False
    return bool(
        _SOURCE_BEFORE.search(text[max(0, f.start - 40) : f.start])
        or _SOURCE_AFTER.match(text[f.end : f.end + 30])
    )


def drop_safe_in_question(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without eponyms and cited institutions (and a name or place found inside a
    cited institution's name: "Mayo" in "recommendations from Mayo Clinic")."""
    cited = [f for f in findings if is_cited_source(text, f)]
    return [
        f
        for f in findings
        if f not in cited
        and not is_eponym(text, f)
        and not (f.type in _NAMEISH and any(c.start <= f.start and f.end <= c.end for c in cited))
    ]
