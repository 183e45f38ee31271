"""Unicode tricks are undone for matching, and findings point at the original characters."""

from __future__ import annotations

from models.detector import Detector
from models.normalize import normalize
from tests.models.detect_helpers import spans


def test_ascii_is_untouched() -> None:
    n = normalize("call 555-010-0123")
    assert n.text == "call 555-010-0123" and not n.changed


def test_zero_width_and_soft_hyphen_dropped_with_map() -> None:
    original = "55\u200b5-0\u00ad10-01\u200d23"
    n = normalize(original)
    assert n.text == "555-010-0123"
    assert n.to_original(0, len(n.text)) == (0, len(original))


def test_full_width_digits(detector: Detector) -> None:
    text = "call ５５５-０１０-０１２３ now"
    assert ("PHONE_NUMBER", "５５５-０１０-０１２３") in spans(detector, text)


def test_spaced_digits_report_the_original_span(detector: Detector) -> None:
    text = "call 5 5 5 0 1 0 0 1 2 3 now"
    assert ("PHONE_NUMBER", "5 5 5 0 1 0 0 1 2 3") in spans(detector, text)


def test_zero_width_inside_ssn(detector: Detector) -> None:
    text = "SSN 900\u200b-12-\u20603456 on file"
    found = spans(detector, text)
    assert ("US_SSN", "900\u200b-12-\u20603456") in found


def test_homoglyph_name(detector: Detector) -> None:
    text = "Hi Cаmіlа, your refill is ready."  # Cyrillic а and і
    assert ("PERSON", "Cаmіlа") in spans(detector, text)


def test_spaced_letters_and_digits_join() -> None:
    n = normalize("plate U-K-B-2-5-1-0 ok")
    assert "UKB2510" in n.text
    assert n.to_original(n.text.index("UKB2510"), n.text.index("UKB2510") + 7) == (6, 19)


def test_hyphen_look_alikes_fold_to_hyphen_but_em_dash_stays() -> None:
    n = normalize("920–33‑1847 — ok")
    assert n.text == "920-33-1847 — ok"
    assert not n.changed or n.to_original(0, 11) == (0, 11)
