"""The portal's behaviour, apart from HTTP: issuing links and letting the verified reader in.

Issuing: a 256-bit token (only its SHA-256 kept), the original sealed in the vault, the notice
text from the policy's template. Reading: look the hash up, check state (expired and unknown are
the same answer), verify (date of birth, one-time code, or nothing when the policy accepts that),
count failures and lock, claim view-once links atomically. Every step is audited without text.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from models.findings import Finding
from proxy.audit.log import AuditEvent, AuditLog, AuditUnavailable, pseudonym
from proxy.crypto.vault_keys import IntegrityError, KeyRing, KeyringError, derive
from proxy.errors import Unavailable
from proxy.logs import get_logger
from proxy.policy import notice as notice_
from proxy.policy.decide import Decision
from proxy.policy.model import Policy
from proxy.portal import verify
from proxy.portal.delivery import Delivery
from proxy.portal.vault import Link, NewLink, Vault
from proxy.store import Database

log = get_logger(__name__)

MAX_CODE_SENDS = 3
CODE_RESEND_SECONDS = 30
# Stand-ins so that an unknown token costs the same work as a known one.
_DUMMY_KEY = AESGCM(bytes(32))
_DUMMY_NONCE = bytes(12)
_DUMMY_BLOB = _DUMMY_KEY.encrypt(_DUMMY_NONCE, b'{"dob": "1900-01-01"}', b"dummy")


class PortalRefused(Exception):
    """The text cannot go out as a portal notice (too long, missing verification data)."""


class PortalUnavailable(Unavailable):
    """The vault or audit log failed; nothing may be sent."""

    def __init__(self, reason: str) -> None:
        super().__init__("portal", reason)


@dataclass(frozen=True)
class Issued:
    token: str
    token_id: str
    notice: str
    link: NewLink


@dataclass(frozen=True)
class View:
    """What the reader sees next. ``page`` names the state; see :mod:`proxy.portal.pages`."""

    page: str  # form | code_start | code_form | confirm | message | unavailable | locked | viewed
    link: Link | None = None
    text: str | None = None
    error: str = ""  # wrong | format | once | code_limit | code_failed | code_wait
    attempts_left: int = 0


CodeSender = Callable[[Delivery, str], Awaitable[int]]


class Portal:
    def __init__(
        self,
        db: Database,
        keys: KeyRing,
        kek: bytes,
        audit: AuditLog,
        pseudonym_key: bytes,
        base_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.vault = Vault(db, keys)
        self.db = db
        self.audit = audit
        self.pseudonym_key = pseudonym_key
        self.base_url = base_url.rstrip("/")
        self.code_key = derive(kek, "portal-code")
        self.csrf_key = derive(kek, "portal-csrf")
        self.clock = clock

    def link_url(self, token: str) -> str:
        return f"{self.base_url}/portal/{token}"

    # -- issuing ------------------------------------------------------------------------------

    def prepare(
        self,
        *,
        text: str,
        findings: Sequence[Finding],
        decision: Decision,
        policy: Policy,
        recipients: Sequence[str],
        dob: str | None,
        delivery: Delivery | None,
        request_id: str,
        language: str | None = None,
    ) -> Issued:
        """Make the token and notice for one text, in ``language`` (default: the text's own);
        raises :class:`PortalRefused`."""
        ps = policy.portal
        secret: dict[str, object] = {}
        if ps.verification == "dob":
            if dob is None:
                raise PortalRefused(
                    "portal verification is by date of birth and none was given: send it in "
                    f"the {verify.DOB_HEADER} header (YYYY-MM-DD; per request from each SDK: "
                    "docs/SDK-DOB.md)"
                )
            secret["dob"] = dob
        elif ps.verification == "sms_code":
            if delivery is None or len(recipients) != 1:
                raise PortalRefused(
                    "portal verification by SMS code needs exactly one recipient per message, "
                    "sent through the proxy"
                )
            secret["delivery"] = delivery.as_dict()
        token = secrets.token_urlsafe(32)
        try:
            lang = notice_.language_of(text, language)
            notice = notice_.compose(
                policy,
                text=text,
                findings=findings,
                acting=decision.findings,
                link=self.link_url(token),
                language=lang,
            )
        except (notice_.NoticeTooLong, ValueError) as e:
            raise PortalRefused(str(e)) from None
        hashed = verify.token_hash(token)
        now = self.clock()
        expires = now + ps.expiry_hours * 3600
        link = NewLink(
            token_hash=hashed,
            record_id=uuid.uuid4().hex,
            text=text,
            secret=secret,
            recipient=",".join(pseudonym(r, self.pseudonym_key) for r in recipients),
            organization=ps.organization,
            verification=ps.verification,
            view_once=ps.view_once,
            max_attempts=ps.max_attempts,
            expires_at=expires,
            purge_after=max(expires, now + ps.retention_days * 86400),
            request_id=request_id,
            decision_id=decision.decision_id,
            policy_version=policy.version,
            language=lang,
        )
        return Issued(token, verify.token_id(hashed), notice, link)

    async def store(self, issued: Sequence[Issued], provider: str = "") -> None:
        """Seal and store the records and audit their creation, or raise PortalUnavailable."""
        done: list[Issued] = []
        try:
            for i in issued:
                await self.vault.create(i.link, self.clock())
                done.append(i)
                await self.audit.append(
                    AuditEvent(
                        kind="portal.create",
                        outcome="created",
                        request_id=i.link.request_id,
                        decision_id=i.link.decision_id,
                        provider=provider,
                        recipient=i.link.recipient,
                        action="portal",
                        policy_version=i.link.policy_version,
                        portal_token_id=i.token_id,
                        details={
                            "verification": i.link.verification,
                            "view_once": i.link.view_once,
                            "expires_at": round(i.link.expires_at),
                        },
                    )
                )
        except (AuditUnavailable, KeyringError, Exception) as e:  # noqa: BLE001 - fail closed
            log.error("portal: could not store a link: %s", type(e).__name__)
            for i in done:
                try:
                    await self.db.execute(
                        "DELETE FROM portal_links WHERE record_id = ?", i.link.record_id
                    )
                except Exception:  # noqa: BLE001 - best effort; the link was never sent
                    log.error("portal: could not remove an unsent link record")
            raise PortalUnavailable(f"portal vault unavailable: {type(e).__name__}") from None

    # -- reading ------------------------------------------------------------------------------

    async def open(self, token: str, client: str) -> View:
        """The first page for a link: its verification form, or why it cannot be read."""
        hashed = verify.token_hash(token)
        link = await self.vault.get(hashed)
        now = self.clock()
        state = link.state(now) if link is not None else "expired"
        if link is None or state == "expired":
            return View("unavailable")
        await self._audit("portal.open", state, link, client)
        if state != "available":
            return View(state, link)
        return View(self._form_page(link, now), link, attempts_left=link.attempts_left)

    def _form_page(self, link: Link, now: float) -> str:
        if link.verification == "dob":
            return "form"
        if link.verification == "none":
            return "confirm"
        live = link.code_hash is not None and (link.code_expires_at or 0) > now
        return "code_form" if live else "code_start"

    async def answer(
        self, token: str, answer: str, client: str, acknowledged_once: bool = True
    ) -> View:
        """Check a verification answer; show the original on success.

        Neither a date of birth that cannot be read (nor a possible one) nor a view-once link
        whose warning was not confirmed counts as an attempt: the form comes back saying why."""
        hashed = verify.token_hash(token)
        link = await self.vault.get(hashed)
        now = self.clock()
        if link is None or link.state(now) == "expired":
            await self._dummy_work(answer)
            if link is not None:
                await self._audit("portal.verify", "expired", link, client)
            else:
                await self._audit_unknown(hashed, client)
            return View("unavailable")
        state = link.state(now)
        if state != "available":
            await self._audit("portal.verify", state, link, client)
            return View(state, link)
        page = self._form_page(link, now)
        if (
            link.verification == "dob"
            and verify.normalize_dob(answer, day_first=link.language == "es") is None
        ):
            return View(page, link, error="format", attempts_left=link.attempts_left)
        if link.view_once and not acknowledged_once:
            return View(page, link, error="once", attempts_left=link.attempts_left)
        try:
            ok = await self._check(link, answer, now)
            if ok and link.verification == "sms_code" and link.code_hash is not None:
                # one-time: claimed atomically, so two answers racing with the same code (two
                # tabs, or an eavesdropper racing the patient) cannot both see the message
                ok = await self.vault.consume_code(link, link.code_hash)
        except (IntegrityError, KeyringError) as e:
            log.error("portal: link %s cannot be opened: %s", verify.token_id(hashed), e)
            await self._audit("portal.verify", "integrity_error", link, client)
            return View("unavailable")
        if not ok:
            after = await self.vault.record_failure(link, now) or link
            await self._audit("portal.verify_failed", "wrong_answer", after, client)
            if after.locked_at is not None:
                await self._audit("portal.lockout", "locked", after, client)
                return View("locked", after)
            page = self._form_page(after, now)
            return View(page, after, error="wrong", attempts_left=after.attempts_left)
        try:
            text = await self.vault.read_body(link)
        except (IntegrityError, KeyringError) as e:
            log.error("portal: link %s cannot be opened: %s", verify.token_id(hashed), e)
            await self._audit("portal.view", "integrity_error", link, client)
            return View("unavailable")
        if text is None or not await self.vault.mark_viewed(link, now):
            current = await self.vault.get(hashed)
            state = current.state(now) if current else "expired"
            await self._audit("portal.view", state, link, client)
            return View("unavailable" if state == "expired" else state, current)
        if link.verification == "sms_code":
            await self.vault.clear_code(link)
        await self._audit("portal.view", "viewed", link, client)
        return View("message", link, text=text)

    async def _check(self, link: Link, answer: str, now: float) -> bool:
        if link.verification == "none":
            return True
        if link.verification == "dob":
            secret = await self.vault.read_secret(link)
            given = verify.normalize_dob(answer, day_first=link.language == "es") or "invalid"
            return verify.same(given, str(secret.get("dob", "")))
        if link.code_hash is None or (link.code_expires_at or 0) <= now:
            verify.same(verify.code_hash(self.code_key, link.record_id, answer), "0" * 64)
            return False
        return verify.same(verify.code_hash(self.code_key, link.record_id, answer), link.code_hash)

    async def _dummy_work(self, answer: str) -> None:
        """What a known link costs (a row read, a decryption, a compare), for an unknown one."""
        await self.db.fetchrow(
            "SELECT secret, key_id FROM portal_links WHERE record_id = ?", "0" * 32
        )
        _DUMMY_KEY.decrypt(_DUMMY_NONCE, _DUMMY_BLOB, b"dummy")
        verify.same(verify.normalize_dob(answer) or "invalid", "1900-01-01")

    async def send_code(self, token: str, client: str, sender: CodeSender) -> View:
        """Text a fresh one-time code to the link's recipient (sms_code verification)."""
        hashed = verify.token_hash(token)
        link = await self.vault.get(hashed)
        now = self.clock()
        if link is None or link.state(now) == "expired" or link.verification != "sms_code":
            await self._dummy_work("")
            return View("unavailable")
        state = link.state(now)
        if state != "available":
            return View(state, link)
        if link.code_sent_at is not None and now - link.code_sent_at < CODE_RESEND_SECONDS:
            return View("code_form", link, error="code_wait", attempts_left=link.attempts_left)
        code = verify.new_code()
        hashed_code = verify.code_hash(self.code_key, link.record_id, code)
        expires = now + verify.CODE_TTL_SECONDS
        if not await self.vault.set_code(link, hashed_code, expires, now, MAX_CODE_SENDS):
            return View("code_form", link, error="code_limit", attempts_left=link.attempts_left)
        try:
            delivery = Delivery.from_dict(dict((await self.vault.read_secret(link))["delivery"]))
            minutes = verify.CODE_TTL_SECONDS // 60
            status = await sender(
                delivery,
                f"{link.organization} verification code: {code}. It expires in {minutes} "
                "minutes. Do not share it.",
            )
        except Exception as e:  # noqa: BLE001 - any failure: no code went out
            log.error("portal: code delivery failed: %s", type(e).__name__)
            status = 503
        outcome = "sent" if status < 400 else f"failed:{status}"
        await self._audit("portal.code_sent", outcome, link, client)
        if status >= 400:
            await self.vault.clear_code(link)
            return View("code_start", link, error="code_failed")
        current = await self.vault.get(hashed) or link
        return View("code_form", current, attempts_left=current.attempts_left)

    async def purge(self) -> int:
        n = await self.vault.purge(self.clock())
        if n:
            await self.audit.append(
                AuditEvent(kind="portal.purge", outcome="purged", details={"records": n})
            )
        return n

    # -- audit --------------------------------------------------------------------------------

    async def _audit(self, kind: str, outcome: str, link: Link, client: str) -> None:
        try:
            await self.audit.append(
                AuditEvent(
                    kind=kind,
                    outcome=outcome,
                    recipient=link.recipient,
                    portal_token_id=verify.token_id(link.token_hash),
                    actor=self._actor(client),
                    details={"failures": link.failures, "views": link.views},
                )
            )
        except AuditUnavailable as e:
            log.error("portal: audit failed for %s: %s", kind, e)
            raise PortalUnavailable(str(e)) from None

    async def _audit_unknown(self, hashed: str, client: str) -> None:
        try:
            await self.audit.append(
                AuditEvent(
                    kind="portal.verify_failed",
                    outcome="unavailable",
                    portal_token_id=verify.token_id(hashed),
                    actor=self._actor(client),
                )
            )
        except AuditUnavailable as e:
            raise PortalUnavailable(str(e)) from None

    def _actor(self, client: str) -> str:
        """A keyed stand-in for the reader's network address (counts, not identities)."""
        if not client:
            return ""
        return "c_" + hmac.new(self.pseudonym_key, client.encode(), hashlib.sha256).hexdigest()[:16]
