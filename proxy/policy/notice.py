"""The SMS that replaces clinical detail: the policy's template filled in, within ``max_length``
GSM-7 characters.

Template placeholders: ``{org}`` and ``{link}`` (required), and the administrative detail of the
original that the policy lets stay — never anything else:

* ``{provider}``: the titled provider name(s) ("Dr. Nguyen"), PROVIDER_NAME findings — not one
  written with a role or credential that names a kind of care ("therapist Lee", "Lee, CNM");
* ``{appointment}``: every distinct appointment date/time phrase, in order of appearance (with
  an appointment cue or a clock time: not a bare date the detector could not place);
* ``{contact}``: the organisation's own phone numbers, web addresses and emails (the policy's
  ``allow:`` list) as written in the original.

A value is used only when its type's rule is ``allow``, no acting finding overlaps it (a provider
name inside a patient-name finding is not used: fail closed), and it is plain GSM-7. Several
values are joined ("Tue 3 PM and Fri 9 AM"; contacts with "or").

Text in square brackets is optional: ``"{org}[ re your visit {appointment}]: {link}"``. A part
with an empty placeholder is left out. The others are kept in template order while they
fit ``max_length``: a part that does not fit is shortened to fewer of its values (the first ones)
or left out, and the parts after it are then tried in the room left — so an earlier part always
has priority over a later one, and the last part is the first to give way. If the required parts
alone do not fit, the notice cannot be made and the send is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models.findings import Finding
from proxy.policy.model import Action, Policy
from proxy.sms import gsm7_units, national_digits

PLACEHOLDERS = ("org", "link", "provider", "appointment", "contact")
# What the link looks like in previews (test bench, ``scrub`` without a portal): as long as a real
# one (a public base URL, /portal/, a 43-character token), so previews drop what real notices do.
PREVIEW_LINK = "https://portal.example.org/portal/" + "X" * 43
_PART = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")
_SEPARATOR = r"[ \t().\-]{0,3}"  # between the digits of a phone number as people write them
_URL_CHAR = re.compile(r"[\w.:/+\-]")
# The notice says "your visit": an appointment finding counts only with an appointment cue or a
# clock time. A bare calendar date with neither is typed APPOINTMENT_DATETIME at 0.5 by the
# detector (models/recognizers/dates.py: an announcement, "the lobby reopens March 3") — and is
# as often a date in the patient's record ("earliest refill date is 11/25"): not used.
APPOINTMENT_MIN_SCORE = 0.6
# A provider written with a role or credential that tells what kind of care it is ("your
# therapist Jane Lee", "Jane Lee, CNM") says something clinical: such a name is not used.
_REVEALING_ROLE = re.compile(
    r"\b(?:psycholog\w*|psychiatr\w*|therapist|counsel+or|midwife|surgeon|dentist|"
    r"social\s+worker|coach|dietitian|nutritionist|pharmacist|ana?esthetist)\b",
    re.I,
)
_REVEALING_CREDENTIAL = re.compile(
    r"\b(?:PsyD|LCSW|LMFT|LPC|LMHC|MSW|CNM|CRNA|DDS|DMD|OD|DPT|OTR|PT|OT|SLP|RRT|RD|RDN|DC|"
    r"PharmD)\b"
)
_SCHEME = re.compile(r"(?:https?://)?(?:www\.)?", re.I)
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z_\-]*)*")  # no digits, query or fragment: no identifiers
_TRAILING = ".,;:!?)]}'\""


class NoticeTooLong(Exception):
    """The notice cannot be written within the limit; the caller blocks the send."""


@dataclass(frozen=True)
class Details:
    """The administrative detail of one original that may appear in its notice."""

    provider: tuple[str, ...] = ()
    appointment: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()


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


# -- what the original may lend the notice ------------------------------------------------------


def details(
    text: str, findings: Sequence[Finding], acting: Sequence[Finding], policy: Policy
) -> Details:
    """Provider names, appointment times and the organisation's contact details in ``text``
    that ``policy`` (the sender's effective policy) lets stay and no acting finding touches."""
    return Details(
        provider=_allowed_values(text, findings, acting, policy, "PROVIDER_NAME"),
        appointment=_allowed_values(text, findings, acting, policy, "APPOINTMENT_DATETIME"),
        contact=contact_values(text, acting, policy),
    )


def _allowed_values(
    text: str,
    findings: Sequence[Finding],
    acting: Sequence[Finding],
    policy: Policy,
    entity_type: str,
) -> tuple[str, ...]:
    if policy.rule_for(entity_type).action != Action.ALLOW:
        return ()
    spans = [
        (f.start, f.end)
        for f in findings
        if f.type == entity_type
        and not _touched(f.start, f.end, acting)
        and not (entity_type == "APPOINTMENT_DATETIME" and f.score < APPOINTMENT_MIN_SCORE)
        and not (entity_type == "PROVIDER_NAME" and _reveals_care(text[f.start : f.end]))
    ]
    return _distinct(text, spans)


def _reveals_care(provider: str) -> bool:
    return bool(_REVEALING_ROLE.search(provider) or _REVEALING_CREDENTIAL.search(provider))


def contact_values(text: str, acting: Sequence[Finding], policy: Policy) -> tuple[str, ...]:
    """The organisation's own phone numbers, web addresses and emails as written in ``text``.

    Phones match the allow list's digits with the separators people write (a leading ``+1``
    too). A web address is taken with its scheme and path, and only when that path is plain
    words (no digits, query or fragment) and the allow list accepts the whole of it (no name in
    the path, see :mod:`models.allow`); otherwise it is not used at all.
    """
    allow = policy.allow
    spans: list[tuple[int, int]] = []
    for digits in sorted(allow.phone_digits):
        if not digits.isdigit():
            continue
        pattern = r"(?<![\w+])\+?(?:1" + _SEPARATOR + r")?\(?" + _SEPARATOR.join(digits)
        spans.extend(m.span() for m in re.finditer(pattern + r"(?![0-9])", text))
    low = text.lower()
    for site in allow.websites:
        start = low.find(site.lower()) if site else -1
        while start != -1:
            s, e = _token(text, start, start + len(site))
            plain = (
                _SCHEME.fullmatch(text[s:start])
                and _PLAIN_PATH.fullmatch(text[start + len(site) : e])
                and (s == 0 or text[s - 1] != "@")  # not the domain of somebody's email
            )
            if plain and allow.matcher.allows(text[s:e]):
                spans.append((s, e))
            start = low.find(site.lower(), start + 1)
    for email in allow.emails:
        start = low.find(email.lower()) if email else -1
        while start != -1:
            spans.append((start, start + len(email)))
            start = low.find(email.lower(), start + 1)
    spans = [(s, e) for s, e in spans if not _touched(s, e, acting)]
    return _distinct(text, spans, key=_contact_key)


def _token(text: str, start: int, end: int) -> tuple[int, int]:
    """The web address around a found host: scheme and ``www.`` before it, a path after it."""
    while start > 0 and _URL_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def _contact_key(value: str) -> str:
    if len(re.sub(r"\D", "", value)) >= 7 and not re.search(r"[a-z]", value, re.I):
        return national_digits(value)
    return value.lower().rstrip("/")


def _touched(start: int, end: int, acting: Sequence[Finding]) -> bool:
    return any(a.start < end and start < a.end for a in acting)


def _clean(value: str) -> str:
    return " ".join(value.split())


def _distinct(
    text: str, spans: Sequence[tuple[int, int]], key: Callable[[str], str] = str.lower
) -> tuple[str, ...]:
    """The spans' text in order of appearance, once each, plain GSM-7 only."""
    out: list[str] = []
    seen: set[str] = set()
    for s, e in sorted(set(spans)):
        if any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2 in spans):
            continue  # inside a longer match ("lakeviewhealth.example" in its URL)
        value = _clean(text[s:e])
        k = key(value)
        if value and k not in seen and gsm7_units(value) is not None:
            seen.add(k)
            out.append(value)
    return tuple(out)


