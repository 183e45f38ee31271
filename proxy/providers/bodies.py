"""Strict readers for the two body kinds providers use: JSON objects and HTML forms.

Strict on purpose: a body the proxy reads one way and the provider another (a duplicated key,
bytes that are not UTF-8, ``NaN``) could carry a text past inspection, so those are refused.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from proxy.providers.base import BadRequest, Incoming
from proxy.providers.paths import Concrete, set_at

JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def require_identity(req: Incoming, code: str | int | None = None) -> None:
    """Refuse compressed request bodies: the proxy reads texts from plain bytes only."""
    encoding = req.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise BadRequest("Compressed request bodies (Content-Encoding) are not accepted", code)


def is_json(req: Incoming) -> bool:
    ct = req.content_type
    return ct in JSON_TYPES or (ct.startswith("application/") and ct.endswith("+json"))


def load_json_object(
    req: Incoming,
    code: str | int | None = None,
    json_error_code: str | int | None = None,
    content_types: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The body as a JSON object; :class:`BadRequest` with the provider's codes otherwise."""
    require_identity(req, code)
    ok = req.content_type in content_types if content_types is not None else is_json(req)
    if not ok:
        want = " or ".join(content_types or JSON_TYPES)
        raise BadRequest(f"Content-Type must be {want}", code)
    return parse_json_object(req.body, json_error_code if json_error_code is not None else code)


def parse_json_object(body: bytes, code: str | int | None = None) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("Request body is not valid UTF-8", code) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise BadRequest("Request body is nested too deeply", code) from None
    except ValueError as e:
        # json.JSONDecodeError's message names a position, never the content
        reason = str(e) if "duplicate key" in str(e) else "Request body is not valid JSON"
        raise BadRequest(reason, code) from None
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object", code)
    return data


def dump_json(data: Any) -> bytes:
    """Compact UTF-8 JSON, key order kept: every field but the rewritten texts stays as sent."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_form(req: Incoming, code: str | int | None = None) -> list[tuple[str, str]]:
    """The body as ordered (name, value) pairs; repeated names are kept for the adapter."""
    require_identity(req, code)
    if req.content_type != FORM_TYPE:
        raise BadRequest(f"Content-Type must be {FORM_TYPE}", code)
    return parse_form(req.body, code)


def parse_form(body: bytes, code: str | int | None = None) -> list[tuple[str, str]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("Request body is not valid UTF-8", code) from None
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(
            "Request body has percent-escapes that are not valid UTF-8", code
        ) from None


def form_fields(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for k, v in pairs:
        fields.setdefault(k, []).append(v)
    return fields


def single(fields: dict[str, list[str]], name: str, code: str | int | None = None) -> str | None:
    """The one value of a field that must not repeat (a repeated text is ambiguous upstream)."""
    values = fields.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"'{name}' may be given only once", code)
    return values[0]


def rewrite_form(
    pairs: Sequence[tuple[str, str]], replace: Callable[[int, str, str], str | None]
) -> bytes:
    """Re-encode the pairs in order; ``replace(i, name, value)`` returns a new value or None."""
    out = []
    for i, (k, v) in enumerate(pairs):
        new = replace(i, k, v)
        out.append((k, v if new is None else new))
    return urlencode(out).encode("ascii")


def rebuild_json(data: Any, paths: Sequence[Concrete], texts: Sequence[str]) -> bytes:
    """``data`` re-serialised with ``texts[i]`` at ``paths[i]``; nothing else changes."""
    out = copy.deepcopy(data)
    for path, text in zip(paths, texts, strict=True):
        set_at(out, path, text)
    return dump_json(out)
