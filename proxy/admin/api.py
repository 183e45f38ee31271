"""The admin JSON API under /admin/api/. Each route declares its roles (see proxy.admin.roles)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin import policy_ops
from proxy.admin.auth import AuthError, UserExists
from proxy.admin.params import (
    bad_request,
    config_error_json,
    int_param,
    json_object,
    required_text,
    text_field,
    time_param,
)
from proxy.admin.roles import (
    ANALYST,
    ANY,
    AUDITOR,
    OPERATOR,
    PRIVACY_OFFICER,
    ROLES,
    roles,
)
from proxy.admin.routes import Param, route
from proxy.admin.state_keys import AUTH, PRINCIPAL, VERSIONS
from proxy.audit import query as audit_query
from proxy.audit.log import AuditEvent, AuditUnavailable
from proxy.policy import testbench
from proxy.policy.model import Action, as_dict
from proxy.policy.versions import diff_rules, diff_texts
from proxy.yamlfile import ConfigError

POLICY_READERS = roles(PRIVACY_OFFICER, AUDITOR)
POLICY_WRITERS = roles(PRIVACY_OFFICER)
METRICS_READERS = roles(OPERATOR, AUDITOR, PRIVACY_OFFICER)

_OBJ: dict[str, Any] = {"type": "object"}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
_YAML_BODY = {
    "type": "object",
    "required": ["yaml"],
    "properties": {"yaml": {"type": "string", "maxLength": policy_ops.MAX_YAML}},
}
_ID = Param("id", {"type": "integer", "minimum": 1}, "version record id", True, "path")
_NAME = Param(
    "name",
    {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"},
    "user",
    True,
    "path",
)


def _principal_name(request: web.Request) -> str:
    p = request[PRINCIPAL]
    return p.name if p else "?"


async def _audit_admin(request: web.Request, kind: str, details: dict[str, Any]) -> None:
    try:
        await request.app[appkeys.AUDIT].append(
            AuditEvent(kind=kind, outcome="done", actor=_principal_name(request), details=details)
        )
    except AuditUnavailable:
        raise web.HTTPServiceUnavailable(
            text='{"error": "audit log unavailable"}', content_type="application/json"
        ) from None


@route(
    "GET",
    "/admin/api/openapi.json",
    roles=ANY,
    summary="This API, as OpenAPI 3",
    api=True,
    tag="meta",
)
async def openapi(request: web.Request) -> web.Response:
    from proxy.admin.openapi import build_openapi

    return web.json_response(build_openapi())


@route(
    "GET",
    "/admin/api/whoami",
    roles=ANY,
    summary="The caller's name and role",
    api=True,
    tag="meta",
)
async def whoami(request: web.Request) -> web.Response:
    p = request[PRINCIPAL]
    if p is None:  # the access middleware refuses non-public routes without one: never here
        raise web.HTTPUnauthorized()
    return web.json_response({"name": p.name, "role": p.role, "via": p.via})


@route(
    "GET",
    "/admin/api/health",
    roles=roles(OPERATOR),
    summary="Liveness, policy, detection queue",
    api=True,
    tag="operations",
)
async def health(request: web.Request) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    detection = request.app[appkeys.DETECTION]
    return web.json_response(
        {
            "status": "ok",
            "policy_version": policy.version,
            "policy_mode": policy.mode,
            "detection_queue": detection.queue_depth,
            "detection_last_latency_ms": round(detection.last_latency * 1000, 2),
        }
    )


@route(
    "GET",
    "/admin/api/policy",
    roles=POLICY_READERS,
    summary="The live policy (YAML and rules)",
    api=True,
    tag="policy",
)
async def policy_get(request: web.Request) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    return web.json_response(
        {
            "version": policy.version,
            "name": policy.name,
            "mode": policy.mode,
            "monitor": policy.monitor,
            "yaml": policy.text,
            "policy": as_dict(policy),
        }
    )


@route(
    "POST",
    "/admin/api/policy/validate",
    roles=POLICY_WRITERS,
    summary="Validate policy YAML (errors give line, key and reason)",
    api=True,
    body=_YAML_BODY,
    tag="policy",
)
async def policy_validate(request: web.Request) -> web.Response:
    body = await json_object(request)
    text = text_field(body, "yaml", required=False, max_len=policy_ops.MAX_YAML) or ""
    try:
        policy = policy_ops.parse_draft(text)
    except ConfigError as e:
        return web.json_response({"valid": False, "error": config_error_json(e)}, status=422)
    return web.json_response({"valid": True, "version": policy.version, "policy": as_dict(policy)})


_TEST_BODY = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "maxLength": testbench.MAX_TEXT},
        "yaml": {
            "type": "string",
            "maxLength": policy_ops.MAX_YAML,
            "description": "a draft; the live policy when absent",
        },
        "sender": {
            "type": "string",
            "maxLength": 64,
            "description": "From number or MessagingServiceSid (picks an override)",
        },
    },
}


@route(
    "POST",
    "/admin/api/policy/test",
    roles=POLICY_WRITERS,
    summary="Test a text against the live or a draft policy",
    api=True,
    body=_TEST_BODY,
    tag="policy",
)
async def policy_test(request: web.Request) -> web.Response:
    body = await json_object(request)
    text = text_field(body, "text", required=False, max_len=testbench.MAX_TEXT) or ""
    draft = text_field(body, "yaml", required=False, max_len=policy_ops.MAX_YAML)
    sender = text_field(body, "sender", required=False, max_len=64)
    try:
        policy = (
            policy_ops.parse_draft(draft)
            if draft is not None
            else request.app[appkeys.POLICY].current
        )
        result = await policy_ops.test_text(request, policy, text, sender)
    except ConfigError as e:
        return web.json_response({"valid": False, "error": config_error_json(e)}, status=422)
    return web.json_response(result)


_PUBLISH_BODY = {
    "type": "object",
    "required": ["yaml", "reason"],
    "properties": {
        "yaml": {"type": "string", "maxLength": policy_ops.MAX_YAML},
        "reason": {"type": "string", "minLength": 1, "maxLength": 500},
    },
}


@route(
    "POST",
    "/admin/api/policy/publish",
    roles=POLICY_WRITERS,
    summary="Publish a new policy (validated, audited, versioned)",
    api=True,
    body=_PUBLISH_BODY,
    tag="policy",
)
async def policy_publish(request: web.Request) -> web.Response:
    body = await json_object(request)
    text = text_field(body, "yaml", required=False, max_len=policy_ops.MAX_YAML) or ""
    reason = required_text(body, "reason")
    try:
        policy = await policy_ops.publish(request, text, _principal_name(request), reason)
    except ConfigError as e:
        return web.json_response({"published": False, "error": config_error_json(e)}, status=422)
    except policy_ops.PublishFailed as e:
        return web.json_response({"published": False, "error": f"not published: {e}"}, status=503)
    return web.json_response({"published": True, "version": policy.version, "mode": policy.mode})


@route(
    "POST",
    "/admin/api/policy/reload",
    roles=POLICY_WRITERS,
    summary="Re-read the policy file",
    api=True,
    body={"type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}},
    tag="policy",
)
async def policy_reload(request: web.Request) -> web.Response:
    body = await json_object(request) if request.can_read_body else {}
    reason = text_field(body, "reason", required=False) or "reload from the API"
    try:
        policy = await policy_ops.reload(request, _principal_name(request), reason)
    except ConfigError as e:
        return web.json_response({"reloaded": False, "error": config_error_json(e)}, status=422)
    except policy_ops.PublishFailed as e:
        return web.json_response({"reloaded": False, "error": str(e)}, status=409)
    return web.json_response({"reloaded": True, "version": policy.version})


_PAGE = (
    Param("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "page size"),
    Param("before", {"type": "integer", "minimum": 1}, "cursor: records older than this id/seq"),
)


@route(
    "GET",
    "/admin/api/policy/versions",
    roles=POLICY_READERS,
    summary="Version history (newest first)",
    api=True,
    params=_PAGE,
    tag="policy",
)
async def versions(request: web.Request) -> web.Response:
    limit = int_param(request, "limit", 50, 1, 200) or 50
    before = int_param(request, "before", None, 1, 2**62)
    rows = await request.app[VERSIONS].list(limit, before)
    nxt = rows[-1].id if len(rows) == limit else None
    return web.json_response({"versions": [r.summary() for r in rows], "next_before": nxt})


@route(
    "GET",
    "/admin/api/policy/versions/{id}",
    roles=POLICY_READERS,
    summary="One version, with its YAML",
    api=True,
    params=(_ID,),
    tag="policy",
)
async def version_get(request: web.Request) -> web.Response:
    rec = await request.app[VERSIONS].get(path_id(request))
    if rec is None:
        raise bad_request("no such version", 404)
    return web.json_response({**rec.summary(), "yaml": rec.yaml})


def path_id(request: web.Request) -> int:
    try:
        v = int(request.match_info["id"])
    except ValueError:
        raise bad_request("id: must be an integer") from None
    if not 1 <= v <= 2**62:
        raise bad_request("no such version", 404)
    return v


@route(
    "GET",
    "/admin/api/policy/diff",
    roles=POLICY_READERS,
    summary="Differences between two versions (text and rules)",
    api=True,
    params=(
        Param("from", {"type": "integer", "minimum": 1}, "older version record id", True),
        Param("to", {"type": "integer", "minimum": 1}, "newer version record id", True),
    ),
    tag="policy",
)
async def version_diff(request: web.Request) -> web.Response:
    a_id = int_param(request, "from", None, 1, 2**62)
    b_id = int_param(request, "to", None, 1, 2**62)
    if a_id is None or b_id is None:
        raise bad_request("from and to are required")
    return web.json_response(await diff_records(request, a_id, b_id))


async def diff_records(request: web.Request, a_id: int, b_id: int) -> dict[str, Any]:
    store = request.app[VERSIONS]
    a, b = await store.get(a_id), await store.get(b_id)
    if a is None or b is None:
        raise bad_request("no such version", 404)
    rules: list[dict[str, Any]] = []
    try:
        rules = diff_rules(policy_ops.parse_draft(a.yaml), policy_ops.parse_draft(b.yaml))
    except ConfigError:
        rules = []
    return {
        "from": a.summary(),
        "to": b.summary(),
        "text_diff": diff_texts(a.yaml, b.yaml, f"{a.version} (#{a.id})", f"{b.version} (#{b.id})"),
        "rule_changes": rules,
    }


_KIND = Param(
    "kind", {"type": "string", "maxLength": 64}, "exact kind, or a prefix with * (policy.*)"
)
_AUDIT_PARAMS = (
    _KIND,
    Param("since", {"type": "string", "maxLength": 40}, "from (epoch seconds or ISO date)"),
    Param("until", {"type": "string", "maxLength": 40}, "until, exclusive"),
    Param("action", {"type": "string", "enum": [a.label for a in Action]}, "decision action"),
    Param("entity_type", {"type": "string", "maxLength": 64}, "entity type, e.g. PERSON"),
    *_PAGE,
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
    roles=roles(AUDITOR),
    summary="Search the audit log (newest first, paginated)",
    api=True,
    params=_AUDIT_PARAMS,
    tag="audit",
)
async def audit_search(request: web.Request) -> web.Response:
    page = await audit_query.search(request.app[appkeys.STORE], audit_filter(request))
    return web.json_response({"records": page.records, "next_before": page.next_before})


_DAYS = Param("days", {"type": "integer", "minimum": 1, "maximum": 366}, "how many days back")


@route(
    "GET",
    "/admin/api/metrics/decisions",
    roles=METRICS_READERS,
    summary="Decisions per day by action and entity type",
    api=True,
    params=(_DAYS,),
    tag="metrics",
)
async def metrics_decisions(request: web.Request) -> web.Response:
    days = int_param(request, "days", 14, 1, 366) or 14
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    return web.json_response(daily.as_dict())


@route(
    "GET",
    "/admin/api/exports/decisions.csv",
    roles=roles(ANALYST, AUDITOR),
    summary="Daily decision counts as CSV (no text, no numbers)",
    api=True,
    params=(_DAYS,),
    response_type="text/csv",
    response={"type": "string"},
    tag="exports",
)
async def export_decisions(request: web.Request) -> web.Response:
    days = int_param(request, "days", 30, 1, 366) or 30
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["day", "dimension", "value", "decisions"])
    for d in daily.days:
        for k, n in sorted(daily.by_action[d].items()):
            w.writerow([d, "action", k, n])
        for k, n in sorted(daily.by_entity_type[d].items()):
            w.writerow([d, "entity_type", k, n])
    return web.Response(
        text=buf.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="decisions.csv"'},
    )


@route(
    "GET",
    "/admin/api/users",
    roles=roles(),
    summary="Users and their keys (no secrets)",
    api=True,
    tag="users",
)
async def users_list(request: web.Request) -> web.Response:
    return web.json_response({"users": await request.app[AUTH].users()})


_USER_BODY = {
    "type": "object",
    "required": ["name", "role"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"},
        "role": {"type": "string", "enum": list(ROLES)},
    },
}


@route(
    "POST",
    "/admin/api/users",
    roles=roles(),
    summary="Add a user (password and API key shown once)",
    api=True,
    body=_USER_BODY,
    tag="users",
)
async def users_add(request: web.Request) -> web.Response:
    body = await json_object(request)
    name = required_text(body, "name", max_len=64)
    role = required_text(body, "role", max_len=32)
    try:
        new = await request.app[AUTH].add_user(name, role)
    except UserExists as e:
        raise bad_request(str(e), 409) from None
    except AuthError as e:
        raise bad_request(str(e), 400) from None
    await _audit_admin(request, "admin.user.add", {"user": name, "role": role})
    return web.json_response(
        {
            "name": new.name,
            "role": new.role,
            "password": new.password,
            "api_key": new.api_key,
            "key_id": new.key_id,
        },
        status=201,
    )


@route(
    "POST",
    "/admin/api/users/{name}/revoke",
    roles=roles(),
    summary="Revoke a user, their keys and sessions",
    api=True,
    params=(_NAME,),
    tag="users",
)
async def users_revoke(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        await request.app[AUTH].revoke_user(name)
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await _audit_admin(request, "admin.user.revoke", {"user": name})
    return web.json_response({"revoked": name})


@route(
    "POST",
    "/admin/api/users/{name}/keys",
    roles=roles(),
    summary="Issue another API key (shown once)",
    api=True,
    params=(_NAME,),
    tag="users",
)
async def keys_add(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        key_id, key = await request.app[AUTH].add_key(name)
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await _audit_admin(request, "admin.key.add", {"user": name, "key_id": key_id})
    return web.json_response({"key_id": key_id, "api_key": key}, status=201)


@route(
    "POST",
    "/admin/api/keys/{key_id}/revoke",
    roles=roles(),
    summary="Revoke an API key",
    api=True,
    params=(
        Param("key_id", {"type": "string", "pattern": "^[0-9a-f]{8}$"}, "key id", True, "path"),
    ),
    tag="users",
)
async def keys_revoke(request: web.Request) -> web.Response:
    key_id = request.match_info["key_id"]
    try:
        await request.app[AUTH].revoke_key(key_id)
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await _audit_admin(request, "admin.key.revoke", {"key_id": key_id})
    return web.json_response({"revoked": key_id})
