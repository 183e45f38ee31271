"""The code's admin route table against the documented one (config/POLICY.md).

Giving a role a route (an operator adding users) or taking one away without changing the
documentation turns this red; so does a route nobody documented.
"""

from __future__ import annotations

import proxy.admin.api  # noqa: F401  (declares routes)
import proxy.admin.console  # noqa: F401
import proxy.analytics.routes  # noqa: F401
from proxy.admin.roles import ADMIN, PUBLIC
from proxy.admin.routes import ROUTES
from tests.admin.role_table import documented_roles


def test_every_route_has_the_documented_roles() -> None:
    doc = documented_roles()
    code = {(s.method, s.path): s.roles for s in ROUTES}
    undocumented = sorted(set(code) - set(doc))
    assert not undocumented, f"routes missing from config/POLICY.md: {undocumented}"
    gone = sorted(set(doc) - set(code))
    assert not gone, f"documented routes the code no longer serves: {gone}"
    changed = {k: (sorted(code[k]), sorted(doc[k])) for k in sorted(code) if code[k] != doc[k]}
    assert not changed, f"roles differ from config/POLICY.md (code, documented): {changed}"


def test_documented_table_keeps_its_own_promises() -> None:
    """What README and the role summary say, checked on the documented table itself."""
    doc = documented_roles()
    public = sorted(k for k, v in doc.items() if v == PUBLIC)
    assert public == [
        ("GET", "/admin/login"),
        ("GET", "/admin/static/admin.css"),
        ("POST", "/admin/login"),
    ]
    user_routes = [k for k in doc if "/users" in k[1] or "/keys" in k[1]]
    assert len(user_routes) >= 6
    for k in user_routes:
        assert doc[k] == {ADMIN}, k  # users and keys: admin only
    for k, v in doc.items():
        if k[0] == "POST" and "/policy" in k[1]:
            assert v == {ADMIN, "privacy_officer"}, k  # only they change the policy
        if v != PUBLIC:
            assert ADMIN in v, k
        if "analyst" in v:
            assert (
                k[1].endswith(("/exports", ".csv", "/openapi.json", "/whoami", "/admin", "/"))
                or k[1] == "/admin/logout"
            ), k
