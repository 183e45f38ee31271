"""Generator building blocks: split hashing, span assembly, the uniqueness check, obfuscation."""

from __future__ import annotations

import random

from bench.corpus import generate as G
from bench.corpus.textnorm import norm


def test_bucket_is_stable_and_roughly_proportional() -> None:
    keys = [f"k{i}" for i in range(4000)]
    share = sum(G.bucket(k) == "test" for k in keys) / len(keys)
    assert abs(share - G.TEST_SHARE) < 0.03
    assert [G.bucket(k) for k in keys[:50]] == [G.bucket(k) for k in keys[:50]]


def test_assemble_offsets_point_at_values() -> None:
    pieces: list[G.Piece] = [
        ("Hi ", None, False),
        ("Ana Ruiz", "PERSON", False),
        (", see ", None, False),
        ("Dr. Okoye", "PROVIDER_NAME", True),
    ]
    text, spans = G.assemble(pieces)
    assert text == "Hi Ana Ruiz, see Dr. Okoye"
    assert [text[s["start"] : s["end"]] for s in spans] == ["Ana Ruiz", "Dr. Okoye"]
    assert [s["keep"] for s in spans] == [False, True]


def test_check_rejects_a_value_repeated_outside_removable_spans() -> None:
    text, spans = G.assemble([("Mark", "PERSON", False), (": Mark your calendar", None, False)])
    assert G.check(text, spans) is not None
    text, spans = G.assemble([("Mark", "PERSON", False), (": mark your calendar", None, False)])
    assert G.check(text, spans) is None
    # a first name inside a full name that is itself removable is fine
    text, spans = G.assemble(
        [("Ana", "PERSON", False), (" / ", None, False), ("Ana Ruiz", "PERSON", False)]
    )
    assert G.check(text, spans) is None
    # inside a may-stay span it is not
    text, spans = G.assemble(
        [("Okoye", "PERSON", False), (" / ", None, False), ("Dr. Okoye", "PROVIDER_NAME", True)]
    )
    assert G.check(text, spans) is not None


def test_check_sees_through_invisible_characters() -> None:
    text, spans = G.assemble(
        [("555-0132", "PHONE_NUMBER", False), (" or 555\u200b-0132", None, False)]
    )
    assert G.check(text, spans) is not None


def test_obfuscation_keeps_the_value_recoverable_or_spaced() -> None:
    rng = random.Random(3)
    for _ in range(200):
        out = G.obfuscate("912-45-6789", rng)
        digits = "".join(c for c in norm(out) if c.isdigit())
        assert digits == "912456789"
    seen = {G.obfuscate("912-45-6789", random.Random(i)) for i in range(60)}
    assert any("\uff19" in s for s in seen) and any("9 1 2" in s for s in seen)
    assert any("\u200b" in s or "\u2060" in s or "\ufeff" in s for s in seen)


def test_clean_fragments_plant_nothing_removable() -> None:
    pools = G.Pools("dev")
    comp = G.Composer(pools, random.Random(5))
    for cat, lists in pools.body.items():
        for frag in lists["clean"]:
            comp.reset()
            assert all(keep for _, typ, keep in comp.render(frag) if typ), (cat, frag)


def test_generation_is_deterministic() -> None:
    a = [e.as_json() for e in G.generate("test", 40, 1)]
    b = [e.as_json() for e in G.generate("test", 40, 1)]
    c = [e.as_json() for e in G.generate("test", 40, 2)]
    assert a == b and a != c
