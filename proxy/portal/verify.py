"""Checking the reader: date-of-birth parsing, one-time codes, CSRF tokens.

Failures per client address are counted in the store (:mod:`proxy.store.failure_counts`).

Comparisons are constant-time, and callers do the same work whether or not a token exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import date

DOB_HEADER = "X-PHI-Proxy-Patient-DOB"
CODE_DIGITS = 6
CODE_TTL_SECONDS = 600
CSRF_TTL_SECONDS = 3600

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Spanish month names and abbreviations (the Spanish pages); none collides with an English one
_MONTHS.update(
    {
        name: i
        for i, names in enumerate(
            (
                ("enero", "ene"),
                ("febrero",),
                ("marzo",),
                ("abril", "abr"),
                ("mayo",),
                ("junio",),
                ("julio",),
                ("agosto", "ago"),
                ("septiembre", "setiembre", "set"),
                ("octubre",),
                ("noviembre",),
                ("diciembre", "dic"),
            ),
            start=1,
        )
        for name in names
    }
)
# "14 de marzo de 1962", "14 de marzo del 62": the Spanish connectives are dropped before matching
_DE = re.compile(r"\s+(?:de|del)\s+")
_SEP = r"\s*[/.\-\s,]\s*"
_ISO = re.compile(r"^(\d{4})" + _SEP + r"(\d{1,2})" + _SEP + r"(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})" + _SEP + r"(\d{1,2})" + _SEP + r"(\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")
_NAMED = re.compile(
    r"^([a-z]+)\.?" + _SEP + r"?(\d{1,2})(?:st|nd|rd|th)?" + _SEP + r"(\d{2}|\d{4})$"
)
_NAMED_DAY_FIRST = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?" + _SEP + r"?([a-z]+)\.?" + _SEP + r"(\d{2}|\d{4})$"
)
EARLIEST_YEAR = 1880


def full_year(year: str, today: date | None = None) -> int | None:
    """A four-digit year; two digits resolve to the latest year not after this one (a birth
    date is never in the future: in 2026, ``50`` is 1950 and ``24`` is 2024)."""
    if not year.isdigit() or len(year) not in (2, 4):
        return None
    y = int(year)
    if len(year) == 4:
        return y
    this_year = (today or date.today()).year
    candidate = this_year - this_year % 100 + y
    return candidate if candidate <= this_year else candidate - 100


def month_number(value: str) -> int | None:
    """1-12 from ``7``, ``07``, ``Jul``, ``July`` (any case)."""
    v = value.strip().lower().rstrip(".")
    if v.isdigit():
        return int(v) if 1 <= int(v) <= 12 else None
    return _MONTHS.get(v)


def dob_from_parts(month: str, day: str, year: str, today: date | None = None) -> str | None:
    """``YYYY-MM-DD`` from three separately typed fields, or None if they are not a birth date."""
    mo = month_number(month)
    d, y = day.strip(), full_year(year.strip(), today)
    if mo is None or not d.isdigit() or y is None:
        return None
    found = _checked(y, mo, int(d), today)
    if found is None and len(year.strip()) == 2:  # 12/31/26 typed on 2026-12-07 is 1926
        found = _checked(y - 100, mo, int(d), today)
    return found


def _checked(y: int, mo: int, d: int, today: date | None) -> str | None:
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if day.year < EARLIEST_YEAR or day > (today or date.today()):
        return None
    return day.isoformat()


def normalize_dob(value: str, today: date | None = None, *, day_first: bool = False) -> str | None:
    """``YYYY-MM-DD`` from the forms people type: ISO, ``MM/DD/YYYY`` or ``M/D/YY`` (also with
    ``-``, ``.``, spaces around the separators), ``MMDDYYYY``, ``July 2, 1950``, ``2 July 1950``.
    None when it is not a date of birth (unparseable, impossible, or in the future).

    ``day_first`` (the Spanish pages): all-digit forms are ``DD/MM/YYYY`` and ``DDMMYYYY``
    instead — one order per language, never both, so an answer is one guess — and Spanish
    spelled dates ("14 de marzo de 1962") are read."""
    v = " ".join(value.strip().lower().split())
    if day_first:
        v = _DE.sub(" ", v)
    m = _ISO.match(v)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _checked(y, mo, d, today)
    m = _US.match(v) or _COMPACT.match(v)
    if m:
        first, second, year = m.group(1), m.group(2), m.group(3)
        if day_first:
            first, second = second, first
        return dob_from_parts(first, second, year, today)
    m = _NAMED.match(v)
    if m:
        return dob_from_parts(m.group(1), m.group(2), m.group(3), today)
    m = _NAMED_DAY_FIRST.match(v)
    if m:
        return dob_from_parts(m.group(2), m.group(1), m.group(3), today)
    return None


def same(a: str, b: str) -> bool:
    """Constant-time equality of two short strings."""
    return hmac.compare_digest(a.encode(), b.encode())


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(key: bytes, record_id: str, code: str) -> str:
    """Keyed hash of a one-time code: a stolen database alone does not reveal live codes."""
    return hmac.new(key, f"{record_id}|{code.strip()}".encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """What the store keeps instead of the link token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_id(hashed: str) -> str:
    """The public handle for a link in the audit log: a prefix of its hash."""
    return "pt_" + hashed[:12]


def csrf_token(key: bytes, hashed: str, now: float | None = None) -> str:
    """A form token bound to this link and a time, so a form posted from elsewhere fails."""
    issued = int(now if now is not None else time.time())
    mac = hmac.new(key, f"{hashed}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{issued}.{mac}"


def csrf_ok(key: bytes, hashed: str, value: str, now: float | None = None) -> bool:
    issued_s, _, mac = value.partition(".")
    if not issued_s.isdigit():
        issued_s = "0"
    expected = csrf_token(key, hashed, int(issued_s)).partition(".")[2]
    fresh = 0 <= (now if now is not None else time.time()) - int(issued_s) <= CSRF_TTL_SECONDS
    return hmac.compare_digest(mac.encode(), expected.encode()) and fresh
