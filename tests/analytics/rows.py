"""Analytics rows written straight to a real SQLite store, for export and summary tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from proxy.analytics import store
from proxy.store import Database


def row(when: datetime, action: str = "redact", **extra: Any) -> dict[str, Any]:
    ts = when.replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
    base = {
        "id": uuid.uuid4().hex,
        "decision_id": uuid.uuid4().hex,
        "ts": ts.timestamp(),
        "day": ts.date().isoformat(),
        "provider": "twilio",
        "action": action,
        "enforce_action": action,
        "policy_version": "abc123",
        "entity_types": json.dumps(["PERSON"]),
        "entity_counts": json.dumps({"PERSON": 1}),
        "condition_classes": json.dumps([]),
        "medication_classes": json.dumps(["biguanide"]),
        "encoding": "GSM-7",
        "segments": 1,
        "sender": "r_sender",
        "recipient": "r_recipient",
        "upstream_status": 201,
        "delivery_status": "accepted",
        "text": "Hi [NAME], see you in 2026.",
    }
    return base | extra


async def put(db: Database, *rows: dict[str, Any]) -> None:
    await store.write(db, list(rows), [])
