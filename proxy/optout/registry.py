"""The TCPA opt-out registry (enforced on the outbound path by :mod:`proxy.optout.enforce`).

A recipient who texted STOP (or any reasonable opt-out, see :mod:`proxy.webhooks.keywords`) to
one of the customer's numbers or messaging services gets nothing more from that sender; STOPALL
stops every sender. START / UNSTOP / YES re-opt-in for that sender.

Storage (table ``optouts``): one row per (recipient, scope) with the latest state, 'out' or
'in'. ``recipient`` is a keyed HMAC pseudonym of the number's digits (:func:`recipient_key`) and
``scope`` a pseudonym of the sender number / service id, or ``*`` for global: the table holds no
phone number. A send is refused when the NEWER of the sender row and the global row says 'out'
(so STOPALL then START to one sender re-opens only that sender; a later STOPALL closes it again;
on a tie 'out' wins).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from proxy.audit.log import pseudonym
from proxy.sms import with_country_code
from proxy.store import Database

Scope = Literal["sender", "global", ""]  # which row decided ("": none)

log = logging.getLogger("phi_proxy.optout")

GLOBAL = "*"
OUT, IN = "out", "in"
_PHONE_CHARS = re.compile(r"[+\d\s().\-]+")


def canonical_digits(number: str) -> str:
    """The registry's form of a number: :func:`proxy.sms.with_country_code` (a 10-digit NANP
    number gets its country code 1). Stored pseudonyms were computed from this form: never
    change it without migrating them."""
    return with_country_code(number)


def recipient_key(number: str, key: bytes) -> str:
    """The pseudonym a recipient is stored and audited under (never the number itself)."""
    return pseudonym(canonical_digits(number) or number, key)


def scope_key(sender: str, key: bytes) -> str:
    """Pseudonym of a sender: phone numbers by digits, service / profile ids by value."""
    s = sender.strip()
    if _PHONE_CHARS.fullmatch(s) and any(c.isdigit() for c in s):
        return recipient_key(s, key)
    mac = hmac.new(key, b"scope:" + s.casefold().encode(), hashlib.sha256).hexdigest()[:20]
    return "s_" + mac


def _event_tag(event: str) -> str:
    return hashlib.sha256(event.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Status:
    opted_out: bool
    scope: Scope
    # the deciding row, for the one confirmation the FCC rule allows after an opt-out
    row_scope: str = ""
    updated_at: float = 0.0
    confirmed: bool = False


class OptOutRegistry:
    def __init__(self, db: Database, key: bytes) -> None:
        self.db, self.key = db, key

    async def record(
        self,
        recipient: str,
        senders: Iterable[str],
        state: str,
        provider: str,
        rule: str,
        *,
        global_: bool = False,
        event: str = "",
        now: float | None = None,
    ) -> list[str] | None:
        """Upsert the state for each sender scope (or the global one); returns the scopes, or
        None when ``event`` (the provider's message id) was already applied: a retry or a
        replayed old START must not undo a later STOP."""
        ts = time.time() if now is None else now
        r = recipient_key(recipient, self.key)
        scopes = [GLOBAL] if global_ else sorted({scope_key(s, self.key) for s in senders if s})
        async with self.db.transaction() as tx:
            # claimed by inserting it: the same webhook arriving at two instances at once has
            # one winner (a select-then-insert would let both through on PostgreSQL)
            if event and not await tx.execute(
                "INSERT INTO optout_events (provider, event, seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT (provider, event) DO NOTHING",
                provider,
                _event_tag(event),
                ts,
            ):
                return None
            for scope in scopes:
                await tx.execute(
                    "INSERT INTO optouts (recipient, scope, state, provider, rule, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (recipient, scope) DO UPDATE SET state = excluded.state,"
                    " provider = excluded.provider, rule = excluded.rule,"
                    " updated_at = excluded.updated_at, confirmed = 0",
                    r,
                    scope,
                    state,
                    provider,
                    rule,
                    ts,
                )
        return scopes

    async def seen(self, provider: str, event: str) -> bool:
        """Whether this provider message id was already applied."""
        if not event:
            return False
        row = await self.db.fetchrow(
            "SELECT seen_at FROM optout_events WHERE provider = ? AND event = ?",
            provider,
            _event_tag(event),
        )
        return row is not None

    async def status(self, recipient: str, sender: str) -> Status:
        """Whether a send from ``sender`` to ``recipient`` is refused, and by which scope."""
        r = recipient_key(recipient, self.key)
        scopes = [GLOBAL] + ([scope_key(sender, self.key)] if sender.strip() else [])
        marks = ",".join("?" for _ in scopes)
        rows = await self.db.fetch(
            "SELECT scope, state, updated_at, confirmed FROM optouts"
            f" WHERE recipient = ? AND scope IN ({marks})",
            r,
            *scopes,
        )
        if not rows:
            return Status(False, "")
        # newest wins; on a tie 'out' sorts first
        rows.sort(key=lambda row: (-row["updated_at"], row["state"] != OUT))
        latest = rows[0]
        return Status(
            latest["state"] == OUT,
            "global" if latest["scope"] == GLOBAL else "sender",
            latest["scope"],
            float(latest["updated_at"]),
            bool(latest["confirmed"]),
        )

    async def claim_confirmation(
        self, recipient: str, st: Status, window: float, now: float | None = None
    ) -> bool:
        """Use up the single confirmation send allowed within ``window`` seconds of this
        opt-out; True at most once per opt-out, even under concurrent sends."""
        ts = time.time() if now is None else now
        if not st.opted_out or window <= 0 or st.confirmed or ts - st.updated_at > window:
            return False
        changed = await self.db.execute(
            "UPDATE optouts SET confirmed = 1"
            " WHERE recipient = ? AND scope = ? AND updated_at = ? AND confirmed = 0",
            recipient_key(recipient, self.key),
            st.row_scope,
            st.updated_at,
        )
        return changed == 1
