"""SMS segment counting: GSM-7 septets (extension characters count two) versus UCS-2 units."""

from __future__ import annotations

import pytest

from proxy.analytics.segments import count


@pytest.mark.parametrize(
    ("n", "segments"), [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_gsm7_boundaries(n, segments):
    c = count("a" * n)
    assert (c.encoding, c.segments, c.units) == ("GSM-7", segments, n)


def test_gsm7_extension_characters_take_two_septets():
    assert count("€" * 80).segments == 1  # 160 septets
    assert count("€" * 80 + "a").segments == 2
    assert count("[]{}|^~\\").units == 16


def test_an_escape_pair_is_never_split_across_parts():
    # 152 plain + "€" (2 septets) fills part one to 154 > 153, so "€" starts part two.
    c = count("a" * 152 + "€" + "a" * 152)
    assert c.units == 306
    assert c.segments == 3  # a plain division would say 2


@pytest.mark.parametrize(("n", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_boundaries(n, segments):
    c = count("é" * 0 + "ç" * 0 + "ж" * n)
    assert (c.encoding, c.segments) == ("UCS-2", segments)


def test_one_non_gsm_character_makes_the_whole_text_ucs2():
    text = "Your appointment is confirmed " + "x" * 50 + " ✓"
    c = count(text)
    assert c.encoding == "UCS-2" and c.segments == 2


def test_gsm_accented_letters_stay_gsm7():
    assert count("Café à Zürich, señor").encoding == "GSM-7"


def test_emoji_take_two_units_and_are_not_split():
    assert count("😀" * 35).segments == 1  # 70 units
    assert count("😀" * 36).segments == 2
    c = count("a" * 66 + "😀" + "a" * 66)  # 66+2 > 67: the emoji opens part two
    assert c.units == 134 and c.segments == 3
