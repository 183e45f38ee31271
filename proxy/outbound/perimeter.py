"""The perimeter: default deny, decided before anything else, on the canonical path.

A provider request is a declared *send* (every field classified by its field map), a declared
*read* (no body, classified query parameters), or refused in the provider's own error shape and
never forwarded. See :mod:`proxy.providers.operations` for the tables and field kinds.

Canonical path: the raw request target (before aiohttp or yarl decode or normalise anything) has
no percent-escapes at all (so no encoded ``/ \\ . %``), no backslash, no dot segments, no empty
segments, only RFC 3986 path characters. The path forwarded upstream is that same string, built
into the upstream URL with ``encoded=True`` so nothing re-normalises it on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider
from proxy.providers.bodies import (
    FORM_TYPE,
    parse_form,
    parse_json_object,
    require_identity,
)
from proxy.providers.config import ProvidersConfig
from proxy.providers.operations import (
    SETTING_ENABLE,
    Context,
    FieldError,
    Fields,
    Found,
    Operation,
    check_form,
    check_json,
)

# Headers the proxy reads to decide how to inspect a request: one copy each, so the proxy and
# the provider cannot read different ones.
READ_HEADERS = ("Content-Type", "Content-Encoding", "X-Amz-Target", "Idempotency-Key")
_PATH_CHARS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]*")


def not_served(status: int, message: str) -> BadRequest:
    """A request the perimeter does not serve: 400, 403, 404 or 405, in the provider's shape
    (the provider's own bad-request code; :func:`proxy.errors.refuse` answers it)."""
    return BadRequest(message, None, status)


@dataclass(frozen=True)
class Target:
    """A request the perimeter accepted: its operation, canonical path and query."""

    operation: Operation
    path: str  # the canonical path as received (mount included)
    match: dict[str, str]
    query: tuple[tuple[str, str], ...] = ()
    raw_query: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def split_target(raw: str) -> tuple[str, str]:
    """The raw request target as (path, query), fragment dropped (clients never send one)."""
    path, _, rest = raw.partition("?")
    path = path.partition("#")[0]
    return path, rest.partition("#")[0]


def canonical_path(raw_path: str) -> str:
    """``raw_path`` itself when it is canonical; :func:`not_served` (400) otherwise."""
    if not raw_path.startswith("/"):
        raise not_served(400, "The request path must start with '/'")
    if "%" in raw_path:
        raise not_served(400, "Percent-encoded characters are not accepted in the request path")
    if "\\" in raw_path or not _PATH_CHARS.fullmatch(raw_path):
        raise not_served(400, "The request path contains characters that are not accepted")
    segments = raw_path[1:].split("/")
    for i, seg in enumerate(segments):
        if seg in (".", ".."):
            raise not_served(400, "Dot segments ('.', '..') are not accepted in the request path")
        if seg == "" and i != len(segments) - 1:
            raise not_served(400, "Empty path segments ('//') are not accepted in the request path")
    return raw_path


def parse_query(raw_query: str) -> tuple[tuple[str, str], ...]:
    try:
        return tuple(parse_qsl(raw_query, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise not_served(400, "The query string is not valid UTF-8") from None


def resolve(provider: Provider, method: str, raw_target: str, config: ProvidersConfig) -> Target:
    """The operation a request asks for; a refusal (:func:`not_served`) otherwise, and then
    nothing is forwarded."""
    raw_path, raw_query = split_target(raw_target)
    path = canonical_path(raw_path)
    if provider.mount and not (path == provider.mount or path.startswith(provider.mount + "/")):
        raise not_served(404, "The requested resource was not found")
    inner = provider.upstream_path(path)
    methods: list[str] = []
    for op in provider.operations:
        got = op.match(inner)
        if got is None:
            continue
        if op.method != method:
            methods.append(op.method)
            continue
        if op.optional and op.optional not in config.enable:
            raise not_served(
                403,
                f"{op.method} {op.path} ({op.name or op.optional}) is not served by phi-proxy "
                f"by default; list '{op.optional}' in {SETTING_ENABLE} to inspect and serve it",
            )
        return Target(op, path, got, parse_query(raw_query), raw_query)
    if methods:
        raise not_served(
            405,
            f"Method {method} is not served by phi-proxy for this path "
            f"(allowed: {', '.join(sorted(set(methods)))})",
        )
    raise not_served(404, "The requested resource is not served by phi-proxy")


def context(provider: Provider, config: ProvidersConfig) -> Context:
    return Context(
        media_hosts=config.media_hosts,
        callback_hosts=config.callback_hosts,
        extra=config.fields.get(provider.name, {}),
        provider=provider.name,
    )


def check_query(provider: Provider, target: Target, ctx: Context) -> list[Found]:
    try:
        return check_form(target.query, target.operation.query, ctx)
    except FieldError as e:
        raise BadRequest(f"Query string: {e}", provider.bad_request_code) from None


def _check_body(req: Incoming, fields: Fields, ctx: Context, code: str | int) -> list[Found]:
    if fields.body == "none":
        if req.body:
            raise BadRequest("This request carries no body", code)
        return []
    require_identity(req, code)
    if fields.body == "form" or (fields.body == "form_or_json" and req.content_type == FORM_TYPE):
        return check_form(parse_form(req.body, code), fields, ctx)
    return check_json(parse_json_object(req.body, code), fields, ctx)


def _covers(message_field: str, location: str) -> bool:
    return (
        message_field == location
        or message_field.startswith(location + "[")
        or message_field.startswith(location + ".")
    )


def inspect(provider: Provider, target: Target, req: Incoming, config: ProvidersConfig) -> Parsed:
    """The adapter's reading of a send, checked against the operation's field map.

    Every field is classified or the request is refused; every text field must have been read
    by the adapter; template variables, URLs and sender IDs become extra messages that are
    inspected as they are (a finding there blocks the request: they cannot be rewritten)."""
    code = provider.bad_request_code
    for header in READ_HEADERS:
        if len(req.headers.getall(header, [])) > 1:
            raise BadRequest(f"The {header} header may be given only once", code)
    ctx = context(provider, config)
    found = check_query(provider, target, ctx)
    parsed = provider.parse(req)
    try:
        found += _check_body(req, provider.fields_for(target.operation, req), ctx, code)
    except FieldError as e:
        raise BadRequest(str(e), code) from None
    for f in found:
        if f.kind == "text" and not any(_covers(m.field, f.location) for m in parsed.messages):
            raise BadRequest(f"'{f.location}' could not be inspected and was not sent", code)
    recipients = tuple(dict.fromkeys(to for to, _ in parsed.recipients()))
    sender = next((s for _, s in parsed.recipients()), "")
    parsed.own = len(parsed.messages)
    parsed.messages.extend(
        Message(f.text, recipients, sender, provider.name, f.location)
        for f in found
        if f.kind != "text"
    )
    return parsed


def rebuild(provider: Provider, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
    """The adapter's rebuild for its own texts; the extra messages are never rewritten."""
    return provider.rebuild(req, parsed, list(texts[: parsed.own_count()]))


def fixed(parsed: Parsed) -> range:
    """Indexes of the messages that cannot be rewritten (URLs, sender IDs, template data)."""
    return range(parsed.own_count(), len(parsed.messages))
