"""Recipient numbers, normalised before the opt-out check (issue #18).

A number is read the way a provider would read it: Unicode NFKC (full-width ``０`` is ``0``),
every decimal digit of any script made ASCII, invisible format characters and the usual
separators (space, ``-``, ``.``, ``(``, ``)``) dropped. The result must be a valid E.164 number:
``+`` and 7–15 digits not starting with 0, a ``+1`` number having exactly 11 digits. Without
``+``: ``00`` is the international prefix; 10 digits starting 2–9 are a NANP number (country
code 1 added, as :func:`proxy.optout.registry.canonical_digits` has always done); other digit
strings of 7–15 digits not starting with 0 are international numbers written without ``+`` (as
Vonage, Plivo, Sinch and MessageBird accept them). Anything else that looks like a phone number
is not valid and the send is refused.

What is checked is what is forwarded: every phone-number recipient is rewritten to its E.164
form in the request the adapter rebuilds (:func:`wire_forms`; ``+`` kept or dropped as the
provider writes numbers), so full-width digits, other scripts, zero-width characters or
separators never reach the provider, which could read them as another number than the one
checked. Recipients that are not phone numbers at all (an SNS topic ARN, a MessageBird group id,
``whatsapp:`` addresses: they contain letters) are left as they are.

Compatibility: for every ASCII number, ``canonical_digits(normalised)`` equals the digits the
registry has always stored pseudonyms of, so no stored opt-out is orphaned
(``tests/webhooks/test_recipients.py`` checks this against the old function).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = frozenset(" -.()\u00a0")


@dataclass(frozen=True)
class Recipient:
    """A recipient as written, and its E.164 form (``""`` when it is not a phone number)."""

    raw: str
    e164: str

    @property
    def is_phone(self) -> bool:
        return bool(self.e164)


class InvalidRecipient(ValueError):
    """A phone-number recipient that is not valid E.164 after normalisation. The message names
    the reason, never the number."""


def _digits_and_plus(text: str) -> str | None:
    """NFKC, digits of any script as ASCII, separators and invisible characters dropped; None
    when something else (a letter) remains."""
    out = []
    for ch in unicodedata.normalize("NFKC", text).strip():
        if ch in _SEPARATORS or unicodedata.category(ch) == "Cf":
            continue
        if ch == "+":
            out.append(ch)
            continue
        value = unicodedata.decimal(ch, None)
        if value is None:
            return None
        out.append(str(value))
    return "".join(out)


def normalise(raw: str) -> Recipient:
    """The recipient's E.164 form; raises :class:`InvalidRecipient` for a phone number that is
    not valid."""
    cleaned = _digits_and_plus(raw)
    if cleaned is None or not any(c.isdigit() for c in cleaned):
        return Recipient(raw, "")  # not a phone number (topic ARN, group id, empty)
    if cleaned.count("+") > 1 or ("+" in cleaned and not cleaned.startswith("+")):
        raise InvalidRecipient("recipient phone number has a misplaced '+'")
    if cleaned.startswith("+"):
        digits = cleaned[1:]
    elif cleaned.startswith("00"):
        digits = cleaned[2:]
    elif len(cleaned) == 10 and cleaned[0] in "23456789":
        digits = "1" + cleaned
    else:
        digits = cleaned
    if not 7 <= len(digits) <= 15 or digits[0] == "0":
        raise InvalidRecipient("recipient phone number is not a valid E.164 number")
    if digits[0] == "1" and len(digits) != 11:
        raise InvalidRecipient("recipient +1 number must have 11 digits")
    return Recipient(raw, "+" + digits)


def wire_forms(recipients: Iterable[str], plus: bool = True) -> dict[str, str]:
    """Each phone-number recipient not already written as its E.164 number (``+`` and digits,
    or its digits alone) → that number as the provider is sent it (``+`` and digits, or the
    digits alone when ``plus`` is false). A number already written so is left as it is, so a
    request with nothing to change is still forwarded byte for byte. Raises
    :class:`InvalidRecipient` like :func:`normalise`."""
    out: dict[str, str] = {}
    for raw in recipients:
        e164 = normalise(raw).e164
        if e164 and raw not in (e164, e164[1:]):
            out[raw] = e164 if plus else e164[1:]
    return out
