"""Clinical findings as classes, never words: conditions → ICD-10 chapter, medications → class.

Both tables are data files beside this module (sources noted in them). A term not in a table
counts as "unclassified" so the totals still add up.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

UNCLASSIFIED_CONDITION = "Unclassified condition"
UNCLASSIFIED_MEDICATION = "unclassified medication"
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("proxy.analytics").joinpath(f"data/{name}").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@dataclass(frozen=True)
class Chapter:
    number: int
    first: str
    last: str
    title: str

    @property
    def label(self) -> str:
        return f"ICD-10 ch.{self.number}: {self.title}"

    def holds(self, code: str) -> bool:
        head = code.replace(".", "")[:3].upper()
        return self.first <= head <= self.last


@cache
def chapters() -> tuple[Chapter, ...]:
    return tuple(
        Chapter(int(r["chapter"]), r["first"], r["last"], r["title"])
        for r in _rows("icd10_chapters.tsv")
    )


@cache
def condition_codes() -> dict[str, str]:
    return {r["term"].lower(): r["code"] for r in _rows("condition_codes.tsv")}


@cache
def _drug_rules() -> tuple[
    dict[str, str], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]
]:
    names: dict[str, str] = {}
    suffixes: list[tuple[str, str]] = []
    prefixes: list[tuple[str, str]] = []
    for r in _rows("drug_classes.tsv"):
        kind, pattern, cls = r["kind"], r["pattern"].lower(), r["class"]
        if kind == "name":
            names[pattern] = cls
        elif kind == "suffix":
            suffixes.append((pattern, cls))
        elif kind == "prefix":
            prefixes.append((pattern, cls))
        else:
            raise ValueError(f"drug_classes.tsv: unknown kind {kind!r}")
    # Longest stem first, so "-navir" wins over "-vir".
    suffixes.sort(key=lambda p: -len(p[0]))
    return names, tuple(suffixes), tuple(prefixes)


def chapter_of(code: str) -> Chapter | None:
    return next((c for c in chapters() if c.holds(code)), None)


def condition_class(term: str) -> str:
    """The ICD-10 chapter of a condition mention: exact term, else the longest known term in it."""
    low = " ".join(_WORD.findall(term.lower()))
    codes = condition_codes()
    code = codes.get(low)
    if code is None:
        padded = f" {low} "
        hits = [t for t in codes if f" {t} " in padded]
        code = codes[max(hits, key=len)] if hits else None
    chapter = chapter_of(code) if code else None
    return chapter.label if chapter else UNCLASSIFIED_CONDITION


def medication_class(term: str) -> str:
    """The class of a medication mention ("metformin 500 mg" → biguanide)."""
    names, suffixes, prefixes = _drug_rules()
    words = _WORD.findall(term.lower())
    for w in words:
        if w in names:
            return names[w]
    for w in words:
        if len(w) < 5 or w.isdigit():
            continue
        for stem, cls in suffixes:
            if w.endswith(stem):
                return cls
        for stem, cls in prefixes:
            if w.startswith(stem):
                return cls
    return UNCLASSIFIED_MEDICATION


def classes(kind: str, terms: Iterable[str]) -> list[str]:
    """Sorted distinct classes of the terms of one clinical kind (CONDITION or MEDICATION)."""
    fn = condition_class if kind == "CONDITION" else medication_class
    return sorted({fn(t) for t in terms})
