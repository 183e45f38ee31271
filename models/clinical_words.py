"""Clinical words written so that an exact look-up misses them, and what they stand for.

* **Misspellings** by bounded edit distance: "cancr" → cancer, "diabeties" → diabetes,
  "chlamidya" → chlamydia. One edit for terms of up to seven letters, two for longer ones
  (an adjacent swap counts as one). Guarded against everyday words: a word that is itself an
  everyday word, a name or a place ("cancel", "dance", "Canner"), or that is one edit from an
  everyday word that is not clinical, is never read as a clinical term; the first letter must
  match (people rarely misspell it, and random words often differ there).
* **Leetspeak**: digits and symbols standing for letters ("c4nc3r", "d1ab3tes", "H1V", "ch3mo").
  A token is read as a clinical term only when undoing the substitutions gives one, so codes and
  passwords ("A1B2", "P4ssw0rd") stay what they are; a token right after a code or password cue
  ("use code H1V") is never decoded.
* **Spelled-out abbreviations**: "H.I.V.", "S T D", "h-i-v", "S.T.D.s" → HIV, STD, STDs, for
  clinical abbreviations of three letters or more ("M.D.", "P.A." and "a.m." are never touched).

Targets are the lexicon's single-word conditions, procedures, tests and departments (not the
forty thousand drug names: a misspelt drug is caught by the dose pattern and the lexicon's own
one-edit matching). :func:`models.decode.decode` uses this to put the intended word in the text
every recognizer reads, with offsets mapped back to what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import product
from pathlib import Path

from models import lexicons

_ES = Path(__file__).resolve().parent / "lexicons" / "es"
_ES_CONDITIONS = _ES / "curated" / "conditions.txt"
# Categories whose single words are misspelling targets.
_TARGET_CATEGORIES = (
    lexicons.CONDITION,
    lexicons.PROCEDURE,
    lexicons.LAB_TEST,
    lexicons.DEPARTMENT,
)
# Words with these endings are real clinical words the lexicon lacks ("nephrectomy"): the
# procedure patterns read them; they are no misspelling of a neighbour ("nephrostomy").
_REAL_SUFFIXES = ("ectomy", "otomy", "ostomy", "oscopy", "oplasty", "ectomies", "otomies")
MIN_LEN = 5  # shorter words are too close to too many others
LONG = 8  # terms this long may be two edits away
# Leetspeak: a digit or symbol and the letters it may stand for (first choice first).
LEET: dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "il",
    "|": "li",
}
# A token that mixes letters with leetspeak characters ("!" and "|" only between letters).
LEET_TOKEN = re.compile(
    r"(?<![\w@$!|])(?=[A-Za-z0-9@$!|]*[A-Za-z])(?=[A-Za-z0-9@$!|]*[0-9@$])"
    r"[A-Za-z0-9@$]+(?:[!|][A-Za-z0-9@$]+)*(?![\w@$])"
    r"|(?<![\w@$!|])[A-Za-z]+(?:[!|$@][A-Za-z]+)+(?![\w@$])"
)
# Letters spelt one by one with the same separator: "H.I.V.", "H. I. V.", "S T D", "h-i-v",
# with an optional plural ("S.T.D.s", "S.T.D.'s").
SPELLED_ACRONYM = re.compile(
    r"(?<![\w.\-])(?P<first>[A-Za-z])(?P<sep>\.[ ]?|[ \-_·])[A-Za-z](?:(?P=sep)[A-Za-z]){1,4}"
    r"(?:\.)?(?P<plural>'?s)?(?![\w])"
)
# A code, password or reference right before a token: it is not a word, leave it alone.
CODE_CUE = re.compile(
    r"\b(?:code|codes|passcode|password|passwd|pwd|pw|pin|username|user\s*name|user\s*id|login|"
    r"log-?in|wi-?fi|network|ssid|ref|reference|confirmation|conf|coupon|promo|voucher|"
    r"ticket|order|sku|model|serial|s/n|sn|room|locker|gate|seat|flight|plate|tag|token|key|"
    r"id|#|c[óo]digo|contrase[ñn]a|clave|usuario|referencia|pedido|folio)\s*"
    r"(?:number|no\.?|#)?\s*(?:is|was|es|:|=|-)?\s*$",
    re.IGNORECASE,
)


class _Targets:
    """Misspelling targets by first letter, and the guard words."""

    def __init__(self) -> None:
        lex = lexicons.load()
        self.lex = lex
        # every term under itself and its deletions (two deep for long terms): a word within
        # the bound shares one of these with the term it misspells (symmetric deletion)
        index: dict[str, list[str]] = {}
        seen: set[str] = set()
        for bucket in lex._index.values():
            for key, category in bucket:
                if len(key) != 1 or category not in _TARGET_CATEGORIES:
                    continue
                word = key[0]
                if len(word) < MIN_LEN or not word.isalpha() or word in seen:
                    continue
                seen.add(word)
                for variant in _variants(word, 2 if len(word) >= LONG else 1):
                    index.setdefault(variant, []).append(word)
        self.index = index
        self.clinical = seen
        # words of the lexicons' phrases ("infarction" of "myocardial infarction"): real words
        self.phrase_words = frozenset(
            w for bucket in lex._index.values() for key, _ in bucket for w in key if len(w) >= 5
        )
        # two edits only between words sharing their first three letters (see correct)
        self.long_prefixes = frozenset(w[:3] for w in seen if len(w) >= LONG)
        # everyday words that are not clinical, by their single deletions: a word one edit from
        # one of these is that word mistyped ("cancel" → no; "canel" → "cancel"), not a term
        self._plain: set[str] = {
            w
            for w in lex.everyday_words | lexicons.admin_words()
            if len(w) >= 4 and w.isalpha() and not _inflected_term(lex, w)
        }
        self._plain_deletions: set[str] = set()
        for w in self._plain:
            self._plain_deletions.update(_deletions(w))
        # abbreviations that may be spelt out letter by letter or in leetspeak
        abbrevs = {a.upper().rstrip("+") for a in lex.condition_abbrevs}
        abbrevs |= {
            t.upper()
            for (t,), cats in _single_keys(lex).items()
            if lexicons.LAB_TEST in cats and t.isalnum() and 3 <= len(t) <= 5
        }
        abbrevs |= set(_spanish_abbreviations())
        self.abbreviations = frozenset(a for a in abbrevs if len(a) >= 3 and a.isalnum())
        # Spanish clinical words are Spanish words, not misspelt English ones ("glucosa")
        self.spanish = _spanish_words()

    def near_plain(self, word: str) -> bool:
        """Is ``word`` one edit from a non-clinical everyday word?"""
        if word in self._plain_deletions:
            return True
        dels = _deletions(word)
        if any(d in self._plain for d in dels):
            return True
        if not any(d in self._plain_deletions for d in dels):
            return False
        for i in range(len(word)):
            head, tail = word[:i], word[i + 1 :]
            if any(head + c + tail in self._plain for c in _LETTERS if c != word[i]):
                return True
            if i + 1 < len(word) and head + word[i + 1] + word[i] + word[i + 2 :] in self._plain:
                return True
        return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _variants(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by up to ``depth`` deletions."""
    out = {word}
    edge = {word}
    for _ in range(depth):
        edge = {d for w in edge for d in _deletions(w)}
        out |= edge
    return out


