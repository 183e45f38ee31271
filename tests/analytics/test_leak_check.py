"""The leak check the end-to-end tests rely on must itself find leaks."""

from __future__ import annotations

from tests.analytics.helpers import leaks


def test_finds_values_in_any_column_and_numbers_by_digits():
    rows = [{"text": "Call (212) 555-0134 re Maria.", "recipient": None, "n": 3}]
    assert leaks(rows, {"Maria", "212-555-0134", "Oliver"}) == ["212-555-0134", "Maria"]
    assert leaks([{"classes": "['Maria Lopez']"}], {"Maria Lopez"}) == ["Maria Lopez"]


def test_does_not_match_inside_longer_tokens_or_random_hex():
    rows = [{"id": "9f56209ab4c1d2e3f4a5b6c7d8e9f0a1", "recipient": "r_1234567ab9c0d1e2f3a4"}]
    assert leaks(rows, {"56209", "1234567"}) == []
    assert leaks([{"text": "ZIP 56209."}], {"56209"}) == ["56209"]
