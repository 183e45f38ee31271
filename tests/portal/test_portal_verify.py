"""Verification helpers: DOB formats, CSRF tokens (failure counts: tests/store)."""

from __future__ import annotations

from datetime import date

from proxy.portal.verify import (
    csrf_ok,
    csrf_token,
    dob_from_parts,
    normalize_dob,
    token_hash,
    token_id,
)


def test_dob_formats_normalize_to_iso() -> None:
    for given in ("1962-03-14", "03/14/1962", "3/14/1962", "03-14-1962", "03141962", " 3.14.1962 "):
        assert normalize_dob(given) == "1962-03-14", given
    for bad in ("", "1962-02-30", "14/03/1962", "yesterday", "1700-01-01", "01/01/2999"):
        assert normalize_dob(bad) is None, bad


def test_dob_common_forms_and_two_digit_years() -> None:
    """How patients type a birth date (issue #19): short years, month names, spaced slashes."""
    today = date(2026, 12, 7)
    for given in (
        "7/2/50",
        "July 2, 1950",
        "07 / 02 / 1950",
        "Jul. 2 1950",
        "2 July 1950",
        "7-2-50",
        "070250",
        "july 2nd, 50",
    ):
        assert normalize_dob(given, today) == "1950-07-02", given
    # a two-digit year is the latest one that is not in the future
    assert normalize_dob("7/2/26", today) == "2026-07-02"
    assert normalize_dob("12/31/26", today) == "1926-12-31"
    assert normalize_dob("1/1/27", today) == "1927-01-01"
    assert normalize_dob("12/31/2026", today) is None  # a four-digit year is taken as typed
    assert dob_from_parts("3", "14", "62", today) == "1962-03-14"
    assert dob_from_parts("March", "14", "1962", today) == "1962-03-14"
    assert dob_from_parts("sept", "3", "60", today) == "1960-09-03"
    for month, day, year in (
        ("13", "1", "1962"),
        ("2", "30", "1962"),
        ("", "1", "1962"),
        ("3", "14", "962"),
        ("3", "x", "1962"),
    ):
        assert dob_from_parts(month, day, year, today) is None


def test_csrf_token_is_bound_to_link_and_time() -> None:
    key = b"k" * 32
    t = 1_900_000_000
    tok = csrf_token(key, "hash-a", t)
    assert csrf_ok(key, "hash-a", tok, t + 60)
    assert not csrf_ok(key, "hash-b", tok, t + 60)  # another link's form
    assert not csrf_ok(key, "hash-a", tok, t + 7200)  # stale
    assert not csrf_ok(b"x" * 32, "hash-a", tok, t + 60)  # forged
    assert not csrf_ok(key, "hash-a", "garbage", t)


def test_token_hash_and_id() -> None:
    h = token_hash("abc")
    assert h == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert token_id(h) == "pt_ba7816bf8f01"


def test_spanish_pages_read_day_first_and_spanish_month_names() -> None:
    today = date(2026, 12, 7)
    for given in ("14/03/1962", "14-3-62", "14031962", "14 de marzo de 1962", "14 marzo 1962"):
        assert normalize_dob(given, today, day_first=True) == "1962-03-14", given
    assert normalize_dob("03/14/1962", today, day_first=True) is None  # one order per language
    assert normalize_dob("1962-03-14", today, day_first=True) == "1962-03-14"
    assert dob_from_parts("Setiembre", "3", "60", today) == "1960-09-03"
    assert dob_from_parts("dic", "31", "1949", today) == "1949-12-31"
    assert dob_from_parts("marzzo", "14", "1962", today) is None
