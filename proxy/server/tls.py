"""TLS on both sides: the proxy's own listener (optional) and the provider connections (always).

The listener terminates TLS with ``server.tls_cert``/``server.tls_key`` at TLS 1.2 or newer.
Upstream certificate checks cannot be switched off quietly: ``upstream.verify_tls: false`` is
refused unless ``upstream.allow_insecure_upstream_for_testing: true`` acknowledges it, and then
every start logs a loud warning. A build of aiohttp without its C HTTP parser (the pure-Python
parser has had several request-smuggling advisories) is warned about at start too.
"""

from __future__ import annotations

import ssl

from proxy.logs import get_logger
from proxy.settings import Settings
from proxy.yamlfile import ConfigError

log = get_logger(__name__)


def server_ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The listener's context, or None for plain HTTP (behind a TLS-terminating balancer)."""
    s = settings.server
    if not s.tls_cert:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(s.tls_cert, s.tls_key)
    except (OSError, ssl.SSLError) as e:
        raise ConfigError(settings.source, "server.tls_cert", f"cannot load: {e}") from None
    return ctx


def check_upstream_tls(settings: Settings) -> None:
    """Refuse unacknowledged insecure upstreams; warn loudly about acknowledged ones."""
    up = settings.upstream
    if up.verify_tls:
        return
    if not up.allow_insecure_upstream_for_testing:
        raise ConfigError(
            settings.source,
            "upstream.verify_tls",
            "false is refused unless upstream.allow_insecure_upstream_for_testing: true",
        )
    log.warning(
        "!!! UPSTREAM TLS CERTIFICATE VERIFICATION IS DISABLED (%s: "
        "upstream.allow_insecure_upstream_for_testing). Texts may go to an impostor. "
        "Never run this way in production. !!!",
        settings.source,
    )


def check_http_parser() -> bool:
    """True if aiohttp parses requests with its C (llhttp) parser; warn if not."""
    from aiohttp import http_parser

    fast = http_parser.HttpRequestParser is not getattr(http_parser, "HttpRequestParserPy", None)
    if not fast:
        log.warning(
            "aiohttp is using its pure-Python HTTP parser (AIOHTTP_NO_EXTENSIONS or no C "
            "extension); it has had request-smuggling advisories. Install the binary wheel."
        )
    return fast