def _inflected_term(lex: lexicons.Lexicon, word: str) -> bool:
    """A clinical term or its plural ("cancers")."""
    return any(lex.categories(w) for w in (word, word[:-1], word[:-2]) if len(w) >= 3)


def _single_keys(lex: lexicons.Lexicon) -> dict[tuple[str, ...], set[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for bucket in lex._index.values():
        for key, category in bucket:
            if len(key) == 1:
                out.setdefault(key, set()).add(category)
    return out


def _spanish_words() -> frozenset[str]:
    """Every word of the Spanish clinical lexicons, lower case, accents kept and dropped."""
    out: set[str] = set()
    for path in [*_ES.glob("*.txt"), *(_ES / "curated").glob("*.txt")]:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for word in re.findall(r"[^\W\d_]{5,}", text.lower()):
            out.add(word)
            out.add(unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode())
    return frozenset(out)


def _spanish_abbreviations() -> list[str]:
    try:
        lines = _ES_CONDITIONS.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        term = line.split("#", 1)[0].strip()
        if term.isupper() and term.isalpha() and 3 <= len(term) <= 5:
            out.append(term)
    return out


@cache
def targets() -> _Targets:
    """Built once per process (call it while loading, before the first text)."""
    return _Targets()


def distance(a: str, b: str, bound: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``bound + 1`` when above."""
    la, lb = len(a), len(b)
    if abs(la - lb) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        low = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            low = min(low, v)
        if low > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= bound else bound + 1


def is_plain_word(word: str) -> bool:
    """An everyday word, a name or a place: never a misspelt clinical term."""
    lex = targets().lex
    return (
        word in targets().spanish
        or word in targets().phrase_words
        or bool(lex.categories(word))  # a term already ("lasix" is no misspelt "lasik")
        or word in lex.common_words
        or word in lex.everyday_words
        or word in lex.first_names
        or word in lex.surnames
        or word in lex.cities
        or word in lex.state_names
    )


@lru_cache(maxsize=65536)
def correct(word: str) -> str | None:
    """The clinical term ``word`` (lower case, letters) is a misspelling of, or None."""
    n = len(word)
    if n < MIN_LEN or not word.isalpha():
        return None
    t = targets()
    if word in t.clinical or is_plain_word(word) or word.endswith(_REAL_SUFFIXES):
        return None
    best: tuple[int, str] | None = None
    seen: set[str] = set()
    deep = n >= LONG - 1 and word[:3] in t.long_prefixes
    for variant in _variants(word, 2 if deep else 1):
        for term in t.index.get(variant, ()):
            if term in seen or term[0] != word[0]:
                continue
            seen.add(term)
            bound = 2 if len(term) >= LONG and n >= LONG - 1 else 1
            if bound == 2 and (term[:3] != word[:3] or term[-1] != word[-1]):
                bound = 1  # two edits only between words that start and end alike
            d = distance(word, term, bound)
            if d <= bound and (best is None or d < best[0]):
                best = (d, term)
    if best is None or t.near_plain(word):
        return None
    return best[1]


def deleet(token: str) -> str | None:
    """The clinical word or abbreviation a leetspeak token stands for ("c4nc3r" → "cancer",
    "H1V" → "HIV"), in the token's case, or None."""
    letters = sum(ch.isalpha() for ch in token)
    leet = [i for i, ch in enumerate(token) if ch in LEET]
    if not leet or letters < 2 or letters < len(leet) or len(leet) > 4:
        return None
    if leet == list(range(len(leet))) and token[0].isdigit() and letters <= 3:
        return None  # a number and its unit ("3kg", "5mg", "2nd"), not a word
    t = targets()
    choices = [LEET[token[i]] for i in leet]
    for combo in product(*choices):
        chars = list(token)
        for i, ch in zip(leet, combo, strict=True):
            chars[i] = ch
        plain = "".join(chars)
        low = plain.lower()
        if len(low) >= 3 and plain.upper() in t.abbreviations and letters > len(leet):
            return plain.upper()
        if len(low) >= 4 and (low in t.clinical or _is_term(low)):
            return _in_case_of(token, low)
        if len(low) >= 5 and low in t.spanish:  # a Spanish clinical word ("3mbarazo")
            return _in_case_of(token, low)
        fixed = correct(low) if len(low) >= MIN_LEN + 1 else None
        if fixed is not None:
            return _in_case_of(token, fixed)
    return None


def _is_term(low: str) -> bool:
    cats = targets().lex.categories(low)
    return bool(cats & {lexicons.CONDITION, lexicons.PROCEDURE, lexicons.LAB_TEST})


def spelled_acronym(run: str) -> str | None:
    """ "H.I.V." → "HIV", "S T D s" → "STDs": the abbreviation if it is a clinical one."""
    m = SPELLED_ACRONYM.fullmatch(run)
    if m is None:
        return None
    plural = m.group("plural") or ""
    body = run[: len(run) - len(plural)] if plural else run
    letters = "".join(ch for ch in body if ch.isalpha()).upper()
    if letters not in targets().abbreviations:
        return None
    return letters + ("s" if plural else "")


def _in_case_of(token: str, word: str) -> str:
    alpha = [ch for ch in token if ch.isalpha()]
    if alpha and all(ch.isupper() for ch in alpha):
        return word.upper()
    if token[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
