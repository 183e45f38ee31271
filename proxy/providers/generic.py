"""A provider the proxy does not ship, described in config/proxy.yaml ``providers.generic``.

The entry names the send route, the body kind (json|form), where texts and recipients live
(dotted paths with ``[*]`` for JSON, field names for forms) and an error body template in which
``$code``, ``$message`` and ``$status`` are filled in. Every text found is inspected and every
recipient found applies to every text. A request with none of the configured text fields is
refused: the proxy cannot tell an empty send from a text hidden where it does not look.

Default deny, as for the built-in adapters: the send is one declared operation whose every
field is classified (``texts``, ``recipients``, ``sender`` and ``fields``, with types: a path
described as a list must be a list); text-free calls are declared ``reads`` (GET/DELETE, no
body, typed query parameters). Any other method, path or field is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Template
from typing import Any

from aiohttp import web

from proxy.providers.base import (
    BadRequest,
    Incoming,
    Message,
    Parsed,
    Provider,
    swap_numbers,
    swap_pairs,
)
from proxy.providers.bodies import load_form, load_json_object, rebuild_json, rewrite_form
from proxy.providers.config import GenericEntry
from proxy.providers.operations import (
    BOOL_SCALAR,
    NUMBER,
    PHONE_LOOSE,
    TOKEN,
    AnyOf,
    Arr,
    Fields,
    Operation,
    Scalar,
    Sender,
    Spec,
    Structured,
    Text,
    Url,
    json_tree,
)
from proxy.providers.paths import Concrete, find, parse_path, render, set_at

_RECIPIENT = Scalar(r"[A-Za-z0-9+@._:()-]{1,128}", (str, int))
KIND_SPECS: dict[str, Spec] = {
    "text": Text(),
    "inspect": Structured(),
    "token": Scalar(TOKEN, (str, int)),
    "number": NUMBER,
    "boolean": BOOL_SCALAR,
    "phone": Scalar(PHONE_LOOSE, (str, int)),
    "sender": Sender(),
    "media_url": Url("media"),
    "callback_url": Url("callback"),
}


def field_map(entry: GenericEntry) -> Fields:
    """The send's field map from the entry (raises ValueError on contradictory paths)."""
    leaves: list[tuple[str, Spec]] = [(p, Text()) for p in entry.texts]
    recipient: Spec = (
        _RECIPIENT if entry.content_type == "form" else AnyOf((_RECIPIENT, Arr(_RECIPIENT)))
    )
    leaves += [(p, recipient) for p in entry.recipients]
    if entry.sender:
        leaves.append((entry.sender, Sender()))
    leaves += [(p, KIND_SPECS[k]) for p, k in entry.fields.items()]
    source = f"providers.generic entry {entry.name!r}"
    if entry.content_type == "form":
        named: dict[str, Spec] = {}
        for name, spec in leaves:
            if name in named:
                raise ValueError(f"{name}: classified twice")
            named[name] = spec
        return Fields(
            named=named, repeatable=frozenset(entry.recipients), body="form", source=source
        )
    tree = json_tree([(parse_path(p), spec) for p, spec in leaves])
    return Fields(named=tree, body="json", source=source)


def namespaces(paths: Sequence[str]) -> tuple[str, ...]:
    """The literal prefixes of the operations' paths (up to the first placeholder)."""
    out: list[str] = []
    for p in paths:
        ns = p if "{" not in p else p[: p.rindex("/", 0, p.index("{")) + 1]
        if ns not in out:
            out.append(ns)
    return tuple(
        n for n in out if not any(o != n and o.endswith("/") and n.startswith(o) for o in out)
    )


_DEFAULT_CODES: dict[str, str | int] = {
    "blocked": 90001,
    "unavailable": 90002,
    "bad_request": 90003,
    "opted_out": 90004,
}


