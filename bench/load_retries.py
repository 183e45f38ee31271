"""Load with client retries: are any sends lost or doubled? (Not a timed test; a bench script.)

Starts a recording upstream in this process and ``phi-proxy serve`` (the real CLI, real spaCy
detector unless ``--fake-detector``) as a subprocess in front of it, then pushes ``--messages``
texts through it from ``--clients`` concurrent workers. Each message has its own
``Idempotency-Key``; a worker retries the same key after a client timeout (``--client-timeout``,
shorter than some upstream answers: ``--slow-share`` of them take ``--slow-ms``), a dropped
connection, a 503 (the proxy's backpressure), 429 or 409. At the end it counts, per key, how many
times the upstream received it: 0 = lost, >1 = doubled — both must be 0 — and checks that no
planted PHI reached the upstream and that the audit chain verifies.

    .venv/bin/python bench/load_retries.py --messages 10000
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "AC" + "7" * 32
SENDS = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
TEMPLATES = [
    "Hi {name}, your appointment is Tuesday at 3pm.",
    "Reminder: bring your insurance card. Reply STOP to opt out.",
    "Patient SSN {ssn} on file, please confirm.",
    "Call me back at {phone} about the form.",
    "Your lab portal login is {email}.",
    "MRN {mrn}: paperwork received, thank you.",
    "See you tomorrow at the Lakeview clinic.",
]
NAMES = ["Maria Lopez", "Zebulon Quattlebaum", "Quillon Vantasner", "Ruth Ellis"]


def message(i: int) -> tuple[str, list[str]]:
    """A synthetic text and the PHI values planted in it."""
    rng = random.Random(i)
    t = TEMPLATES[i % len(TEMPLATES)]
    values = {
        "name": rng.choice(NAMES),
        "ssn": f"9{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}",
        "phone": f"(212) 555-01{rng.randrange(10, 99)}",
        "email": f"user{i}@example.org",
        "mrn": str(rng.randrange(10_000_000, 99_999_999)),
    }
    planted = [v for k, v in values.items() if "{" + k + "}" in t]
    return t.format(**values), planted


class Upstream:
    def __init__(self, slow_share: float, slow_ms: float) -> None:
        self.count: collections.Counter[str] = collections.Counter()
        self.leaks = 0
        self.rng = random.Random(7)
        self.slow_share, self.slow_ms = slow_share, slow_ms

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        key = request.headers.get("Idempotency-Key", "")
        self.count[key] += 1
        body = str(form.get("Body", ""))
        i = int(key.rsplit("-", 1)[1]) if key.startswith("load-") else -1
        if i >= 0:
            digits = re.sub(r"\D", "", body)
            for v in message(i)[1]:
                if v.lower() in body.lower() or (
                    sum(c.isdigit() for c in v) >= 7 and re.sub(r"\D", "", v) in digits
                ):
                    self.leaks += 1
        if self.rng.random() < self.slow_share:
            await asyncio.sleep(self.slow_ms / 1000)
        else:
            await asyncio.sleep(self.rng.random() * 0.01)
        return web.json_response(
            {"sid": "SM" + key[-32:].rjust(32, "0"), "status": "queued"}, status=201
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=40)
    ap.add_argument("--client-timeout", type=float, default=1.0)
    ap.add_argument("--slow-share", type=float, default=0.03)
    ap.add_argument("--slow-ms", type=float, default=1500)
    ap.add_argument("--max-concurrent", type=int, default=48, help="proxy's backpressure limit")
    ap.add_argument("--max-attempts", type=int, default=200)
    ap.add_argument("--fake-detector", action="store_true", help="skip spaCy (faster)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args()

    up = Upstream(args.slow_share, args.slow_ms)
    app = web.Application()
    app.router.add_post(SENDS, up.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    up_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", up_port).start()

    tmp = Path(tempfile.mkdtemp(prefix="phi-load-"))
    port = free_port()
    config = tmp / "proxy.yaml"
    config.write_text(
        f"""
