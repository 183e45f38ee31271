"""Resource limits that keep the proxy answering under abuse, each failing closed.

- :func:`read_body`: the body must arrive whole within ``server.body_read_timeout_seconds``
  (slowloris) and within ``server.max_body_bytes``; a client that disconnects mid-body is
  refused. Nothing partial is ever parsed or forwarded.
- :func:`concurrency_middleware`: at most ``server.max_concurrent_requests`` provider requests
  in flight; the next gets the provider's own 503 shape at once (no unbounded queue).
- :func:`rate_limit_middleware`: a token bucket per client (hashed credential, else client IP);
  an empty bucket gets the provider's 429 shape with ``Retry-After``.
- :func:`tarpit_middleware` with :class:`Penalty`: a client (same key as the rate limit) with
  more than ``limits.bad_request_penalty_threshold`` malformed requests within the window gets
  its further refusals only after ``limits.bad_request_penalty_delay_seconds``, outside the
  concurrency slot, so a closed-loop client sending junk is held to about its connection count
  per delay (issue #18). Answers themselves never change; well-formed requests are never delayed.
- :func:`server_handler_args`: request-line and header-field size caps for aiohttp's parser, and
  the idle timeout that also closes connections whose headers never complete (slow headers).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from proxy import appkeys, metrics
from proxy.outbound.idempotency import KeyConflict, credential_id
from proxy.providers import BadRequest, Provider
from proxy.settings import LimitSettings, Settings
from proxy.yamlfile import ConfigError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The providers' own "too many requests" codes, until adapters declare ``rate_limited_code``.
_RATE_LIMIT_CODES: dict[str, str | int] = {"twilio": 20429}

LIMITER: web.AppKey[RateLimiter] = web.AppKey("rate_limiter")
INFLIGHT: web.AppKey[Inflight] = web.AppKey("inflight")
PENALTY: web.AppKey[Penalty] = web.AppKey("bad_request_penalty")
#: the seconds this request's refusal is held back (set by the handler, awaited by the middleware)
TARPIT_DELAY: web.RequestKey[float] = web.RequestKey("tarpit_delay", float)
#: how the middleware waits (a module attribute so tests can record instead of sleeping)
tarpit_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


class ClientGone(BadRequest):
    """The client closed the connection before its body arrived whole."""


async def read_body(request: web.Request, limit: int, timeout: float) -> bytes:
    """The whole body, or :class:`BadRequest` (413 too large, 408 too slow, 400 cut off)."""
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(f"Request body exceeds {limit} bytes", status=413)
    buf = bytearray()
    try:
        async with asyncio.timeout(timeout):
            while True:
                chunk = await request.content.read(limit + 1 - len(buf))
                if not chunk:
                    break
                buf += chunk
                if len(buf) > limit:
                    raise BadRequest(f"Request body exceeds {limit} bytes", status=413)
    except TimeoutError:
        raise BadRequest(
            f"Request body not received within {timeout:g} seconds", status=408
        ) from None
    except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
        raise ClientGone(f"connection closed mid-body ({type(e).__name__})", status=400) from None
    except Exception as e:  # aiohttp's payload errors (ContentLengthError, ...): cut off
        if isinstance(e, BadRequest):
            raise
        raise ClientGone(f"incomplete request body ({type(e).__name__})", status=400) from None
    return bytes(buf)


_PRESIDIO_REGEX_TIMEOUT: list[float] = []  # the configured value, read once


def check_detection_deadline(settings: Settings) -> float:
    """Make the detection deadline fire before Presidio's own regex timeout, and bound how long
    a runaway regex can hold the detection thread. Returns the regex timeout now in force.

    Presidio *skips* a pattern that times out (its PHI would go undetected: fail open), so the
    proxy's deadline must come first; a deadline at or beyond the configured timeout (env
    ``REGEX_TIMEOUT_SECONDS``, 60 s by default) is refused. The timeout is then lowered to twice
    the deadline: any batch still running by then has outlived every request waiting on it (all
    already refused), so skipping changes nothing, and the thread is free again sooner.
    """
    from presidio_analyzer import analyzer_engine, pattern_recognizer
    from presidio_analyzer.predefined_recognizers.generic import iban_recognizer

    modules = (pattern_recognizer, analyzer_engine, iban_recognizer)
    if not _PRESIDIO_REGEX_TIMEOUT:
        _PRESIDIO_REGEX_TIMEOUT.append(float(pattern_recognizer.REGEX_TIMEOUT_SECONDS))
    configured = _PRESIDIO_REGEX_TIMEOUT[0]
    deadline = settings.detection.deadline_seconds
    if deadline >= configured:
        raise ConfigError(
            settings.source,
            "detection.deadline_seconds",
            f"must be below Presidio's regex timeout ({configured:g} s, env "
            "REGEX_TIMEOUT_SECONDS): a timed-out pattern is skipped, not failed",
        )
    bound = min(configured, 2 * deadline)
    for m in modules:
        if hasattr(m, "REGEX_TIMEOUT_SECONDS"):
            m.REGEX_TIMEOUT_SECONDS = bound  # type: ignore[attr-defined]
    return bound


def server_handler_args(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``AppRunner``/``run_app`` that cap request-line and header sizes."""
    s = settings.server
    return {
        "max_line_size": s.max_line_bytes,
        "max_field_size": s.max_header_bytes,
        "keepalive_timeout": s.keepalive_timeout_seconds,
    }


