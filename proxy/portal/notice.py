"""The SMS that replaces clinical detail: the policy's template filled in, in one GSM-7 segment.

Template placeholders: ``{org}``, ``{link}`` (required) and ``{appointment}`` (the appointment
time found in the original — administrative detail the policy lets stay). Text in square brackets
is optional: ``"{org}[ re your visit {appointment}]: {link}"``. Optional parts are dropped, last
first, when a placeholder in them is empty or the text does not fit ``max_length`` GSM-7 units;
if the required parts alone do not fit, the notice cannot be made and the send is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.findings import Finding

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # each costs two units (escape + char)
PLACEHOLDERS = ("org", "link", "appointment")
_PART = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


class NoticeTooLong(Exception):
    """The notice cannot be written within the limit; the caller blocks the send."""


def gsm7_units(text: str) -> int | None:
    """Length in GSM-7 septets, or None if the text needs UCS-2 (any non-GSM character)."""
    n = 0
    for c in text:
        if c in GSM7_BASIC:
            n += 1
        elif c in GSM7_EXTENDED:
            n += 2
        else:
            return None
    return n


def check_template(template: str) -> None:
    """Raise ValueError for unknown placeholders, unbalanced brackets, or no required {link}."""
    for name in _FIELD.findall(template):
        if name not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}} (known: {', '.join(PLACEHOLDERS)})")
    skeleton = _PART.sub("", template)
    if "[" in skeleton or "]" in skeleton:
        raise ValueError("unbalanced [ ] around an optional part")
    if "{link}" not in skeleton:
        raise ValueError("{link} must be outside optional [ ] parts")


def appointment_text(text: str, findings: Sequence[Finding], acting: Sequence[Finding]) -> str:
    """The first appointment time in the original that no acting finding overlaps."""
    for f in sorted(findings, key=lambda f: f.start):
        if f.type != "APPOINTMENT_DATETIME":
            continue
        if any(a.start < f.end and f.start < a.end for a in acting):
            continue
        return " ".join(text[f.start : f.end].split())
    return ""


def fill(template: str, *, org: str, link: str, appointment: str = "", max_length: int) -> str:
    """The notice text; optional parts dropped as needed. Raises :class:`NoticeTooLong`."""
    values = {"org": org, "link": link, "appointment": appointment}
    parts = _PART.findall(template)
    keep = [all(values.get(n) for n in _FIELD.findall(p)) for p in parts]
    while True:
        text = _render(template, keep, values)
        units = gsm7_units(text)
        if units is not None and units <= max_length:
            return text
        if not any(keep):
            why = "is not GSM-7" if units is None else f"is {units} characters"
            raise NoticeTooLong(
                f"the portal notice {why}; it must fit in {max_length} GSM-7 characters "
                "(shorten portal.template or portal.organization, or the public base URL)"
            )
        last = max(i for i, k in enumerate(keep) if k)
        keep[last] = False


def _render(template: str, keep: list[bool], values: dict[str, str]) -> str:
    it = iter(keep)
    text = _PART.sub(lambda m: m.group(1) if next(it) else "", template)
    return _FIELD.sub(lambda m: values.get(m.group(1), ""), text)
