"""ASQ-PHI (synthetic clinical search queries with PHI, MIT) as labelled examples.

The set is not in the repository: pass the file ``synthetic_clinical_queries.txt`` (or the
directory holding it) from github.com/JamesWeatherhead/asq-phi on the command line. Its format
is one block per query::

    ===QUERY===
    <query text>
    ===PHI_TAGS===
    {"identifier_type": "NAME", "value": "Anna S."}
    ...

Queries are split in file order: the **first half** is development data (look, tune); the
**second half** is the held-out set, scored once at the end of a piece of work and never
inspected.

Tags carry a value, not an offset: every occurrence of the value in the query is a span (an
exact match first; failing that, the same text with typographic quotes and case folded). Every
ASQ-PHI identifier type is a HIPAA Safe Harbor identifier and must go, except a DATE value that
is a year alone, which is labelled ``YEAR`` and may stay (as PhysioNet's ``DateYear``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

Half = Literal["first", "second", "all"]
FILE = "synthetic_clinical_queries.txt"
_QUERY = "===QUERY==="
_TAGS = "===PHI_TAGS==="
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


class AsqFormatError(ValueError):
    """The file does not look like ASQ-PHI (the message says where)."""


def _fold(text: str) -> str:
    """Quotes straightened and case folded, one character for one (offsets stay valid)."""
    return "".join(ch.translate(_QUOTES).lower() if len(ch.lower()) == 1 else ch for ch in text)


def locate(value: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``value`` in ``text``: exact occurrences, or folded ones if none."""
    value = value.strip()
    if not value:
        return []
    for hay, needle in ((text, value), (_fold(text), _fold(value))):
        found = [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), hay)]
        if found:
            return found
    return []


def parse(raw: str) -> list[tuple[str, list[dict[str, str]]]]:
    """(query text, tags) per block, in file order."""
    out = []
    for n, block in enumerate(raw.split(_QUERY)[1:], 1):
        if _TAGS not in block:
            raise AsqFormatError(f"query block {n} has no {_TAGS} line")
        query, tags = block.split(_TAGS, 1)
        parsed = []
        for line in tags.splitlines():
            if line.strip():
                tag = json.loads(line)
                parsed.append({"type": str(tag["identifier_type"]), "value": str(tag["value"])})
        out.append((query.strip(), parsed))
    if not out:
        raise AsqFormatError(f"no {_QUERY} blocks")
    return out


def spans_for(text: str, tags: list[dict[str, str]]) -> tuple[list[dict[str, Any]], int]:
    """The query's labelled spans (duplicates dropped) and how many tags were not found."""
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    missing = 0
    for tag in tags:
        kind = tag["type"]
        keep = kind == "DATE" and bool(_BARE_YEAR.fullmatch(tag["value"].strip()))
        where = locate(tag["value"], text)
        missing += not where
        for start, end in where:
            spans.setdefault(
                (start, end),
                {"start": start, "end": end, "type": "YEAR" if keep else kind, "keep": keep},
            )
    return sorted(spans.values(), key=lambda s: (s["start"], s["end"])), missing


def load(path: Path, half: Half = "first") -> list[dict[str, Any]]:
    """The queries of one half as labelled examples (``category`` says whether tags exist).

    A query whose tags cannot all be located raises: scoring it as clean, or with a span
    missing, would understate the leak."""
    if path.is_dir():
        path = path / FILE
    blocks = parse(path.read_text(encoding="utf-8"))
    mid = len(blocks) // 2
    index = list(enumerate(blocks))
    chosen = {"first": index[:mid], "second": index[mid:], "all": index}[half]
    out = []
    unlocated = 0
    for i, (text, tags) in chosen:
        spans, missing = spans_for(text, tags)
        unlocated += missing
        out.append(
            {
                "id": f"asq-{i + 1}",
                "category": "query-phi" if tags else "query-clean",
                "text": text,
                "spans": spans,
            }
        )
    if unlocated:
        raise AsqFormatError(f"{unlocated} tag value(s) not found in their query ({half} half)")
    return out
