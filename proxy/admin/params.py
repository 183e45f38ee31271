"""Request parsing for admin handlers: every bad input is a 4xx with a reason, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from proxy.yamlfile import ConfigError

MAX_YAML = 200_000


def bad_request(reason: str, status: int = 400) -> web.HTTPException:
    """A JSON error response to raise (400, 404, 409, or 422 for anything else)."""
    cls = {400: web.HTTPBadRequest, 404: web.HTTPNotFound, 409: web.HTTPConflict}.get(
        status, web.HTTPUnprocessableEntity
    )
    return cls(text=json.dumps({"error": reason}), content_type="application/json")


async def json_object(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise bad_request("send a JSON object (Content-Type: application/json)")
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise bad_request("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("body must be a JSON object")
    return body


def text_field(
    body: dict[str, Any], name: str, *, required: bool = True, max_len: int = 500
) -> str | None:
    v = body.get(name)
    if v is None:
        if required:
            raise bad_request(f"{name}: required")
        return None
    if not isinstance(v, str):
        raise bad_request(f"{name}: must be a string")
    if required and not v.strip():
        raise bad_request(f"{name}: must not be empty")
    if len(v) > max_len:
        raise bad_request(f"{name}: at most {max_len} characters")
    return v


def required_text(body: dict[str, Any], name: str, *, max_len: int = 500) -> str:
    """:func:`text_field` for a required field, typed as present."""
    v = text_field(body, name, required=True, max_len=max_len)
    if v is None:  # text_field refuses a missing required field: never here
        raise bad_request(f"{name}: required")
    return v


def int_param(request: web.Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        raise bad_request(f"{name}: must be an integer") from None
    if not lo <= v <= hi:
        raise bad_request(f"{name}: must be between {lo} and {hi}")
    return v


def time_param(request: web.Request, name: str) -> float | None:
    """Seconds since the epoch, or an ISO date / date-time (UTC unless it says otherwise)."""
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        v = float(raw)
        if v != v or v in (float("inf"), float("-inf")) or not 0 <= v < 1e11:
            raise ValueError
        return v
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise bad_request(f"{name}: a date (2026-11-29), date-time, or epoch seconds") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.timestamp()
    except (OverflowError, OSError, ValueError):
        raise bad_request(f"{name}: out of range") from None


def config_error_json(e: ConfigError) -> dict[str, Any]:
    return {"message": str(e), "line": e.line, "key": e.key, "reason": e.reason}
