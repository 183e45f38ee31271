"""Test doubles that are real parts: a recording upstream server and detectors that misbehave."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from models.findings import Finding


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


def catch_all(handle: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.Application:
    """An app that sends every method and path to ``handle``: the shape of every stand-in."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def recorded(
    request: web.Request, *, raw_query: bool = False, headers: dict[str, str] | None = None
) -> Recorded:
    """What a stand-in was sent (``raw_query``: the query string as it came, undecoded)."""
    return Recorded(
        request.method,
        request.path,
        request.rel_url.raw_query_string if raw_query else request.query_string,
        dict(request.headers) if headers is None else headers,
        await request.read(),
    )


@dataclass
class RecordingUpstream:
    """A provider stand-in that records every request and answers like Twilio."""

    requests: list[Recorded] = field(default_factory=list)
    status: int = 201
    delay: float = 0.0

    def app(self) -> web.Application:
        return catch_all(self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(await recorded(request))
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.method == "POST" and request.path.endswith("/Messages.json"):
            return web.json_response(
                {
                    "sid": "SM" + "0" * 32,
                    "status": "queued",
                    "body": "echo",
                    "account_sid": "AC" + "0" * 32,
                },
                status=self.status,
                headers={"X-Upstream": "recording", "Twilio-Request-Id": "RQ123"},
            )
        return web.json_response({"path": request.path, "method": request.method}, status=200)

    @property
    def bodies(self) -> list[bytes]:
        return [r.body for r in self.requests]


class RaisingDetector:
    def detect(self, texts: Sequence[str], entities: Collection[str] | None = None) -> Any:
        raise RuntimeError("detector exploded")


class SlowDetector:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        time.sleep(self.seconds)
        return [[] for _ in texts]


class WrongCountDetector:
    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        return []


class Clock:
    """A settable clock (epoch seconds) for expiry, windows and lockouts."""

    def __init__(self, t: float = 1_900_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t
