"""The policy over the API: read, validate, test, publish, reload; versions and diffs."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin import policy_ops
from proxy.admin.audit_events import actor
from proxy.admin.params import (
    bad_request,
    config_error_json,
    int_param,
    json_object,
    required_text,
    text_field,
)
from proxy.admin.roles import POLICY_READERS, POLICY_WRITERS
from proxy.admin.routes import PAGE, Param, route
from proxy.admin.state_keys import VERSIONS
from proxy.policy import testbench
from proxy.policy.model import as_dict
from proxy.policy.versions import diff_rules, diff_texts, risks
from proxy.yamlfile import ConfigError

_YAML_BODY = {
    "type": "object",
    "required": ["yaml"],
    "properties": {"yaml": {"type": "string", "maxLength": policy_ops.MAX_YAML}},
}


_ID = Param("id", {"type": "integer", "minimum": 1}, "version record id", True, "path")


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
        policy = await policy_ops.publish(request, text, actor(request), reason)
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
        policy = await policy_ops.reload(request, actor(request), reason)
    except ConfigError as e:
        return web.json_response({"reloaded": False, "error": config_error_json(e)}, status=422)
    except policy_ops.PublishFailed as e:
        return web.json_response({"reloaded": False, "error": str(e)}, status=409)
    return web.json_response({"reloaded": True, "version": policy.version})


@route(
    "GET",
    "/admin/api/policy/versions",
    roles=POLICY_READERS,
    summary="Version history (newest first)",
    api=True,
    params=PAGE,
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
    warnings: list[str] = []
    try:
        pa, pb = policy_ops.parse_draft(a.yaml), policy_ops.parse_draft(b.yaml)
        rules, warnings = diff_rules(pa, pb), risks(pa, pb)
    except ConfigError:
        rules = []
    return {
        "from": a.summary(),
        "to": b.summary(),
        "text_diff": diff_texts(a.yaml, b.yaml, f"{a.version} (#{a.id})", f"{b.version} (#{b.id})"),
        "rule_changes": rules,
        "risks": warnings,
    }
