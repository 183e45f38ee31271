"""HTTP for the portal: ``GET/POST /portal/{token}``, ``POST /portal/{token}/code``.

GET never changes anything (SMS apps fetch links for previews), so reading, code sending and
view-once claims all sit behind POST with a CSRF token. Every response under ``/portal/`` gets
the security headers, errors included. Failures are limited per client address, counted in the
store (:mod:`proxy.store.failure_counts`) so every worker and instance enforces one count; when that
count cannot be read or written the portal answers "try again later" (fail closed).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from proxy import appkeys
from proxy.crypto.vault_keys import KeyRing, derive, load_kek
from proxy.logs import get_logger
from proxy.optout.registry import OptOutRegistry
from proxy.policy.model import Policy
from proxy.policy.notice import NoticeTooLong, fill
from proxy.portal import pages, verify
from proxy.portal.delivery import Delivery, deliver
from proxy.portal.service import Portal, PortalUnavailable, View
from proxy.portal.strings import EN, strings_for
from proxy.portal.vault import Link
from proxy.store.failure_counts import FailureCounts
from proxy.store.interface import StoreUnavailable
from proxy.tasks import periodic, stop

log = get_logger(__name__)

PORTAL: web.AppKey[Portal] = web.AppKey("portal", Portal)
LIMITER: web.AppKey[FailureCounts] = web.AppKey("portal_limiter", FailureCounts)
PURGE_EVERY_SECONDS = 3600.0
# Per client address, failures only (unknown/expired links, wrong answers, stale forms).
FAILURES_PER_WINDOW = 30
WINDOW_SECONDS = 600.0
TOKEN = r"[A-Za-z0-9_-]{16,128}"  # a link token in a /portal/ path
Handler = Callable[[web.Request], Awaitable[web.Response]]


def check_base_url(url: str) -> None:
    """Portal links must be https in production; say so loudly if they are not."""
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not local:
        log.warning(
            "PORTAL LINKS USE PLAIN HTTP (%s): set server.public_base_url to an https URL; "
            "links and verification answers would travel unencrypted",
            parts.hostname,
        )


def check_notice_fits(policy: Policy, base_url: str) -> bool:
    """Say at start-up, not on the first clinical send, if no notice can ever fit."""
    link = f"{base_url.rstrip('/')}/portal/" + "x" * 43
    try:
        fill(
            policy.portal.template,
            org=policy.portal.organization,
            link=link,
            max_length=policy.portal.max_length,
        )
    except NoticeTooLong as e:
        log.error("PORTAL NOTICES CANNOT BE SENT: %s; portal-bound texts will be blocked", e)
        return False
    return True


async def portal_context(app: web.Application) -> AsyncIterator[None]:
    """Open the vault's keys (a wrong KEK fails here), check the base URL and notice, purge."""
    settings = app[appkeys.SETTINGS]
    kek = load_kek(settings.storage.data_dir, settings.storage.kek_file)
    db = app[appkeys.STORE]
    keys = KeyRing(db, kek)
    await keys.check()  # a wrong KEK fails at start-up, not on the first send
    check_base_url(settings.server.public_base_url)
    check_notice_fits(app[appkeys.POLICY].current, settings.server.public_base_url)
    portal = Portal(
        db,
        keys,
        kek,
        app[appkeys.AUDIT],
        app[appkeys.PSEUDONYM_KEY],
        settings.server.public_base_url,
    )
    app[PORTAL] = portal
    app[LIMITER] = FailureCounts(
        db,
        "portal.client",
        FAILURES_PER_WINDOW,
        WINDOW_SECONDS,
        hash_key=derive(app[appkeys.PSEUDONYM_KEY], "failure-counts"),
    )
    purger = periodic("portal-purge", PURGE_EVERY_SECONDS, lambda: _purge(portal), first=0)
    yield
    await stop(purger)


async def _purge(portal: Portal) -> None:
    try:
        n = await portal.purge()
        if n:
            log.info("portal: purged %d record(s) past retention", n)
    except Exception as e:  # noqa: BLE001 - keep purging on the next round
        log.error("portal: purge failed: %s", type(e).__name__)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/portal/") or request.path == "/portal":
        for k, v in pages.SECURITY_HEADERS.items():
            response.headers[k] = v


def _respond(p: pages.Page) -> web.Response:
    return web.Response(status=p.status, text=p.html, content_type="text/html", charset="utf-8")


def _client(request: web.Request) -> str:
    return request.remote or ""


def _paths(request: web.Request, token: str) -> tuple[str, str]:
    base = urlsplit(request.app[appkeys.SETTINGS].server.public_base_url).path.rstrip("/")
    return f"{base}/portal/{token}", f"{base}/portal/{token}/code"


async def _limited(request: web.Request) -> web.Response | None:
    """The "please wait" page once this address has used up its failures, else None."""
    if await request.app[LIMITER].blocked(_client(request)):
        return _respond(pages.rate_limited(_clinic(request)))
    return None


async def _view_response(request: web.Request, token: str, view: View) -> web.Response:
    if view.page == "unavailable" or view.error == "wrong":
        await request.app[LIMITER].hit(_client(request))
    return _respond(_render(request, token, view))


