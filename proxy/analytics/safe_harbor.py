"""The Safe Harbor transforms (45 CFR 164.514(b)(2)) applied to a text and its findings. Pure.

Identifiers become typed placeholders; person dates keep the year only (and lose it when it
implies an age of 90 or more); ages over 89 become "90+"; ZIP codes keep three digits, or 000 in
the sparsely populated three-digit areas listed in ``data/restricted_zip3.txt``. Clinical words
and titled providers stay: they are not identifiers of the individual.

Every replacement's span in the output is kept, so the verifying scan can tell a residual
identifier from the tokens this module wrote itself (a year, "90+", a placeholder).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from models import entities
from models.findings import Finding

#: Typed placeholders per entity type; other Safe Harbor types get ``[TYPE]``.
PLACEHOLDERS: dict[str, str] = {
    "PERSON": "[NAME]",
    "PHONE_NUMBER": "[PHONE]",
    "FAX_NUMBER": "[FAX]",
    "EMAIL_ADDRESS": "[EMAIL]",
    "URL": "[URL]",
    "IP_ADDRESS": "[IP]",
    "US_SSN": "[SSN]",
    "MEDICAL_RECORD_NUMBER": "[MRN]",
    "HEALTH_PLAN_ID": "[HEALTH_PLAN_ID]",
    "ACCOUNT_NUMBER": "[ACCOUNT]",
    "LICENSE_NUMBER": "[LICENSE]",
    "VEHICLE_ID": "[VEHICLE]",
    "DEVICE_ID": "[DEVICE]",
    "STREET_ADDRESS": "[ADDRESS]",
    "LOCATION": "[LOCATION]",
    "FACILITY": "[LOCATION]",  # hospital and facility names are locations under Safe Harbor
    "ZIP_CODE": "[ZIP]",
    "DATE": "[DATE]",
    "DATE_OF_BIRTH": "[DATE]",
    "APPOINTMENT_DATETIME": "[DATE]",
    "AGE_OVER_89": "90+",
}

DATE_TYPES = frozenset({"DATE", "DATE_OF_BIRTH", "APPOINTMENT_DATETIME"})
# Appointment times are service dates "directly related to an individual": year only, like the
# other dates, although the SMS policy lets them travel.
EXTRA_TYPES = frozenset({"APPOINTMENT_DATETIME"})
# Detected so that "Dr. Lee" is a provider and not a patient name; kept in the text.

AGE_90_PLUS = "90+"
OLD_DATE = "[DATE 90+]"  # a year that would reveal an age of 90 or more is aggregated

_YEAR4 = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_YEAR2 = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](\d{2})(?!\d)")
_ZIP = re.compile(r"(?<!\d)(\d{3})\d{2}(?:-\d{4})?(?!\d)")
_NUMBER = re.compile(r"\d+")


def safe_harbor_types() -> frozenset[str]:
    """Every registered entity type that Safe Harbor requires removing."""
    return frozenset(n for n, t in entities.all_types().items() if t.safe_harbor)


def transformed_types() -> frozenset[str]:
    """The types de-identification rewrites."""
    return safe_harbor_types() | EXTRA_TYPES


def scan_types() -> frozenset[str]:
    """What to ask the detector for: Safe Harbor types plus the administrative ones that stop
    a provider's name or an appointment time from being read as a patient identifier."""
    admin = {n for n, t in entities.all_types().items() if t.family == "administrative"}
    return transformed_types() | frozenset(admin)


@cache
def restricted_zip3() -> frozenset[str]:
    """Three-digit ZIP areas of 20,000 people or fewer (data file, source noted in it)."""
    text = resources.files("proxy.analytics").joinpath("data/restricted_zip3.txt").read_text()
    codes = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not codes or any(not (len(c) == 3 and c.isdigit()) for c in codes):
        raise ValueError("restricted_zip3.txt must list three-digit prefixes")
    return frozenset(codes)


def zip3(value: str) -> str:
    """A ZIP code generalised to its first three digits ("021**"), 000 in restricted areas."""
    m = _ZIP.search(value)
    if not m:
        return PLACEHOLDERS["ZIP_CODE"]
    prefix = m.group(1)
    return ("000" if prefix in restricted_zip3() else prefix) + "**"


