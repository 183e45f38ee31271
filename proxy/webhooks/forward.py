"""Forward a verified webhook to the customer's URL, re-signed where the scheme allows.

Twilio, Plivo and MessageBird signatures bind the URL, so they are recomputed for the customer
URL with the same secret (the customer verifies them with the provider's SDK as usual). Vonage
and Telnyx signatures bind only the body (and timestamp), so the original headers stay valid and
are passed on. Every forward carries ``X-Phi-Proxy-Verified: <scheme>``, set by the proxy only
(the same header arriving from outside is dropped). For providers that sign nothing (Sinch) the
proxy checked a shared secret of its own (``basic-auth`` / ``path-token``); that credential is
not passed on.
"""

from __future__ import annotations

from aiohttp import ClientSession
from multidict import CIMultiDict
from yarl import URL

from proxy.outbound.forward import UpstreamResponse, request_headers, send
from proxy.webhooks.signatures import Scheme, WebhookRequest

VERIFIED_HEADER = "X-Phi-Proxy-Verified"
# What the proxy read in an inbound keyword message (opt_out, opt_out_global, opt_in, help) and
# in which language, so the customer's app answers STOP / ALTO / HELP / AYUDA in it. Set by the
# proxy only; copies arriving from outside are dropped like the verified header.
KEYWORD_HEADER = "X-Phi-Proxy-Keyword"
LANGUAGE_HEADER = "X-Phi-Proxy-Keyword-Language"
# Never pass on: they describe the hop to the proxy, not the webhook.
_DROP = (
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Real-IP",
    KEYWORD_HEADER,
    LANGUAGE_HEADER,
)


def forward_url(base: str, req: WebhookRequest) -> str:
    """The customer URL; a GET webhook's query (its payload) is carried along."""
    query = req.url.partition("?")[2]
    if req.method != "GET" or not query:
        return base
    return base + ("&" if "?" in base else "?") + query


def forward_headers(
    req: WebhookRequest,
    scheme: Scheme,
    secret: str,
    url: str,
    keyword: tuple[str, str] | None = None,
) -> CIMultiDict[str]:
    extra = {VERIFIED_HEADER: scheme.name}
    if keyword is not None:
        extra[KEYWORD_HEADER], extra[LANGUAGE_HEADER] = keyword
    drop: tuple[str, ...] = _DROP + scheme.strip
    if scheme.resign is not None:
        drop += scheme.headers
        extra.update(scheme.resign(req, secret, url))
    return request_headers(CIMultiDict(req.headers), drop, extra)  # type: ignore[arg-type]


async def forward(
    session: ClientSession,
    req: WebhookRequest,
    scheme: Scheme,
    secret: str,
    base_url: str,
    timeout: float,
    keyword: tuple[str, str] | None = None,
) -> UpstreamResponse:
    """One attempt; raises :class:`proxy.outbound.forward.UpstreamError` if the customer is down.
    ``keyword``: (intent, language) of an inbound keyword message, told in two headers."""
    # sign exactly the URL that goes on the wire (yarl normalises percent-escapes on send)
    url = str(URL(forward_url(base_url, req)))
    headers = forward_headers(req, scheme, secret, url, keyword)
    return await send(session, req.method, url, headers, req.body or None, timeout)
