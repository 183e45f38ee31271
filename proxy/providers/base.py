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

    def recipients(self) -> list[tuple[str, str]]:
        """Every (recipient, sender) this request would text, with or without a text body."""
        return [(to, m.sender) for m in self.messages for to in m.to] + list(self.textless)


@dataclass(frozen=True)
class Route:
    """A method + path pattern (aiohttp syntax) whose requests carry texts to inspect."""

    method: str
    path: str


class Provider(ABC):
    """One SMS provider's API. Subclasses are stateless apart from their configuration."""

    name: str
    default_upstream: str
    #: requests on these routes are inspected; anything else under ``prefixes`` passes through
    routes: Sequence[Route] = ()
    prefixes: Sequence[str] = ()
    #: the methods that may pass through under ``prefixes`` ("*": any). Narrow it when the
    #: provider's text-free calls are reads and deletes, so no unknown send can slip past.
    passthrough_methods: Sequence[str] = ("*",)
    #: path prefix this provider is mounted under on the proxy (``providers.mounts``); the
    #: prefix is stripped before forwarding. Lets providers that share paths on different hosts
    #: (the two AWS APIs both POST to "/") live side by side.
    mount: str = ""
    #: the base URL requests are forwarded to (``upstream.urls`` or ``default_upstream``)
    upstream: str = ""
    #: client headers never forwarded (e.g. a signature the proxy replaces with its own)
    upstream_drop_headers: tuple[str, ...] = ()

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

    # Provider-specific error codes for the proxy's own refusals; adapters override as needed.
    blocked_code: str | int = "PHI_BLOCKED"
    opted_out_code: str | int = "OPTED_OUT"
    unavailable_code: str | int = "PROXY_UNAVAILABLE"
    bad_request_code: str | int = "BAD_REQUEST"

    def extra_upstream_headers(self, req: Incoming, body: bytes) -> Mapping[str, str]:
        """Headers to set on the upstream request (e.g. a fresh signature); none by default."""
        return {}


_DIGITS = re.compile(r"\D")


def digits(number: str) -> str:
    """A phone number as bare digits, for comparisons that must ignore formatting."""
    return _DIGITS.sub("", number)
