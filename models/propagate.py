"""Once a value is found as an identifier in a text, its other mentions there are one too.

A note names its patient, relatives and hospitals many times, and a rule finds only the
mentions with a cue ("admitted to GH", "son JOHN"): the same word a few lines down ("At GH EW",
"JOHN STATES") has none. Each word of a name, place or facility finding, and each date string,
is looked for again in the same text and every other mention becomes a finding of the same type.

What is not carried over: stop words, clinical shorthand (a guard already decided those), single
letters, and everyday words in a different case ("Rob" found does not make "rob" a name).
A propagated finding scores below the one it came from, so any finding already there wins.
This never changes whether a text is altered (only texts with a finding get more of them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from models.findings import Finding
from models.overscrub import clinical_note, clinical_vocab, words

# The identifier types whose values recur by name in one text.
NAMED = frozenset({"PERSON", "FACILITY", "LOCATION", "PROVIDER_NAME"})
DATED = frozenset({"DATE", "DATE_OF_BIRTH"})
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’\-]*[A-Za-zÀ-ÿ]")
# A calendar date string as written: "7/2", "11/15", "9/2/92" (not a bare number).
_DATE_STRING = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])")
_STOP = words(
    "the a an of and or to at in on by for from with de la le van von der st dr mr mrs ms "
    "miss pt patient son sons daughter daughters dtr wife husband brother sister mother father "
    "family friend nurse doctor staff"
)
SCORE = 0.5


def _words(value: str) -> list[str]:
    return list(_WORD.findall(value))


@lru_cache(maxsize=4096)
def _mention(w: str, exact: bool, dated: bool) -> re.Pattern[str]:
    """The pattern for another mention of ``w`` (compiled once: ``re``'s own cache holds only
    512 patterns, and every name word of every text is a new one)."""
    if dated:
        return re.compile(r"(?<![\d/])" + re.escape(w) + r"(?![\d/])")
    flags = 0 if exact else re.IGNORECASE
    return re.compile(r"(?<![A-Za-zÀ-ÿ])" + re.escape(w) + r"(?![A-Za-zÀ-ÿ'’])", flags)


def _once(haystack: str, w: str) -> bool:
    """Does ``w`` occur at most once in ``haystack`` (overlapping mentions counted)?"""
    first = haystack.find(w)
    return first < 0 or haystack.find(w, first + 1) < 0


def propagate(text: str, findings: Sequence[Finding], everyday: frozenset[str]) -> list[Finding]:
    """``findings`` plus a finding for every other mention of a found name word or date."""
    if not findings:
        return []
    vocab = clinical_vocab()
    wanted: dict[tuple[str, bool], str] = {}  # (word, exact case?) -> type
    for f in findings:
        value = text[f.start : f.end]
        if f.type in DATED or (f.type == "APPOINTMENT_DATETIME" and clinical_note(text)):
            # in a clinical note a calendar date is the date of an event, whatever its cue
            for v in _DATE_STRING.findall(value):  # "6/30-7/2": each end of a range
                wanted.setdefault((v, True), "DATE" if f.type == "APPOINTMENT_DATETIME" else f.type)
            continue
        if f.type not in NAMED:
            continue
        for w in _words(value):
            low = w.lower()
            if len(low) < 2 or low in _STOP or low in vocab:
                continue
            if len(low) == 2 and not w.isupper():
                continue  # "Jo" is a name, "jo" a fragment; a two-letter acronym only in capitals
            wanted.setdefault((w, low in everyday or len(low) == 2), f.type)
    if not wanted:
        return list(findings)
    taken = [(f.start, f.end) for f in findings]
    out = list(findings)
    # A word found once in the text has no other mention: its one is the finding it came from
    # (inside a taken span), so no pattern is compiled for it. Case-blind, only for ASCII: there
    # ``lower`` and the regex's IGNORECASE agree.
    folded = text.lower() if text.isascii() else None
    for (w, exact), typ in wanted.items():
        dated = typ in DATED
        if exact or dated:
            if _once(text, w):
                continue
        elif folded is not None and w.isascii() and _once(folded, w.lower()):
            continue
        for m in _mention(w, exact, dated).finditer(text):
            s, e = m.span()
            if any(a <= s and e <= b for a, b in taken):
                continue
            out.append(Finding(typ, s, e, SCORE, "propagate:mention"))
            taken.append((s, e))
    return out
