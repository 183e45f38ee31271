"""Load benchmark: messages/second and added latency of the proxy at fixed offered rates.

Starts the sandbox provider and ``phi-proxy serve --workers N`` as real processes, then offers
texts open-loop (a send is started on schedule whether or not earlier ones finished) first
directly to the sandbox and then through the proxy. Reports achieved msg/s and p50/p95/p99 latency
of both, the difference (the latency the proxy adds), errors, and RSS per worker.

    .venv/bin/python bench/load.py --rates 50 200 500 --seconds 10 --workers 1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "AC" + "1" * 32
PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
FALLBACK = [
    "Reminder: your appointment with Dr. Patel is Tuesday at 3:15 PM.",
    "Hi Maria Lopez, your prescription is ready for pickup.",
    "Your lab results are available in the portal.",
    "Hi Tom, please call us at (555) 010-4400 about your bill.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_texts(path: Path) -> list[str]:
    if not path.exists():
        return FALLBACK
    return [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]


def wait_port(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} did not open")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def offer(
    url: str,
    texts: list[str],
    rate: float,
    seconds: float,
    warmup: float = 0.0,
    pids: dict[str, list[int]] | None = None,
) -> dict[str, float]:
    """Open-loop: request i starts at t0 + i/rate. The first ``warmup`` seconds run at the same
    rate on the same connections but are not measured (connection set-up is not steady state).

    With ``pids`` (name → processes), also reports each group's CPU milliseconds per measured
    send, so a change can be judged by the work it saves rather than by noisy percentiles."""
    skip = int(rate * warmup)
    n = skip + int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic eDp5"}
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as s:

        async def one(i: int, at: float) -> None:
            nonlocal errors
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = urlencode(
                {"To": "+15550100001", "From": "+15550109999", "Body": texts[i % len(texts)]}
            )
            start = time.perf_counter()
            ok = True
            try:
                async with s.post(url, data=body, headers=headers) as r:
                    await r.read()
                    ok = r.status in (201, 400)  # 400 = blocked by policy, a valid answer
            except aiohttp.ClientError:
                ok = False
            if i >= skip:
                errors += not ok
                latencies.append((time.perf_counter() - start) * 1000)

        t0 = time.perf_counter() + 0.2
        measured = t0 + skip / rate
        cpu_before: dict[str, float] = {}

        async def snapshot() -> None:
            await asyncio.sleep(max(0.0, measured - time.perf_counter()))
            cpu_before.update(cpu_now(pids or {}))

        await asyncio.gather(snapshot(), *(one(i, t0 + i / rate) for i in range(n)))
        elapsed = time.perf_counter() - measured
        cpu_after = cpu_now(pids or {})
    cpu = {
        f"cpu_ms_{k}": (cpu_after[k] - cpu_before[k]) * 1000 / max(n - skip, 1) for k in cpu_after
    }
    return {
        **cpu,
        "sent": n - skip,
        "achieved_msg_s": (n - skip) / elapsed,
        "p50_ms": pct(latencies, 0.50),
        "p95_ms": pct(latencies, 0.95),
        "p99_ms": pct(latencies, 0.99),
        "mean_ms": statistics.fmean(latencies),
        "errors": errors,
    }


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (from /proc, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serving_pids(serve: int, workers: int) -> tuple[list[int], list[int]]:
    """(serving processes, their detector children)."""
    procs = [serve] if workers == 1 else _children(serve)
    return procs, [c for p in procs for c in _children(p)]


def cpu_now(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each named group of processes."""
    out = {}
    for name, group in pids.items():
        total = 0.0
        for pid in group:
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid)
        out[name] = total
    return out


