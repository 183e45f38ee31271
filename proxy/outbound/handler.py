"""The one outbound path, top to bottom: parse → detect → decide → act → forward.

Every failure before forwarding raises a :class:`proxy.errors.Refusal`, which the one ``except``
in :func:`outbound` answers in the provider's shape (:func:`proxy.errors.refuse`): nothing is sent
upstream. Logs carry the request id, provider and entity types, never text or phone numbers.
"""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web
from yarl import URL

from models.findings import Finding
from proxy import appkeys, metrics
from proxy.analytics.wiring import record_sends
from proxy.audit.log import AuditEvent, AuditUnavailable, pseudonym
from proxy.errors import BadRequest, Blocked, OptedOut, Refusal, Unavailable, refuse
from proxy.logs import get_logger
from proxy.optout.enforce import enforce as enforce_optout
from proxy.optout.numbers import wire_forms
from proxy.outbound import admission, idempotency, outcomes, perimeter
from proxy.outbound.forward import UpstreamError, request_headers, send
from proxy.outbound.idempotency import IDEMPOTENCY, Claim
from proxy.outbound.limits import client_key, penalise, read_body
from proxy.policy.decide import Decision, decide
from proxy.policy.model import Action, Policy
from proxy.portal.issue import DOB_HEADER, PortalLinks, issue_links
from proxy.portal.service import PortalRefused
from proxy.providers import Incoming, Message, Parsed, Provider
from proxy.store import Database
from proxy.tasks import spawn

AUDIT_RESULT_TASK = "audit-result:"  # drained before the store closes (proxy.app)
log = get_logger(__name__)


#: the app's send-outcome writer (built with the store; its task is drained with the results)
OUTCOME_WRITER: web.AppKey[outcomes.OutcomeWriter] = web.AppKey("outcome_writer")


def outcome_writer(db: Database) -> outcomes.OutcomeWriter:
    return outcomes.OutcomeWriter(db, task_name=f"{AUDIT_RESULT_TASK}send-outcomes")


def _record_outcome(app: web.Application, o: outcomes.SendOutcome) -> None:
    """File what became of this send, after the answer: queued for the app's one outcome writer,
    which writes them in batches (not one store transaction per request; issue #18)."""
    app[OUTCOME_WRITER].submit(o)


def _decided(
    decisions: list[Decision], parsed: Parsed, policy: Policy, token_ids: dict[int, str] | None
) -> dict[str, object]:
    """The outcome row's fields that come from the decisions (ids and types, never text)."""
    worst = max((d.action for d in decisions), default=Action.ALLOW)
    return {
        "action": worst.label,
        "policy_version": policy.version,
        "entity_types": tuple(sorted({t for d in decisions for t in d.entity_types})),
        "decision_ids": tuple(d.decision_id for d in decisions),
        "portal_token_ids": tuple((token_ids or {}).values()),
        "recipients": len({to for m in parsed.messages for to in m.to}),
    }


def _refusal_outcome(
    refusal: Refusal, portal_refusal: str
) -> tuple[outcomes.Outcome, outcomes.Reason]:
    """How a refusal is filed: a policy block is "blocked"; anything else is "refused", why."""
    if isinstance(refusal, Blocked):
        if portal_refusal:
            return "refused", outcomes.portal_reason(portal_refusal)
        return "blocked", ""
    if isinstance(refusal, OptedOut):
        return "refused", "opted_out"
    if isinstance(refusal, Unavailable):
        return "refused", outcomes.unavailable_reason(refusal.component)
    if isinstance(refusal, BadRequest):
        return "refused", "bad_request"
    return "refused", "refused_other"


async def read_incoming(request: web.Request, target: perimeter.Target) -> Incoming:
    """The request with its body read, within the configured size limit."""
    server = request.app[appkeys.SETTINGS].server
    body = await read_body(request, server.max_body_bytes, server.body_read_timeout_seconds)
    return Incoming(
        method=request.method,
        path=target.path,
        query=dict(target.query),
        headers=request.headers,
        body=body,
        match=target.match,
        raw_query=target.raw_query,
    )


async def serve(request: web.Request, provider: Provider) -> web.StreamResponse:
    """Every request under a provider's namespaces: the perimeter decides, default deny."""
    settings = request.app[appkeys.SETTINGS]
    try:
        target = perimeter.resolve(provider, request.method, request.raw_path, settings.providers)
    except Refusal as refusal:  # not a declared operation: nothing forwarded
        return refuse(provider, refusal, uuid.uuid4().hex)
    if target.operation.kind == "send":
        return await outbound(request, provider, target)
    return await read(request, provider, target)


