"""The admin console: server-rendered pages under /admin/ (plain HTML forms, no JavaScript).

One module per area of the route table; importing the package declares their routes:
pages (the frame, the stylesheet) · signin · home · policy (the live policy) · draft (editor,
test bench, review and publish) · versions · sends (the Sends list, one send, the dashboard) ·
audit · reports (charts, exports) · users (users and API keys).
"""

from __future__ import annotations

# the declaration order (kept by hand)
# isort: off
from proxy.admin.console import (
    pages,
    signin,
    home,
    policy,
    draft,
    versions,
    sends,
    audit,
    reports,
    users,
)

# isort: on
from proxy.admin.console.signin import LOGIN_CSRF_COOKIE

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "audit",
    "draft",
    "home",
    "pages",
    "policy",
    "reports",
    "sends",
    "signin",
    "users",
    "versions",
]
