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
    """What changed in meaning: per entity type (and override), the old and new rule."""
    a, b = as_dict(old), as_dict(new)
    changes: list[dict[str, Any]] = []
    for key in ("mode", "default"):
        if a[key] != b[key]:
            changes.append({"what": key, "old": a[key], "new": b[key]})
    for name in sorted(set(a["entities"]) | set(b["entities"])):
        ra, rb = a["entities"].get(name), b["entities"].get(name)
        if ra != rb:
            changes.append({"what": f"entities.{name}", "old": ra, "new": rb})
    for key in ("overrides", "recognizers", "allow"):
        if a[key] != b[key]:
            changes.append({"what": key, "old": a[key], "new": b[key]})
    return changes
