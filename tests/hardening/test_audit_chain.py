"""The audit log proves what happened: fields per send, tamper evidence, signed checkpoints that
catch a truncated tail, and retention that purges without breaking verification."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from proxy import appkeys
from proxy.audit.checkpoints import CheckpointSigner, read_jsonl, to_jsonl
from proxy.audit.log import AuditEvent, AuditLog, all_checkpoints, purge, verify
from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.store import open_database
from proxy.tasks import drain
from tests.hardening.conftest import PHI_TEXT, SENDS, form, post
from tests.support import storage


def _tamper(url: str, *sql: str) -> None:
    """Edit the store behind the proxy's back (either backend)."""
    for s in sql:
        storage.execute(url, s)


async def _log(url: str, tmp_path: Path, n: int, every: int = 4) -> tuple[str, CheckpointSigner]:
    db = await open_database(url)
    signer = CheckpointSigner.load("", tmp_path / "keys")
    log = AuditLog(db, signer, every_records=every, every_seconds=3600)
    for i in range(n):
        await log.append(AuditEvent(kind="send", outcome="forwarding", request_id=f"r{i}"))
    await db.close()
    return url, signer


async def _problems(url: str, exported=()) -> list[str]:
    db = await open_database(url)
    try:
        return list((await verify(db, exported)).problems)
    finally:
        await db.close()


async def test_send_record_carries_every_field(make_proxy, upstream_server):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    status, _ = await post(proxy.make_url(SENDS), form(PHI_TEXT))
    assert status == 201
    await drain(AUDIT_RESULT_TASK)  # the send's result is written just after the answer
    rows = await proxy.app[appkeys.STORE].fetch("SELECT * FROM audit_log ORDER BY seq")
    send = json.loads(rows[0]["body"])
    assert rows[0]["kind"] == "send" and rows[0]["ts"] > time.time() - 60
    for field in ("decision_id", "request_id", "provider", "recipient", "action", "outcome"):
        assert send[field], field
    assert send["recipient"].startswith("r_") and send["policy_version"]
    assert {"US_SSN", "PERSON", "EMAIL_ADDRESS"} <= set(send["entity_types"])
    assert "portal_token_id" in send  # empty unless the portal action made a link
    assert json.loads(rows[1]["body"])["details"] == {"upstream_status": 201}


async def test_edit_delete_reorder_are_each_detected(store_url, tmp_path):
    url, _ = await _log(store_url, tmp_path, 6)
    assert await _problems(url) == []
    _tamper(url, "UPDATE audit_log SET body = replace(body, 'r2', 'rX') WHERE seq = 3")
    assert any("edited" in p for p in await _problems(url))
    _tamper(url, "UPDATE audit_log SET body = replace(body, 'rX', 'r2') WHERE seq = 3")
    # reorder: swap the contents of records 4 and 5 (seq kept, so only the chain shows it)
    _tamper(
        url,
        "UPDATE audit_log SET seq = -4 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = -4",
    )
    problems = await _problems(url)
    assert any("prev_hash" in p for p in problems) and any("edited" in p for p in problems)
    _tamper(
        url,
        "UPDATE audit_log SET seq = -4 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = -4",
    )
    assert await _problems(url) == []
    _tamper(url, "DELETE FROM audit_log WHERE seq = 2")
    assert any("missing" in p for p in await _problems(url))


async def test_checkpoints_are_signed_every_n_records(store_url, tmp_path):
    url, signer = await _log(store_url, tmp_path, 10, every=4)
    db = await open_database(url)
    cps = await all_checkpoints(db)
    await db.close()
    assert [c.seq for c in cps] == [1, 5, 9]  # the first record, then every 4
    assert all(c.valid({signer.public_key}) for c in cps)
    forged = cps[0].__class__(**{**cps[0].__dict__, "hash": "0" * 64})
    assert not forged.valid()
    other = CheckpointSigner.from_seed(b"\x01" * 32)
    assert not cps[0].valid({other.public_key})  # a checkpoint under an untrusted key