def year_of(value: str, reference_year: int) -> int | None:
    """The year a date mentions, if any: four digits, or a two-digit year ending d/m/yy."""
    m = _YEAR4.search(value)
    if m:
        return int(m.group(1))
    m = _YEAR2.search(value)
    if m:
        yy = int(m.group(1))
        century = 2000 if yy <= reference_year % 100 else 1900
        return century + yy
    return None


def date_to_year(value: str, reference_year: int) -> str:
    """Keep only the year; a year implying an age of 90+ joins the single "90+" category."""
    year = year_of(value, reference_year)
    if year is None:
        return PLACEHOLDERS["DATE"]
    if year <= reference_year - 90:
        return OLD_DATE
    return str(year)


def age_90_plus(value: str) -> str:
    """An age of 90 or more becomes "90+"; the words around the number stay ("-year-old")."""
    m = _NUMBER.search(value)
    if m is None:
        return AGE_90_PLUS
    if int(m.group()) < 90:
        return value  # ages under 90 are not identifiers
    return value[: m.start()] + AGE_90_PLUS + value[m.end() :]


def replacement(entity_type: str, value: str, reference_year: int) -> str:
    if entity_type in DATE_TYPES:
        return date_to_year(value, reference_year)
    if entity_type == "AGE_OVER_89":
        return age_90_plus(value)
    if entity_type == "ZIP_CODE":
        return zip3(value)
    return PLACEHOLDERS.get(entity_type, f"[{entity_type}]")


@dataclass(frozen=True)
class Deidentified:
    """A de-identified text and the spans (in it) of what was written in place of identifiers."""

    text: str
    written: tuple[tuple[int, int], ...]
    removed: tuple[Finding, ...]  # the findings replaced (offsets into the original)


Keep = Callable[[str, Finding], bool]


def deidentify(
    text: str,
    findings: Sequence[Finding],
    *,
    reference_year: int,
    min_score: Callable[[str], float] = lambda _t: 0.0,
    keep: Keep | None = None,
    types: Collection[str] | None = None,
) -> Deidentified:
    """Rewrite every identifier finding of ``types`` (default: :func:`transformed_types`).

    ``min_score`` gives the per-type threshold (the policy's); ``keep`` may spare findings such
    as the organisation's own phone number (the policy's allow list).
    """
    wanted = transformed_types() if types is None else frozenset(types)
    chosen = [
        f
        for f in sorted(findings, key=lambda f: f.start)
        if f.type in wanted
        and f.score >= min_score(f.type)
        and not (keep is not None and keep(text, f))
    ]
    chosen = _non_overlapping(chosen)
    parts: list[str] = []
    written: list[tuple[int, int]] = []
    pos = 0
    out_len = 0
    for f in chosen:
        parts.append(text[pos : f.start])
        out_len += f.start - pos
        new = replacement(f.type, text[f.start : f.end], reference_year)
        written.append((out_len, out_len + len(new)))
        parts.append(new)
        out_len += len(new)
        pos = f.end
    parts.append(text[pos:])
    return Deidentified("".join(parts), tuple(written), tuple(chosen))


def residual(
    d: Deidentified,
    findings: Sequence[Finding],
    *,
    min_score: Callable[[str], float] = lambda _t: 0.0,
    keep: Keep | None = None,
    types: Collection[str] | None = None,
) -> list[Finding]:
    """Identifier findings in a de-identified text that are not tokens we wrote ourselves."""
    wanted = transformed_types() if types is None else frozenset(types)
    left = []
    for f in findings:
        if f.type not in wanted or f.score < min_score(f.type):
            continue
        if any(s <= f.start and f.end <= e for s, e in d.written):
            continue
        if keep is not None and keep(d.text, f):
            continue
        left.append(f)
    return left


def _non_overlapping(found: list[Finding]) -> list[Finding]:
    """Sorted by start; on overlap keep the earlier, extended to cover both (remove more)."""
    out: list[Finding] = []
    for f in found:
        if out and f.start < out[-1].end:
            last = out[-1]
            if f.end > last.end:
                out[-1] = Finding(last.type, last.start, f.end, last.score, last.source)
            continue
        out.append(f)
    return out
