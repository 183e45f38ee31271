"""JSONL of texts as the batch commands read it (``scrub``, ``deidentify``, ``policy diff
--corpus``): one JSON object per line with a string ``"text"`` (and usually an ``"id"``); blank
lines are skipped. Each command reports a bad line its own way and goes on or stops."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def text_objects(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line number, the object)`` for each non-blank line, or ``(line number, why not)``."""
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as e:
            yield n, str(e)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield n, "expected an object with a string 'text'"
            continue
        yield n, obj
