"""Writes the de-identified copy of each proxied message, in the background, best-effort.

The send has already been answered when this runs: a failure here is counted and logged (by
type, never with text), and never reaches the client. Each record is de-identified, scanned
again (when text is kept), and only then written; held-back records leave a row without text.
A bounded number of records may be in flight, so analytics cannot pile up behind live traffic;
records ready together are written in one transaction (group commit), so the store sees one
write per burst rather than one per send.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import Counter as PromCounter

from proxy.analytics import store
from proxy.analytics.deidentifier import Deidentifier
from proxy.analytics.records import SendFacts, message_rows
from proxy.logs import get_logger
from proxy.store import Database, Row
from proxy.tasks import spawn

log = get_logger(__name__)

TASK_PREFIX = "analytics:"
RECORDS = PromCounter(
    "phi_proxy_analytics_records_total",
    "Analytics records by outcome: written, held_back (identifiers left), failed, dropped",
    ["outcome"],
)


@dataclass
class AnalyticsRecorder:
    db: Database
    key: bytes
    deidentifier: Deidentifier
    max_in_flight: int = 256
    max_batch: int = 256
    counters: Counter[str] = field(default_factory=Counter)
    _in_flight: int = 0
    _pending: list[tuple[list[Row], list[Row], int]] = field(default_factory=list)
    _writer: asyncio.Task[None] | None = None

    def count(self, outcome: str, n: int) -> None:
        self.counters[outcome] += n
        RECORDS.labels(outcome).inc(n)

    def submit(self, facts: SendFacts) -> None:
        """Schedule the record for one request (returns at once)."""
        if self._in_flight >= self.max_in_flight:
            self.count("dropped", len(facts.messages))
            log.warning("analytics backlog full: record dropped")
            return
        self._in_flight += 1
        spawn(self._record(facts), name=f"{TASK_PREFIX}{facts.provider}")

    async def _record(self, facts: SendFacts) -> None:
        try:
            keep_text = facts.policy.analytics.keep_text
            results = await self.deidentifier.run(
                [m.text for m in facts.messages],
                facts.policy,
                facts.findings,
                facts.covered,
                verify=keep_text,
            )
            rows, held = message_rows(facts, results, self.key)
        except Exception as e:  # noqa: BLE001 - best-effort: the send already happened
            self._in_flight -= 1
            self.count("failed", len(facts.messages))
            log.error("analytics record failed: %s", type(e).__name__)
            return
        self._pending.append((rows, held, len(facts.messages)))
        if self._writer is None or self._writer.done():
            self._writer = spawn(self._write_pending(), name=f"{TASK_PREFIX}writer")

    async def _write_pending(self) -> None:
        """Group commit: every record ready by now goes in one transaction."""
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            rows = [r for b in batch for r in b[0]]
            held = [h for b in batch for h in b[1]]
            try:
                await store.write(self.db, rows, held)
                self.count("written", len(rows))
                self.count("held_back", len(held))
                if held:
                    log.warning(
                        "analytics: %d record(s) held back after the second scan", len(held)
                    )
            except Exception as e:  # noqa: BLE001 - best-effort: the send already happened
                self.count("failed", sum(n for _, _, n in batch))
                log.error("analytics record failed: %s", type(e).__name__)
            finally:
                self._in_flight -= len(batch)
