"""yamlfile.section: the one coercion of a config section into its dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from proxy.yamlfile import ConfigError, bounds, parse_yaml, section


@dataclass(frozen=True)
class Knobs:
    name: str = "x"
    enabled: bool = True
    count: int = 3
    ratio: float = 0.5
    wait: float = field(default=0.0, metadata=bounds(0))
    tries: int = field(default=2, metadata=bounds(0, 5))
    urls: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> Knobs:
    doc = parse_yaml(text, "k.yaml")
    return section(doc, "knobs", Knobs, doc.data.get("knobs"))


def test_defaults_fill_what_is_left_out_and_ints_widen_to_floats():
    assert parse("knobs: {count: 7, ratio: 2, urls: }") == Knobs(count=7, ratio=2.0)
    assert isinstance(parse("knobs: {ratio: 2}").ratio, float)
    assert parse("other: 1") == Knobs()


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("knobs: {count: true}", "knobs.count", "must be int, got bool"),
        ("knobs: {ratio: yes}", "knobs.ratio", "must be float, got bool"),
        ("knobs: {enabled: 'no'}", "knobs.enabled", "must be bool, got str"),
        ("knobs: {count: 0}", "knobs.count", "must be positive"),
        ("knobs: {wait: -1}", "knobs.wait", "must be a number of at least 0"),
        ("knobs: {tries: 6}", "knobs.tries", "must be an integer from 0 to 5"),
        ("knobs: {nope: 1}", "knobs.nope", "unknown key"),
        ("knobs: [1]", "knobs", "must be a mapping"),
    ],
)
def test_errors_name_the_key_line_and_reason(text, key, reason):
    with pytest.raises(ConfigError) as e:
        parse(text)
    assert e.value.key == key and reason in e.value.reason and e.value.line == 1


def test_bounds_are_inclusive():
    assert parse("knobs: {wait: 0, tries: 0}").tries == 0
    assert parse("knobs: {tries: 5}").tries == 5