async def _bad_form(request: web.Request) -> web.Response:
    await request.app[LIMITER].hit(_client(request))
    return _respond(pages.bad_form(_clinic(request)))


def _counted(handler: Handler) -> Handler:
    """An uncountable failure is refused: the store's error becomes "try again later"."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except StoreUnavailable as e:
            log.error("portal: store unavailable: %s", e)
            return _respond(pages.error(_clinic(request)))

    return wrapped


def _clinic(request: web.Request, link: Link | None = None) -> pages.Clinic:
    """Who the pages name: the link's organization (as it was sent), else the current policy's;
    the phone number and time zone are always the current policy's. The words are in the link's
    language (the pages without a link are bilingual: :func:`pages.unavailable`)."""
    ps = request.app[appkeys.POLICY].current.portal
    name = link.organization if link is not None else ps.organization
    strings = strings_for(link.language) if link is not None else EN
    return pages.Clinic(name=name, phone=ps.phone, timezone=ps.timezone, strings=strings)


def _render(request: web.Request, token: str, view: View) -> pages.Page:
    portal = request.app[PORTAL]
    action, code_action = _paths(request, token)
    link = view.link
    c = _clinic(request, link)
    once = link is not None and link.view_once
    csrf = verify.csrf_token(portal.csrf_key, verify.token_hash(token))
    if view.page == "form":
        return pages.dob_form(action, csrf, c, view.error, view.attempts_left, once)
    if view.page == "code_start":
        return pages.code_start(code_action, csrf, c, view.error, once)
    if view.page == "code_form":
        return pages.code_form(action, code_action, csrf, c, view.error, view.attempts_left, once)
    if view.page == "confirm":
        return pages.confirm(action, csrf, c, view.error, once)
    if view.page == "message" and view.text is not None and link is not None:
        return pages.message(view.text, c, link.view_once, link.created_at, link.expires_at)
    if view.page == "locked":
        return pages.locked(c)
    if view.page == "viewed":
        return pages.viewed(c)
    return pages.unavailable(_clinic(request))


@_counted
async def page(request: web.Request) -> web.Response:
    if limited := await _limited(request):
        return limited
    token = request.match_info["token"]
    try:
        view = await request.app[PORTAL].open(token, _client(request))
    except PortalUnavailable:
        return _respond(pages.error(_clinic(request)))
    return await _view_response(request, token, view)


@dataclass(frozen=True)
class _Posted:
    csrf: str
    answer: str
    acknowledged_once: bool


async def _form(request: web.Request) -> _Posted | None:
    """The posted form, or None if it is not ours or not fresh. A date of birth typed in the
    three fields (month, day, year) becomes one ``YYYY-MM-DD`` answer ("" if it is not a date)."""
    if request.content_length is not None and request.content_length > 4096:
        return None
    data = await request.post()
    csrf, answer = data.get("csrf"), data.get("answer", "")
    if not isinstance(csrf, str) or not isinstance(answer, str):
        return None
    portal = request.app[PORTAL]
    if not verify.csrf_ok(portal.csrf_key, verify.token_hash(request.match_info["token"]), csrf):
        return None
    parts = [data.get(k) for k in ("month", "day", "year")]
    if any(p is not None for p in parts):
        texts = [p[:16] if isinstance(p, str) else "" for p in parts]
        answer = verify.dob_from_parts(texts[0], texts[1], texts[2]) or ""
    return _Posted(csrf, answer[:64], data.get("once") == "yes")


@_counted
async def answer(request: web.Request) -> web.Response:
    if limited := await _limited(request):
        return limited
    token = request.match_info["token"]
    form = await _form(request)
    if form is None:
        return await _bad_form(request)
    try:
        view = await request.app[PORTAL].answer(
            token, form.answer, _client(request), form.acknowledged_once
        )
    except PortalUnavailable:
        return _respond(pages.error(_clinic(request)))
    return await _view_response(request, token, view)


@_counted
async def send_code(request: web.Request) -> web.Response:
    if limited := await _limited(request):
        return limited
    token = request.match_info["token"]
    if await _form(request) is None:
        return await _bad_form(request)
    app = request.app

    registry = OptOutRegistry(app[appkeys.STORE], app[appkeys.PSEUDONYM_KEY])

    async def opted_out(to: str, sender: str) -> bool:
        return (await registry.status(to, sender)).opted_out

    async def sender(delivery: Delivery, text: str) -> int:
        return await deliver(
            app[appkeys.HTTP],
            app[appkeys.SETTINGS],
            app[appkeys.PROVIDERS],
            delivery,
            text,
            opted_out,
        )

    try:
        view = await app[PORTAL].send_code(token, _client(request), sender)
    except PortalUnavailable:
        return _respond(pages.error(_clinic(request)))
    return await _view_response(request, token, view)


@_counted
async def not_available(request: web.Request) -> web.Response:
    if limited := await _limited(request):
        return limited
    await request.app[LIMITER].hit(_client(request))
    return _respond(pages.unavailable(_clinic(request)))
