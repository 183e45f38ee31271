"""The inbound webhook handler: verify → read → record keyword → forward.

A forged or unverifiable webhook gets 403 and nothing is recorded or forwarded. An opt-out /
opt-in is durable (registry row + audit record) BEFORE the webhook is forwarded; if that fails
the provider gets 503 and retries. If the customer's URL fails (connection error, timeout, 5xx)
the provider gets 502 so it retries; the opt-out is already recorded (recording is idempotent).
Logs carry the provider, route and outcome: never text or phone numbers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aiohttp import web

from proxy import appkeys
from proxy.audit.log import AuditEvent
from proxy.logs import get_logger
from proxy.optout.registry import IN, OUT, OptOutRegistry, recipient_key
from proxy.outbound.forward import UpstreamError
from proxy.webhooks import replay
from proxy.webhooks.config import HookSettings, WebhookSettings
from proxy.webhooks.forward import forward
from proxy.webhooks.inbound import READERS, BadWebhook, InboundMessage
from proxy.webhooks.keywords import Classification, Classifier, Intent
from proxy.webhooks.signatures import (
    SCHEMES,
    DuplicateParameter,
    SignatureError,
    StaleWebhook,
    Verifier,
    WebhookRequest,
)

log = get_logger(__name__)


@dataclass(frozen=True)
class Hook:
    settings: HookSettings
    secret: str
    verify: Verifier


@dataclass(frozen=True)
class WebhookRuntime:
    settings: WebhookSettings
    hooks: dict[str, Hook]
    classifier: Classifier


WEBHOOKS: web.AppKey[WebhookRuntime] = web.AppKey("webhooks")


def _text(status: int, reason: str) -> web.Response:
    return web.Response(status=status, text=reason + "\n")


async def inbound(request: web.Request) -> web.StreamResponse:
    app = request.app
    runtime = app[WEBHOOKS]
    name, kind = request.match_info["provider"], request.match_info["kind"]
    hook = runtime.hooks.get(name)
    if hook is None or kind not in hook.settings.forward:
        return _text(404, "no such webhook route")
    # /webhooks/<provider>/<kind>/<token> exists only for path-token providers
    if ("token" in request.match_info) != (hook.settings.scheme == "path-token"):
        return _text(404, "no such webhook route")
    request_id = uuid.uuid4().hex
    settings = app[appkeys.SETTINGS]
    limit = settings.server.max_body_bytes
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        return _text(413, "webhook body too large")
    public = settings.server.public_base_url.rstrip("/")
    req = WebhookRequest(request.method, public + request.raw_path, request.headers, body)
    scheme = SCHEMES[hook.settings.scheme]

    # 1. verify: forgeries stop here, nothing recorded or forwarded. A repeated parameter is
    # refused (DuplicateParameter): the signature check and the reader see one and the same view.
    try:
        hook.verify(req, hook.secret, runtime.settings.tolerance_seconds)
        message = READERS[name](req)
        digest = replay.digest(name, scheme.name, req)
    except DuplicateParameter as e:
        log.warning("webhook %s: %s/%s refused: %s", request_id, name, kind, e)
        return _text(400, "webhook refused: a parameter appears more than once")
    except StaleWebhook as e:
        replay.REPLAYS.labels(name, "stale").inc()
        log.warning("webhook %s: %s/%s rejected: %s", request_id, name, kind, e)
        return _text(403, "webhook signature invalid")
    except SignatureError as e:
        log.warning("webhook %s: %s/%s rejected: %s", request_id, name, kind, e)
        return _text(403, "webhook signature invalid")
    except BadWebhook as e:
        log.warning("webhook %s: %s/%s unreadable: %s", request_id, name, kind, e)
        return _text(400, "webhook unreadable")

    # 2. replays: the same signed content a second time is ignored (and counted)
    db = app[appkeys.STORE]
    try:
        first = await replay.claim(db, name, digest)
    except Exception as e:  # noqa: BLE001 - unknown whether it is a replay: let it retry
        log.error("webhook %s: %s replay check failed: %s", request_id, name, type(e).__name__)
        return _text(503, "webhook store unavailable; retry")
    if not first:
        replay.REPLAYS.labels(name, "duplicate").inc()
        log.warning("webhook %s: %s/%s replay ignored", request_id, name, kind)
        return _text(200, "already handled")
    response = await _handle(request, runtime, hook, name, kind, req, message, request_id)
    if response.status >= 500:
        # not handled: the provider retries, and its retry must not read as a replay
        try:
            await replay.release(db, name, digest)
        except Exception as e:  # noqa: BLE001 - the retry will be ignored; say so
            log.error("webhook %s: %s claim not released: %s", request_id, name, type(e).__name__)
    return response


async def _handle(
    request: web.Request,
    runtime: WebhookRuntime,
    hook: Hook,
    name: str,
    kind: str,
    req: WebhookRequest,
    message: InboundMessage | None,
    request_id: str,
) -> web.Response:
    app = request.app
    scheme = SCHEMES[hook.settings.scheme]
    # 3. keywords: durable before forwarding
    found: Classification | None = None
    if message is not None:
        found = runtime.classifier.classify(message.text)
        if found is not None:
            try:
                await _record(request, name, message, found, request_id)
            except Exception as e:  # noqa: BLE001 - not durable: let the provider retry
                log.error(
                    "webhook %s: %s opt-out not recorded: %s", request_id, name, type(e).__name__
                )
                return _text(503, "opt-out registry unavailable; retry")

    # 4. forward to the customer
    try:
        resp = await forward(
            app[appkeys.HTTP],
            req,
            scheme,
            hook.secret,
            hook.settings.forward[kind],
            runtime.settings.forward_timeout_seconds,
            (found.intent.value, found.language) if found is not None else None,
        )
    except UpstreamError as e:
        log.warning("webhook %s: %s/%s forward failed: %s", request_id, name, kind, e)
        return _text(502, "customer endpoint unavailable; retry")
    if resp.status >= 500:
        log.warning("webhook %s: %s/%s customer answered %d", request_id, name, kind, resp.status)
        return _text(502, "customer endpoint failed; retry")
    log.info("webhook %s: %s/%s forwarded (%d)", request_id, name, kind, resp.status)
    headers = {k: v for k, v in resp.headers.items() if k.lower() in ("content-type",)}
    return web.Response(status=resp.status, body=resp.body, headers=headers)


async def _record(
    request: web.Request,
    provider: str,
    message: InboundMessage,
    found: Classification,
    request_id: str,
) -> None:
    app = request.app
    key = app[appkeys.PSEUDONYM_KEY]
    recipient = recipient_key(message.sender, key)
    kind = {
        Intent.OPT_OUT: "optout",
        Intent.OPT_OUT_GLOBAL: "optout",
        Intent.OPT_IN: "optin",
        Intent.HELP: "help",
    }[found.intent]
    senders = [s for s in (message.recipient, *message.services) if s.strip()]
    # an opt-out whose sender is unknown cannot be scoped: it stops every sender (fail safe)
    global_ = found.intent is Intent.OPT_OUT_GLOBAL or (
        found.intent is Intent.OPT_OUT and not senders
    )
    scope = "global" if global_ else "sender"
    registry = OptOutRegistry(app[appkeys.STORE], key)
    if await registry.seen(provider, message.message_id):
        # a provider retry, or a replayed old message: it was applied (and audited) once
        replay.REPLAYS.labels(provider, "message_id").inc()
        log.info("webhook %s: %s %s already applied", request_id, provider, kind)
        return
    outcome = "recorded" if found.intent is not Intent.HELP else "noted"
    if found.intent is Intent.OPT_IN and await registry.blocked_opt_in(
        message.sender, senders, provider
    ):
        # another provider's opt-out: this provider's webhook cannot speak for it
        outcome = "ignored"
        details_extra = {"reason": "opted out through another provider"}
    else:
        details_extra = {}
    # audit first: if the registry write then fails, the retry audits again (at least once)
    await app[appkeys.AUDIT].append(
        AuditEvent(
            kind=kind,
            outcome=outcome,
            request_id=request_id,
            provider=provider,
            recipient=recipient,
            details={
                "scope": scope,
                "rule": found.rule,
                "keyword": found.keyword,
                "language": found.language,
                **details_extra,
            },
        )
    )
    if outcome == "ignored":
        log.info(
            "webhook %s: %s %s ignored (another provider's opt-out)", request_id, provider, kind
        )
    await registry.record(
        message.sender,
        senders if found.intent is not Intent.HELP else [],
        IN if found.intent is Intent.OPT_IN else OUT,
        provider,
        found.rule,
        global_=global_,
        event=message.message_id,
    )
    log.info("webhook %s: %s %s recorded (%s, %s)", request_id, provider, kind, scope, found.rule)
