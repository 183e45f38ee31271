"""Dotted paths into JSON documents, ``[*]`` for every array element: ``messages[*].text``.

Used by the adapters to remember where each text was found (a concrete path such as
``("messages", 0, "text")``) and by the generic adapter, whose configuration names paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Key = str | int
Concrete = tuple[Key, ...]
STAR = "*"

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]|(\.)")


class PathError(ValueError):
    pass


def parse_path(path: str) -> tuple[Key, ...]:
    """``a.b[*].c[0]`` → ``("a", "b", "*", "c", 0)``; raises :class:`PathError` if malformed."""
    tokens: list[Key] = []
    pos, expect_name = 0, True
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m:
            raise PathError(f"bad path {path!r} at {pos}")
        name, index, dot = m.groups()
        if name is not None:
            if not expect_name:
                raise PathError(f"bad path {path!r}: missing '.' before {name!r}")
            tokens.append(name)
            expect_name = False
        elif index is not None:
            if expect_name and tokens:
                raise PathError(f"bad path {path!r}: '[' after '.'")
            tokens.append(STAR if index == STAR else int(index))
            expect_name = False
        elif dot is not None:
            if expect_name:
                raise PathError(f"bad path {path!r}: empty name")
            expect_name = True
        pos = m.end()
    if not tokens or expect_name:
        raise PathError(f"bad path {path!r}")
    return tuple(tokens)


def find(data: Any, pattern: tuple[Key, ...]) -> Iterator[tuple[Concrete, Any]]:
    """Every (concrete path, value) the pattern reaches; missing parts reach nothing."""

    def walk(node: Any, rest: tuple[Key, ...], here: Concrete) -> Iterator[tuple[Concrete, Any]]:
        if not rest:
            yield here, node
            return
        head, tail = rest[0], rest[1:]
        if head == STAR:
            if isinstance(node, list):
                for i, item in enumerate(node):
                    yield from walk(item, tail, (*here, i))
        elif isinstance(head, int):
            if isinstance(node, list) and 0 <= head < len(node):
                yield from walk(node[head], tail, (*here, head))
        elif isinstance(node, dict) and head in node:
            yield from walk(node[head], tail, (*here, head))

    yield from walk(data, pattern, ())


def get(data: Any, path: Concrete) -> Any:
    for key in path:
        data = data[key]
    return data


def set_at(data: Any, path: Concrete, value: Any) -> None:
    """Replace the value at a concrete path (which :func:`find` returned) in place."""
    node = get(data, path[:-1])
    node[path[-1]] = value


def render(path: Concrete) -> str:
    """A concrete path for logs and :attr:`Message.field`: ``messages[0].text``."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out
