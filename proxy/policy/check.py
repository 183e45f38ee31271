"""Every error in a policy file at once, for ``phi-proxy policy check``.

The parser stops at the first error (a policy that fails to parse is never used). To list them
all, the check drops the offending key from a copy of the document and parses again, until the
rest parses or nothing more can be dropped: each error is reported with its own line, key and
reason, as the parser words it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from proxy.policy.parse import _parse, read_policy_text
from proxy.yamlfile import ConfigError, YamlDoc, parse_yaml

MAX_ERRORS = 50
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(key: str) -> list[str | int]:
    return [int(i) if i else name for name, i in _PART.findall(key)]


def _drop(data: Any, path: list[str | int]) -> bool:
    """Remove the value at ``path`` from ``data``; False if there is nothing to remove."""
    if not path:
        return False
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    try:
        if isinstance(node, dict) and last in node:
            del node[last]
            return True
        if isinstance(node, list) and isinstance(last, int) and last < len(node):
            del node[last]
            return True
    except TypeError:
        return False
    return False


def all_errors(text: str, file: str) -> list[ConfigError]:
    """Every error found in ``text`` (empty when the policy is valid)."""
    try:
        doc = parse_yaml(text, file)
    except ConfigError as e:
        return [e]  # a syntax error: nothing past it can be read
    data = copy.deepcopy(doc.data)
    errors: list[ConfigError] = []
    seen: set[str] = set()
    while len(errors) < MAX_ERRORS:
        try:
            _parse(YamlDoc(file, data, doc.lines), text)
            return errors
        except ConfigError as e:
            # an error about the part that held a dropped key ("missing 'action'" after a bad
            # action was dropped) is the same mistake: reported once, where it was made
            follow_up = any(k.startswith((e.key + ".", e.key + "[")) for k in seen if e.key)
            if e.key not in seen and not follow_up:
                errors.append(e)
            seen.add(e.key)
            path = _path(e.key)
            # drop the key; if it is gone already (a required key, say), drop what holds it
            while path and not _drop(data, path):
                path = path[:-1]
            if not path:
                return errors
    return errors


def check_file(path: str) -> list[ConfigError]:
    try:
        text = read_policy_text(path)
    except ConfigError as e:
        return [e]
    return all_errors(text, path)
