"""SMS facts used in more than one place: the GSM-7 alphabet, and phone numbers as digits.

Phone numbers are compared as digits in three forms. They are not interchangeable: each caller
keeps the form it has always used, because stored data was computed from it.

- :func:`digits`: every digit character (``str.isdigit``), nothing else. Audit pseudonyms are
  keyed hashes of this form.
- :func:`with_country_code`: :func:`digits`, with the country code 1 added to a 10-digit NANP
  number. The opt-out registry's canonical form (:func:`proxy.optout.registry.canonical_digits`):
  stored opt-out pseudonyms were computed from it, so changing it would orphan every stored
  opt-out and let sends through (fail open).
- :func:`national_digits`: decimal digits (``\\d``), with the country code 1 dropped from an
  11-digit number, for comparisons that ignore it: the policy's allow-listed phones and sender
  overrides, the contacts a portal notice may keep.
"""

from __future__ import annotations

import re

#: GSM 03.38 basic alphabet (one septet each)
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: GSM 03.38 extension table: two septets each (escape + character)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_NON_DECIMAL = re.compile(r"\D")


def gsm7_units(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or None if it needs UCS-2."""
    units = 0
    for c in text:
        if c in GSM7_BASIC:
            units += 1
        elif c in GSM7_EXTENSION:
            units += 2
        else:
            return None
    return units


def digits(number: str) -> str:
    """Every digit character of ``number`` (``str.isdigit``), in order."""
    return "".join(c for c in number if c.isdigit())


def with_country_code(number: str) -> str:
    """:func:`digits`, a 10-digit NANP national number getting its country code 1, so
    "(555) 010-0001" and "+1 555 010 0001" are one number (errs towards matching)."""
    d = digits(number)
    if len(d) == 10 and d[0] in "23456789":
        d = "1" + d
    return d


def national_digits(number: str) -> str:
    """Decimal digits of ``number``, an 11-digit number's leading country code 1 dropped."""
    d = _NON_DECIMAL.sub("", number)
    return d[1:] if len(d) == 11 and d.startswith("1") else d