# -- filling ----------------------------------------------------------------------------------


def compose(
    policy: Policy,
    *,
    text: str,
    findings: Sequence[Finding],
    acting: Sequence[Finding],
    link: str,
) -> str:
    """The notice for one original under ``policy``. Raises :class:`NoticeTooLong`."""
    d = details(text, findings, acting, policy)
    ps = policy.portal
    return fill(
        ps.template,
        org=ps.organization,
        link=link,
        provider=d.provider,
        appointment=d.appointment,
        contact=d.contact,
        max_length=ps.max_length,
    )


def fill(
    template: str,
    *,
    org: str,
    link: str,
    appointment: str | Sequence[str] = (),
    provider: str | Sequence[str] = (),
    contact: str | Sequence[str] = (),
    max_length: int,
) -> str:
    """The notice text; optional parts shortened or left out as needed (see the module doc).
    Raises :class:`NoticeTooLong`."""
    lists = {"appointment": appointment, "provider": provider, "contact": contact}
    values = {k: _as_tuple(v) for k, v in lists.items()}
    fixed = {"org": org, "link": link}
    parts = _PART.findall(template)
    chosen: list[str | None] = [None] * len(parts)
    text = _render(template, chosen, fixed, values)
    units = gsm7_units(text)
    if units is None or units > max_length:
        why = "is not GSM-7" if units is None else f"is {units} characters"
        raise NoticeTooLong(
            f"the portal notice {why}; it must fit in {max_length} GSM-7 characters "
            "(shorten portal.template or portal.organization, or the public base URL)"
        )
    for i, part in enumerate(parts):
        names = _FIELD.findall(part)
        if not all(fixed.get(n) or values.get(n) for n in names):
            continue
        most = max((len(values[n]) for n in names if n in values), default=1)
        for k in range(most, 0, -1):
            chosen[i] = _substitute(part, fixed, {n: v[:k] for n, v in values.items()})
            units = gsm7_units(_render(template, chosen, fixed, values))
            if units is not None and units <= max_length:
                break
            chosen[i] = None
    return _render(template, chosen, fixed, values)


def _as_tuple(value: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(v for v in value if v)


def _join(name: str, items: Sequence[str]) -> str:
    if name == "contact":
        return " or ".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _substitute(part: str, fixed: dict[str, str], values: dict[str, tuple[str, ...]]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in values:
            return _join(name, values[name])
        return fixed.get(name, "")

    return _FIELD.sub(one, part)


def _render(
    template: str,
    chosen: list[str | None],
    fixed: dict[str, str],
    values: dict[str, tuple[str, ...]],
) -> str:
    """The template with each optional part replaced by its chosen text (or nothing)."""
    pieces: list[str] = []
    pos = 0
    for i, m in enumerate(_PART.finditer(template)):
        pieces.append(_substitute(template[pos : m.start()], fixed, values))
        pieces.append(chosen[i] or "")
        pos = m.end()
    pieces.append(_substitute(template[pos:], fixed, values))
    text = ""
    for piece in pieces:  # "at 2:10 P.M." + ". Read it" gives one full stop, not two
        text += piece[1:] if piece[:1] == "." and text.endswith(".") else piece
    return text
