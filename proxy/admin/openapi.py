"""The OpenAPI 3 document of /admin/api, generated from the route table (so it cannot drift)."""

from __future__ import annotations

import re
from typing import Any

from proxy.admin.roles import DESCRIPTIONS
from proxy.admin.routes import ROUTES, RouteSpec

_ERR = {
    "description": "error",
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": {}}, "additionalProperties": True}
        }
    },
}


def _operation(spec: RouteSpec) -> dict[str, Any]:
    allowed = ", ".join(sorted(spec.roles))
    op: dict[str, Any] = {
        "operationId": re.sub(r"[^A-Za-z0-9]+", "_", f"{spec.method}_{spec.path}").strip("_"),
        "summary": spec.summary,
        "description": f"Roles: {allowed}.",
        "tags": [spec.tag] if spec.tag else [],
        "x-roles": sorted(spec.roles),
        "parameters": [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "description": p.description,
                "schema": p.schema,
            }
            for p in spec.params
        ],
        "responses": {
            "200": {
                "description": "success",
                "content": {spec.response_type: {"schema": spec.response}},
            },
            "201": {
                "description": "created",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "400": _ERR,
            "401": _ERR,
            "403": _ERR,
            "404": _ERR,
            "409": _ERR,
            "422": _ERR,
            "503": _ERR,
        },
    }
    if spec.body is not None:
        op["requestBody"] = {
            "required": spec.method == "POST" and bool(spec.body.get("required")),
            "content": {"application/json": {"schema": spec.body}},
        }
    return op


def build_openapi() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        if not spec.api:
            continue
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    roles = "\n".join(f"- `{r}`: {d}" for r, d in DESCRIPTIONS.items())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "phi-proxy admin API",
            "version": "1",
            "description": "Policy, versions, audit, metrics, users. Every operation lists the "
            "roles that may call it; anything else is refused.\n\nRoles:\n" + roles,
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }
