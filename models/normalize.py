"""Undo the Unicode tricks that hide PHI from pattern matching, keeping a map back to the original.

NFKC folds full-width digits and letters; zero-width characters and soft hyphens are dropped;
Cyrillic/Greek look-alike letters are folded to Latin; digits typed one by one with spaces are
joined. The
detector matches on the normalised text and maps every span back through :class:`Normalized`, so
what gets redacted is always the caller's original characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.decode import decode

# Characters that render as nothing and can be slipped between the digits of an identifier.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
    "\u034f\u061c\u115f\u1160\u17b4\u17b5\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


# Cyrillic and Greek letters that look exactly like Latin ones ("Camіlа" with a Cyrillic і and
# а): NFKC leaves them alone, so they are folded one-for-one (offsets are unchanged).
# Hyphen look-alikes (hyphen, non-breaking hyphen, figure dash, en dash, minus) become "-", so
# "920–33–1847" and "hem‑onc" read like their ASCII spelling; the em dash stays punctuation.
HOMOGLYPHS = str.maketrans(
    "аеорсухѕіјԁһӏԛԝАВЕКМНОРСТХУІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικνρυχı‐‑‒–−",
    "aeopcyxsijdhlqwABEKMHOPCTXYIJSABEZHIKMNOPTYXoaikvpuxi-----",
)

# Seven or more digits typed one at a time with spaces, dashes or dots between them
# ("5 5 5 0 1 2 3 4 5 6 7"): the separators are dropped so number patterns see one number.
SPACED_DIGITS = re.compile(
    r"(?<![\w.])\d(?:[ .\-]{1,3}\d){6,}(?![\w])"
    r"|(?<![\w.])[A-Za-z0-9](?:[ .\-]{1,3}[A-Za-z0-9]){4,}(?![\w])"
)
_SEPARATOR = re.compile(r"[ .\-]{1,3}")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, for each of its characters, the original index it came from."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)
    # Original ranges decoded as one run (a spelled-out number, a base64 run): a span that
    # touches one covers all of it.
    atomic: tuple[tuple[int, int], ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if end <= start:
            o = self.origin[start]
            return o, o
        s, e = self.origin[start], self.origin[end - 1] + 1
        for a, b in self.atomic:
            if s < b and a < e:
                s, e = min(s, a), max(e, b)
        return s, e

    @property
    def changed(self) -> bool:
        return (
            bool(self.atomic)
            or len(self.origin) - 1 != self.origin[-1]
            or any(i != o for i, o in enumerate(self.origin))
        )


def normalize(original: str) -> Normalized:
    """Obfuscation decoded (:mod:`models.decode`), then NFKC per character, minus invisible
    characters, spaced digits joined; exact offset map back to ``original``."""
    decoded = decode(original)
    if decoded is None:
        return _normalize(original)
    inner = _normalize(decoded.text)
    origin = tuple(decoded.origin[i] for i in inner.origin[:-1]) + (len(original),)
    return Normalized(inner.text, origin, decoded.atomic)


def _normalize(original: str) -> Normalized:
    if original.isascii():
        if SPACED_DIGITS.search(original) is None:
            return Normalized(original, tuple(range(len(original) + 1)))
        return _join_spaced_digits(Normalized(original, tuple(range(len(original) + 1))))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        if ch in INVISIBLE or unicodedata.category(ch) == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", ch).translate(HOMOGLYPHS)
        for f in folded:
            out.append(f)
            origin.append(i)
    origin.append(len(original))
    return _join_spaced_digits(Normalized("".join(out), tuple(origin)))


def _join_spaced_digits(norm: Normalized) -> Normalized:
    """Drop the separators inside runs of single spaced digits, keeping the offset map."""
    runs = list(SPACED_DIGITS.finditer(norm.text))
    if not runs:
        return norm
    drop: set[int] = set()
    for run in runs:
        parts = _SEPARATOR.split(run.group())
        if not all(len(part) == 1 for part in parts):
            continue
        if sum(p.isdigit() for p in parts) < 3:
            continue  # "A - B - C": letters alone are left as they are
        for sep in _SEPARATOR.finditer(norm.text, run.start(), run.end()):
            drop.update(range(sep.start(), sep.end()))
    if not drop:
        return norm
    text = "".join(ch for i, ch in enumerate(norm.text) if i not in drop)
    origin = [o for i, o in enumerate(norm.origin[:-1]) if i not in drop]
    origin.append(norm.origin[-1])
    return Normalized(text, tuple(origin))
