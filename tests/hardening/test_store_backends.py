"""Audit checkpoints, retention and idempotency claims on both backends (SQLite, PostgreSQL),
including two instances racing for one idempotency key on a shared database."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from proxy.audit.checkpoints import CheckpointSigner
from proxy.audit.log import AuditEvent, AuditLog, all_checkpoints, purge, verify
from proxy.outbound.idempotency import Claim, IdempotencyStore, Stored
from proxy.store import open_database


async def test_checkpoints_purge_and_verify(db_url, tmp_path):
    db = await open_database(db_url)
    try:
        signer = CheckpointSigner.load("", tmp_path)
        log = AuditLog(db, signer, every_records=3, every_seconds=3600)
        await asyncio.gather(*(log.append(AuditEvent(kind="send", outcome="x")) for _ in range(7)))
        for _ in range(3):
            await log.append(AuditEvent(kind="send", outcome="y"))
        exported = await all_checkpoints(db)
        assert exported and all(cp.valid({signer.public_key}) for cp in exported)
        assert (await verify(db, exported)).ok
        report = await purge(db, signer, retention_days=1, now=time.time() + 2 * 86400)
        assert report.purged == 10
        await log.append(AuditEvent(kind="send", outcome="after"))
        rep = await verify(db, exported)
        assert rep.ok, rep.problems
        assert (rep.first_seq, rep.last_seq) == (11, 11)
    finally:
        await db.close()


async def test_two_instances_race_for_one_key(db_url):
    first_db = await open_database(db_url)
    second_db = await open_database(db_url)
    try:
        a = IdempotencyStore(first_db, ttl=3600, wait=5)
        b = IdempotencyStore(second_db, ttl=3600, wait=5)
        tasks = [asyncio.create_task(s.begin("twilio:x", "k", "fp")) for s in (a, b, a, b)]
        await asyncio.sleep(0.3)
        done = [t for t in tasks if t.done()]
        assert len(done) == 1  # one claim; the three duplicates are waiting for its answer
        claim = done[0].result()
        assert isinstance(claim, Claim)
        await a.complete(claim, web.json_response({"sid": "SM1"}, status=201))
        results = await asyncio.gather(*tasks)
        stored = [r for r in results if isinstance(r, Stored)]
        assert len(stored) == 3 and all(r.status == 201 for r in stored)
    finally:
        await first_db.close()
        await second_db.close()