def rss_mb(serve: int, workers: int) -> list[tuple[float, float]]:
    """(serving process, its children: the detector) RSS in MB for each serving process."""
    procs = [serve] if workers == 1 else _children(serve)
    out = []
    for pid in procs:
        with contextlib.suppress(OSError):
            out.append((_rss(pid), sum(_rss(c) for c in _children(pid))))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rates", type=float, nargs="+", default=[50, 200, 500])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument(
        "--warmup", type=float, default=2.0, help="seconds at each rate before measuring"
    )
    # on 2 cores one serving process (+ its detector child) beats two: see README
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus" / "dev.jsonl")
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--no-isolate",
        action="store_true",
        help="detect in a thread of each worker (detection.isolate: false) instead of a child",
    )
    args = ap.parse_args()
    texts = load_texts(args.corpus)
    sandbox_port, proxy_port = free_port(), free_port()
    tmp = Path(tempfile.mkdtemp(prefix="phi-load-"))
    config = tmp / "proxy.yaml"
    config.write_text(
        # one load generator is one client: the per-client rate limit is not what is measured
        f"storage:\n  url: sqlite:///{tmp}/p.sqlite3\n  data_dir: {tmp}\n"
        # serve refuses to start without it (portal links); the bench never opens one
        f"server:\n  public_base_url: http://127.0.0.1:{proxy_port}\n"
        "limits:\n  rate_limit_enabled: false\n"
        f"detection:\n  isolate: {'false' if args.no_isolate else 'true'}\n"
        f"policy: {ROOT}/config/policy.yaml\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp)}
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "proxy", "sandbox", "--port", str(sandbox_port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proxy = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(proxy_port),
         "--workers", str(args.workers), "--log-level", "WARNING",
         "--upstream", f"twilio=http://127.0.0.1:{sandbox_port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rows = []
    try:
        wait_port(sandbox_port)
        wait_port(proxy_port)
        asyncio.run(offer(f"http://127.0.0.1:{proxy_port}{PATH}", texts, 20, 2))  # warm-up
        serving, detectors = serving_pids(proxy.pid, args.workers)
        pids = {
            "serving": serving,
            "detector": detectors,
            "upstream": [sandbox.pid],
            "client": [os.getpid()],
        }
        for rate in args.rates:
            direct = asyncio.run(
                offer(
                    f"http://127.0.0.1:{sandbox_port}{PATH}", texts, rate, args.seconds, args.warmup
                )
            )
            proxied = asyncio.run(
                offer(
                    f"http://127.0.0.1:{proxy_port}{PATH}",
                    texts,
                    rate,
                    args.seconds,
                    args.warmup,
                    pids,
                )
            )
            rows.append(
                {
                    "offered_msg_s": rate,
                    "direct": direct,
                    "proxy": proxied,
                    "added_p50_ms": proxied["p50_ms"] - direct["p50_ms"],
                    "added_p95_ms": proxied["p95_ms"] - direct["p95_ms"],
                    "added_p99_ms": proxied["p99_ms"] - direct["p99_ms"],
                }
            )
        rss = rss_mb(proxy.pid, args.workers)
    finally:
        for p in (proxy, sandbox):
            p.send_signal(signal.SIGTERM)
        for p in (proxy, sandbox):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
    mode = "thread" if args.no_isolate else "child process"
    print(
        f"workers={args.workers} detector={mode} texts={len(texts)}"
        f" seconds/rate={args.seconds} (after {args.warmup} s of warm-up at the same rate)"
    )
    print(
        f"{'offered':>8} {'achieved':>9} {'p50+':>7} {'p95+':>7} {'p99+':>7}"
        f" {'p99 proxy':>10} {'errors':>7}"
    )
    for r in rows:
        print(
            f"{r['offered_msg_s']:>8.0f} {r['proxy']['achieved_msg_s']:>9.1f}"
            f" {r['added_p50_ms']:>7.1f} {r['added_p95_ms']:>7.1f} {r['added_p99_ms']:>7.1f}"
            f" {r['proxy']['p99_ms']:>10.1f}"
            f" {r['proxy']['errors']:>7d}"
        )
    print("CPU ms per send through the proxy (serving / detector / upstream / client):")
    for r in rows:
        c = r["proxy"]
        print(
            f"{r['offered_msg_s']:>8.0f}  {c['cpu_ms_serving']:.2f} / {c['cpu_ms_detector']:.2f}"
            f" / {c['cpu_ms_upstream']:.2f} / {c['cpu_ms_client']:.2f}"
        )
    print(
        "RSS per worker (MB, serving process + detector child):",
        ", ".join(f"{a:.0f} + {b:.0f}" for a, b in rss),
    )
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "rss_mb": rss}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
