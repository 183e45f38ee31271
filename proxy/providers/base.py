"""The provider adapter interface: parse texts out of a request, rebuild it, speak its errors.

Every provider is one module with one :class:`Provider` subclass registered in
:mod:`proxy.providers`. The handler never looks at wire formats; adapters never decide policy.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDictProxy

from proxy.errors import BadRequest  # noqa: F401  (re-exported: raised by every provider)
from proxy.providers.operations import Fields, Operation


@dataclass(frozen=True)
class Message:
    """One text found in a provider request. ``field`` says where it came from (for rebuild)."""

    text: str
    to: tuple[str, ...]
    sender: str
    provider: str
    field: str


@dataclass(frozen=True)
class Incoming:
    """The parts of a client request an adapter may read; the body is already size-limited."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: CIMultiDictProxy[str]
    body: bytes
    match: Mapping[str, str] = field(default_factory=dict)
    #: the query string exactly as received (the perimeter checked every parameter in it)
    raw_query: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()


@dataclass
class Parsed:
    """An adapter's reading of a request: the texts plus whatever it needs to rebuild it."""

    messages: list[Message]
    state: Any = None
    # Request headers that must not go upstream (e.g. the portal's date-of-birth header).
    drop_headers: tuple[str, ...] = ()
    # (recipient, sender) of sends that carry no text (media only): still subject to opt-out.
    textless: tuple[tuple[str, str], ...] = ()
    # How many of ``messages`` the adapter found (and rebuilds); the perimeter appends the
    # rest (URLs, sender IDs, template data), which are inspected but never rewritten.
    own: int | None = None

    def own_count(self) -> int:
        """How many of ``messages`` the adapter rebuilds (the first ones)."""
        return len(self.messages) if self.own is None else self.own

    def recipients(self) -> list[tuple[str, str]]:
        """Every (recipient, sender) this request would text, with or without a text body."""
        pairs = [(to, m.sender) for m in self.messages for to in m.to] + list(self.textless)
        return list(dict.fromkeys(pairs))


@dataclass(frozen=True)
class Route:
    """A method + path pattern (aiohttp syntax) whose requests carry texts to inspect."""

    method: str
    path: str


class Provider(ABC):
    """One SMS provider's API. Subclasses are stateless apart from their configuration."""

    name: str
    default_upstream: str
    #: every (method, path pattern) served: sends with their field maps, and reads. Anything
    #: else under ``namespaces`` is refused in the provider's shape (default deny).
    operations: Sequence[Operation] = ()
    #: the path prefixes (under the mount) this provider answers for, so that an unknown path
    #: there gets the provider's own 404 rather than the proxy's
    namespaces: Sequence[str] = ()
    #: path prefix this provider is mounted under on the proxy (``providers.mounts``); the
    #: prefix is stripped before forwarding. Lets providers that share paths on different hosts
    #: (the two AWS APIs both POST to "/") live side by side.
    mount: str = ""
    #: the base URL requests are forwarded to (``upstream.urls`` or ``default_upstream``)
    upstream: str = ""
    #: client headers never forwarded (e.g. a signature the proxy replaces with its own)
    upstream_drop_headers: tuple[str, ...] = ()

    @property
    def routes(self) -> tuple[Route, ...]:
        """The send operations as routes (for tests and the README table)."""
        return tuple(Route(op.method, op.path) for op in self.operations if op.kind == "send")

    def credential(self, req: Incoming) -> str | None:
        """What authenticates the request, when the provider carries it outside the
        ``Authorization`` header (the idempotency scope); None: that header decides."""
        return None

    def fields_for(self, operation: Operation, req: Incoming) -> Fields:
        """The field map of a send; AWS adapters pick it by the requested action."""
        return operation.fields

    @classmethod
    def from_config(cls, config: Any) -> Provider:
        """An instance configured from :class:`proxy.providers.config.ProvidersConfig`."""
        return cls()

    def upstream_path(self, path: str) -> str:
        """The path to request upstream: the proxy path without this provider's mount."""
        if self.mount and path.startswith(self.mount):
            path = path[len(self.mount) :]
        return path or "/"

    @abstractmethod
    def parse(self, req: Incoming) -> Parsed:
        """Find the texts; raise :class:`BadRequest` for a malformed request."""

    @abstractmethod
    def rebuild(self, req: Incoming, parsed: Parsed, texts: Sequence[str]) -> bytes:
        """The request body with ``texts[i]`` in place of ``parsed.messages[i].text``."""

    @abstractmethod
    def error(self, status: int, code: str | int, message: str) -> web.Response:
        """A response in this provider's own error shape."""

    # Where the proxy's own error codes are explained (``<public_base_url>/errors``; set by
    # build_providers); "" until then, which makes links relative ("/errors/90001").
    error_docs: str = ""

    # Provider-specific error codes for the proxy's own refusals; adapters override as needed.
    blocked_code: str | int = "PHI_BLOCKED"
    opted_out_code: str | int = "OPTED_OUT"
    unavailable_code: str | int = "PROXY_UNAVAILABLE"
    bad_request_code: str | int = "BAD_REQUEST"

    #: the longest text (characters) the provider accepts in one message field; each adapter
    #: states its provider's own limit, and a longer text is refused with the provider's own
    #: error (``text_too_long_code``, ``text_too_long_status``) before detection (issue #18)
    max_text_chars: int
    text_too_long_code: str | int
    text_too_long_status: int = 400

    #: does the provider write numbers with the leading "+" of E.164? Vonage ("Don't use a
    #: leading + or 00") and MessageBird (MSISDNs) take the digits alone.
    recipient_plus: bool = True

    def rewrite_recipients(self, parsed: Parsed, wire: Mapping[str, str]) -> None:
        """Put each recipient as it will be forwarded (``wire``: as written → normalised E.164
        in the provider's style) into the request ``parsed`` holds, so that :meth:`rebuild`
        forwards what the opt-out check read (issue #18). Other fields are left as sent."""
        raise NotImplementedError(f"{self.name} cannot rewrite its recipients")

    def extra_upstream_headers(self, req: Incoming, body: bytes) -> Mapping[str, str]:
        """Headers to set on the upstream request (e.g. a fresh signature); none by default."""
        return {}


_DIGITS = re.compile(r"\D")


def digits(number: str) -> str:
    """A phone number as bare digits, for comparisons that must ignore formatting."""
    return _DIGITS.sub("", number)


def swap_numbers(value: Any, wire: Mapping[str, str], sep: str = "") -> Any:
    """A recipient field's value with every number in ``wire`` as it is forwarded, keeping the
    field's shape: a string, a JSON number, a list of either, or ``sep``-separated numbers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        new = wire.get(str(value))
        return int(new.lstrip("+")) if new is not None else value
    if isinstance(value, str):
        if sep and sep in value:
            return sep.join(swap_numbers(part, wire) for part in value.split(sep))
        stripped = value.strip()
        return wire.get(value, wire.get(stripped, value))
    if isinstance(value, list):
        return [swap_numbers(v, wire, sep) for v in value]
    return value


def swap_pairs(
    pairs: list[tuple[str, str]], names: Sequence[str], wire: Mapping[str, str], sep: str = ""
) -> None:
    """The same for form pairs named ``names`` (in place)."""
    for i, (k, v) in enumerate(pairs):
        if k in names:
            pairs[i] = (k, swap_numbers(v, wire, sep))
