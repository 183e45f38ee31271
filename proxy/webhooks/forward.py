"""Forward a verified webhook to the customer's URL, re-signed where the scheme allows.

Twilio, Plivo and MessageBird signatures bind the URL, so they are recomputed for the customer
URL with the same secret (the customer verifies them with the provider's SDK as usual). Vonage
and Telnyx signatures bind only the body (and timestamp), so the original headers stay valid and
are passed on. Every forward carries ``X-Phi-Proxy-Verified: <scheme>``, set by the proxy only
(the same header arriving from outside is dropped); for ``unsigned`` providers it says
``unsigned``, and the customer must not treat that as proof of origin.
"""

from __future__ import annotations

from aiohttp import ClientSession
from multidict import CIMultiDict
from yarl import URL

from proxy.outbound.forward import UpstreamResponse, request_headers, send
from proxy.webhooks.signatures import Scheme, WebhookRequest

VERIFIED_HEADER = "X-Phi-Proxy-Verified"
# Never pass on: they describe the hop to the proxy, not the webhook.
_DROP = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP")


def forward_url(base: str, req: WebhookRequest) -> str:
    """The customer URL; a GET webhook's query (its payload) is carried along."""
    query = req.url.partition("?")[2]
    if req.method != "GET" or not query:
        return base
    return base + ("&" if "?" in base else "?") + query


def forward_headers(req: WebhookRequest, scheme: Scheme, secret: str, url: str) -> CIMultiDict[str]:
    extra = {VERIFIED_HEADER: scheme.name}
    drop: tuple[str, ...] = _DROP
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
) -> UpstreamResponse:
    """One attempt; raises :class:`proxy.outbound.forward.UpstreamError` if the customer is down."""
    # sign exactly the URL that goes on the wire (yarl normalises percent-escapes on send)
    url = str(URL(forward_url(base_url, req)))
    headers = forward_headers(req, scheme, secret, url)
    return await send(session, req.method, url, headers, req.body or None, timeout)
