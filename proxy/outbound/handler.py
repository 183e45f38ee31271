"""The one outbound path, top to bottom: parse → detect → decide → act → forward.

Every failure before forwarding raises a :class:`proxy.errors.Refusal`, which the one ``except``
in :func:`outbound` answers in the provider's shape (:func:`proxy.errors.refuse`): nothing is sent
upstream. Logs carry the request id, provider and entity types, never text or phone numbers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from aiohttp import web

from models.findings import Finding
from proxy import appkeys, metrics
from proxy.analytics.wiring import record_sends
from proxy.audit.log import AuditEvent, AuditUnavailable, pseudonym
from proxy.errors import BadRequest, Blocked, Refusal, refuse
from proxy.optout.enforce import enforce as enforce_optout
from proxy.outbound import idempotency
from proxy.outbound.forward import UpstreamError, request_headers, send
from proxy.outbound.idempotency import IDEMPOTENCY, Claim
from proxy.outbound.limits import read_body
from proxy.policy.decide import Decision, decide
from proxy.policy.model import Action, Policy
from proxy.portal.issue import DOB_HEADER, PortalLinks, issue_links
from proxy.portal.service import PortalRefused
from proxy.providers import Incoming, Message, Parsed, Provider
from proxy.tasks import spawn

AUDIT_RESULT_TASK = "audit-result:"  # drained before the store closes (proxy.app)
log = logging.getLogger("phi_proxy.handler")


async def read_incoming(request: web.Request) -> Incoming:
    """The request with its body read, within the configured size limit."""
    server = request.app[appkeys.SETTINGS].server
    body = await read_body(request, server.max_body_bytes, server.body_read_timeout_seconds)
    return Incoming(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        headers=request.headers,
        body=body,
        match=dict(request.match_info),
    )


async def outbound(request: web.Request, provider: Provider) -> web.StreamResponse:
    """Inspect one send request and forward only what the policy lets leave."""
    app = request.app
    request_id = uuid.uuid4().hex
    policy = app[appkeys.POLICY].current  # one policy object for the whole request
    detection: asyncio.Future[list[list[Finding]]] | None = None
    claim: Claim | None = None
    sent: list[bool] = []  # True once the request may have reached the provider
    try:
        # 1. parse
        incoming = await read_incoming(request)
        parsed = provider.parse(incoming)

        # 2 starts now: detection runs while the opt-out and idempotency checks read the store.
        # Nothing depends on it before it is awaited, and a refused request drops its answer.
        detection = asyncio.ensure_future(_detect(app, parsed, policy))
        # 1b. opt-out (TCPA): an opted-out recipient is refused before anything is forwarded
        await enforce_optout(request, provider, parsed, request_id)
        # Idempotency: a retry with the same key gets the first answer, never a second send.
        begun = await _idempotency_begin(request, provider, incoming)
        if isinstance(begun, idempotency.Stored):
            log.info("request %s: %s idempotent replay", request_id, provider.name)
            return begun.response()
        claim = begun

        # 2. detect (off the event loop, with a deadline)
        texts = [m.text for m in parsed.messages]
        findings = await detection

        # 3. decide
        decisions = [
            decide(m.text, f, policy.for_sender(m.sender))  # per-sender overrides
            for m, f in zip(parsed.messages, findings, strict=True)
        ]
        worst = max((d.action for d in decisions), default=Action.ALLOW)
        for d in decisions:
            metrics.DECISIONS.labels(d.action.label).inc()
        _log_decisions(request_id, provider.name, decisions, policy.monitor)

        # 4. act, and 5. audit: the record is durable before anything leaves
        blocked = worst == Action.BLOCK
        portal_refusal = ""
        links = PortalLinks()
        if worst == Action.PORTAL:
            # clinical detail: the original goes into the vault, the text becomes a link notice
            try:
                links = await issue_links(
                    request, provider, incoming, parsed, decisions, findings, policy, request_id
                )
            except PortalRefused as e:
                blocked, portal_refusal = True, str(e)
        await _audit_decisions(
            request,
            provider,
            parsed.messages,
            decisions,
            request_id,
            "blocked" if blocked else "forwarding",
            links.token_ids,
        )
        if blocked:
            record_sends(app, provider.name, parsed.messages, decisions, findings, policy, None)
            types = sorted({t for d in decisions for t in d.entity_types})
            why = f"; {portal_refusal}" if portal_refusal else ""
            raise Blocked(
                f"Message blocked by PHI policy {policy.version}: contains {', '.join(types)}{why}."
            )
        outgoing = [
            links.texts.get(i, d.outgoing if d.outgoing is not None else "")
            for i, d in enumerate(decisions)
        ]
        body = incoming.body if outgoing == texts else provider.rebuild(incoming, parsed, outgoing)

        # 6. forward (the portal's date-of-birth header never goes upstream). The last step that
        # can be refused is above: forward() answers an unreachable provider itself.
        drop = (*parsed.drop_headers, DOB_HEADER)
        response = await forward(request, provider, incoming, body, drop, request_id, sent)
    except Refusal as refusal:  # nothing was forwarded
        return refuse(provider, refusal, request_id)
    finally:
        if detection is not None:
            _drop(detection)  # a no-op once it was awaited
        # Release only when provably nothing left (even if an exception is on its way out).
        if claim is not None and not any(sent):
            await _idempotency_release(request, claim, request_id)
    metrics.REQUESTS.labels(
        provider.name, "forwarded" if response.status < 400 else "upstream_error"
    ).inc()
    # The send is recorded (durably, before forwarding); its result is written right after the
    # answer, in the audit's next group commit, instead of holding the answer for an fsync.
    spawn(
        _audit_result(request, provider, request_id, response.status),
        name=f"{AUDIT_RESULT_TASK}{request_id}",
    )
    record_sends(
        app, provider.name, parsed.messages, decisions, findings, policy, response.status, outgoing
    )
    if claim is not None and any(sent):  # it may have left: every retry gets this answer
        try:
            await request.app[IDEMPOTENCY].complete(claim, response)
        except Exception as e:  # noqa: BLE001 - the send happened; say so, don't hide it
            log.error(
                "request %s: could not store idempotent answer: %s", request_id, type(e).__name__
            )
    return response


async def _detect(app: web.Application, parsed: Parsed, policy: Policy) -> list[list[Finding]]:
    with metrics.DETECTOR_SECONDS.time():
        return await app[appkeys.DETECTION].detect(
            [m.text for m in parsed.messages], policy.needed_entities()
        )


def _drop(task: asyncio.Future[list[list[Finding]]]) -> None:
    """Stop waiting for a detection nobody needs (and never leave its error unretrieved)."""
    task.cancel()
    task.add_done_callback(lambda t: t.cancelled() or t.exception())


async def _idempotency_begin(
    request: web.Request, provider: Provider, incoming: Incoming
) -> Claim | idempotency.Stored | None:
    """None (no key), a claim to complete, or the stored first answer to replay. Raises a
    :class:`~proxy.errors.Refusal` for a malformed key, a conflict, or an unavailable store."""
    key = idempotency.key_from(incoming.headers)
    if key is None:
        return None
    fp = idempotency.fingerprint(
        request.app[appkeys.PSEUDONYM_KEY], incoming.method, incoming.path, incoming.body
    )
    scope = idempotency.scope_for(provider.name, incoming.headers)
    return await request.app[IDEMPOTENCY].begin(scope, key, fp)


async def _idempotency_release(request: web.Request, claim: Claim, request_id: str) -> None:
    try:
        await request.app[IDEMPOTENCY].release(claim)
    except Exception as e:  # noqa: BLE001 - a stuck claim only delays retries until its TTL
        log.error(
            "request %s: could not release idempotency claim: %s", request_id, type(e).__name__
        )


async def _audit_decisions(
    request: web.Request,
    provider: Provider,
    messages: list[Message],
    decisions: list[Decision],
    request_id: str,
    outcome: str,
    token_ids: dict[int, str] | None = None,
) -> None:
    audit = request.app[appkeys.AUDIT]
    key = request.app[appkeys.PSEUDONYM_KEY]
    for i, (m, d) in enumerate(zip(messages, decisions, strict=True)):
        for to in m.to:
            await audit.append(
                AuditEvent(
                    kind="send",
                    outcome=outcome
                    if d.action == d.would_action
                    else f"monitor:{d.would_action.label}",
                    request_id=request_id,
                    decision_id=d.decision_id,
                    provider=provider.name,
                    recipient=pseudonym(to, key),
                    action=d.action.label,
                    entity_types=d.entity_types,
                    policy_version=d.policy_version,
                    portal_token_id=(token_ids or {}).get(i, ""),
                )
            )


async def _audit_result(
    request: web.Request, provider: Provider, request_id: str, status: int
) -> None:
    """After the fact: the send happened, so a failure here is logged loudly, not refused."""
    try:
        await request.app[appkeys.AUDIT].append(
            AuditEvent(
                kind="send.result",
                outcome="forwarded" if status < 400 else "upstream_error",
                request_id=request_id,
                provider=provider.name,
                details={"upstream_status": status},
            )
        )
    except AuditUnavailable as e:
        log.error("request %s: could not audit the upstream result: %s", request_id, e)


async def forward(
    request: web.Request,
    provider: Provider,
    incoming: Incoming,
    body: bytes,
    drop_headers: tuple[str, ...] = (),
    request_id: str = "",
    sent: list[bool] | None = None,
) -> web.Response:
    """Send upstream through the shared session and hand the provider's answer back unchanged.

    Retried (bounded, with backoff) only when the connection itself failed, which proves the
    provider received nothing; ``sent`` gets True once the request may have reached it."""
    app = request.app
    settings = app[appkeys.SETTINGS]
    base = (provider.upstream or settings.upstream.url_for(provider.name)).rstrip("/")
    path = provider.upstream_path(incoming.path)
    url = base + path + (f"?{request.query_string}" if request.query_string else "")
    headers = request_headers(
        incoming.headers,
        (*drop_headers, *provider.upstream_drop_headers),
        provider.extra_upstream_headers(incoming, body),
    )
    up = settings.upstream
    try:
        for attempt in range(up.retries + 1):
            try:
                with metrics.UPSTREAM_SECONDS.labels(provider.name).time():
                    resp = await send(
                        app[appkeys.HTTP], incoming.method, url, headers, body, up.timeout_seconds
                    )
                break
            except UpstreamError as e:
                if e.sent or attempt == up.retries:
                    raise
                log.info("request %s: %s not reachable, retrying", request_id, provider.name)
                await asyncio.sleep(up.retry_backoff_ms / 1000 * (2**attempt))
        if sent is not None:
            sent.append(True)
    except UpstreamError as e:
        metrics.ERRORS.labels("upstream").inc()
        if sent is not None:
            sent.append(e.sent)
        log.warning("request %s: %s upstream error: %s", request_id, provider.name, e)
        status = 504 if e.timeout else 502
        return provider.error(
            status, provider.unavailable_code, f"Provider {e}; see its status page."
        )
    except BaseException:
        if sent is not None:
            sent.append(True)  # unknown: assume it may have left (never re-send on a retry)
        raise
    return web.Response(status=resp.status, headers=resp.headers, body=resp.body)


async def passthrough(request: web.Request, provider: Provider) -> web.StreamResponse:
    """Requests that carry no outbound text (status look-ups, lists, deletes) go through as is."""
    try:
        incoming = await read_incoming(request)
    except BadRequest as e:
        return e.answer(provider)  # neither logged nor counted: not a send
    return await forward(request, provider, incoming, incoming.body)


def _log_decisions(
    request_id: str, provider: str, decisions: list[Decision], monitor: bool
) -> None:
    for d in decisions:
        if monitor and d.would_action != Action.ALLOW:
            log.warning(
                "request %s: MONITOR MODE forwarded unchanged; enforce would %s (%s)",
                request_id,
                d.would_action.label,
                ",".join(d.entity_types),
            )
        else:
            log.info(
                "request %s: %s decision %s %s types=%s policy=%s",
                request_id,
                provider,
                d.decision_id,
                d.action.label,
                ",".join(d.entity_types),
                d.policy_version,
            )
