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


_US_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m-%d-%Y")


def parse_time(raw: str) -> float | None:
    """Seconds since the epoch from epoch seconds, an ISO date or date-time, or a US date
    (``11/29/2026``, ``11/29/26``, with an optional ``HH:MM``); UTC unless it says otherwise.
    None when it is none of these."""
    raw = raw.strip()
    try:
        v = float(raw)
        if v != v or v in (float("inf"), float("-inf")) or not 0 <= v < 1e11:
            return None
        return v
    except ValueError:
        pass
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        for fmt in _US_FORMATS:
            try:
                dt = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def time_param(request: web.Request, name: str) -> float | None:
    """Seconds since the epoch from epoch seconds, an ISO date / date-time, or a US date
    (11/29/2026); UTC unless it says otherwise. Anything else is a 400 saying what to type."""
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    v = parse_time(raw)
    if v is None:
        raise bad_request(
            f"{name}: {raw[:40]!r} is not a date; type 11/29/2026 or 2026-11-29 (a time may "
            "follow: 11/29/2026 14:30), or epoch seconds"
        )
    return v


def config_error_json(e: ConfigError) -> dict[str, Any]:
    return {"message": str(e), "line": e.line, "key": e.key, "reason": e.reason}
