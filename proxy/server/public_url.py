"""Where patients and providers reach this server: ``server.public_base_url``, checked at start.

Portal links and the webhook URLs providers sign are built from it, never from a request's Host
header. A wrong one fails silently later (a patient taps a link where nothing listens), so
``serve`` settles it before listening:

* not set in the configuration: ``--sandbox`` uses this server's own address (local trials);
  anything else is a start-up error, since nothing else can know the public URL;
* set to this machine (loopback) on a port this server is not listening on: ``--sandbox`` moves
  it to the listening port and says so; anything else is a start-up error.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class PublicUrlError(ValueError):
    """The configured public URL cannot reach this server; the message says how to fix it."""


@dataclass(frozen=True)
class PublicUrl:
    url: str
    note: str = ""  # what to log at start-up ("" when the URL is used as configured)
    warn: bool = False  # log the note as a warning (the configured URL was not used)


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else (443 if scheme == "https" else 80)


def resolve_public_url(
    configured: str | None, port: int, *, sandbox: bool, tls: bool = False
) -> PublicUrl:
    """The base URL portal links use, for a server listening on ``port``; or PublicUrlError."""
    scheme = "https" if tls else "http"
    own = f"{scheme}://127.0.0.1:{port}"
    if not configured:
        if sandbox:
            return PublicUrl(own, f"portal links use {own} (sandbox; server.public_base_url unset)")
        raise PublicUrlError(
            "server.public_base_url is not set: portal links sent to patients and the webhook "
            "URLs providers sign are built from it. Set it to the https URL patients and "
            "providers reach this server at (config/PROXY.md), or try locally with --sandbox"
        )
    parts = urlsplit(configured)
    if parts.hostname not in LOOPBACK:
        return PublicUrl(configured)
    theirs = _port(parts.scheme, parts.port)
    if theirs == port:
        return PublicUrl(configured)
    problem = (
        f"server.public_base_url {configured} is port {theirs} on this machine, but this server "
        f"listens on port {port}: patients' portal links would point where nothing answers"
    )
    if sandbox:
        host = f"[{parts.hostname}]" if parts.hostname == "::1" else parts.hostname
        fixed = urlunsplit((parts.scheme, f"{host}:{port}", parts.path, "", ""))
        return PublicUrl(fixed, f"{problem}; the sandbox uses {fixed} instead", warn=True)
    raise PublicUrlError(
        f"{problem}. Set server.public_base_url to the URL this server is reached at "
        f"(e.g. {own}), or listen on port {theirs}"
    )
