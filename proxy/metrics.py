"""Prometheus metrics: requests, decisions, detector and upstream latency, errors, queue depth.

With ``serve --workers N`` every worker writes to ``PROMETHEUS_MULTIPROC_DIR`` (set by the parent
before the workers start) and ``/metrics`` aggregates them all.
"""

from __future__ import annotations

import os

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _mp

REQUESTS = Counter(
    "phi_proxy_requests_total", "Send requests by provider and outcome", ["provider", "outcome"]
)
DECISIONS = Counter("phi_proxy_decisions_total", "Policy decisions by action", ["action"])
ERRORS = Counter("phi_proxy_errors_total", "Refusals caused by a failing part", ["kind"])
DETECTOR_SECONDS = Histogram(
    "phi_proxy_detector_seconds",
    "Detection latency per request, queueing included",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
UPSTREAM_SECONDS = Histogram(
    "phi_proxy_upstream_seconds",
    "Upstream round-trip latency",
    ["provider"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTCOMES_LOST = Counter(
    "phi_proxy_send_outcomes_lost_total",
    "Send outcome rows not recorded (queue_full, write_failed, shutdown); the sends are unaffected",
    ["reason"],
)
REFUSALS_DELAYED = Counter(
    "phi_proxy_refusals_delayed_total",
    "Refusals of malformed requests answered after the per-client penalty delay (tarpit)",
)
QUEUE_DEPTH = Gauge(
    "phi_proxy_detection_queue_depth", "Requests waiting for detection", multiprocess_mode="livesum"
)


def render() -> tuple[bytes, str]:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        _mp.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


async def metrics_handler(request: web.Request) -> web.Response:
    body, content_type = render()
    return web.Response(body=body, headers={"Content-Type": content_type})


def metrics_app() -> web.Application:
    """A bare app serving only /metrics, for a separate (internal) port."""
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler)
    return app
