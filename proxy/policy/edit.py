"""Editing one rule in the policy YAML text while keeping the officer's comments and layout."""

from __future__ import annotations

import re
from typing import Any

import yaml

from proxy.yamlfile import parse_yaml


def set_rule(text: str, entity: str, action: str, min_score: float) -> str:
    """The text with ``entities.<entity>`` set to ``{action, min_score}``.

    A one-line rule is rewritten in place (its trailing comment kept); a new rule is inserted
    under ``entities:``; anything else falls back to re-writing the YAML (comments lost).
    """
    doc = parse_yaml(text, "<draft>")
    value = f"{{action: {action}, min_score: {min_score:g}}}"
    key = f"entities.{entity}"
    lines = text.splitlines(keepends=True)
    line = doc.lines.get(key)
    if line is not None:
        children = [n for k, n in doc.lines.items() if k.startswith(key + ".")]
        src = lines[line - 1].rstrip("\r\n")
        m = re.match(rf"^(\s*){re.escape(entity)}\s*:\s*[^#]*?(\s+#.*)?$", src)
        if m and all(n == line for n in children):
            lines[line - 1] = f"{m.group(1)}{entity}: {value}{m.group(2) or ''}\n"
            return "".join(lines)
    elif "entities" in doc.lines and isinstance(doc.data.get("entities"), dict):
        first = [n for k, n in doc.lines.items() if k.startswith("entities.") and k.count(".") == 1]
        head = doc.lines["entities"]
        if first and re.match(r"^entities:\s*(#.*)?$", lines[head - 1].rstrip("\r\n")):
            child = lines[min(first) - 1]
            indent = child[: len(child) - len(child.lstrip())]
            lines.insert(head, f"{indent}{entity}: {value}\n")
            return "".join(lines)
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    raw = data.get("entities")
    ents: dict[str, Any] = raw if isinstance(raw, dict) else {}
    ents[entity] = {"action": action, "min_score": min_score}
    data["entities"] = ents
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
