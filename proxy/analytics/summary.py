"""Figures for the console, as plain dicts: texts per day by action, top entity types,
held-back records, opt-outs and portal links opened (the last two from the audit log)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from proxy.analytics import store
from proxy.analytics.export import day_bounds
from proxy.store import Database


async def console_summary(db: Database, since: date, until: date, top: int = 10) -> dict[str, Any]:
    lo, hi = day_bounds(since, until)
    per_day: dict[str, dict[str, int]] = {}
    for r in await db.fetch(
        "SELECT day, action, COUNT(*) AS n FROM analytics_messages WHERE ts >= ? AND ts < ?"
        " GROUP BY day, action ORDER BY day, action",
        lo,
        hi,
    ):
        per_day.setdefault(r["day"], {})[r["action"]] = int(r["n"])
    types: Counter[str] = Counter()
    async for r in db.stream(
        "SELECT entity_counts FROM analytics_messages WHERE ts >= ? AND ts < ?", lo, hi
    ):
        types.update(json.loads(r["entity_counts"]))
    audit: Counter[str] = Counter()
    for r in await db.fetch(
        "SELECT kind, COUNT(*) AS n FROM audit_log WHERE ts >= ? AND ts < ?"
        " AND (kind LIKE 'optout%' OR kind = 'portal.view') GROUP BY kind",
        lo,
        hi,
    ):
        audit[r["kind"]] = int(r["n"])
    optouts = {k: n for k, n in sorted(audit.items()) if k.startswith("optout")}
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "texts_per_day": per_day,
        "texts": sum(sum(v.values()) for v in per_day.values()),
        "top_entity_types": [{"type": t, "count": n} for t, n in types.most_common(top)],
        "held_back": await store.held_back_count(db, lo, hi),
        "optouts": {"total": sum(optouts.values()), "by_kind": optouts},
        "portal_links_opened": audit.get("portal.view", 0),
    }
