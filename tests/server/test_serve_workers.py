"""`phi-proxy serve --workers 2` as a real process: both workers answer, SIGTERM drains in-flight
sends, /metrics aggregates the workers, and `db upgrade` migrates."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.support.fakes import RecordingUpstream
from tests.support.proxy import SENDS

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_port_pair() -> int:
    """A free port whose next port is free too (``serve --sandbox`` puts the sandbox there)."""
    while True:
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


async def wait_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace")[-3000:] if proc.stdout else ""
            raise RuntimeError(f"serve exited early with {proc.returncode}:\n{out}")
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"port {port} did not open")


@pytest.mark.slow
async def test_workers_serve_drain_on_sigterm_and_export_metrics(
    aiohttp_server, tmp_path, store_url
):
    upstream = RecordingUpstream(delay=1.5)
    up = await aiohttp_server(upstream.app())
    port, metrics_port = free_port(), free_port()
    config = tmp_path / "proxy.yaml"
    config.write_text(
        f"storage:\n  url: {store_url}\n  data_dir: {tmp_path}\npolicy: {ROOT}/config/policy.yaml\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(port),
         "--workers", "2", "--metrics-port", str(metrics_port),
         "--upstream", f"twilio={up.make_url('')}".rstrip("/")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await wait_port(port, proc)
        data = urlencode(
            {
                "To": "+15550100001",
                "From": "+15550109999",
                "Body": "Hi Maria Lopez, see you Tuesday.",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        async with aiohttp.ClientSession() as s:

            async def send() -> int:
                async with s.post(
                    f"http://127.0.0.1:{port}{SENDS}", data=data, headers=headers
                ) as r:
                    return r.status

            in_flight = [asyncio.create_task(send()) for _ in range(4)]
            while len(upstream.requests) < 4:  # all four are now waiting on the slow upstream
                await asyncio.sleep(0.05)
            async with s.get(f"http://127.0.0.1:{metrics_port}/metrics") as r:
                text = await r.text()
            assert 'phi_proxy_decisions_total{action="redact"} 4.0' in text
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.gather(*in_flight) == [201, 201, 201, 201]
        assert await asyncio.to_thread(proc.wait, 30) == 0
        assert all(b"Maria" not in r.body for r in upstream.requests)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_db_upgrade_applies_pending_migrations(empty_store_url):
    url = empty_store_url
    run = [sys.executable, "-m", "proxy", "db", "upgrade", "--url", url]
    first = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "0002_audit_log" in json.loads(first.stdout)["applied"]
    second = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(second.stdout)["applied"] == []
