"""Property tests: PHI hidden under Unicode and formatting tricks is never forwarded.

Each example plants one synthetic identifier (SSN in the never-issued 9xx range, a 555-01xx
phone number, an @example.* email, an MRN with its context word) into a message, disguised by
any mix of: zero-width characters between its characters, full-width forms, spacing/separator
changes, and case changes. What the proxy would forward (the same detector and the same
:func:`proxy.policy.decide.decide`, via :class:`proxy.detection.scrubber.Scrubber`) must not
contain it, compared after undoing every disguise (NFKC, invisible characters dropped,
separators dropped, case folded).

The tricks the detector does *not* survive are listed in ``KNOWN_MISSES`` (the test asserts they
still leak, so it fails, on purpose, once the detector learns one; then it moves to CLOSED_GAPS).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.normalize import INVISIBLE
from proxy.detection.scrubber import Scrubber
from proxy.policy.parse import load_policy

ZERO_WIDTH = sorted(INVISIBLE & set("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
AREA_CODES = ("212", "312", "415", "617", "713", "206")
NAMES = ("maria.lopez", "j.okafor", "chen.wei", "a.novak", "sam_patel", "ruth.ellis")
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")


@pytest.fixture(scope="module")
def scrubber(detector: Any) -> Scrubber:
    return Scrubber(load_policy(), detector)


@st.composite
def ssn(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.integers(900, 999))
    group = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    digits = f"{area:03d}{group:02d}{serial:04d}"
    if len(set(digits)) == 1:
        digits = "912345670"
    sep = draw(st.sampled_from(["-", " ", ".", ""]))  # one separator throughout
    value = sep.join((digits[:3], digits[3:5], digits[5:]))
    context = draw(st.sampled_from(["SSN", "ssn", "Social Security number", "SSN:"]))
    return f"{context} {value}", value


@st.composite
def phone(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(AREA_CODES))
    line = f"01{draw(st.integers(0, 99)):02d}"
    fmt = draw(
        st.sampled_from(
            [
                "({a}) 555-{l}",
                "{a}-555-{l}",
                "{a}.555.{l}",
                "{a} 555 {l}",
                "{a}555{l}",
                "+1 {a} 555 {l}",
                "1-{a}-555-{l}",
            ]
        )
    )
    value = fmt.format(a=area, l=line)
    return f"call me at {value}", value


@st.composite
def email(draw: st.DrawFn) -> tuple[str, str]:
    value = f"{draw(st.sampled_from(NAMES))}@{draw(st.sampled_from(DOMAINS))}"
    return f"results were sent to {value}", value


@st.composite
def mrn(draw: st.DrawFn) -> tuple[str, str]:
    value = str(draw(st.integers(10_000_000, 99_999_999)))
    context = draw(st.sampled_from(["MRN", "mrn", "MRN:", "Mrn #"]))
    return f"{context} {value}", value


def full_width(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch)


@st.composite
def disguised(draw: st.DrawFn, base: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    """(message, canonical value) with the value disguised by a random mix of tricks."""
    phrase, value = draw(base)
    chars = list(value)
    out = []
    for ch in chars:
        if draw(st.booleans()) and ch.isalpha():
            ch = ch.swapcase()
        if draw(st.integers(0, 3)) == 0:
            ch = full_width(ch)
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(ZERO_WIDTH)))
    hidden = "".join(out)
    prefix = draw(st.sampled_from(["Hello, ", "Reminder: ", "", "Hi there. "]))
    suffix = draw(st.sampled_from([".", " today.", " - thanks", " please"]))
    return prefix + phrase.replace(value, hidden) + suffix, value


def canonical(text: str) -> str:
    """Undo every disguise: NFKC, invisible characters out, separators out, case folded."""
    text = "".join(c for c in text if c not in INVISIBLE and unicodedata.category(c) != "Cf")
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s.\-()+_@:#]", "", text)


def assert_not_forwarded(scrubber: Scrubber, message: str, value: str) -> None:
    result = scrubber.scrub([message])[0]
    forwarded = result.text
    if forwarded is None:
        return  # blocked: nothing forwarded at all
    assert canonical(value) not in canonical(forwarded), (
        f"forwarded a disguised identifier ({result.action}): {forwarded!r}"
    )


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(disguised(ssn()))
def test_disguised_ssn_never_forwarded(scrubber: Scrubber, case: tuple[str, str]) -> None:
    assert_not_forwarded(scrubber, *case)


@PROPERTY
@given(disguised(phone()))
def test_disguised_phone_never_forwarded(scrubber: Scrubber, case: tuple[str, str]) -> None:
    assert_not_forwarded(scrubber, *case)


@PROPERTY
@given(disguised(email()))
def test_disguised_email_never_forwarded(scrubber: Scrubber, case: tuple[str, str]) -> None:
    assert_not_forwarded(scrubber, *case)


@PROPERTY
@given(disguised(mrn()))
def test_disguised_mrn_never_forwarded(scrubber: Scrubber, case: tuple[str, str]) -> None:
    assert_not_forwarded(scrubber, *case)


def test_canonical_check_is_not_vacuous(scrubber: Scrubber) -> None:
    hidden = "".join(full_width(c) + "\u200b" for c in "912-34-5678")
    assert canonical("912345678") in canonical(f"SSN {hidden}")
    with pytest.raises(AssertionError):
        assert_not_forwarded(Scrubber(load_policy(), _Blind()), f"SSN {hidden}", "912-34-5678")


class _Blind:
    def detect(self, texts: Any, entities: Any = None) -> list[list[Any]]:
        return [[] for _ in texts]


# What the detector misses today (found while writing these properties); each is a real gap.
KNOWN_MISSES: list[tuple[str, str, str]] = [
    # a given name that is also an everyday word, with nothing else saying it is a name
    ("word-name echoed by the word", "Grace, grace period on your bill ends Friday.", "Grace"),
    ("lower-case word-name before 'ur'", "jack ur ride is outside", "jack"),
]

# Former gaps the detector now closes; kept as regular tests so they stay closed.
CLOSED_GAPS = [
    ("MRN digits split by a space", "MRN 4821 3377 admitted", "48213377"),
    ("record number without the MRN keyword", "medical record number 48213377", "48213377"),
    ("SSN with mixed separators", "SSN 912-34 5678", "912-34 5678"),
    ("email spelled out with spaces", "results to maria . lopez @ example . com", "maria.lopez"),
    ("email with 'at' and 'dot'", "results to maria.lopez at example dot com", "maria.lopez"),
]


@pytest.mark.parametrize(
    ("label", "message", "value"), CLOSED_GAPS, ids=[m[0] for m in CLOSED_GAPS]
)
def test_closed_gaps(scrubber: Scrubber, label: str, message: str, value: str) -> None:
    assert_not_forwarded(scrubber, message, value)


def test_known_misses_still_leak(scrubber: Scrubber) -> None:
    """Each known gap is still a gap (fails, on purpose, once the detector learns one: then move
    it to CLOSED_GAPS)."""
    for _label, message, value in KNOWN_MISSES:
        with pytest.raises(AssertionError):
            assert_not_forwarded(scrubber, message, value)
