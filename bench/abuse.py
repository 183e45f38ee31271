"""Abuse benchmark: legitimate sends while a hostile client sends pathological texts.

Starts the sandbox provider and ``phi-proxy serve`` (real detector in its child process) as
real processes. A legitimate client offers ordinary texts open-loop at ``--rate`` msg/s: first
directly to the sandbox (the baseline), then through the proxy alone, then through the proxy
while a hostile client (another credential) sends pathological texts continuously, closed-loop
with ``--hostile-concurrency`` connections: digit runs at the provider's length limit
("1" * 1600, "1 " * 800, "12-" * 533), over-long runs ("1" * 20000), lone surrogates, invalid
UTF-8. The per-client rate limit is off, so only the detector's fair share protects the
legitimate client (the worst case).

Reports the legitimate client's p50/p95/p99 latency in each phase, the p99 it adds over the
direct baseline, how many of its sends were refused (anything but 201 / a policy's 400), and
what the hostile client got.

    .venv/bin/python bench/abuse.py --rate 20 --seconds 20
    .venv/bin/python bench/abuse.py --proxy-root /path/to/other/checkout   # same bench, old code
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import PATH, free_port, load_texts, pct, wait_port  # noqa: E402

LEGIT_AUTH = "Basic eDp5"  # x:y
HOSTILE_AUTH = "Basic aG9zdGlsZTpwdw=="  # hostile:pw
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def hostile_bodies() -> list[bytes]:
    def form(text: str) -> bytes:
        return urlencode({"To": "+15550100002", "From": "+15550109999", "Body": text}).encode()

    return [
        form("1" * 1600),
        form("1 " * 800),
        form("12-" * 533),
        form("1" * 20000),
        form("1 " * 15000),
        form("12-" * 10000),
        b"To=%2B15550100002&From=%2B15550109999&Body=hi+%ED%A0%80+there",  # a lone surrogate
        b"To=%2B15550100002&From=%2B15550109999&Body=caf%E9" + b"1" * 1000,
    ]


async def legit(url: str, texts: list[str], rate: float, seconds: float) -> dict[str, float]:
    """Open-loop: send i starts at t0 + i/rate, whatever the earlier ones are doing."""
    n = int(rate * seconds)
    latencies: list[float] = []
    statuses: collections.Counter[int] = collections.Counter()
    headers = {**FORM, "Authorization": LEGIT_AUTH}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:

        async def one(i: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            body = urlencode(
                {"To": "+15550100001", "From": "+15550109999", "Body": texts[i % len(texts)]}
            )
            start = time.perf_counter()
            try:
                async with s.post(url, data=body, headers=headers) as r:
                    await r.read()
                    statuses[r.status] += 1
            except aiohttp.ClientError:
                statuses[0] += 1
            latencies.append((time.perf_counter() - start) * 1000)

        t0 = time.perf_counter() + 0.2
        await asyncio.gather(*(one(i, t0 + i / rate) for i in range(n)))
    refused = sum(c for st, c in statuses.items() if st not in (201, 400))
    return {
        "sent": n,
        "p50_ms": pct(latencies, 0.50),
        "p95_ms": pct(latencies, 0.95),
        "p99_ms": pct(latencies, 0.99),
        "max_ms": max(latencies),
        "refused": refused,
        "statuses": dict(statuses),
    }


async def hostile(url: str, concurrency: int, stop: asyncio.Event) -> collections.Counter[int]:
    bodies = hostile_bodies()
    got: collections.Counter[int] = collections.Counter()
    headers = {**FORM, "Authorization": HOSTILE_AUTH}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:

        async def loop(k: int) -> None:
            i = k
            while not stop.is_set():
                try:
                    async with s.post(url, data=bodies[i % len(bodies)], headers=headers) as r:
                        await r.read()
                        got[r.status] += 1
                except aiohttp.ClientError:
                    got[0] += 1
                i += concurrency

        await asyncio.gather(*(loop(k) for k in range(concurrency)))
    return got


async def under_attack(
    proxy_url: str, texts: list[str], args: argparse.Namespace
) -> tuple[dict[str, float], collections.Counter[int]]:
    stop = asyncio.Event()
    attack = asyncio.create_task(hostile(proxy_url, args.hostile_concurrency, stop))
    await asyncio.sleep(args.attack_lead)  # the attack is in full swing before measuring
    result = await legit(proxy_url, texts, args.rate, args.seconds)
    stop.set()
    return result, await attack


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rate", type=float, default=20, help="legitimate sends per second")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--hostile-concurrency", type=int, default=4)
    ap.add_argument("--attack-lead", type=float, default=3.0)
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus" / "dev.jsonl")
    ap.add_argument("--proxy-root", type=Path, default=ROOT, help="checkout whose proxy to run")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    texts = [t for t in load_texts(args.corpus) if len(t) <= 1600]
    sandbox_port, proxy_port = free_port(), free_port()
    tmp = Path(tempfile.mkdtemp(prefix="phi-abuse-"))
    config = tmp / "proxy.yaml"
    config.write_text(
        f"storage:\n  url: sqlite:///{tmp}/p.sqlite3\n  data_dir: {tmp}\n"
        # required by serve since the portal/webhook URL check (this machine, the served port)
        f"server:\n  public_base_url: http://127.0.0.1:{proxy_port}\n"
        "limits:\n  rate_limit_enabled: false\n"
        "detection:\n  isolate: true\n"
        f"policy: {ROOT}/config/policy.yaml\n"
    )
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp),
        "PYTHONPATH": str(args.proxy_root),
    }
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "proxy", "sandbox", "--port", str(sandbox_port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proxy = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(proxy_port),
         "--workers", "1", "--log-level", "WARNING",
         "--upstream", f"twilio=http://127.0.0.1:{sandbox_port}"],
        cwd=args.proxy_root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_port(sandbox_port)
        wait_port(proxy_port)
        direct_url = f"http://127.0.0.1:{sandbox_port}{PATH}"
        proxy_url = f"http://127.0.0.1:{proxy_port}{PATH}"
        asyncio.run(legit(proxy_url, texts, 10, 2))  # warm-up
        direct = asyncio.run(legit(direct_url, texts, args.rate, args.seconds))
        alone = asyncio.run(legit(proxy_url, texts, args.rate, args.seconds))
        attacked, hostile_got = asyncio.run(under_attack(proxy_url, texts, args))
    finally:
        for p in (proxy, sandbox):
            p.send_signal(signal.SIGTERM)
        for p in (proxy, sandbox):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
    print(
        f"proxy={args.proxy_root} legit rate={args.rate}/s for {args.seconds} s;"
        f" hostile: {args.hostile_concurrency} connections, closed loop"
    )
    print(f"{'phase':<22} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8} {'refused':>8}")
    for name, r in (("direct (baseline)", direct), ("proxy, alone", alone),
                    ("proxy, under attack", attacked)):  # fmt: skip
        print(
            f"{name:<22} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f}"
            f" {r['max_ms']:>8.1f} {r['refused']:>8d}"
        )
    added = attacked["p99_ms"] - direct["p99_ms"]
    print(f"legitimate p99 added under attack: {added:.1f} ms (target <= 100 ms, none refused)")
    print(f"legitimate statuses under attack: {attacked['statuses']}")
    print(f"hostile client got: {dict(hostile_got)} ({sum(hostile_got.values())} requests)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "direct": direct,
                    "alone": alone,
                    "attacked": attacked,
                    "added_p99_ms": added,
                    "hostile": dict(hostile_got),
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
