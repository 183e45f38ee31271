"""create_app: wire settings, policy, detector and providers into one aiohttp application."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from proxy import admin, analytics, appkeys, detection, portal, webhooks
from proxy.audit.checkpoints import CheckpointSigner
from proxy.audit.log import AuditLog, AuditUnavailable
from proxy.crypto.shared_keys import load_pseudonym_key
from proxy.detection.service import DetectionService, TextDetector
from proxy.error_codes import setup_error_docs
from proxy.logs import get_logger
from proxy.outbound import limits
from proxy.outbound.handler import AUDIT_RESULT_TASK, OUTCOME_WRITER, outcome_writer, serve
from proxy.outbound.idempotency import IDEMPOTENCY, IdempotencyStore
from proxy.outbound.limits import (
    concurrency_middleware,
    rate_limit_middleware,
    tarpit_middleware,
)
from proxy.policy.custom import PolicyDetector
from proxy.policy.holder import PolicyHolder
from proxy.policy.model import Policy
from proxy.providers import Provider, build_providers, mounted_namespaces
from proxy.server import logsafety
from proxy.server.tls import check_upstream_tls
from proxy.settings import Settings
from proxy.store import at_rest, open_database
from proxy.tasks import drain, periodic, stop

log = get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(settings: Settings, *, policy: Policy, detector: TextDetector) -> web.Application:
    """The proxy application. The detector is built by the caller (it is slow to load)."""
    app = web.Application(
        client_max_size=settings.server.max_body_bytes,
        middlewares=[
            internal_error_middleware,
            tarpit_middleware,
            rate_limit_middleware,
            concurrency_middleware,
        ],
    )
    logsafety.apply()
    limits.check_detection_deadline(settings)
    check_upstream_tls(settings)  # refuse, or warn loudly, before anything starts
    app[appkeys.SETTINGS] = settings
    limits.install(app, settings)
    # the detector follows the live policy (its custom recognizers); see proxy.policy.custom
    policy_detector = PolicyDetector(detector)
    app[appkeys.POLICY] = PolicyHolder(
        policy, settings.policy_path or policy.source or None, detector=policy_detector
    )
    d = settings.detection
    app[appkeys.DETECTION] = DetectionService(
        policy_detector,
        deadline=d.deadline_seconds,
        batch_size=d.batch_size,
        max_wait=d.max_batch_wait_ms / 1000,
    )
    providers = build_providers(
        settings.providers, settings.upstream.urls, settings.server.public_base_url
    )
    app[appkeys.PROVIDERS] = providers
    app.cleanup_ctx.append(_store)
    portal.setup(app)  # after the store: the portal's start-up needs it
    app.cleanup_ctx.append(_http_session)
    detection.setup(app)
    admin.setup(app)  # after _store: it records the start-up policy version
    analytics.setup(app)  # after store + detection: drained before they close
    app.router.add_get("/healthz", health)
    setup_error_docs(app)
    webhooks.setup(app)
    for provider in providers.values():
        # everything under a provider's namespaces goes to the perimeter (default deny)
        paths: list[str] = []
        for ns in mounted_namespaces(provider):
            if not ns.endswith("/"):
                paths.append(ns)
                ns += "/"
            paths.append(ns + "{tail:.*}")
        for path in dict.fromkeys(paths):
            app.router.add_route("*", path, _bind(serve, provider))
    return app


def _bind(
    fn: Callable[[web.Request, Provider], Awaitable[web.StreamResponse]], provider: Provider
) -> Handler:
    @functools.wraps(fn)
    async def handler(request: web.Request) -> web.StreamResponse:
        request[appkeys.PROVIDER] = provider
        return await fn(request, provider)

    handler.phi_provider = provider  # type: ignore[attr-defined]  # for proxy.outbound.limits middlewares

    return handler


@web.middleware
async def internal_error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Any unexpected error becomes a provider-shaped 503; nothing was forwarded, no text logged."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as e:  # noqa: BLE001 - the fail-closed boundary
        log.error("internal error on %s %s: %s", request.method, request.path, type(e).__name__)
        provider: Provider | None = request.get(appkeys.PROVIDER)
        if provider is not None:
            return provider.error(
                503,
                provider.unavailable_code,
                "Internal error in PHI proxy; the message was not sent.",
            )
        return web.json_response({"error": "internal error"}, status=503)


async def health(request: web.Request) -> web.Response:
    detection = request.app[appkeys.DETECTION]
    return web.json_response(
        {
            "status": "ok",
            "policy_version": request.app[appkeys.POLICY].current.version,
            "policy_mode": request.app[appkeys.POLICY].current.mode,
            "detection_queue": detection.queue_depth,
        }
    )


async def _store(app: web.Application) -> AsyncIterator[None]:
    storage = app[appkeys.SETTINGS].storage
    # group/world-readable keys or database: refuse to start, naming the fix (issue #18)
    at_rest.check_settings(app[appkeys.SETTINGS])
    db = await open_database(storage.url)
    app[appkeys.STORE] = db
    a = app[appkeys.SETTINGS].audit
    signer = CheckpointSigner.load(a.signing_key_file, storage.data_dir)
    audit = AuditLog(
        db,
        signer,
        every_records=a.checkpoint_every_records,
        every_seconds=a.checkpoint_every_seconds,
    )
    app[appkeys.AUDIT] = audit
    try:
        app[appkeys.PSEUDONYM_KEY] = await load_pseudonym_key(db, storage.data_dir)
    except BaseException:
        await db.close()
        raise
    app[OUTCOME_WRITER] = outcome_writer(db)  # send outcomes, written in batches
    idem = app[appkeys.SETTINGS].idempotency
    app[IDEMPOTENCY] = IdempotencyStore(db, ttl=idem.ttl_seconds, wait=idem.wait_seconds)
    jobs = [
        # sign the tail every so often, so a quiet log's last records are covered too
        periodic("audit-checkpoint", a.checkpoint_every_seconds, lambda: _checkpoint(audit)),
        periodic(
            "idempotency-expiry",
            min(300.0, max(0.1, idem.ttl_seconds / 2)),
            lambda: _expire_idempotency(app[IDEMPOTENCY]),
        ),
    ]
    yield
    for job in jobs:
        await stop(job)
    cancelled = await drain(AUDIT_RESULT_TASK, timeout=10)  # results of sends just answered
    if cancelled:
        log.error("shutdown: %d send result(s) not audited", cancelled)
    app[OUTCOME_WRITER].close()  # counts and logs any outcome row still queued
    with contextlib.suppress(AuditUnavailable):
        await audit.checkpoint()  # sign the tail on a clean shutdown
    await db.close()


async def _checkpoint(audit: AuditLog) -> None:
    try:
        await audit.checkpoint()
    except AuditUnavailable as e:
        log.error("audit checkpoint failed: %s", e)


async def _expire_idempotency(store: IdempotencyStore) -> None:
    """Delete stored answers past their TTL: they hold provider responses (recipients), so they
    must not outlive their purpose."""
    try:
        n = await store.expire()
    except Exception as e:  # noqa: BLE001 - retried next round; nothing depends on it
        log.error("idempotency expiry failed: %s", type(e).__name__)
    else:
        if n:
            log.info("expired %d idempotency keys", n)


async def _http_session(app: web.Application) -> AsyncIterator[None]:
    s = app[appkeys.SETTINGS].upstream
    connector = aiohttp.TCPConnector(ssl=s.verify_tls, limit=100)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:
        app[appkeys.HTTP] = session
        yield
