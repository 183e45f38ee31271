"""Limits (headers, slow clients, concurrency, rate) and TLS on both sides, on real sockets."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from proxy import appkeys
from proxy.app import create_app
from proxy.outbound.limits import RateLimiter, server_handler_args
from proxy.providers import REGISTRY, mounted_routes
from proxy.server.tls import server_ssl_context
from proxy.settings import LimitSettings, Settings, StorageSettings, settings_from_text
from proxy.yamlfile import ConfigError
from tests.hardening.conftest import FORM, SENDS, form, post
from tests.support.fakes import RecordingUpstream
from tests.support.tls_certs import self_signed

AUTH = {"Authorization": "Basic QUNhYWE6dG9rZW5h"}


@pytest.fixture
def start(store_url: str, aiohttp_server: Any, tmp_path: Path, detector: Any, default_policy: Any):
    """The proxy app served exactly as ``phi-proxy serve`` does (handler args, optional TLS)."""

    async def factory(upstream_url: str, settings: Settings, **server_kw: Any) -> Any:
        s = replace(
            settings,
            storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
        ).with_upstreams({"twilio": upstream_url})
        app = create_app(s, policy=default_policy, detector=detector)
        return await aiohttp_server(app, **server_handler_args(s), **server_kw)

    return factory


def _server(**kw: Any) -> Settings:
    s = Settings()
    return replace(s, server=replace(s.server, **kw))


async def test_oversized_header_is_refused_before_the_app(start, upstream_server, upstream):
    proxy = await start(str(upstream_server.make_url("")), _server(max_header_bytes=1024))
    status, _ = await post(proxy.make_url(SENDS), form("Hi"), {"X-Big": "a" * 4000})
    assert status in (400, 431)
    assert upstream.requests == []
    assert (await post(proxy.make_url(SENDS), form("Hi"), {"X-Ok": "a" * 500}))[0] == 201


async def test_slow_headers_connection_is_closed(start, upstream_server, upstream):
    proxy = await start(str(upstream_server.make_url("")), _server(keepalive_timeout_seconds=0.5))
    sock = socket.create_connection(("127.0.0.1", proxy.port))
    sock.sendall(f"POST {SENDS} HTTP/1.1\r\nHost: x\r\n".encode())  # headers never finish
    sock.settimeout(5)
    started = time.monotonic()
    data = await asyncio.get_running_loop().run_in_executor(None, sock.recv, 1024)
    sock.close()
    assert data == b"" and time.monotonic() - started < 3  # closed by the server
    assert upstream.requests == []


async def test_concurrency_limit_sheds_load_with_provider_shaped_503(start, aiohttp_server):
    slow = RecordingUpstream(delay=0.6)
    server = await aiohttp_server(slow.app())
    proxy = await start(str(server.make_url("")), _server(max_concurrent_requests=2))
    async with aiohttp.ClientSession() as s:

        async def one() -> tuple[int, Any, str | None]:
            async with s.post(proxy.make_url(SENDS), data=form("Hi"), headers=FORM) as r:
                return r.status, await r.json(), r.headers.get("Retry-After")

        results = await asyncio.gather(*(one() for _ in range(6)))
    ok = [r for r in results if r[0] == 201]
    shed = [r for r in results if r[0] == 503]
    assert len(ok) == 2 and len(shed) == 4
    assert all(r[1]["code"] == 90002 and r[2] == "1" for r in shed)
    assert len(slow.requests) == 2


async def test_rate_limit_per_credential_429_with_retry_after(start, upstream_server, upstream):
    settings = replace(Settings(), limits=LimitSettings(requests_per_second=0.5, burst=3))
    proxy = await start(str(upstream_server.make_url("")), settings)
    statuses = []
    for _ in range(4):
        async with (
            aiohttp.ClientSession() as s,
            s.post(proxy.make_url(SENDS), data=form("Hi"), headers={**FORM, **AUTH}) as r,
        ):
            statuses.append(r.status)
            last = (await r.json(), r.headers.get("Retry-After"))
    assert statuses == [201, 201, 201, 429]
    assert last[0]["code"] == 20429 and int(last[1]) >= 1
    # another client (a different credential) has its own bucket
    other = {"Authorization": "Basic b3RoZXI6b3RoZXI="}
    assert (await post(proxy.make_url(SENDS), form("Hi"), other))[0] == 201
    assert len(upstream.requests) == 4


def test_rate_limiter_refills_and_bounds_memory():
    now = [0.0]
    rl = RateLimiter(
        LimitSettings(requests_per_second=2, burst=2, max_clients_tracked=3), lambda: now[0]
    )
    assert rl.take("a") == 0 and rl.take("a") == 0 and rl.take("a") == pytest.approx(0.5)
    now[0] = 0.5
    assert rl.take("a") == 0
    for k in "bcdef":
        rl.take(k)
    assert len(rl._buckets) == 3


@pytest.mark.parametrize(
    ("yaml", "key"),
    [
        ("server: {max_concurrent_requests: 0}", "server.max_concurrent_requests"),
        ("server: {body_read_timeout_seconds: -1}", "server.body_read_timeout_seconds"),
        ("server: {max_header_bytes: 100}", "server.max_header_bytes"),
        ("server: {tls_cert: /nonexistent.pem, tls_key: /nonexistent.key}", "server.tls_cert"),
        ("server: {tls_cert: a.pem}", "server.tls_cert"),
        ("limits: {requests_per_second: 0}", "limits.requests_per_second"),
        ("limits: {burst: true}", "limits.burst"),
        ("limits: {per: ip}", "limits.per"),
        ("idempotency: {wait_seconds: 0}", "idempotency.wait_seconds"),
        ("audit: {retention_days: 0}", "audit.retention_days"),
        ("upstream: {verify_tls: false}", "upstream.verify_tls"),
        ("upstream: {retries: 10}", "upstream.retries"),
        ("detection: {deadline_seconds: 0}", "detection.deadline_seconds"),
    ],
)
def test_settings_are_validated(yaml: str, key: str):
    with pytest.raises(ConfigError) as e:
        settings_from_text(yaml)
    assert e.value.key == key


def test_deadline_longer_than_presidio_regex_timeout_is_refused(detector, default_policy):
    s = Settings()
    s = replace(s, detection=replace(s.detection, deadline_seconds=120.0))
    with pytest.raises(ConfigError, match="regex timeout"):
        create_app(s, policy=default_policy, detector=detector)


# --- TLS -------------------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed(tmp_path)


async def test_tls_termination_requires_tls12(start, upstream_server, upstream, tmp_path):
    cert, key = _self_signed(tmp_path)
    settings = settings_from_text(f"server: {{tls_cert: {cert}, tls_key: {key}}}")
    ctx = server_ssl_context(settings)
    assert ctx is not None and ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    proxy = await start(str(upstream_server.make_url("")), settings, ssl=ctx)
    assert proxy.scheme == "https"
    client = ssl.create_default_context(cafile=str(cert))
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(SENDS), data=form("Hi"), headers=FORM, ssl=client) as r,
    ):
        assert r.status == 201
    old = ssl.create_default_context(cafile=str(cert))
    old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises((aiohttp.ClientError, ssl.SSLError)):
        async with aiohttp.ClientSession() as s:
            await s.post(proxy.make_url(SENDS), data=form("Hi"), headers=FORM, ssl=old)
    assert len(upstream.requests) == 1


async def test_untrusted_upstream_certificate_is_refused(start, aiohttp_server, tmp_path):
    cert, key = _self_signed(tmp_path)
    impostor = RecordingUpstream()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = await aiohttp_server(impostor.app(), ssl=ctx)
    settings = replace(Settings(), upstream=replace(Settings().upstream, retry_backoff_ms=10.0))
    proxy = await start(str(server.make_url("")), settings)
    status, payload = await post(proxy.make_url(SENDS), form("Hi Maria Lopez"))
    assert status == 502 and payload["code"] == 90002
    assert impostor.requests == []


async def test_insecure_upstream_needs_acknowledgement_and_warns(
    start, upstream_server, caplog, default_policy, detector
):
    s = Settings()
    unacked = replace(s, upstream=replace(s.upstream, verify_tls=False))
    with pytest.raises(ConfigError, match="allow_insecure_upstream_for_testing"):
        create_app(unacked, policy=default_policy, detector=detector)
    acked = replace(
        s, upstream=replace(s.upstream, verify_tls=False, allow_insecure_upstream_for_testing=True)
    )
    with caplog.at_level(logging.WARNING, logger="phi_proxy.server.tls"):
        proxy = await start(str(upstream_server.make_url("")), acked)
    assert any("VERIFICATION IS DISABLED" in r.getMessage() for r in caplog.records)
    assert (await post(proxy.make_url(SENDS), form("Hi")))[0] == 201


async def test_serve_cli_terminates_tls_with_header_limits(
    store_url, tmp_path, upstream_server, upstream
):
    """`phi-proxy serve` itself (subprocess, real detector) serves HTTPS with the limits on."""
    import subprocess
    import sys

    cert, key = _self_signed(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "proxy.yaml"
    config.write_text(
        f"server: {{port: {port}, tls_cert: {cert}, tls_key: {key}, max_header_bytes: 1024,"
        f" public_base_url: 'https://127.0.0.1:{port}'}}\n"
        f"upstream: {{urls: {{twilio: '{upstream_server.make_url('')}'}}}}\n"
        f"storage: {{url: '{store_url}', data_dir: '{tmp_path}'}}\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--log-level", "WARNING"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = ssl.create_default_context(cafile=str(cert))
    url = f"https://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as s:
            for _ in range(120):
                try:
                    async with s.get(url + "/healthz", ssl=client) as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.25)
            else:
                pytest.fail("serve did not come up")
            async with s.post(
                url + SENDS, data=form("Hi Maria Lopez"), headers=FORM, ssl=client
            ) as r:
                assert r.status == 201
            async with s.post(
                url + SENDS, data=form("Hi"), headers={**FORM, "X-Big": "a" * 3000}, ssl=client
            ) as r:
                assert r.status in (400, 431)
            with pytest.raises(aiohttp.ClientError):  # plain HTTP on the TLS port
                async with s.get(f"http://127.0.0.1:{port}/healthz") as r:
                    await r.read()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    assert "https://127.0.0.1" in out
    assert len(upstream.requests) == 1 and b"Maria" not in upstream.requests[0].body


@pytest.mark.parametrize("name", sorted(REGISTRY))
async def test_every_provider_is_rate_limited_in_its_own_shape(name, start, upstream_server):
    """Limits apply by matched route, so mounted providers (e.g. /aws/sns) are covered too."""
    settings = replace(Settings(), limits=LimitSettings(requests_per_second=0.01, burst=1))
    proxy = await start(str(upstream_server.make_url("")), settings)
    provider = proxy.app[appkeys.PROVIDERS][name]
    route = mounted_routes(provider)[0]
    path = re.sub(r"\{[^}]+\}", "p1", route.path)
    async with aiohttp.ClientSession() as s:
        for _ in range(2):
            async with s.request(route.method, proxy.make_url(path), data=b"{}") as r:
                status = int(r.headers.get("X-PHI-Proxy-Status", r.status))
                body = await r.text()
    # 429, or whatever the adapter's own error shape makes of it (MessageBird: 422 for its SDK)
    shaped = provider.error(429, 0, "x")
    assert status == int(shaped.headers.get("X-PHI-Proxy-Status", shaped.status)) >= 400
    assert r.headers["Retry-After"] == "100"
    assert "slow down" in body