async def test_checkpoints_are_signed_every_t_seconds(store_url, tmp_path):
    db = await open_database(store_url)
    log = AuditLog(db, CheckpointSigner.load("", tmp_path), every_records=1000, every_seconds=0.2)
    await log.append(AuditEvent(kind="send", outcome="x"))
    await log.append(AuditEvent(kind="send", outcome="x"))
    time.sleep(0.25)
    await log.append(AuditEvent(kind="send", outcome="x"))
    assert [c.seq for c in await all_checkpoints(db)] == [1, 3]
    await log.append(AuditEvent(kind="send", outcome="x"))
    assert (await log.checkpoint()).seq == 4  # the ticker signs a quiet tail
    assert await log.checkpoint() is None  # and nothing when there is nothing new
    await db.close()


async def test_truncation_is_caught_only_with_exported_checkpoints(store_url, tmp_path):
    url, _ = await _log(store_url, tmp_path, 12, every=5)
    db = await open_database(url)
    await AuditLog(db, CheckpointSigner.load("", tmp_path / "keys")).checkpoint()
    exported = read_jsonl(_write(tmp_path / "cp.jsonl", await all_checkpoints(db)))
    await db.close()
    assert exported[-1].seq == 12
    # Cut the tail cleanly, checkpoints included: the chain itself still looks perfect.
    _tamper(
        url, "DELETE FROM audit_log WHERE seq > 9", "DELETE FROM audit_checkpoints WHERE seq > 9"
    )
    assert await _problems(url) == []
    problems = await _problems(url, exported)
    assert problems == [  # checkpoints at 1, 6, 11 (every 5) and 12 (signed at export)
        "exported checkpoint at seq 11: the log ends at seq 9 (truncated)",
        "exported checkpoint at seq 12: the log ends at seq 9 (truncated)",
    ]


async def test_rewritten_chain_is_caught_by_checkpoints(store_url, tmp_path):
    """An attacker with write access can recompute every hash after an edit; the signatures
    (key not in the database) still catch it."""
    from proxy.audit.log import _hash

    url, _ = await _log(store_url, tmp_path, 6, every=2)
    db = await open_database(url)
    rows = await db.fetch("SELECT * FROM audit_log ORDER BY seq")
    rows[2]["body"] = rows[2]["body"].replace("r2", "rZ")
    prev = rows[1]["hash"]
    for r in rows[2:]:
        r["prev_hash"] = prev
        r["hash"] = prev = _hash(prev, r["seq"], r["event_id"], r["ts"], r["kind"], r["body"])
        await db.execute(
            "UPDATE audit_log SET body=?, prev_hash=?, hash=? WHERE seq=?",
            r["body"],
            r["prev_hash"],
            r["hash"],
            r["seq"],
        )
    await db.close()
    problems = await _problems(url)
    assert problems and all("rewritten" in p for p in problems)


def _write(path: Path, cps) -> Path:
    path.write_text("".join(line + "\n" for line in to_jsonl(cps)))
    return path


async def test_retention_purge_keeps_the_rest_verifiable(store_url, tmp_path):
    url = store_url
    db = await open_database(url)
    signer = CheckpointSigner.load("", tmp_path)
    log = AuditLog(db, signer, every_records=3, every_seconds=3600)
    for i in range(9):
        await log.append(AuditEvent(kind="send", outcome="x", request_id=f"r{i}"))
    exported = await all_checkpoints(db)
    # Purge as of a day when only the first five records are past a 1-day retention.
    ts6 = (await db.fetchrow("SELECT ts FROM audit_log WHERE seq = 6"))["ts"]
    report = await purge(db, signer, retention_days=1, now=ts6 + 86400)
    assert report.purged == 5 and report.anchor_seq == 5
    rep = await verify(db, exported)
    assert rep.ok, rep.problems
    assert (rep.first_seq, rep.records, rep.checkpoints_checked) == (6, 4, 2 * len(exported) + 1)
    await db.close()


