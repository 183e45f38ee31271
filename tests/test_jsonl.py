"""jsonl.text_objects: the one reader of JSONL texts for scrub, deidentify and policy diff."""

from __future__ import annotations

from proxy.jsonl import text_objects


def test_objects_with_text_blank_lines_skipped_bad_lines_explained():
    lines = ['{"id": 1, "text": "a"}\n', "\n", "not json\n", '{"text": 3}\n', '["x"]\n']
    got = list(text_objects(lines))
    assert got[0] == (1, {"id": 1, "text": "a"})
    assert [n for n, _ in got] == [1, 3, 4, 5]  # line numbers count the blank line
    assert isinstance(got[1][1], str) and "Expecting value" in got[1][1]
    assert got[2] == (4, "expected an object with a string 'text'")
    assert got[3] == (5, "expected an object with a string 'text'")
