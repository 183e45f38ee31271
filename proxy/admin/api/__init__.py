"""The admin JSON API under /admin/api/, one module per area of the route table.

Importing the package declares its routes (in this order, which is the OpenAPI document's):
meta (OpenAPI, whoami, health) · policy (live, validate, test, publish, reload, versions, diff) ·
audit (search) · reports (decisions per day, CSV) · users (users and API keys). Each route
declares its roles (see :mod:`proxy.admin.roles`).
"""

from __future__ import annotations

# the declaration order (kept by hand)
# isort: off
from proxy.admin.api import meta, policy, audit, reports, users

# isort: on
from proxy.admin.api.audit import audit_filter
from proxy.admin.api.policy import diff_records, path_id

__all__ = ["audit", "audit_filter", "diff_records", "meta", "path_id", "policy", "reports", "users"]
