"""Forwarding to the provider through the one shared ClientSession, and back unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

# RFC 9110 hop-by-hop headers plus those aiohttp recomputes; never copied across the proxy.
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Connection",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
        "Content-Length",
    )
)
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


class UpstreamError(Exception):
    """The provider could not be reached or did not answer in time. ``sent`` says whether the
    request may have reached it (False only when the connection itself failed)."""

    def __init__(self, reason: str, *, timeout: bool, sent: bool) -> None:
        super().__init__(reason)
        self.timeout, self.sent = timeout, sent


@dataclass(frozen=True)
class UpstreamResponse:
    status: int
    headers: CIMultiDict[str]
    body: bytes


def request_headers(
    headers: CIMultiDictProxy[str], drop: Iterable[str] = (), set_: Mapping[str, str] | None = None
) -> CIMultiDict[str]:
    dropped = {h.lower() for h in drop} | HOP_BY_HOP
    out: CIMultiDict[str] = CIMultiDict(
        (k, v)
        for k, v in headers.items()
        if k.lower() not in dropped and not k.lower().startswith("x-phi-proxy-")
    )
    for k, v in (set_ or {}).items():
        out[k] = v
    return out


async def send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    headers: CIMultiDict[str],
    body: bytes | None,
    timeout: float,
) -> UpstreamResponse:
    """One upstream exchange. The body is read whole (provider answers are small) so it can be
    replayed for idempotent retries; content encoding is passed through untouched."""
    try:
        async with session.request(
            method,
            url,
            headers=headers,
            data=body if body else None,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
        ) as resp:
            data = await resp.content.read(MAX_RESPONSE_BYTES + 1)
            if len(data) > MAX_RESPONSE_BYTES:
                raise UpstreamError("upstream response too large", timeout=False, sent=True)
            out_headers: CIMultiDict[str] = CIMultiDict(
                (k, v) for k, v in resp.headers.items() if k.lower() not in HOP_BY_HOP
            )
            return UpstreamResponse(resp.status, out_headers, data)
    except TimeoutError:
        raise UpstreamError("upstream timed out", timeout=True, sent=True) from None
    except aiohttp.ClientConnectorError:
        raise UpstreamError("upstream unreachable", timeout=False, sent=False) from None
    except aiohttp.ClientError as e:
        raise UpstreamError(
            f"upstream failed: {type(e).__name__}", timeout=False, sent=True
        ) from None
