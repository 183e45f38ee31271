"""The deploying organisation's own details (name, phone numbers, web addresses) may stay.

A clinic's texts carry its own name, call-back number and portal address; those are not PHI but
look exactly like it. :class:`AllowList` recognises a finding whose text *is* one of them: phone
numbers compare by their last ten digits, web addresses by host (and a path with no identifier in
it), names case- and space-insensitively.

An entry matches whole: a name where its words stand as whole words in the text ("Saint Mary
Hospital" allows that phrase, never a lone "Mary" elsewhere), a finding only when it lies
entirely inside such an occurrence or *is* the entry — never an entry inside a longer finding.
:func:`entry_problem` refuses entries too short or too common to be an organisation's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_HOST = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:www\.)?([^/\s?#:@]+)(?::\d+)?(.*)$", re.I)
# A path segment that looks like an identifier (3+ digits, or a person-ish slug) is never allowed.
_ID_IN_PATH = re.compile(r"\d{3,}|/(?:u|p|user|users|patient|patients|profile|~)[/\-_]", re.I)
# A query parameter that names a personal field ("?dob=", "&mrn=", "&name="): whatever follows
# it is the patient's, so the address is never the organisation's own, even when the value is
# spelled out ("dob=October 23, 2019") or hidden behind invisible characters.
PERSONAL_PARAM = re.compile(
    r"[?&;](?:dob|birth\w*|bday|b_?date|mrn|ssn|name|[fl]_?name|first\w*|last\w*|full_?name|"
    r"patient\w*|pt|member\w*|acct|account\w*|phone|email|addr\w*|zip)=",
    re.I,
)


def _names_in(path: str) -> bool:
    """Does a URL path carry a person's name ("/r/Ava-taylor")?"""
    from models import lexicons

    lex = lexicons.load()
    for part in re.findall(r"[A-Za-z]{2,}", path):
        low = part.lower()
        named = low in lex.first_names or low in lex.surnames
        if named and len(low) >= 4 and low not in lex.everyday_words:
            return True
        # "/r/Haruto-Eze": capitalised words that are no everyday word, joined like a name
        if part[0].isupper() and len(low) >= 3 and low not in lex.common_words:
            return True
    return False


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _words(s: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))


@dataclass(frozen=True)
class AllowList:
    """Literal values that may stay. Build with :meth:`of` from the service configuration."""

    phones: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, values: Iterable[str]) -> AllowList:
        phones, hosts, names = set(), set(), set()
        for v in values:
            v = v.strip()
            digits = _digits(v)
            if len(digits) >= 7 and len(digits) >= len(re.sub(r"[\s()+.\-]", "", v)) - 1:
                phones.add(digits[-10:])
            elif "." in v and " " not in v:
                m = _HOST.match(v)
                if m:
                    hosts.add(m.group(1).lower())
            elif _words(v):
                names.add(_words(v))
        return cls(frozenset(phones), frozenset(hosts), frozenset(names))

    def __bool__(self) -> bool:
        return bool(self.phones or self.hosts or self.names)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the organisation's name occurs in ``text`` (any case, any spacing)."""
        out: list[tuple[int, int]] = []
        for name in self.names:
            pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, name.split())) + r"(?![^\W_])"
            out.extend(m.span() for m in re.finditer(pattern, text, re.I))
        return out

    def allows(self, value: str) -> bool:
        """Is this detected text one of the organisation's own details?"""
        digits = _digits(value)
        if self.phones and len(digits) >= 7 and digits[-10:] in self.phones:
            return True
        if self.hosts and "." in value:
            m = _HOST.match(value.strip())
            if m and m.group(1).lower() in self.hosts:
                path = m.group(2)
                return (
                    not _ID_IN_PATH.search(path)
                    and not PERSONAL_PARAM.search(path)
                    and path.count("/") <= 2
                    and not _names_in(path)
                )
            at = value.rfind("@")
            if at > 0 and value[at + 1 :].lower() in self.hosts and not _digits(value[:at]):
                return value[:at].lower() in (
                    "info",
                    "billing",
                    "frontdesk",
                    "help",
                    "support",
                    "appointments",
                    "noreply",
                    "no-reply",
                    "contact",
                )
        # A name: the finding is the whole entry, never a word of it ("Mary" is not "Saint
        # Mary Hospital"); a finding inside an occurrence of the entry is found by spans().
        words = _words(value)
        return bool(words) and words in self.names


# Words that may stand around the organisation's own name inside one finding without making it
# anybody else's: "It's Lakeview Health", "the Lakeview Pharmacy". Anything else (a name, a
# number, a street, a department) keeps the whole finding acted on.
_GLUE = frozenset(
    [
        "a",
        "an",
        "the",
        "it",
        "it's",
        "its",
        "is",
        "this",
        "here",
        "at",
        "of",
        "from",
        "by",
        "with",
        "and",
        "to",
        "in",
        "on",
        "our",
        "your",
        "via",
        "pharmacy",
        "clinic",
        "clinics",
        "hospital",
        "health",
        "center",
        "centre",
        "lab",
        "labs",
        "laboratory",
        "care",
        "urgent",
        "medical",
        "office",
        "practice",
        "group",
        "team",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def covered(text: str, start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Is the finding ``text[start:end]`` the organisation's own detail, given where its details
    occur (``spans``)? Only if it lies inside one, or is one with nothing but :data:`_GLUE` words
    around it: an allowed name inside a longer finding ("Mary Lakeview Jones", "14 Lakeview
    Health Drive") never excuses the rest of it."""
    inside = [(max(s, start), min(e, end)) for s, e in spans if s < end and start < e]
    if not inside:
        return False
    if any(s <= start and end <= e for s, e in inside):
        return True
    rest = list(text[start:end])
    for s, e in inside:
        rest[s - start : e - start] = " " * (e - s)
    words = _WORD.findall("".join(rest))
    return all(w.lower().replace("’", "'") in _GLUE for w in words)


# Entries refused whatever their list: they would let ordinary words or a patient's own name out.
MIN_NAME_CHARS = 3


def entry_problem(kind: str, value: str) -> str | None:
    """Why ``value`` cannot be an allow-list entry of ``kind`` (names, websites, emails), or
    ``None``. Single letters, digits, everyday words and lone first names or surnames are
    refused: every text that carries one would be let through unchanged."""
    v = value.strip()
    words = _words(v)
    if kind == "names":
        if len(re.sub(r"[^a-z0-9]", "", words)) < MIN_NAME_CHARS:
            return f"too short (fewer than {MIN_NAME_CHARS} letters or digits)"
        if not re.search(r"[a-z]", words):
            return "only digits and punctuation: not a name (phone numbers go under phones)"
        if " " not in words:
            from models import lexicons

            lex = lexicons.load()
            if words in lex.first_names or words in lex.surnames:
                return (
                    "a person's first name or surname: it would let patients with that name "
                    "through; give the organisation's full name"
                )
            if words in lex.common_words or words in lex.everyday_words:
                return "a common word: it would let every text that uses it through"
        return None
    if kind == "websites":
        m = _HOST.match(v)
        host = m.group(1) if m else ""
        if " " in v or "." not in host or len(host.rsplit(".", 1)[0]) < 2:
            return "not a domain name (like clinic.example)"
        return None
    if kind == "emails":
        local, _, domain = v.rpartition("@")
        if not local or "." not in domain or " " in v:
            return "not an email address (like info@clinic.example)"
        return None
    return None
