"""The official twilio SDK → proxy → recorder → Prism serving Twilio's own OpenAPI spec.

Prism rejects requests that break Twilio's spec, so this proves the rebuilt requests are still
valid Twilio requests and that the SDK gets its normal MessageInstance back. The recorder in front
of Prism keeps every request Prism was sent, so the tests also assert on what the provider
received: the redacted text, never the name, and nothing at all for a blocked text.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.support.fakes import Recorded, catch_all, recorded
from tests.support.proxy import ACCOUNT, SENDS

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".ci" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "vendor" / "twilio-oai" / "twilio_api_v2010.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    assert PRISM.exists(), (
        f"Prism is not installed at {PRISM}: run `npm ci --prefix .ci` (.ci/run does)"
    )
    assert SPEC.exists(), f"Twilio's spec is missing at {SPEC}"
    port = _free_port()
    proc = subprocess.Popen(
        [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise RuntimeError("prism exited early")
            time.sleep(0.3)
        else:
            raise RuntimeError("prism did not start within 90s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


class Recorder:
    """A reverse proxy in front of Prism that records what it was sent (the provider's view)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.requests: list[Recorded] = []

    def app(self) -> web.Application:
        return catch_all(self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        rec = await recorded(request, headers=headers)
        self.requests.append(rec)
        body = rec.body
        async with (
            aiohttp.ClientSession() as s,
            s.request(
                request.method, self.target + request.path_qs, data=body, headers=headers
            ) as r,
        ):
            answer = await r.read()
            keep = {k: v for k, v in r.headers.items() if k.lower() not in _HOP}
            return web.Response(status=r.status, body=answer, headers=keep)

    def bodies(self) -> list[str]:
        return [parse_qs(r.body.decode()).get("Body", [""])[0] for r in self.requests]


_HOP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}


@pytest.fixture
async def recorder(aiohttp_server: Any, prism: str) -> tuple[Recorder, str]:
    rec = Recorder(prism)
    server = await aiohttp_server(rec.app())
    return rec, str(server.make_url("")).rstrip("/")


def client(base: str) -> Client:
    c = Client(ACCOUNT, "test-auth-token")
    c.api.base_url = base
    return c


NAMED = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
ADMIN = "Your appointment with Dr. Patel is on Tuesday at 3:15 PM."


@pytest.mark.slow
async def test_sdk_through_proxy_to_prism_gets_message_instance(make_proxy, recorder):
    rec, upstream = recorder
    proxy = await make_proxy(upstream)
    base = str(proxy.make_url("")).rstrip("/")
    for body in (ADMIN, NAMED):
        msg = await asyncio.to_thread(
            lambda b=body: client(base).messages.create(
                to="+15550100001", from_="+15550109999", body=b
            )
        )
        assert msg.sid.startswith("SM")
        assert msg.status == "queued"
        assert msg.num_segments == "1"
    # What Twilio (Prism) was sent: the administrative text unchanged, the name redacted.
    assert rec.bodies() == [
        ADMIN,
        "Hi [name], your appointment with Dr. Patel is on Tuesday at 3:15 PM.",
    ]
    assert all(r.path == SENDS for r in rec.requests)
    assert "Maria" not in repr(rec.requests) and "Lopez" not in repr(rec.requests)


@pytest.mark.slow
async def test_prism_still_rejects_spec_violations_through_proxy(make_proxy, recorder):
    # A MessagingServiceSid that breaks the spec's pattern passes our checks and is forwarded;
    # the provider's own validation answer must come back to the SDK unchanged.
    rec, upstream = recorder
    proxy = await make_proxy(upstream)
    base = str(proxy.make_url("")).rstrip("/")
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: client(base).messages.create(
                to="+15550100001", messaging_service_sid="not-a-sid", body="hi"
            )
        )
    assert exc.value.status == 422
    (sent,) = rec.requests  # it was Prism's answer, not ours
    assert parse_qs(sent.body.decode())["MessagingServiceSid"] == ["not-a-sid"]


@pytest.mark.slow
async def test_clinical_text_never_reaches_prism(make_proxy, recorder):
    rec, upstream = recorder
    proxy = await make_proxy(upstream)
    base = str(proxy.make_url("")).rstrip("/")
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: client(base).messages.create(
                to="+15550100001", from_="+15550109999", body="Your HIV test came back positive."
            )
        )
    assert exc.value.status == 400 and exc.value.code == 90001
    assert rec.requests == [], "a blocked text reached the provider"
    # the same proxy and recorder do deliver: the empty record above is not a broken path
    await asyncio.to_thread(
        lambda: client(base).messages.create(to="+15550100001", from_="+15550109999", body=ADMIN)
    )
    assert rec.bodies() == [ADMIN]
