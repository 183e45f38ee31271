"""Operation tables and field maps: what a provider request may be, declared, default deny.

Every (method, path pattern) the proxy serves is an :class:`Operation`: a *send* (a body whose
every field is classified by a :class:`Fields` map) or a *read* (no body, no text; its query
parameters classified too). :func:`check` walks a request against its map and answers with the
places that must be inspected; a field, key or parameter the map does not name is refused with
an error naming it and the setting that allows it.

Field kinds:
- :class:`Text`: inspected (and rewritten) by the provider adapter itself;
- :class:`Structured`: every string leaf (and key) inspected; a finding blocks the request;
- :class:`Url`: host must be on ``providers.media_hosts`` / ``providers.callback_hosts``; the
  decoded path, query and fragment are inspected; a finding blocks the request;
- :class:`Sender`: phone numbers and declared ids pass; alphanumeric sender IDs are inspected;
- :class:`Scalar`: a typed value validated against a pattern (it can carry no free text);
- :class:`Refused`: a known field the proxy cannot inspect; refused, naming why;
- :class:`Obj` / :class:`Arr` / :class:`Map` / :class:`AnyOf`: the JSON shapes around them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from proxy.providers.paths import Concrete, render

Kind = Literal["send", "read"]
BodyKind = Literal["form", "json", "form_or_json", "none"]
FoundKind = Literal["text", "structured", "url", "sender"]

# Common scalar patterns (full match). None of them admits spaces: a scalar carries no prose.
PHONE = r"\+?[0-9]{3,20}"
PHONE_LOOSE = r"[+0-9() .-]{3,32}"  # how SDK users write numbers; digits only in the end
TOKEN = r"[A-Za-z0-9_.:+-]{0,128}"
ID = r"[A-Za-z0-9_-]{1,128}"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
INT = r"-?[0-9]{1,12}"
DECIMAL = r"-?[0-9]{1,12}(\.[0-9]{1,12})?"
BOOL = r"(?i:true|false)"
DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]{2,15})?(Z|[+-][0-9]{2}:?[0-9]{2})?"
HTTP_METHOD = r"(?i:GET|POST)"

SETTING_FIELDS = "providers.fields"
SETTING_MEDIA = "providers.media_hosts"
SETTING_CALLBACK = "providers.callback_hosts"
SETTING_ENABLE = "providers.enable"


class FieldError(ValueError):
    """A request does not fit its field map. The message names the field, never its value."""


@dataclass(frozen=True)
class Text:
    """Free text the adapter inspects and rewrites (``Body``, ``text``)."""


@dataclass(frozen=True)
class Structured:
    """Every string leaf (and object key) inspected; ``json_string``: a string holding JSON."""

    json_string: bool = False


@dataclass(frozen=True)
class Url:
    purpose: Literal["media", "callback"]
    schemes: tuple[str, ...] = ("http", "https")


@dataclass(frozen=True)
class Sender:
    """A sender: a phone number, an id matching ``ids``, or an alphanumeric sender ID (which
    the recipient sees, so it is inspected)."""

    ids: str = ""
    max_length: int = 64


@dataclass(frozen=True)
class Scalar:
    pattern: str = TOKEN
    types: tuple[type, ...] = (str,)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


def enum(*values: str) -> Scalar:
    return Scalar("|".join(re.escape(v) for v in values))


INT_SCALAR = Scalar(INT, (str, int))
NUMBER = Scalar(DECIMAL, (str, int, float))
BOOL_SCALAR = Scalar(BOOL, (str, bool))


@dataclass(frozen=True)
class Refused:
    """A field the proxy knows and will not forward (it cannot inspect what it carries)."""

    reason: str


@dataclass(frozen=True)
class Obj:
    fields: Mapping[str, Spec]


@dataclass(frozen=True)
class Arr:
    item: Spec
    max_items: int = 1000


@dataclass(frozen=True)
class Map:
    """A JSON object with free keys (template parameters): keys inspected, values by ``value``."""

    value: Spec
    key: Spec = field(default_factory=lambda: Structured())


@dataclass(frozen=True)
class AnyOf:
    """The first option whose JSON type fits (a string or a list of them, say)."""

    options: tuple[Spec, ...]


Spec = Text | Structured | Url | Sender | Scalar | Refused | Obj | Arr | Map | AnyOf


@dataclass(frozen=True)
class Fields:
    """The field map of one send (or of a read's query string).

    ``named``: fields by exact, case-sensitive name. ``patterns``: (regex, spec) for indexed
    names (``MessageAttributes.entry.1.Name``). ``repeatable``: form/query names that may
    appear more than once; any other repeated name is refused (a reader and the provider could
    take different copies). ``source`` says where the list came from."""

    named: Mapping[str, Spec] = field(default_factory=dict)
    patterns: tuple[tuple[str, Spec], ...] = ()
    repeatable: frozenset[str] = frozenset()
    body: BodyKind = "form"
    source: str = ""

    def spec_for(self, name: str) -> Spec | None:
        spec = self.named.get(name)
        if spec is not None:
            return spec
        for pattern, p_spec in self.patterns:
            if re.fullmatch(pattern, name):
                return p_spec
        return None


NO_FIELDS = Fields(body="none")


@dataclass(frozen=True)
class Operation:
    """One (method, path pattern) the proxy serves. ``{name}`` matches one path segment part of
    ``[A-Za-z0-9_-]``; ``{name:regex}`` narrows it. Matching is case-sensitive and exact."""

    method: str
    path: str
    kind: Kind
    fields: Fields = NO_FIELDS
    query: Fields = NO_FIELDS
    #: an operation off by default; ``providers.enable`` lists it to serve it
    optional: str = ""
    #: a short human name for errors and the README table
    name: str = ""

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return compile_pattern(self.path)

    def match(self, path: str) -> dict[str, str] | None:
        m = self.regex.fullmatch(path)
        return None if m is None else m.groupdict()


def compile_pattern(path: str) -> re.Pattern[str]:
    """``/a/{name}/b{id:[0-9]{2}}.json`` as a regex: literals escaped, placeholders (whose
    regex may hold braces of its own) as named groups."""
    out, i = "", 0
    while i < len(path):
        if path[i] != "{":
            out += re.escape(path[i])
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(path) and depth:
            depth += {"{": 1, "}": -1}.get(path[j], 0)
            j += 1
        if depth:
            raise ValueError(f"unbalanced '{{' in {path!r}")
        name, _, regex = path[i + 1 : j - 1].partition(":")
        out += f"(?P<{name}>{regex or '[A-Za-z0-9_-]+'})"
        i = j
    return re.compile(out)


@dataclass(frozen=True)
class Found:
    """A place a request carries text: ``text`` ones the adapter must inspect; the others are
    inspected as they are and block the request when the policy would change them."""

    kind: FoundKind
    location: str
    text: str


@dataclass(frozen=True)
class Context:
    """What the checks need from the configuration."""

    media_hosts: tuple[str, ...] = ()
    callback_hosts: tuple[str, ...] = ()
    #: operator-classified extra fields: name → "token" | "inspect"
    extra: Mapping[str, str] = field(default_factory=dict)
    provider: str = ""


def check_form(pairs: Sequence[tuple[str, str]], fields: Fields, ctx: Context) -> list[Found]:
    """Every pair classified; repeated names only where declared repeatable."""
    out: list[Found] = []
    seen: set[str] = set()
    for name, value in pairs:
        if name in seen and name not in fields.repeatable:
            raise FieldError(f"'{name}' may be given only once")
        seen.add(name)
        spec = _spec(fields, name, ctx)
        out.extend(_leaf(spec, value, name, ctx, form=True))
    return out


def check_json(data: Mapping[str, Any], fields: Fields, ctx: Context) -> list[Found]:
    out: list[Found] = []
    for name, value in data.items():
        spec = _spec(fields, name, ctx)
        out.extend(_walk(spec, value, (name,), ctx))
    return out


def _spec(fields: Fields, name: str, ctx: Context) -> Spec:
    spec = fields.spec_for(name)
    if spec is not None:
        return spec
    extra = ctx.extra.get(name)
    if extra == "token":
        return Scalar(TOKEN, (str, int, float, bool))
    if extra == "inspect":
        return Structured()
    raise FieldError(
        f"field '{_safe(name)}' is not known to phi-proxy for this request and was not sent; "
        f"classify it with {SETTING_FIELDS}.{ctx.provider or '<provider>'}"
        f".{_safe(name)} (token or inspect) if the provider documents it"
    )


def _safe(name: str) -> str:
    """A field name for an error. Names are chosen by the client and could carry text, so only
    identifier-like names are echoed (a stray leading or trailing space shown, as it matters)."""
    if re.fullmatch(r" ?[\x21-\x7e]{1,64} ?", name):
        return name
    return "(a field name that is not an identifier)"


MAX_DEPTH = 32  # no provider nests a send deeper; deeper is refused, never recursed into


def _walk(spec: Spec, value: Any, path: Concrete, ctx: Context) -> list[Found]:
    if len(path) > MAX_DEPTH:
        raise FieldError("the request is nested too deeply")
    where = render(path)
    if value is None:
        return []
    if isinstance(spec, AnyOf):
        for option in spec.options:
            if _fits(option, value):
                return _walk(option, value, path, ctx)
        raise FieldError(f"'{_safe(where)}' has the wrong type")
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            raise FieldError(f"'{_safe(where)}' must be an object")
        out: list[Found] = []
        for k, v in value.items():
            sub = spec.fields.get(k)
            if sub is None:
                raise FieldError(
                    f"field '{_safe(render((*path, k)))}' is not known to phi-proxy and was "
                    "not sent"
                )
            out.extend(_walk(sub, v, (*path, k), ctx))
        return out
    if isinstance(spec, Arr):
        if not isinstance(value, list):
            raise FieldError(f"'{_safe(where)}' must be an array")
        if len(value) > spec.max_items:
            raise FieldError(f"'{_safe(where)}' has too many items")
        out = []
        for i, item in enumerate(value):
            out.extend(_walk(spec.item, item, (*path, i), ctx))
        return out
    if isinstance(spec, Map):
        if not isinstance(value, dict):
            raise FieldError(f"'{_safe(where)}' must be an object")
        out = []
        for k, v in value.items():
            out.extend(_leaf(spec.key, k, f"{where}{{key}}", ctx, form=False))
            out.extend(_walk(spec.value, v, (*path, k), ctx))
        return out
    return _leaf(spec, value, where, ctx, form=False)


def _fits(spec: Spec, value: Any) -> bool:
    if isinstance(spec, Obj | Map):
        return isinstance(value, dict)
    if isinstance(spec, Arr):
        return isinstance(value, list)
    if isinstance(spec, Scalar):
        return _scalar_type_ok(spec, value)
    if isinstance(spec, Text | Url | Sender):
        return isinstance(value, str)
    return True


def _scalar_type_ok(spec: Scalar, value: Any) -> bool:
    if isinstance(value, bool):
        return bool in spec.types
    return isinstance(value, spec.types)


def _leaf(spec: Spec, value: Any, where: str, ctx: Context, *, form: bool) -> list[Found]:
    if isinstance(spec, Refused):
        raise FieldError(f"'{_safe(where)}' is refused by phi-proxy: {spec.reason}")
    if form and isinstance(spec, AnyOf):  # a form value is a string: the option for one
        option = next((o for o in spec.options if _fits(o, value)), None)
        if option is None:
            raise FieldError(f"'{_safe(where)}' has the wrong type")
        return _leaf(option, value, where, ctx, form=True)
    if form and isinstance(spec, Arr):  # a list in a form is a repeated field
        return _leaf(spec.item, value, where, ctx, form=True)
    if isinstance(spec, Obj | Arr | Map | AnyOf):
        if form:
            raise FieldError(f"'{_safe(where)}' cannot be sent in a form body")
        return _walk(spec, value, (where,), ctx)
    if isinstance(spec, Text):
        if not isinstance(value, str):
            raise FieldError(f"'{_safe(where)}' must be a string")
        return [Found("text", where, value)]
    if isinstance(spec, Scalar):
        if not _scalar_type_ok(spec, value):
            raise FieldError(f"'{_safe(where)}' has the wrong type")
        if isinstance(value, float) and value != value:  # NaN never reaches here (strict JSON)
            raise FieldError(f"'{_safe(where)}' is not a number")
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if not spec.regex.fullmatch(text):
            raise FieldError(f"'{_safe(where)}' is not a valid value for this field")
        return []
    if isinstance(spec, Sender):
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise FieldError(f"'{_safe(where)}' must be a string")
        s = str(value)
        if len(s) > spec.max_length or re.search(r"[\x00-\x1f\x7f]", s):
            raise FieldError(f"'{_safe(where)}' is not a valid sender")
        if re.fullmatch(PHONE_LOOSE, s) or (spec.ids and re.fullmatch(spec.ids, s)) or not s:
            return []
        return [Found("sender", where, spaced(s))]
    if isinstance(spec, Url):
        if not isinstance(value, str):
            raise FieldError(f"'{_safe(where)}' must be a string")
        return _url(spec, value, where, ctx)
    # Structured
    if spec.json_string:
        if not isinstance(value, str):
            raise FieldError(f"'{_safe(where)}' must be a string")
        if value == "":
            return []
        try:
            doc = json.loads(value, object_pairs_hook=_no_dupes, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise FieldError(f"'{_safe(where)}' must be valid JSON") from None
        return [Found("structured", where, t) for t in _strings(doc)]
    return [Found("structured", where, t) for t in _strings(value)]


def _no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError("duplicate key")
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _strings(value: Any, depth: int = 0) -> list[str]:
    """Every string leaf and key of a JSON value (numbers as text too: an MRN can be one)."""
    if depth > MAX_DEPTH:
        raise FieldError("a structured field is nested too deeply")
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, depth + 1)]
    if isinstance(value, dict):
        return [
            s for k, v in value.items() for s in (*_strings(k, depth + 1), *_strings(v, depth + 1))
        ]
    return [str(value)]


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower()
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif host == entry:
            return True
    return False


def _url(spec: Url, value: str, where: str, ctx: Context) -> list[Found]:
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        raise FieldError(f"'{_safe(where)}' is not a valid URL") from None
    if parts.scheme.lower() not in spec.schemes or not host:
        raise FieldError(f"'{_safe(where)}' must be a {' or '.join(spec.schemes)} URL")
    if parts.username is not None or parts.password is not None:
        raise FieldError(f"'{_safe(where)}' may not carry a user name or password")
    allowed, setting = (
        (ctx.media_hosts, SETTING_MEDIA)
        if spec.purpose == "media"
        else (ctx.callback_hosts, SETTING_CALLBACK)
    )
    if not host_allowed(host, allowed):
        raise FieldError(
            f"'{_safe(where)}' points to a host that is not on {setting}; add the host there "
            f"if {spec.purpose} URLs may go to it"
        )
    decoded = " ".join(
        unquote(p, errors="strict") for p in (parts.path, parts.query, parts.fragment) if p
    )
    text = spaced(decoded)
    return [Found("url", where, text)] if text.strip() else []


_SEPARATORS = re.compile(r"[/_?&=+#;,|~]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def spaced(s: str) -> str:
    """Identifiers as words: ``HIVClinic`` → ``HIV Clinic``, ``maria_lopez/dob`` → words."""
    return _CAMEL.sub(" ", _SEPARATORS.sub(" ", s)).strip()


_EXAMPLES = (
    "p1",
    "MA" + "A" * 18,
    "long_code",
    "AC" + "1" * 32,
    "SM" + "2" * 32,
    "ME" + "3" * 32,
    "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
    "01FC66621XXXXX119Z8PMV1QPQ",
)


def example_path(pattern: str) -> tuple[str, dict[str, str]]:
    """A concrete path the pattern matches (for tests and docs), and its placeholder values."""
    regex = compile_pattern(pattern)
    values: dict[str, str] = {}
    out, i = "", 0
    while i < len(pattern):
        if pattern[i] != "{":
            out += pattern[i]
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(pattern[j], 0)
            j += 1
        name, _, sub = pattern[i + 1 : j - 1].partition(":")
        value = next(v for v in _EXAMPLES if re.fullmatch(sub or "[A-Za-z0-9_-]+", v))
        values[name] = value
        out += value
        i = j
    assert regex.fullmatch(out), (pattern, out)
    return out, values


def json_tree(entries: Sequence[tuple[tuple[str | int, ...], Spec]]) -> dict[str, Spec]:
    """Top-level field specs from (parsed dotted path, leaf spec) pairs: ``a.b[*].c`` becomes
    ``Obj({"b": Arr(Obj({"c": ...}))})`` under ``a``. An index (``[0]``) types the list like
    ``[*]``: the adapter reads only that element, and the perimeter refuses text it did not
    read. :class:`ValueError` when two paths disagree about a node."""
    root: dict[str, Any] = {}

    def insert(node: dict[str, Any], tokens: tuple[str | int, ...], spec: Spec, where: str) -> None:
        head, rest = tokens[0], tokens[1:]
        key = "[*]" if isinstance(head, int) or head == "*" else str(head)
        if not rest:
            if key in node:
                raise ValueError(f"{where}: classified twice, or both a value and a container")
            node[key] = spec
            return
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ValueError(f"{where}: both a value and a container")
        insert(child, rest, spec, where)

    for tokens, spec in entries:
        if tokens and (isinstance(tokens[0], int) or tokens[0] == "*"):
            raise ValueError("a path must start with a field name")
        insert(root, tokens, spec, render(tuple(t for t in tokens if t != "*")) or "?")

    def build(node: Any) -> Spec:
        if not isinstance(node, dict):
            return node
        if "[*]" in node:
            if len(node) > 1:
                raise ValueError("a node is both a list and an object")
            return Arr(build(node["[*]"]))
        return Obj({k: build(v) for k, v in node.items()})

    return {k: build(v) for k, v in root.items()}
