"""Sending a one-time code through the same provider account the original text went through.

The send request (provider, path, headers including Authorization, body with its text emptied)
is kept sealed in the vault record. To text a code, the provider adapter re-parses that request
and rebuilds it with the code in place of the text, and it goes upstream like any forwarded send.
The code text carries no PHI: the organisation's name and six digits.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.outbound.forward import HOP_BY_HOP, UpstreamError, request_headers, send
from proxy.providers import Incoming, Provider
from proxy.settings import Settings

PLACEHOLDER = "-"


@dataclass(frozen=True)
class Delivery:
    provider: str
    method: str
    path: str
    query_string: str
    headers: list[tuple[str, str]]
    body_b64: str
    match: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delivery:
        return cls(
            provider=d["provider"],
            method=d["method"],
            path=d["path"],
            query_string=d["query_string"],
            headers=[(k, v) for k, v in d["headers"]],
            body_b64=d["body_b64"],
            match=dict(d["match"]),
        )

    def incoming(self) -> Incoming:
        headers = CIMultiDictProxy(CIMultiDict(self.headers))
        query = dict(parse_qsl(self.query_string, keep_blank_values=True))
        return Incoming(
            method=self.method,
            path=self.path,
            query=query,
            headers=headers,
            body=base64.b64decode(self.body_b64),
            match=self.match,
        )


def capture(
    provider: Provider, incoming: Incoming, body_without_text: bytes, query_string: str
) -> Delivery:
    """What to keep of a send request so a code can follow it (its text already removed)."""
    keep = [
        (k, v)
        for k, v in incoming.headers.items()
        if k.lower() not in HOP_BY_HOP
        and not k.lower().startswith("x-phi-proxy-")
        and "idempotency" not in k.lower()  # a code is a new message, not a retry of the send
    ]
    return Delivery(
        provider=provider.name,
        method=incoming.method,
        path=incoming.path,
        query_string=query_string,
        headers=keep,
        body_b64=base64.b64encode(body_without_text).decode(),
        match=dict(incoming.match),
    )


OptOutCheck = Callable[[str, str], Awaitable[bool]]
OPTED_OUT = 409  # the code was not sent: the recipient has opted out of texts from this sender


async def deliver(
    session: aiohttp.ClientSession,
    settings: Settings,
    providers: dict[str, Provider],
    delivery: Delivery,
    text: str,
    opted_out: OptOutCheck | None = None,
) -> int:
    """Send ``text`` as a new message to the original recipient; returns the upstream status.

    A recipient who has opted out since the original send gets no code (``OPTED_OUT``)."""
    provider = providers[delivery.provider]
    incoming = delivery.incoming()
    parsed = provider.parse(incoming)
    if opted_out is not None:
        for m in parsed.messages:
            for to in m.to:
                if await opted_out(to, m.sender):
                    return OPTED_OUT
    body = provider.rebuild(incoming, parsed, [text] * len(parsed.messages))
    headers = request_headers(
        incoming.headers, parsed.drop_headers, provider.extra_upstream_headers(incoming, body)
    )
    base = settings.upstream.url_for(provider.name).rstrip("/")
    url = base + delivery.path + (f"?{delivery.query_string}" if delivery.query_string else "")
    try:
        resp = await send(
            session, delivery.method, url, headers, body, settings.upstream.timeout_seconds
        )
    except UpstreamError:
        return 502
    return resp.status
