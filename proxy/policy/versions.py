"""Every policy the proxy loaded or published: its hash, its YAML, who, when and why.

Rows are appended, never changed. The audit log records the version behind every decision, so a
decision can always be traced to the exact text of the rules that made it.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from typing import Any, Literal

from proxy.policy.model import Policy, as_dict
from proxy.store import Database

VersionEvent = Literal["load", "reload", "publish"]


@dataclass(frozen=True)
class VersionRecord:
    id: int
    version: str
    name: str
    mode: str
    event: VersionEvent
    actor: str
    reason: str
    ts: float
    yaml: str

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "mode": self.mode,
            "event": self.event,
            "actor": self.actor,
            "reason": self.reason,
            "ts": self.ts,
        }


class PolicyVersions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, policy: Policy, *, event: str, actor: str, reason: str) -> int:
        async with self.db.transaction() as tx:
            row = await tx.fetchrow(
                "INSERT INTO policy_versions (version, name, mode, event, actor, reason, ts, yaml)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                policy.version,
                policy.name,
                policy.mode,
                event,
                actor,
                reason,
                time.time(),
                policy.text,
            )
        if row is None:
            raise RuntimeError("policy version missing right after it was stored")
        return int(row["id"])

    async def list(self, limit: int = 50, before: int | None = None) -> list[VersionRecord]:
        if before is None:
            rows = await self.db.fetch(
                "SELECT * FROM policy_versions ORDER BY id DESC LIMIT ?", limit
            )
        else:
            rows = await self.db.fetch(
                "SELECT * FROM policy_versions WHERE id < ? ORDER BY id DESC LIMIT ?",
                before,
                limit,
            )
        return [VersionRecord(**r) for r in rows]

    async def latest_live(self) -> VersionRecord | None:
        """The newest policy any worker or instance put live (publish or reload)."""
        row = await self.db.fetchrow(
            "SELECT * FROM policy_versions WHERE event IN ('publish', 'reload')"
            " ORDER BY id DESC LIMIT 1"
        )
        return VersionRecord(**row) if row else None

    async def get(self, ident: int) -> VersionRecord | None:
        row = await self.db.fetchrow("SELECT * FROM policy_versions WHERE id = ?", ident)
        return VersionRecord(**row) if row else None

    async def by_version(self, version: str) -> VersionRecord | None:
        row = await self.db.fetchrow(
            "SELECT * FROM policy_versions WHERE version = ? ORDER BY id DESC LIMIT 1", version
        )
        return VersionRecord(**row) if row else None


def diff_texts(old: str, new: str, old_name: str = "old", new_name: str = "new") -> list[str]:
    """A unified diff of two policy YAML texts, line by line."""
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2
        )
    )


def diff_rules(old: Policy, new: Policy) -> list[dict[str, Any]]:
    """What changed in meaning, setting by setting: name, mode, the default rule, each entity
    type, overrides, custom recognizers and types, each allow-list, each portal setting (the
    notice template included) and each analytics setting. An empty list means the two policies
    behave the same."""
    a, b = as_dict(old), as_dict(new)
    changes: list[dict[str, Any]] = []

    def add(what: str, x: Any, y: Any) -> None:
        if x != y:
            changes.append({"what": what, "old": x, "new": y})

    for key in ("name", "mode", "default"):
        add(key, a[key], b[key])
    for name in sorted(set(a["entities"]) | set(b["entities"])):
        add(f"entities.{name}", a["entities"].get(name), b["entities"].get(name))
    for key in ("overrides", "recognizers", "custom_types"):
        add(key, a[key], b[key])
    for section in ("allow", "portal", "analytics"):
        for key in sorted(set(a[section]) | set(b[section])):
            add(f"{section}.{key}", a[section].get(key), b[section].get(key))
    return changes


# Safe Harbor identifiers: setting one of these to allow lets it leave as written.
IDENTIFIERS = frozenset(
    {
        "PERSON",
        "DATE_OF_BIRTH",
        "PHONE_NUMBER",
        "FAX_NUMBER",
        "EMAIL_ADDRESS",
        "US_SSN",
        "MEDICAL_RECORD_NUMBER",
        "HEALTH_PLAN_ID",
        "ACCOUNT_NUMBER",
        "LICENSE_NUMBER",
        "STREET_ADDRESS",
        "ZIP_CODE",
        "IP_ADDRESS",
        "URL",
        "VEHICLE_ID",
        "DEVICE_ID",
        "AGE_OVER_89",
    }
)
SHORT_EXPIRY_HOURS = 1.0
_STRENGTH = {"allow": 0, "mask": 1, "redact": 1, "portal": 2, "block": 3}


def risks(old: Policy, new: Policy) -> list[str]:
    """Plain-language warnings for changes that let more PHI out or make links unusable: monitor
    mode, an identifier set to allow, a weaker action, a higher score needed to act (fewer
    findings acted on), a very short link expiry, verification switched off, more attempts."""
    out: list[str] = []
    if new.mode == "monitor" and old.mode != "monitor":
        out.append("Monitor mode: every text is forwarded UNCHANGED, PHI included.")
    for name in sorted(set(old.rules) | set(new.rules)):
        ra, rb = old.rules.get(name), new.rules.get(name)
        if rb is None:
            continue
        was = ra.action.label if ra else old.default_action.label
        now = rb.action.label
        if now == "allow" and was != "allow" and name in IDENTIFIERS:
            out.append(f"{name} is set to allow: it leaves as written (a Safe Harbor identifier).")
        elif _STRENGTH.get(now, 0) < _STRENGTH.get(was, 0):
            out.append(f"{name}: {was} weakened to {now}.")
        was_score = ra.min_score if ra else old.default_min_score
        if rb.min_score > was_score:
            out.append(
                f"{name}: the score needed to act rises from {was_score:g} to {rb.min_score:g}; "
                "weaker findings are no longer acted on."
            )
    if new.default_min_score > old.default_min_score:
        out.append(
            f"Default threshold rises from {old.default_min_score:g} to "
            f"{new.default_min_score:g} for every unlisted type."
        )
    if _STRENGTH.get(new.default_action.label, 0) < _STRENGTH.get(old.default_action.label, 0):
        out.append(
            f"Default action weakened from {old.default_action.label} to "
            f"{new.default_action.label}."
        )
    hours = new.portal.expiry_hours
    if hours < SHORT_EXPIRY_HOURS and hours != old.portal.expiry_hours:
        out.append(
            f"Portal links expire after {_duration(hours)}: patients may not open them in time."
        )
    if new.portal.verification == "none" and old.portal.verification != "none":
        out.append("Portal verification off: anyone holding a link can read the message.")
    if new.portal.max_attempts > old.portal.max_attempts:
        out.append(
            f"Portal links allow {new.portal.max_attempts} wrong answers before locking "
            f"(was {old.portal.max_attempts})."
        )
    added = [
        v
        for k in ("names", "phones", "websites", "emails")
        for v in getattr(new.allow, k)
        if v not in getattr(old.allow, k)
    ]
    if added:
        out.append(
            f"{len(added)} value(s) added to the never-PHI allow-lists: check they are "
            "the organization's own."
        )
    if new.analytics.keep_text and not old.analytics.keep_text:
        out.append("Analytics keeps the de-identified text of each message.")
    return out


def _duration(hours: float) -> str:
    seconds = hours * 3600
    if seconds < 120:
        return f"{seconds:g} seconds"
    if seconds < 7200:
        return f"{seconds / 60:g} minutes"
    return f"{hours:g} hours"
