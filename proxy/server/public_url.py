"""Where patients and providers reach this server: ``server.public_base_url``, checked at start.

Portal links and the webhook URLs providers sign are built from it, never from a request's Host
header. A wrong one fails silently later (a patient taps a link where nothing listens), so
``serve`` settles it before listening:

* not set in the configuration: ``--sandbox`` uses this server's own address (local trials);
  anything else is a start-up error, since nothing else can know the public URL;
* set to this machine (loopback) on a port this server is not listening on: ``--sandbox`` moves
  it to the listening port and says so; anything else is a start-up error;
* anywhere else: once listening, the server fetches a per-start id through the public URL and
  warns loudly if another server (or nothing) answers (:func:`install_probe`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web

from proxy.logs import get_logger
from proxy.tasks import spawn

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


# -- reachability: does the public URL lead back to this server? ------------------------------

WELL_KNOWN = "/.well-known/phi-proxy/instance"
PROBE_DELAY_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 5.0
log = get_logger(__name__)
INSTANCE: web.AppKey[str] = web.AppKey("public_url_instance", str)


def install_probe(app: web.Application, public_url: str, instance: str) -> None:
    """Serve this start's random ``instance`` id at WELL_KNOWN and, once listening, fetch it
    through ``public_url``: a different answer or none is logged as a loud warning (a URL
    outside this machine cannot be judged before start-up; a load balancer's hairpin may also
    be refused, hence a warning, not an error). Workers of one ``serve`` share the id."""
    app[INSTANCE] = instance
    app.router.add_get(WELL_KNOWN, _instance)

    async def start(app: web.Application) -> None:
        spawn(_probe_later(public_url, instance), name="public-url-probe")

    app.on_startup.append(start)


async def _instance(request: web.Request) -> web.Response:
    return web.Response(text=request.app[INSTANCE], headers={"Cache-Control": "no-store"})


async def _probe_later(public_url: str, instance: str) -> None:
    await asyncio.sleep(PROBE_DELAY_SECONDS)
    problem = await probe(public_url, instance)
    if problem:
        log.warning(
            "server.public_base_url %s DOES NOT REACH THIS SERVER (%s): portal links sent to "
            "patients and webhook URLs will not work; set it to the URL this server is reached at",
            public_url,
            problem,
        )
    else:
        log.info("server.public_base_url %s reaches this server", public_url)


async def probe(public_url: str, instance: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> str:
    """ "" when ``public_url`` answers with this server's instance id, else why not."""
    url = public_url.rstrip("/") + WELL_KNOWN
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s,
            # who answers is proved by the id, not the certificate (a private CA is fine here)
            s.get(url, allow_redirects=False, ssl=False) as r,
        ):
            body = (await r.content.read(256)).decode(errors="replace")
            if r.status != 200:
                return f"HTTP {r.status}"
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        return type(e).__name__
    return "" if body == instance else "another server answered"
