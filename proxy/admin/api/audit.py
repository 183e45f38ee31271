"""Search the audit log (newest first, paginated)."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin.params import bad_request, int_param, time_param
from proxy.admin.roles import AUDITOR, PRIVACY_OFFICER, roles
from proxy.admin.routes import PAGE, Param, route
from proxy.audit import query as audit_query
from proxy.policy.model import Action

_KIND = Param(
    "kind", {"type": "string", "maxLength": 64}, "exact kind, or a prefix with * (policy.*)"
)


_AUDIT_PARAMS = (
    _KIND,
    Param("since", {"type": "string", "maxLength": 40}, "from (epoch seconds or ISO date)"),
    Param("until", {"type": "string", "maxLength": 40}, "until, exclusive"),
    Param("action", {"type": "string", "enum": [a.label for a in Action]}, "decision action"),
    Param("entity_type", {"type": "string", "maxLength": 64}, "entity type, e.g. PERSON"),
    *PAGE,
)


def audit_filter(request: web.Request) -> audit_query.AuditFilter:
    action = request.query.get("action", "")
    if action and action not in {a.label for a in Action}:
        raise bad_request("action: one of " + ", ".join(a.label for a in Action))
    kind = request.query.get("kind", "")
    etype = request.query.get("entity_type", "")
    if len(kind) > 64 or len(etype) > 64:
        raise bad_request("kind and entity_type: at most 64 characters")
    return audit_query.AuditFilter(
        kind=kind,
        since=time_param(request, "since"),
        until=time_param(request, "until"),
        action=action,
        entity_type=etype,
        before=int_param(request, "before", None, 1, 2**62),
        limit=int_param(request, "limit", 50, 1, 200) or 50,
    )


@route(
    "GET",
    "/admin/api/audit",
    roles=roles(AUDITOR, PRIVACY_OFFICER),
    summary="Search the audit log (newest first, paginated)",
    api=True,
    params=_AUDIT_PARAMS,
    tag="audit",
)
async def audit_search(request: web.Request) -> web.Response:
    page = await audit_query.search(request.app[appkeys.STORE], audit_filter(request))
    return web.json_response({"records": page.records, "next_before": page.next_before})