async def outbound(
    request: web.Request, provider: Provider, target: perimeter.Target
) -> web.StreamResponse:
    """Inspect one send request and forward only what the policy lets leave."""
    app = request.app
    request_id = uuid.uuid4().hex
    policy = app[appkeys.POLICY].current  # one policy object for the whole request
    detection: asyncio.Future[list[list[Finding]]] | None = None
    claim: Claim | None = None
    sent: list[bool] = []  # True once the request may have reached the provider
    decided: dict[str, object] = {}  # the outcome row's decision fields, once decided
    portal_refusal = ""
    try:
        # 1. perimeter: every field classified, then the adapter's reading. Malformed input
        # (invalid UTF-8, deep nesting, over-long or unencodable text) is the client's 400
        # before detection spends anything on it (admission).
        incoming = await read_incoming(request, target)
        admission.precheck(provider, incoming)
        parsed = perimeter.inspect(provider, target, incoming, app[appkeys.SETTINGS].providers)
        admission.check_texts(provider, parsed)

        # 2 starts now: detection runs while the opt-out and idempotency checks read the store.
        # Nothing depends on it before it is awaited, and a refused request drops its answer.
        # Each client gets a fair share of detector time (proxy.detection.service).
        detection = asyncio.ensure_future(_detect(app, parsed, policy, client_key(request)))
        # 1b. opt-out (TCPA): an opted-out recipient is refused before anything is forwarded;
        # what was checked is what goes: every number is forwarded in its E.164 form
        await enforce_optout(request, provider, parsed, request_id)
        wire = wire_forms((to for to, _ in parsed.recipients()), provider.recipient_plus)
        if wire:
            provider.rewrite_recipients(parsed, wire)
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
        # URLs, sender IDs and template data cannot be rewritten: a finding there blocks
        fixed = [i for i in perimeter.fixed(parsed) if decisions[i].action != Action.ALLOW]
        if fixed:
            worst = Action.BLOCK
        for d in decisions:
            metrics.DECISIONS.labels(d.action.label).inc()
        _log_decisions(request_id, provider.name, decisions, policy.monitor)
        decided = _decided(decisions, parsed, policy, None)

        # 4. act, and 5. audit: the record is durable before anything leaves
        blocked = worst == Action.BLOCK
        links = PortalLinks()
        if worst == Action.PORTAL:
            # clinical detail: the original goes into the vault, the text becomes a link notice
            try:
                links = await issue_links(
                    request, provider, incoming, parsed, decisions, findings, policy, request_id
                )
            except PortalRefused as e:
                blocked, portal_refusal = True, str(e)
            decided = _decided(decisions, parsed, policy, links.token_ids)
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
            if fixed:  # field names only (the perimeter vetted them), never their values
                where = ", ".join(dict.fromkeys(parsed.messages[i].field for i in fixed))
                why += f" (in {where}, which phi-proxy cannot rewrite)"
            raise Blocked(
                f"Message blocked by PHI policy {policy.version}: contains {', '.join(types)}{why}."
            )
        outgoing = [
            links.texts.get(i, d.outgoing if d.outgoing is not None else "")
            for i, d in enumerate(decisions)
        ]
        body = (
            incoming.body
            if outgoing == texts and not wire
            else perimeter.rebuild(provider, incoming, parsed, outgoing)
        )

        # 6. forward (the portal's date-of-birth header never goes upstream). The last step that
        # can be refused is above: forward() answers an unreachable provider itself.
        drop = (*parsed.drop_headers, DOB_HEADER)
        response = await forward(request, provider, incoming, body, drop, request_id, sent)
    except Refusal as refusal:  # nothing was forwarded
        outcome, reason = _refusal_outcome(refusal, portal_refusal)
        _record_outcome(
            app,
            outcomes.SendOutcome(
                request_id,
                provider.name,
                outcome,
                reason,
                **decided,  # type: ignore[arg-type]
            ),
        )
        if isinstance(refusal, BadRequest):
            penalise(request, refusal)  # a flood of malformed sends is answered slowly
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
    monitored = any(d.action != d.would_action for d in decisions)
    filed: outcomes.Reason = "monitor" if monitored else ""
    if response.status >= 400:
        filed = "upstream_unreachable" if response.status == 502 else "upstream_error"
    _record_outcome(
        app,
        outcomes.SendOutcome(
            request_id,
            provider.name,
            outcomes.outcome_of([d.action.label for d in decisions], bool(links.texts), False),
            filed,
            upstream_status=response.status,
            **decided,  # type: ignore[arg-type]
        ),
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


async def _detect(
    app: web.Application, parsed: Parsed, policy: Policy, client: str
) -> list[list[Finding]]:
    with metrics.DETECTOR_SECONDS.time():
        return await app[appkeys.DETECTION].detect(
            [m.text for m in parsed.messages], policy.needed_entities(), client
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
    scope = idempotency.scope_for(provider.name, incoming.headers, provider.credential(incoming))
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
    # The canonical path the perimeter matched, and the query as received: encoded=True, so
    # yarl neither decodes, re-encodes nor normalises anything on the way out.
    path = provider.upstream_path(incoming.path)
    url = URL(base + path + (f"?{incoming.raw_query}" if incoming.raw_query else ""), encoded=True)
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


async def read(
    request: web.Request, provider: Provider, target: perimeter.Target
) -> web.StreamResponse:
    """A declared read (status look-up, list, delete): no body, every query parameter typed."""
    settings = request.app[appkeys.SETTINGS]
    try:
        incoming = await read_incoming(request, target)
        if incoming.body:
            raise BadRequest("This request carries no body", provider.bad_request_code)
        perimeter.check_query(provider, target, perimeter.context(provider, settings.providers))
    except Refusal as refusal:  # nothing forwarded
        return refuse(provider, refusal, uuid.uuid4().hex)
    return await forward(request, provider, incoming, b"")


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
