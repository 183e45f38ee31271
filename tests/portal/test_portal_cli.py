"""``phi-proxy keys list|rotate|retire`` and ``portal purge`` against a real store and KEK file;
links stay readable across rotation and nothing readable lands on disk or in the output."""

from __future__ import annotations

import asyncio
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from models.findings import Finding
from proxy.cli import main
from proxy.policy.decide import decide
from proxy.portal.standalone import open_portal
from proxy.settings import load_settings
from proxy.store import open_database
from tests.portal.conftest import DOB, portal_policy
from tests.support import storage

TEXT = "Synthetic: your biopsy shows carcinoma."
FINDINGS = [Finding("CONDITION", 30, 39, 1.0, "test")]


@pytest.fixture
def config(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("PHI_PROXY_KEK", raising=False)
    kek = tmp_path / "kek.hex"
    kek.write_text(os.urandom(32).hex())
    os.chmod(kek, 0o600)
    cfg = tmp_path / "proxy.yaml"
    cfg.write_text(
        f"storage:\n  url: {store_url}\n  data_dir: {tmp_path}/data\n  kek_file: {kek}\n"
    )
    return str(cfg)


def make_link(config: str) -> str:
    async def go() -> str:
        async with open_portal(load_settings(config)) as portal:
            policy = portal_policy()
            issued = portal.prepare(
                text=TEXT,
                findings=FINDINGS,
                decision=decide(TEXT, FINDINGS, policy),
                policy=policy,
                recipients=("+15550100002",),
                dob=DOB,
                delivery=None,
                request_id="cli",
            )
            await portal.store([issued])
            return issued.token

    return asyncio.run(go())


def read(config: str, token: str) -> str | None:
    async def go() -> str | None:
        async with open_portal(load_settings(config)) as portal:
            return (await portal.answer(token, DOB, "test")).text

    return asyncio.run(go())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_rotate_and_retire_keep_links_readable(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = make_link(config)
    code, out = run(capsys, "keys", "list", "--config", config)
    assert code == 0
    (old,) = [line.split()[0] for line in out.splitlines() if line.startswith("dk_")]
    assert "active" in out and "records 1" in out

    code, out = run(capsys, "keys", "rotate", "--no-reencrypt", "--config", config)
    assert code == 0 and "re-encrypted" not in out
    code, out = run(capsys, "keys", "retire", old, "--config", config)
    assert code == 1 and "still protects 1" in out
    assert read(config, token) == TEXT  # old key still decrypts

    code, out = run(capsys, "keys", "rotate", "--config", config)
    assert code == 0 and "re-encrypted 1 record(s)" in out
    code, out = run(capsys, "keys", "list", "--config", config)
    assert f"{old}  decrypt   " in out
    code, out = run(capsys, "keys", "retire", old, "--config", config)
    assert code == 0, out
    assert read(config, token) == TEXT
    code, out = run(capsys, "keys", "list", "--config", config)
    assert f"{old}  retired" in out

    # nothing readable in the store: no text, no date of birth, no token, no KEK
    kek = Path(load_settings(config).storage.kek_file).read_text().strip()
    blob = storage.store_bytes(load_settings(config).storage.url)
    assert old.encode() in blob  # the dump does cover the vault's tables
    for secret in (b"carcinoma", DOB.encode(), token.encode(), kek.encode(), bytes.fromhex(kek)):
        assert secret not in blob


def test_purge_removes_records_past_retention(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    token = make_link(config)
    code, out = run(capsys, "portal", "purge", "--config", config)
    assert (code, out.strip()) == (0, "purged 0 portal record(s)")

    async def age() -> None:
        db = await open_database(load_settings(config).storage.url)
        await db.execute("UPDATE portal_links SET purge_after = 0, expires_at = 0")
        await db.close()

    asyncio.run(age())
    code, out = run(capsys, "portal", "purge", "--config", config)
    assert (code, out.strip()) == (0, "purged 1 portal record(s)")
    assert read(config, token) is None


def test_wrong_kek_is_reported_not_mistaken_for_corruption(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_link(config)
    code, before = run(capsys, "keys", "list", "--config", config)
    monkeypatch.setenv("PHI_PROXY_KEK", "11" * 32)
    code, out = run(capsys, "keys", "rotate", "--config", config)
    assert code == 1 and "wrapped by KEK" in out
    monkeypatch.delenv("PHI_PROXY_KEK")
    code, after = run(capsys, "keys", "list", "--config", config)
    assert after == before  # nothing was changed under the wrong KEK


def test_rewrap_moves_every_data_key_to_a_new_kek(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = make_link(config)
    run(capsys, "keys", "rotate", "--no-reencrypt", "--config", config)  # two live keys
    new = tmp_path / "new-kek.hex"
    new.write_text(os.urandom(32).hex())
    os.chmod(new, 0o600)
    code, out = run(capsys, "keys", "rewrap", "--new-kek-file", str(new), "--config", config)
    assert code == 0 and "re-wrapped 2 data key(s)" in out
    code, out = run(capsys, "keys", "list", "--config", config)
    assert code == 1 and "wrapped by KEK" in out  # the old KEK no longer opens them
    switched = tmp_path / "proxy2.yaml"
    switched.write_text(Path(config).read_text().replace(str(tmp_path / "kek.hex"), str(new)))
    assert read(str(switched), token) == TEXT


def test_scrub_cli_issues_links_in_the_configured_store(
    config: str,
    detector: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("proxy.detection.scrubber.Detector", lambda settings: detector)
    lines = [
        {"id": 1, "text": "Your biopsy results show cancer.", "dob": "03/14/1962"},
        {"id": 2, "text": "Your biopsy results show cancer."},
        {"id": 3, "text": "Reminder: your appointment is on Tuesday."},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(json.dumps(x) + "\n" for x in lines)))
    code, out = run(capsys, "scrub", "--config", config)
    assert code == 0
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["action"] == "portal" and first["portal_token_id"].startswith("pt_")
    assert "cancer" not in first["text"]
    token = first["text"].rsplit("/portal/", 1)[1]
    assert second["action"] == "block" and "date of birth" in second["error"]
    assert second["text"] is None
    assert third["action"] == "allow"
    assert read(config, token) == "Your biopsy results show cancer."
