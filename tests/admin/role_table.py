"""The documented admin role table (config/POLICY.md, "Every admin route"), parsed.

It is written by hand, not generated from the code, so the role tests can compare the code with
a table a privacy officer reads and signs off.
"""

from __future__ import annotations

import re
from pathlib import Path

from proxy.admin.roles import PUBLIC, ROLES

POLICY_DOC = Path(__file__).resolve().parents[2] / "config" / "POLICY.md"
HEADING = "### Every admin route"


def documented_roles() -> dict[tuple[str, str], frozenset[str]]:
    """(method, path) → the roles allowed, or ``PUBLIC``, as the documentation's table says."""
    text = POLICY_DOC.read_text(encoding="utf-8")
    assert HEADING in text, f"{POLICY_DOC} lost its '{HEADING}' section"
    lines = text.split(HEADING, 1)[1].splitlines()
    rows = [ln for ln in lines if ln.startswith("|")]
    header = [c.strip().strip("`") for c in rows[0].strip("|").split("|")]
    assert header[:2] == ["method", "path"] and tuple(header[2:]) == ROLES, header
    out: dict[tuple[str, str], frozenset[str]] = {}
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        method, path, marks = cells[0], cells[1].strip("`"), cells[2:]
        assert re.fullmatch(r"GET|POST|PUT|PATCH|DELETE", method), row
        assert (method, path) not in out, f"documented twice: {row}"
        if set(marks) == {"anyone"}:
            out[method, path] = PUBLIC
            continue
        assert set(marks) <= {"yes", "—"}, row
        out[method, path] = frozenset(r for r, m in zip(ROLES, marks, strict=True) if m == "yes")
    return out
