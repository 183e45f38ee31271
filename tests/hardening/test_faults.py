"""Fault injection: every failure ends with the provider having received nothing containing PHI.

Each test is one fault kind (``@pytest.mark.fault``); the run prints how many kinds there are and
what share failed closed. Where the fault is upstream, the text did go out — scrubbed — and the
assertion is on exactly what the upstream received.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from presidio_analyzer import Pattern, PatternRecognizer

from models.findings import Finding
from proxy import appkeys
from proxy.audit.log import AuditEvent, AuditUnavailable
from proxy.settings import Settings
from tests.hardening.conftest import (
    PHI_TEXT,
    SENDS,
    assert_no_phi_upstream,
    form,
    phi_in,
    post,
)
from tests.support.fakes import RaisingDetector, RecordingUpstream, SlowDetector, WrongCountDetector


def _settings(**kw: Any) -> Settings:
    s = Settings()
    parts = {
        "detection": replace(s.detection, **kw.pop("detection", {})),
        "server": replace(s.server, **kw.pop("server", {})),
        "upstream": replace(s.upstream, **kw.pop("upstream", {})),
    }
    return replace(s, **parts)


async def _refused(proxy: TestServer, status: int = 503, body: bytes | None = None) -> Any:
    got, payload = await post(proxy.make_url(SENDS), body or form(PHI_TEXT))
    assert got == status, payload
    return payload


@pytest.mark.fault("detector raises")
async def test_detector_raises(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")), detector_=RaisingDetector())
    payload = await _refused(proxy)
    assert payload["code"] == 90002
    assert upstream.requests == []


@pytest.mark.fault("detector returns a malformed result")
async def test_detector_wrong_count(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")), detector_=WrongCountDetector())
    await _refused(proxy)
    assert upstream.requests == []


@pytest.mark.fault("detector hangs")
async def test_detector_hangs(make_proxy, upstream_server, upstream):
    settings = _settings(detection={"deadline_seconds": 0.3})
    proxy = await make_proxy(
        str(upstream_server.make_url("")), detector_=SlowDetector(1.5), settings=settings
    )
    started = time.monotonic()
    await _refused(proxy)
    assert time.monotonic() - started < 1.2
    assert upstream.requests == []


CATASTROPHIC = r"\b(a|aa)+$"  # exponential backtracking on a run of a's followed by a non-a
CRAFTED = "a" * 40 + "!"


class RunawayRegexDetector:
    """The real detector plus one Presidio recognizer whose pattern backtracks for ever."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.recognizer = PatternRecognizer(
            supported_entity="DEVICE_ID",
            name="CatastrophicRecognizer",
            patterns=[Pattern("catastrophic", CATASTROPHIC, 0.9)],
        )

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        out = self.real.detect(texts, entities)
        for text, found in zip(texts, out, strict=True):
            for r in self.recognizer.analyze(text, ["DEVICE_ID"]):
                found.append(Finding(r.entity_type, r.start, r.end, r.score, "catastrophic"))
        return out


@pytest.mark.fault("regex runs away")
async def test_runaway_regex_deadline_fires_and_loop_stays_responsive(
    make_proxy, upstream_server, upstream, detector
):
    import presidio_analyzer.pattern_recognizer as pr

    settings = _settings(detection={"deadline_seconds": 0.5})
    proxy = await make_proxy(
        str(upstream_server.make_url("")),
        detector_=RunawayRegexDetector(detector),
        settings=settings,
    )
    # Presidio skips a timed-out pattern (fail open), so its timeout is set above the deadline
    # — at twice it, which also bounds how long the runaway holds the detection thread.
    assert pr.REGEX_TIMEOUT_SECONDS == 1.0
    started = time.monotonic()
    send = asyncio.create_task(post(proxy.make_url(SENDS), form(f"{PHI_TEXT} {CRAFTED}")))
    await asyncio.sleep(0.1)
    # While the regex burns CPU on the detection thread, the event loop still answers at once.
    async with aiohttp.ClientSession() as s:
        for _ in range(3):
            t = time.monotonic()
            async with s.get(proxy.make_url("/healthz")) as r:
                assert r.status == 200
            assert time.monotonic() - t < 0.25
            await asyncio.sleep(0.05)
    status, payload = await send
    assert status == 503 and payload["code"] == 90002
    assert time.monotonic() - started < 1.0
    assert upstream.requests == []
    # Once the regex times out (the regex engine overshoots its timeout by a few seconds) the
    # thread is free again and clean texts go through — long before Presidio's default 60 s.
    for _ in range(40):
        status, _ = await post(proxy.make_url(SENDS), form("See you Tuesday."))
        if status == 201:
            break
        await asyncio.sleep(0.25)
    assert status == 201 and len(upstream.requests) == 1
    assert time.monotonic() - started < 10