server: {{host: 127.0.0.1, port: {port}, max_concurrent_requests: {args.max_concurrent}}}
limits: {{rate_limit_enabled: false}}
upstream: {{urls: {{twilio: "http://127.0.0.1:{up_port}"}}, timeout_seconds: 10}}
storage: {{url: "sqlite:///{tmp}/load.sqlite3", data_dir: "{tmp}"}}
idempotency: {{wait_seconds: 10}}
policy: {ROOT / "config" / "policy.yaml"}
"""
    )
    cmd = [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--log-level", "ERROR"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.fake_detector:
        cmd = [sys.executable, "-c", _FAKE_SERVE, str(config)]
    proxy = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(base, proxy)
        stats = await _push(base, args)
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        await runner.cleanup()

    # lost: the upstream never got it (whether or not the client was told 2xx); the client gives
    # up only after --max-attempts, which is reported as a non-2xx final status.
    lost = [k for k in stats["keys"] if up.count[k] == 0]
    doubled = [k for k in stats["keys"] if up.count[k] > 1]
    verify = subprocess.run(
        [sys.executable, "-m", "proxy", "audit", "verify", "--config", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    report = {
        "messages": args.messages,
        "seconds": round(stats["seconds"], 1),
        "sends_per_second": round(args.messages / stats["seconds"], 1),
        "attempts": stats["attempts"],
        "client_retries": stats["attempts"] - args.messages,
        "retry_reasons": dict(stats["reasons"]),
        "idempotent_replays": stats["replays"],
        "final_status": dict(stats["final"]),
        "upstream_received": sum(up.count.values()),
        "lost": len(lost),
        "doubled": len(doubled),
        "phi_reached_upstream": up.leaks,
        "audit_verify": verify.stdout.strip().splitlines()[-1] if verify.stdout else verify.stderr,
    }
    print(json.dumps(report, indent=2))
    if args.keep:
        print(f"data kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = not lost and not doubled and up.leaks == 0 and verify.returncode == 0
    print("RESULT:", "OK (0 lost, 0 doubled)" if ok else "FAILED")
    return 0 if ok else 1


async def _wait_ready(base: str, proxy: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            if proxy.poll() is not None:
                raise SystemExit("phi-proxy serve exited during start-up")
            try:
                async with s.get(base + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise SystemExit("phi-proxy did not become ready")


async def _push(base: str, args: argparse.Namespace) -> dict:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(args.messages):
        queue.put_nowait(i)
    reasons: collections.Counter[str] = collections.Counter()
    final: collections.Counter[int] = collections.Counter()
    counters = {"attempts": 0, "replays": 0}
    keys: list[str] = []
    timeout = aiohttp.ClientTimeout(total=args.client_timeout)
    connector = aiohttp.TCPConnector(limit=args.clients)
    headers_base = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "Basic bG9hZDpsb2Fk",
    }

    async def worker(s: aiohttp.ClientSession) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            key = f"load-{i}"
            keys.append(key)
            text, _ = message(i)
            body = urlencode(
                {"To": f"+1212555{i % 10000:04d}", "From": "+15550109999", "Body": text}
            )
            headers = {**headers_base, "Idempotency-Key": key}
            status = 0
            for attempt in range(args.max_attempts):
                counters["attempts"] += 1
                try:
                    async with s.post(
                        base + SENDS, data=body, headers=headers, timeout=timeout
                    ) as r:
                        status = r.status
                        await r.read()
                        if r.headers.get("Idempotent-Replayed"):
                            counters["replays"] += 1
                except TimeoutError:
                    reasons["client timeout"] += 1
                    status = 0
                except aiohttp.ClientError as e:
                    reasons[type(e).__name__] += 1
                    status = 0
                if status in (0, 409, 429, 503):
                    if status:
                        reasons[f"http {status}"] += 1
                    await asyncio.sleep(min(1.0, 0.02 * 2**attempt) * (0.5 + random.random()))
                    continue
                break
            final[status] += 1

    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector) as s:
        await asyncio.gather(*(worker(s) for _ in range(args.clients)))
    return {
        "seconds": time.monotonic() - started,
        "reasons": reasons,
        "final": final,
        "keys": keys,
        **counters,
    }


# A stand-in for `phi-proxy serve` with a regex-only detector (no spaCy), for quick runs.
_FAKE_SERVE = r"""
import re, sys
from aiohttp import web
from models.findings import Finding
from proxy.app import create_app
from proxy.outbound.limits import server_handler_args
from proxy.policy.parse import load_policy
from proxy.settings import load_settings
PAT = re.compile(r"\b9\d\d-\d\d-\d{4}\b|\(\d{3}\) \d{3}-\d{4}|\S+@\S+|\b\d{8}\b|Maria Lopez|"
                 r"Zebulon Quattlebaum|Quillon Vantasner|Ruth Ellis")
class Fake:
    def detect(self, texts, entities=None):
        return [[Finding("PERSON", m.start(), m.end(), 0.99, "fake") for m in PAT.finditer(t)]
                for t in texts]
s = load_settings(sys.argv[1])
app = create_app(s, policy=load_policy(s.policy_path), detector=Fake())
web.run_app(app, host=s.server.host, port=s.server.port, access_log=None, print=None,
            **server_handler_args(s))
"""

if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
