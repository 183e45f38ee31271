"""The role docs and the role table agree (issue #19, point 15): each role's description (the
README, config/POLICY.md and the console's user form all show it) names exactly the pages the
route table lets that role open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import proxy.admin.api  # noqa: F401  (declares routes)
import proxy.admin.console  # noqa: F401
import proxy.analytics.routes  # noqa: F401
from proxy.admin.roles import ADMIN, DESCRIPTIONS, ROLES
from proxy.admin.routes import ROUTES

ROOT = Path(__file__).resolve().parents[2]
# words in a description → the route that grants them
WORDS = {
    "audit log": ("GET", "/admin/audit"),
    "sends": ("GET", "/admin/sends"),
    "charts": ("GET", "/admin/charts"),
    "exports": ("GET", "/admin/exports"),
    "de-identified records": ("GET", "/admin/api/exports"),
    "publish": ("POST", "/admin/api/policy/publish"),
    "version history": ("GET", "/admin/versions"),
    "users": ("POST", "/admin/users"),
}


def allowed(role: str, method: str, path: str) -> bool:
    (spec,) = [s for s in ROUTES if (s.method, s.path) == (method, path)]
    return role in spec.roles


@pytest.mark.parametrize("role", [r for r in ROLES if r != ADMIN])
def test_description_names_exactly_what_the_routes_allow(role: str) -> None:
    text = DESCRIPTIONS[role]
    for word, (method, path) in WORDS.items():
        assert (word in text) == allowed(role, method, path), (role, word)


@pytest.mark.parametrize("doc", ["README.md", "config/POLICY.md"])
def test_docs_repeat_the_descriptions(doc: str) -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", (ROOT / doc).read_text(), re.M))
    assert {r: rows.get(r) for r in ROLES} == dict(DESCRIPTIONS)
