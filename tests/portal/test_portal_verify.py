"""Verification helpers: DOB formats, CSRF tokens (failure counts: tests/store)."""

from __future__ import annotations

from proxy.portal.verify import (
    csrf_ok,
    csrf_token,
    normalize_dob,
    token_hash,
    token_id,
)


def test_dob_formats_normalize_to_iso() -> None:
    for given in ("1962-03-14", "03/14/1962", "3/14/1962", "03-14-1962", "03141962", " 3.14.1962 "):
        assert normalize_dob(given) == "1962-03-14", given
    for bad in ("", "1962-02-30", "14/03/1962", "yesterday", "1700-01-01", "01/01/2999"):
        assert normalize_dob(bad) is None, bad


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
