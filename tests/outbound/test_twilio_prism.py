"""The official twilio SDK → proxy → Prism serving Twilio's own OpenAPI spec as the upstream.

Prism rejects requests that break Twilio's spec, so this proves the rebuilt requests are still
valid Twilio requests and that the SDK gets its normal MessageInstance back.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.support.proxy import ACCOUNT

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".ci" / "node_modules" / ".bin" / "prism"
SPEC = ROOT.parent / "shared" / "specs" / "twilio_api_v2010.json"


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


def client(base: str) -> Client:
    c = Client(ACCOUNT, "test-auth-token")
    c.api.base_url = base
    return c


@pytest.mark.slow
async def test_sdk_through_proxy_to_prism_gets_message_instance(make_proxy, prism):
    proxy = await make_proxy(prism)
    base = str(proxy.make_url("")).rstrip("/")
    for body in (
        "Your appointment with Dr. Patel is on Tuesday at 3:15 PM.",
        "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM.",
    ):
        msg = await asyncio.to_thread(
            lambda b=body: client(base).messages.create(
                to="+15550100001", from_="+15550109999", body=b
            )
        )
        assert msg.sid.startswith("SM")
        assert msg.status == "queued"
        assert msg.num_segments == "1"


@pytest.mark.slow
async def test_prism_still_rejects_spec_violations_through_proxy(make_proxy, prism):
    # A MessagingServiceSid that breaks the spec's pattern passes our checks and is forwarded;
    # the provider's own validation answer must come back to the SDK unchanged.
    proxy = await make_proxy(prism)
    base = str(proxy.make_url("")).rstrip("/")
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: client(base).messages.create(
                to="+15550100001", messaging_service_sid="not-a-sid", body="hi"
            )
        )
    assert exc.value.status == 422


@pytest.mark.slow
async def test_clinical_text_never_reaches_prism(make_proxy, prism):
    proxy = await make_proxy(prism)
    base = str(proxy.make_url("")).rstrip("/")
    with pytest.raises(TwilioRestException) as exc:
        await asyncio.to_thread(
            lambda: client(base).messages.create(
                to="+15550100001", from_="+15550109999", body="Your HIV test came back positive."
            )
        )
    assert exc.value.status == 400 and exc.value.code == 90001
