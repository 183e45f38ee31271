"""A provider the proxy does not ship, described in config/proxy.yaml ``providers.generic``.

The entry names the send route, the body kind (json|form), where texts and recipients live
(dotted paths with ``[*]`` for JSON, field names for forms) and an error body template in which
``$code``, ``$message`` and ``$status`` are filled in. Every text found is inspected and every
recipient found applies to every text. A request with none of the configured text fields is
refused: the proxy cannot tell an empty send from a text hidden where it does not look.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import Template
from typing import Any

from aiohttp import web

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.bodies import load_form, load_json_object, rebuild_json, rewrite_form
from proxy.providers.config import GenericEntry
from proxy.providers.paths import Concrete, find, parse_path, render

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
        self.routes = (Route(entry.method, entry.path),)
        self.prefixes = entry.passthrough
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
