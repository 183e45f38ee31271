"""The compact lexicon data and the shared scan over it."""

from __future__ import annotations

from models import lexicons
from models.lexicons import _within_one


def test_data_has_every_list() -> None:
    lex = lexicons.load()
    assert len(lex.first_names) > 10000 and len(lex.surnames) > 30000
    assert {"hope", "will", "grace"} <= lex.ambiguous_names
    assert "maria" not in lex.ambiguous_names
    assert "AIDS" in lex.condition_abbrevs


def test_scan_finds_longest_phrases_and_categories() -> None:
    words = lexicons.words_of("type 2 diabetes; metformin; HIV clinic; MRI")
    cats = {
        (h.category, " ".join(w.text for w in words[h.first : h.last]))
        for h in lexicons.load().scan(words)
    }
    assert ("condition", "type 2 diabetes") in cats
    assert ("medication", "metformin") in cats
    assert ("department", "HIV clinic") in cats
    assert {("procedure", "MRI"), ("lab_test", "MRI")} <= cats


def test_fuzzy_only_for_long_words_outside_everyday_vocabulary() -> None:
    lex = lexicons.load()
    hits = lex.scan(lexicons.words_of("diabetis metforman"))
    assert [h.fuzzy for h in hits] == [True, True]
    assert lex.scan(lexicons.words_of("dialects")) == []  # an everyday word, never fuzzed


def test_within_one() -> None:
    assert _within_one("diabetis", "diabetes")
    assert _within_one("metforman", "metformin")
    assert _within_one("metfromin", "metformin")  # transposition
    assert not _within_one("metfrmon", "metformin")
