"""Property tests are seeded: the same examples from the same strategies in every run."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hardening import test_properties


def test_the_seeded_profile_is_active() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        pytest.skip("an explicit HYPOTHESIS_PROFILE asks for random examples")
    assert settings.default.derandomize is True
    assert settings.default.database is None
    # the suite's own property settings inherit the seed (they set counts, not randomness)
    assert test_properties.PROPERTY.derandomize is True


def _draw() -> list[str]:
    seen: list[str] = []

    @settings(max_examples=25)
    @given(st.text(min_size=1, max_size=20))
    def collect(s: str) -> None:
        seen.append(s)

    collect()
    return seen


def test_two_runs_draw_the_same_examples() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        pytest.skip("an explicit HYPOTHESIS_PROFILE asks for random examples")
    first, second = _draw(), _draw()
    assert first == second and len(set(first)) > 5