async def test_purge_then_verify_clean_and_forged_anchor_caught(store_url, tmp_path):
    url = store_url
    db = await open_database(url)
    signer = CheckpointSigner.load("", tmp_path)
    log = AuditLog(db, signer, every_records=2, every_seconds=3600)
    for _ in range(6):
        await log.append(AuditEvent(kind="send", outcome="x"))
    future = time.time() + 10 * 86400
    report = await purge(db, signer, retention_days=7, now=future - 4 * 86400)
    assert report.purged == 0  # nothing old enough
    report = await purge(db, signer, retention_days=7, now=future)
    assert report.purged == 6 and report.anchor_seq == 6
    await log.append(AuditEvent(kind="send", outcome="after purge"))
    rep = await verify(db)
    assert rep.ok, rep.problems
    assert (rep.first_seq, rep.last_seq) == (7, 7)
    await db.close()
    _tamper(url, "UPDATE audit_checkpoints SET seq = 5 WHERE kind = 'anchor'")
    assert any("anchor" in p for p in await _problems(url))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "proxy", "audit", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )


async def test_cli_verify_export_and_truncation(store_url, tmp_path):
    url, _ = await _log(store_url, tmp_path, 7, every=3)
    config = tmp_path / "proxy.yaml"
    config.write_text(f"storage:\n  url: {url}\n  data_dir: {tmp_path / 'keys'}\n")
    ok = _cli("verify", "--config", str(config), cwd=tmp_path)
    assert ok.returncode == 0 and "OK: 7 records" in ok.stdout
    out = tmp_path / "cps.jsonl"
    ex = _cli("checkpoint", "export", "--config", str(config), "--out", str(out), cwd=tmp_path)
    assert ex.returncode == 0, ex.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[-1]["seq"] == 7 and all(len(x["public_key"]) == 64 for x in lines)
    _tamper(url, "DELETE FROM audit_log WHERE seq >= 6", "DELETE FROM audit_checkpoints")
    bad = _cli("verify", "--config", str(config), "--checkpoints", str(out), cwd=tmp_path)
    assert bad.returncode == 1
    assert "PROBLEM exported checkpoint at seq 7: the log ends at seq 5 (truncated)" in bad.stdout
    _tamper(url, "UPDATE audit_log SET kind = 'other' WHERE seq = 2")
    worse = _cli("verify", "--config", str(config), cwd=tmp_path)
    assert worse.returncode == 1 and "seq 2: content does not match its hash" in worse.stdout


def test_signing_key_from_env_and_file(tmp_path, monkeypatch):
    seed = "11" * 32
    monkeypatch.setenv("PHI_PROXY_AUDIT_SIGNING_KEY", seed)
    a = CheckpointSigner.load("", tmp_path)
    assert not (tmp_path / "audit_signing.key").exists()
    f = tmp_path / "k.hex"
    f.write_text(seed)
    assert CheckpointSigner.load(str(f), tmp_path / "x").public_key == a.public_key
    monkeypatch.delenv("PHI_PROXY_AUDIT_SIGNING_KEY")
    generated = CheckpointSigner.load("", tmp_path / "gen")
    key_file = tmp_path / "gen" / "audit_signing.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert CheckpointSigner.load("", tmp_path / "gen").public_key == generated.public_key
    f.write_text("zz")
    with pytest.raises(Exception, match="not hex"):
        CheckpointSigner.load(str(f), tmp_path)


async def test_cli_purge_leaves_a_verifiable_log(store_url, tmp_path):
    url, _ = await _log(store_url, tmp_path, 5, every=2)
    config = tmp_path / "proxy.yaml"
    config.write_text(f"storage:\n  url: {url}\n  data_dir: {tmp_path / 'keys'}\n")
    kept = _cli("purge", "--config", str(config), cwd=tmp_path)  # default: six years
    assert kept.returncode == 0 and "purged 0 audit records" in kept.stdout
    time.sleep(0.05)
    gone = _cli("purge", "--config", str(config), "--retention-days", "0.0000001", cwd=tmp_path)
    assert gone.returncode == 0 and "purged 5 audit records" in gone.stdout
    assert "anchor at seq 5" in gone.stdout
    ok = _cli("verify", "--config", str(config), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    assert "0 records (seq 6..5)" in ok.stdout