class Generic(Provider):
    #: a configured API: the common SMS limit (1,600 characters) unless it is told otherwise
    max_text_chars = 1600
    text_too_long_code: str | int = "BAD_REQUEST"

    def __init__(self, entry: GenericEntry) -> None:
        self.entry = entry
        self.name = entry.name
        self.default_upstream = entry.upstream
        self.operations = (
            Operation(entry.method, entry.path, "send", field_map(entry), name="send"),
            *(
                Operation(
                    r.method,
                    r.path,
                    "read",
                    query=Fields(
                        named={q: KIND_SPECS[k] for q, k in r.query.items()},
                        source=f"providers.generic entry {entry.name!r} reads",
                    ),
                )
                for r in entry.reads
            ),
        )
        self.namespaces = namespaces([op.path for op in self.operations])
        codes = _DEFAULT_CODES | entry.codes
        self.blocked_code = codes["blocked"]
        self.unavailable_code = codes["unavailable"]
        self.bad_request_code = codes["bad_request"]
        self.text_too_long_code = codes["bad_request"]
        self.opted_out_code = codes["opted_out"]
        self._texts = [parse_path(p) for p in entry.texts] if entry.content_type == "json" else []
        self._recipients = (
            [parse_path(p) for p in entry.recipients] if entry.content_type == "json" else []
        )

    def parse(self, req: Incoming) -> Parsed:
        if self.entry.content_type == "json":
            return self._parse_json(req)
        return self._parse_form(req)

    def _parse_json(self, req: Incoming) -> Parsed:
        code = self.bad_request_code
        data = load_json_object(req, code)
        recipients: list[str] = []
        for pattern in self._recipients:
            for _, value in find(data, pattern):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, bool) or not isinstance(item, str | int):
                        raise BadRequest("recipients must be strings or numbers", code)
                    recipients.append(str(item))
        sender = ""
        if self.entry.sender:
            got = [v for _, v in find(data, parse_path(self.entry.sender))]
            sender = str(got[0]) if got and isinstance(got[0], str | int) else ""
        messages, paths = [], []
        seen: set[Concrete] = set()
        for pattern in self._texts:
            for path, value in find(data, pattern):
                if path in seen:
                    continue
                seen.add(path)
                if not isinstance(value, str):
                    raise BadRequest(f"'{render(path)}' must be a string", code)
                messages.append(Message(value, tuple(recipients), sender, self.name, render(path)))
                paths.append(path)
        if not messages:
            raise BadRequest(f"No text field found (expected {', '.join(self.entry.texts)})", code)
        return Parsed(messages=messages, state=(data, paths))

    def _parse_form(self, req: Incoming) -> Parsed:
        code = self.bad_request_code
        pairs = load_form(req, code)
        recipients = tuple(v for k, v in pairs if k in self.entry.recipients)
        sender = next((v for k, v in pairs if k == self.entry.sender), "")
        messages, spots = [], []
        for i, (k, v) in enumerate(pairs):
            if k in self.entry.texts:
                messages.append(Message(v, recipients, sender, self.name, k))
                spots.append(i)
        if not messages:
            raise BadRequest(f"No text field found (expected {', '.join(self.entry.texts)})", code)
        return Parsed(messages=messages, state=(pairs, spots))

    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        data, where = parsed.state
        if self.entry.content_type == "json":
            return rebuild_json(data, where, texts)
        new = dict(zip(where, texts, strict=True))
        return rewrite_form(data, lambda i, _k, _v: new.get(i))

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        data, _ = parsed.state
        if self.entry.content_type == "json":
            for pattern in self._recipients:
                for path, value in list(find(data, pattern)):
                    set_at(data, path, swap_numbers(value, wire))
        else:
            swap_pairs(data, tuple(self.entry.recipients), wire)

    def error(self, status: int, code: str | int, message: str) -> web.Response:
        values = {"code": code, "message": message, "status": status}
        return web.json_response(_fill(self.entry.error_body, values), status=status)


def _fill(template: Any, values: dict[str, Any]) -> Any:
    """The template with ``$code``/``$message``/``$status`` filled in, keeping value types."""
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, str):
        if template.startswith("$") and template[1:] in values:
            return values[template[1:]]
        return Template(template).safe_substitute({k: str(v) for k, v in values.items()})
    return template
