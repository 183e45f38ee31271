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

Who may undo an opt-out: an opt-in (START) arriving through provider P re-opens a scope only
when every provider holding that scope — or the global scope — 'out' is P itself (or the
``import`` CLI): a provider's signed identity speaks for the messages sent through it, so a
Sinch START cannot undo a Twilio STOP or STOPALL. Opt-outs always apply (revocation is honoured
whichever way it arrives). An 'out' row's ``provider`` column holds every provider that opted
the recipient out of that scope, comma-separated and sorted ("sinch,twilio").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from proxy.audit.log import pseudonym
from proxy.logs import get_logger
from proxy.store import Database
from proxy.store.interface import Tx

Scope = Literal["sender", "global", ""]  # which row decided ("": none)

log = get_logger(__name__)

GLOBAL = "*"
OUT, IN = "out", "in"
#: opt-outs imported from the command line (an earlier system's list): any provider's START
#: may re-open them
IMPORT_PROVIDER = "import"


def _providers(column: str) -> set[str]:
    return {p for p in column.split(",") if p}


_PHONE_CHARS = re.compile(r"[+\d\s().\-]+")


def canonical_digits(number: str) -> str:
    """Digits of a number; a 10-digit NANP national number gets its country code 1, so
    "(555) 010-0001" and "+1 555 010 0001" are one recipient (errs towards matching)."""
    # NFKC and any script's decimal digits as ASCII: "+1555０100777" is "+15550100777"
    # (identical to the old ASCII-only reading for every ASCII number: no pseudonym changes)
    d = "".join(
        str(v)
        for v in (unicodedata.decimal(c, None) for c in unicodedata.normalize("NFKC", number))
        if v is not None
    )
    if len(d) == 10 and d[0] in "23456789":
        d = "1" + d
    return d


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


def _may_reopen(provider: str, owners: set[str]) -> bool:
    return owners <= {provider, IMPORT_PROVIDER}


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
            held = await self._held(tx, r, [*scopes, GLOBAL])
            applied = []
            for scope in scopes:
                owners = held.get(scope, set())
                if state == IN and not _may_reopen(provider, owners | held.get(GLOBAL, set())):
                    continue  # another provider's opt-out: not this provider's to undo
                who = ",".join(sorted(owners | {provider})) if state == OUT else provider
                await tx.execute(
                    "INSERT INTO optouts (recipient, scope, state, provider, rule, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (recipient, scope) DO UPDATE SET state = excluded.state,"
                    " provider = excluded.provider, rule = excluded.rule,"
                    " updated_at = excluded.updated_at, confirmed = 0",
                    r,
                    scope,
                    state,
                    who,
                    rule,
                    ts,
                )
                applied.append(scope)
        return applied

    @staticmethod
    async def _held(tx: Tx, recipient: str, scopes: list[str]) -> dict[str, set[str]]:
        """For each of ``scopes`` held 'out', the providers holding it."""
        marks = ",".join("?" for _ in scopes)
        rows = await tx.fetch(
            f"SELECT scope, provider FROM optouts WHERE recipient = ? AND scope IN ({marks})"
            " AND state = ?",
            recipient,
            *scopes,
            OUT,
        )
        return {row["scope"]: _providers(row["provider"]) for row in rows}

    async def blocked_opt_in(self, recipient: str, senders: Iterable[str], provider: str) -> bool:
        """Whether an opt-in from ``provider`` would re-open none of ``senders``' scopes,
        because other providers hold them (or the global scope) 'out'."""
        scopes = sorted({scope_key(s, self.key) for s in senders if s})
        if not scopes:
            return False
        r = recipient_key(recipient, self.key)
        async with self.db.transaction() as tx:
            held = await self._held(tx, r, [*scopes, GLOBAL])
        glob = held.get(GLOBAL, set())
        return not any(_may_reopen(provider, held.get(s, set()) | glob) for s in scopes)

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
