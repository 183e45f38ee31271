"""Admin roles. Each route names the roles that may call it; anything else is refused."""

from __future__ import annotations

ADMIN = "admin"  # users and API keys (and everything else)
PRIVACY_OFFICER = "privacy_officer"  # the policy: edit, test, publish; sends and audit (read)
AUDITOR = "auditor"  # read the audit log and policy versions
ANALYST = "analyst"  # exports only
OPERATOR = "operator"  # health and metrics

ROLES: tuple[str, ...] = (ADMIN, PRIVACY_OFFICER, AUDITOR, ANALYST, OPERATOR)
DEFAULT_ROLE = ANALYST  # new users get the least privileged role unless another is chosen
ANY: frozenset[str] = frozenset(ROLES)
PUBLIC: frozenset[str] = frozenset({"<public>"})  # sign-in page and its stylesheet only

# What each role may do, in the words the docs use (config/POLICY.md "Who may do what" and the
# README repeat these rows; tests/admin/test_role_docs.py checks them against the route table).
DESCRIPTIONS = {
    ADMIN: "everything, including users and API keys",
    PRIVACY_OFFICER: "read, edit, test, publish and reload the policy; version history; sends, "
    "charts and the audit log",
    AUDITOR: "read the policy, version history, sends and the audit log; charts; exports (daily "
    "counts)",
    ANALYST: "exports (de-identified records and daily counts; no text, no phone numbers)",
    OPERATOR: "health and charts/metrics",
}


def roles(*names: str) -> frozenset[str]:
    """A role set for a route; admin is always included (it can create any user anyway)."""
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return frozenset({ADMIN, *names})


# Role sets several routes share (console pages and their API twins).
POLICY_READERS = roles(PRIVACY_OFFICER, AUDITOR)
POLICY_WRITERS = roles(PRIVACY_OFFICER)
METRICS_READERS = roles(OPERATOR, AUDITOR, PRIVACY_OFFICER)
