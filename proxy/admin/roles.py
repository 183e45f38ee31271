"""Admin roles. Each route names the roles that may call it; anything else is refused."""

from __future__ import annotations

ADMIN = "admin"  # users and API keys (and everything else)
PRIVACY_OFFICER = "privacy_officer"  # the policy: edit, test, publish
AUDITOR = "auditor"  # read the audit log and policy versions
ANALYST = "analyst"  # exports only
OPERATOR = "operator"  # health and metrics

ROLES: tuple[str, ...] = (ADMIN, PRIVACY_OFFICER, AUDITOR, ANALYST, OPERATOR)
ANY: frozenset[str] = frozenset(ROLES)
PUBLIC: frozenset[str] = frozenset({"<public>"})  # sign-in page and its stylesheet only

DESCRIPTIONS = {
    ADMIN: "users and API keys, and everything else",
    PRIVACY_OFFICER: "the policy: edit, test, publish, history",
    AUDITOR: "the audit log and policy versions (read only)",
    ANALYST: "exports only",
    OPERATOR: "health and metrics",
}


def roles(*names: str) -> frozenset[str]:
    """A role set for a route; admin is always included (it can create any user anyway)."""
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return frozenset({ADMIN, *names})