@pytest.mark.fault("audit store unavailable")
async def test_audit_store_unavailable(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    db = proxy.app[appkeys.STORE]
    await db.close()
    await _refused(proxy)
    assert upstream.requests == []


class ClinicalDetector:
    """Marks "cancer" as a CONDITION, so the default policy sends the text to the portal."""

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        out: list[list[Finding]] = []
        for t in texts:
            i = t.find("cancer")
            out.append([Finding("CONDITION", i, i + 6, 0.95, "test")] if i >= 0 else [])
        return out


CLINICAL = "Your biopsy results show cancer, Maria Lopez. Please call us."
DOB = {"X-PHI-Proxy-Patient-DOB": "1962-03-14"}


@pytest.mark.fault("portal vault unavailable")
async def test_portal_vault_unavailable(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")), detector_=ClinicalDetector())
    status, _ = await post(proxy.make_url(SENDS), form(CLINICAL), DOB)
    assert status == 201  # control: the vault works, a link notice went out instead
    assert_no_phi_upstream(upstream.bodies)
    assert b"cancer" not in upstream.bodies[0] and b"biopsy" not in upstream.bodies[0]
    await proxy.app[appkeys.STORE].execute("DROP TABLE portal_links")
    status, payload = await post(proxy.make_url(SENDS), form(CLINICAL), DOB)
    assert status == 503 and payload["code"] == 90002
    assert len(upstream.requests) == 1  # nothing more went out


@pytest.mark.fault("idempotency store unavailable")
async def test_idempotency_store_unavailable(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    await proxy.app[appkeys.STORE].execute("DROP TABLE idempotency_keys")
    status, payload = await post(proxy.make_url(SENDS), form(PHI_TEXT), {"Idempotency-Key": "k-1"})
    assert status == 503 and payload["code"] == 90002
    assert upstream.requests == []


@pytest.mark.fault("disk full")
async def test_disk_full(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    db = proxy.app[appkeys.STORE]
    if db.dialect == "sqlite":
        pages = (await db.fetchrow("PRAGMA page_count"))["page_count"]
        await db.execute(f"PRAGMA max_page_count = {pages}")
        # The file may not grow: fill what free space is left in the audit table's pages.
    else:
        # PostgreSQL: every write to the audit table fails with the server's own disk-full
        # error (SQLSTATE 53100, what a full volume gives), as the proxy would see it.
        await db.execute(
            "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " RAISE EXCEPTION 'could not extend file: No space left on device'"
            " USING ERRCODE = 'disk_full'; END $$"
        )
        await db.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT ON audit_log"
            " FOR EACH ROW EXECUTE FUNCTION disk_full()"
        )
    audit = proxy.app[appkeys.AUDIT]
    with pytest.raises(AuditUnavailable):
        for i in range(10_000):
            await audit.append(AuditEvent(kind="filler", outcome="x", request_id=f"{i:032d}"))
    await _refused(proxy)
    assert upstream.requests == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RawUpstream:
    """A TCP server that records whatever bytes arrive, then misbehaves."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.received: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._conn, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                data += await reader.read(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(
                next(
                    (
                        line.split(b":")[1]
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    b"0",
                )
            )
            while len(body) < length:
                body += await reader.read(65536)
            self.received.append(head + b"\r\n\r\n" + body)
        finally:
            sock = writer.get_extra_info("socket")
            if self.mode == "reset" and sock is not None:
                # SO_LINGER 0: close with RST, the way a crashing provider edge would.
                import struct

                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()

    async def close(self) -> None:
        if self.server:
            self.server.close()
            await self.server.wait_closed()


@pytest.mark.fault("upstream resets the connection")
async def test_upstream_resets_connection(make_proxy):
    raw = RawUpstream("reset")
    proxy = await make_proxy(await raw.start())
    try:
        payload = await _refused(proxy, 502)
        assert payload["code"] == 90002
        # It reached the provider (so no retry: it may have been sent), but only scrubbed.
        assert len(raw.received) == 1
        assert b"Body=" in raw.received[0]
        assert_no_phi_upstream(raw.received)
    finally:
        await raw.close()


@pytest.mark.fault("upstream unreachable (retried, bounded)")
async def test_upstream_unreachable_is_retried_then_refused(make_proxy):
    port = _free_port()  # nothing listens: connection refused, provably nothing sent
    settings = _settings(upstream={"retries": 2, "retry_backoff_ms": 50.0})
    proxy = await make_proxy(f"http://127.0.0.1:{port}", settings=settings)
    started = time.monotonic()
    payload = await _refused(proxy, 502)
    elapsed = time.monotonic() - started
    assert payload["code"] == 90002
    assert 0.15 <= elapsed < 3  # 50 ms + 100 ms of backoff, then it gives up


async def test_connection_refused_then_up_is_sent_exactly_once(make_proxy, aiohttp_server):
    port = _free_port()
    settings = _settings(upstream={"retries": 3, "retry_backoff_ms": 150.0})
    proxy = await make_proxy(f"http://127.0.0.1:{port}", settings=settings)
    recording = RecordingUpstream()
    send = asyncio.create_task(post(proxy.make_url(SENDS), form("See you Tuesday.")))
    await asyncio.sleep(0.1)  # first attempt refused; the upstream comes up during the backoff
    await aiohttp_server(recording.app(), port=port)
    status, _ = await send
    assert status == 201
    assert len(recording.requests) == 1


@pytest.mark.fault("upstream is slow")
async def test_upstream_slow(make_proxy, aiohttp_server):
    slow = RecordingUpstream(delay=2.0)
    server = await aiohttp_server(slow.app())
    settings = _settings(upstream={"timeout_seconds": 0.4})
    proxy = await make_proxy(str(server.make_url("")), settings=settings)
    payload = await _refused(proxy, 504)
    assert payload["code"] == 90002
    assert len(slow.requests) == 1  # it may have been sent: no retry
    assert_no_phi_upstream(slow.bodies)


@pytest.mark.fault("upstream sends a 5xx")
async def test_upstream_5xx_passed_back_and_text_was_scrubbed(make_proxy, aiohttp_server):
    failing = RecordingUpstream(status=500)
    server = await aiohttp_server(failing.app())
    proxy = await make_proxy(str(server.make_url("")))
    status, payload = await post(proxy.make_url(SENDS), form(PHI_TEXT))
    assert status == 500 and payload["sid"].startswith("SM")  # the provider's own answer
    assert len(failing.requests) == 1
    assert_no_phi_upstream(failing.bodies)
    assert b"Body=" in failing.bodies[0]


@pytest.mark.fault("body oversized")
async def test_body_oversized(make_proxy, upstream_server, upstream):
    settings = _settings(server={"max_body_bytes": 2048})
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    payload = await _refused(proxy, 413, form(PHI_TEXT + " x" * 2000))
    assert payload["code"] == 90003
    assert upstream.requests == []


async def _raw_request(port: int, head: bytes, body_part: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head + body_part)
    return sock


def _head(length: int) -> bytes:
    return (
        f"POST {SENDS} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@pytest.mark.fault("client disconnects mid-request")
async def test_client_disconnects_mid_body(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    body = form(PHI_TEXT)
    sock = await _raw_request(proxy.port, _head(len(body) + 50), body)
    sock.close()  # 50 promised bytes never come
    await asyncio.sleep(0.5)
    assert upstream.requests == []
    status, _ = await post(proxy.make_url(SENDS), form("See you Tuesday."))
    assert status == 201  # and the proxy carries on


@pytest.mark.fault("client sends its body slowly (slowloris)")
async def test_slow_body_times_out(make_proxy, upstream_server, upstream):
    settings = _settings(server={"body_read_timeout_seconds": 0.4})
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    body = form(PHI_TEXT)
    sock = await _raw_request(proxy.port, _head(len(body) + 10), body)
    sock.settimeout(3)
    try:
        answer = await asyncio.get_running_loop().run_in_executor(None, sock.recv, 4096)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:40]
    assert upstream.requests == []


def test_phi_check_itself_catches_leaks():
    """The upstream assertion is not vacuous: it sees PHI in any of the encodings used."""
    assert phi_in(form(PHI_TEXT))
    assert phi_in(b"Body=SSN+219+09+9999") == ["219099999"]
    assert phi_in(b"Body=MARIA.LOPEZ%40EXAMPLE.COM")
    with pytest.raises(AssertionError):
        assert_no_phi_upstream([form("call (212) 555-0147")])
