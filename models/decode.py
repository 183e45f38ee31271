"""Decode obfuscation before detecting, with a map back to the original characters.

PHI typed so that patterns cannot see it is still PHI: "five five five, zero one two…",
keycap digits (5️⃣5️⃣5️⃣), enclosed and squared letters (🅼🅰🆁🅸🅰, Ⓜ), regional-indicator
letters, HTML entities (``&#53;&#53;``), percent-encoding (``%35%35``) and base64 runs
(``SmFuZSBEb2U=``). Each decoded run replaces its original characters in the text the
recognizers read; the run is *atomic*: a finding that touches any part of it covers all of it in
the original (a base64 run whose decoded text holds a name is wholly the name).

Clinical words hidden from the lexicons are decoded too (:mod:`models.clinical_words`):
leetspeak ("c4nc3r", "H1V"), abbreviations spelt letter by letter ("H.I.V.", "S T D", "h-i-v")
and misspellings within a bounded edit distance ("cancr", "diabeties", "chlamidya"); only when
the result is a clinical term, so codes, passwords and everyday words stay as typed.

Mathematical alphanumerics (𝐌𝐚𝐫𝐢𝐚) and circled digits (①) are folded later by NFKC in
:mod:`models.normalize`.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from models import clinical_words

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DW = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|oh)"
# Four or more digit words in a row (a phone, an ID, a ZIP spelled out); "oh" only inside.
SPELLED = re.compile(
    r"(?<![\w])" + _DW + r"(?:[\s,.\-]{1,3}" + _DW + r"){3,}(?![\w])", re.IGNORECASE
)
ENTITY = re.compile(r"(?:&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});)+")
PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){2,}")
# A base64 run: 16+ characters of the alphabet with at least one digit or case change inside,
# optional padding, standing alone.
BASE64 = re.compile(r"(?<![\w+/=])(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/]{11,}={0,2}(?![\w+/=])")
# Keycap digits: digit, optional variation selector, combining enclosing keycap.
KEYCAP = re.compile(r"([0-9#*])\ufe0f?\u20e3")
_GATE = re.compile(
    r"&#|&[A-Za-z]{2,8};|%[0-9A-Fa-f]{2}|\u20e3|[\U0001F130-\U0001F189\U0001F1E6-\U0001F1FF]"
    r"|[A-Za-z0-9+/]{11,}|\b" + _DW + r"\b",
    re.IGNORECASE,
)


def _enclosed(ch: str) -> str | None:
    cp = ord(ch)
    for base in (0x1F130, 0x1F150, 0x1F170):  # squared, negative circled, negative squared
        if base <= cp < base + 26:
            return chr(ord("A") + cp - base)
    if 0x1F1E6 <= cp <= 0x1F1FF:  # regional indicator letters
        return chr(ord("A") + cp - 0x1F1E6)
    return None


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries, the last is len(original)
    atomic: tuple[tuple[int, int], ...]  # original ranges that were decoded as one run


def _printable(s: str) -> bool:
    return bool(s) and all(ch.isprintable() or ch in "\n\t" for ch in s)


def _b64(run: str) -> str | None:
    try:
        raw = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
        out = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    # decoded text must read like words ("Jane Doe 555-0100"), or a random ID that happens to
    # be valid base64 would be replaced by noise and hidden from the ID patterns
    if not _printable(out) or " " not in out.strip():
        return None
    if sum(ch.isalpha() or ch.isspace() for ch in out) < 0.6 * len(out):
        return None
    return out


def decode(original: str) -> Decoded | None:
    """The decoded text and its map, or None when nothing here is obfuscated."""
    pieces: list[tuple[int, int, str]] = []  # (start, end, replacement) in the original

    def add(start: int, end: int, value: str) -> None:
        if any(start < e and s < end for s, e, _ in pieces):
            return
        pieces.append((start, end, value))

    if _GATE.search(original) is not None:
        _decode_encodings(original, add)
    _decode_clinical_words(original, add)
    if not pieces:
        return None
    return _assemble(original, pieces)


def _decode_encodings(original: str, add: Callable[[int, int, str], None]) -> None:
    """Keycaps, enclosed letters, entities, percent-encoding, spelled digits, base64."""

    for m in KEYCAP.finditer(original):
        add(m.start(), m.end(), m.group(1))
    for i, ch in enumerate(original):
        letter = _enclosed(ch) if ord(ch) >= 0x1F130 else None
        if letter is not None:
            add(i, i + 1, letter)
    for m in ENTITY.finditer(original):
        value = html.unescape(m.group())
        if value != m.group():
            add(m.start(), m.end(), value)
    for m in PERCENT.finditer(original):
        token_start = original.rfind(" ", 0, m.start()) + 1
        if (
            "://" in original[token_start : m.start()]
            or "www." in original[token_start : m.start()]
        ):
            continue  # inside a web address: the URL recognizer reads it whole
        if not _utf8(m.group()):
            continue
        unquoted = unquote(m.group(), errors="strict")
        if unquoted != m.group() and _printable(unquoted):
            add(m.start(), m.end(), unquoted)
    for m in SPELLED.finditer(original):
        words = re.findall(r"[A-Za-z]+", m.group())
        if sum(w.lower() != "oh" for w in words) < 3:
            continue
        add(m.start(), m.end(), "".join(_DIGIT_WORDS[w.lower()] for w in words))
    for m in BASE64.finditer(original):
        plain = _b64(m.group().rstrip("="))
        if plain is not None:
            add(m.start(), m.end(), plain)


# A word that may be a misspelt clinical term (not inside a web address or an email).
_WORD = re.compile(r"(?<![\w'’\-@/.])[A-Za-z]{5,30}(?![\w'’\-@/]|\.\w)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n(\-–—])[\s\"']*$")


def _decode_clinical_words(original: str, add: Callable[[int, int, str], None]) -> None:
    """Spelled-out abbreviations, leetspeak and misspellings of clinical terms."""
    if "." in original or " " in original or "-" in original:
        for m in clinical_words.SPELLED_ACRONYM.finditer(original):
            value = clinical_words.spelled_acronym(m.group())
            if value is not None:
                add(m.start(), m.end(), value)
    if _LEET_GATE.search(original) is not None:
        for m in clinical_words.LEET_TOKEN.finditer(original):
            if clinical_words.CODE_CUE.search(original, max(0, m.start() - 30), m.start()):
                continue  # "use code H1V": a code, not a word
            value = clinical_words.deleet(m.group())
            if value is not None:
                add(m.start(), m.end(), value)
    common = clinical_words.targets().lex.common_words
    for m in _WORD.finditer(original):
        word = m.group()
        low = word.lower()
        if low in common:
            continue
        # a capitalised word mid-sentence is a name before it is a misspelling
        if (
            word[0].isupper()
            and not word.isupper()
            and not _SENTENCE_START.search(original, max(0, m.start() - 8), m.start())
        ):
            continue
        fixed = clinical_words.correct(low)
        if fixed is not None:
            if word.isupper():
                fixed = fixed.upper()
            elif word[0].isupper():
                fixed = fixed[0].upper() + fixed[1:]
            add(m.start(), m.end(), fixed)


_LEET_GATE = re.compile(r"[A-Za-z][0-9@$!|]|[0-9@$][A-Za-z]")


def _assemble(original: str, pieces: list[tuple[int, int, str]]) -> Decoded:
    pieces.sort()
    out: list[str] = []
    origin: list[int] = []
    atomic: list[tuple[int, int]] = []
    pos = 0
    for start, end, value in pieces:
        out.append(original[pos:start])
        origin.extend(range(pos, start))
        n = len(value)
        out.append(value)
        # spread the decoded characters over the run, first to first and last to last
        origin.extend(start + (k * (end - start - 1)) // max(n - 1, 1) for k in range(n))
        if end - start > 1:
            atomic.append((start, end))
        pos = end
    out.append(original[pos:])
    origin.extend(range(pos, len(original)))
    origin.append(len(original))
    return Decoded("".join(out), tuple(origin), tuple(atomic))


def _utf8(percent: str) -> bool:
    try:
        bytes.fromhex(percent.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