def provider_for(request: web.Request) -> Provider | None:
    """Which provider's API the matched route serves (inspected or pass-through), if any."""
    provider = getattr(request.match_info.handler, "phi_provider", None)
    return provider if isinstance(provider, Provider) else None


def client_key(request: web.Request) -> str:
    """Hashed credential when present (several clients may share a NAT), else the peer IP."""
    credential = credential_id(request.headers)
    if credential:
        return "c:" + hashlib.sha256(credential.encode()).hexdigest()[:32]
    return "ip:" + (request.remote or "unknown")


class Inflight:
    """A counter with a ceiling; no waiting line, so overload turns into fast 503s."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.current = 0

    def try_enter(self) -> bool:
        if self.current >= self.limit:
            return False
        self.current += 1
        return True

    def leave(self) -> None:
        self.current -= 1


class RateLimiter:
    """Token buckets per client key, the least recently seen evicted past ``max_clients``."""

    def __init__(self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic):
        self.rate = settings.requests_per_second
        self.burst = float(settings.burst)
        self.max_clients = settings.max_clients_tracked
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """0 if a token was taken, else the seconds until one will be available."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


class Penalty:
    """Malformed-request refusals per client key in a fixed window; past the threshold each
    further refusal in the window earns the delay. Bounded: at most ``max_clients`` keys, the
    least recently refused evicted first, and keys whose window is over dropped as they age."""

    def __init__(self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic):
        self.enabled = settings.bad_request_penalty_enabled
        self.threshold = settings.bad_request_penalty_threshold
        self.window = settings.bad_request_penalty_window_seconds
        self.delay = settings.bad_request_penalty_delay_seconds
        self.max_clients = settings.bad_request_penalty_max_clients
        self.clock = clock
        # key -> (window start, refusals in it); ordered by last refusal, oldest first
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._counts)

    def refused(self, key: str) -> float:
        """Count one malformed-request refusal for ``key``; the seconds to hold its answer."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        start, count = self._counts.pop(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._counts[key] = (start, count)
        while self._counts:  # expire: the oldest entries first, stop at the first live one
            oldest, (first, _) = next(iter(self._counts.items()))
            if now - first < self.window and len(self._counts) <= self.max_clients:
                break
            del self._counts[oldest]
        return self.delay if count > self.threshold else 0.0


def penalise(request: web.Request, refusal: BadRequest) -> None:
    """Count a malformed request against its client; mark its answer for delay when due.
    A body that was too slow (408), a client already gone, or a retry racing its first send
    (409) is not counted."""
    if isinstance(refusal, (ClientGone, KeyConflict)) or refusal.status == 408:
        return
    penalty = request.app.get(PENALTY)
    if penalty is None:
        return
    delay = penalty.refused(client_key(request))
    if delay > 0:
        request[TARPIT_DELAY] = delay


def install(app: web.Application, settings: Settings) -> None:
    """Put the limiters on the app (the middlewares find them there)."""
    app[INFLIGHT] = Inflight(settings.server.max_concurrent_requests)
    app[LIMITER] = RateLimiter(settings.limits)
    app[PENALTY] = Penalty(settings.limits)


@web.middleware
async def tarpit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Hold back a penalised refusal (the answer is unchanged), outside the concurrency slot."""
    response = await handler(request)
    delay = request.get(TARPIT_DELAY, 0.0)
    if delay > 0:
        metrics.REFUSALS_DELAYED.inc()
        await tarpit_sleep(delay)
    return response


@web.middleware
async def concurrency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    provider = provider_for(request)
    if provider is None:
        return await handler(request)
    inflight = request.app[INFLIGHT]
    if not inflight.try_enter():
        resp = provider.error(
            503, provider.unavailable_code, "PHI proxy is at capacity; retry shortly."
        )
        resp.headers["Retry-After"] = "1"
        return resp
    try:
        return await handler(request)
    finally:
        inflight.leave()


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[appkeys.SETTINGS].limits
    provider = provider_for(request)
    if provider is None or not settings.rate_limit_enabled:
        return await handler(request)
    wait = request.app[LIMITER].take(client_key(request))
    if wait > 0:
        code = getattr(provider, "rate_limited_code", _RATE_LIMIT_CODES.get(provider.name, 429))
        resp = provider.error(429, code, "Too many requests to the PHI proxy; slow down.")
        resp.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return resp
    return await handler(request)
