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

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_US = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def normalize_dob(value: str) -> str | None:
    """``YYYY-MM-DD`` from ISO, ``MM/DD/YYYY`` (also with - . or space) or ``MMDDYYYY``."""
    m = _ISO.match(value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _US.match(value) or _COMPACT.match(value)
        if not m:
            return None
        mo, d, y = (int(g) for g in m.groups())
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if not 1880 <= day.year <= date.today().year:
        return None
    return day.isoformat()


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
