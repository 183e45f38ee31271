"""Canary: distinctive synthetic PHI through every path, then zero hits in logs, audit and database.

Paths: redacted sends (with idempotency keys, replayed), blocked sends, malformed requests,
detector failure, an upstream 5xx, a status look-up carrying the number in its query string, the
``scrub`` CLI and the ``audit verify`` CLI. Searched: every log record at DEBUG (message, args and
exception text), every audit record, the CLIs' stdout/stderr, and the raw bytes of every SQLite
file (main, WAL, shared memory — free pages included, so deleted rows count too).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import aiohttp
import pytest
from aiohttp import web

from proxy import appkeys
from proxy.app import create_app
from proxy.outbound.limits import server_handler_args
from proxy.policy.parse import load_policy
from proxy.providers import REGISTRY
from proxy.server import logsafety
from proxy.settings import Settings, StorageSettings
from tests.hardening.conftest import ACCOUNT, FORM, SENDS
from tests.support import storage
from tests.support.fakes import RaisingDetector

NAME, NAME2 = "Zebulon Quattlebaum", "Quillon Vantasner"
SSN, PHONE, EMAIL = "912-47-3381", "(415) 555-0183", "zebulon.q@example.org"
MRN, DOB = "ZQ77310452", "03/14/1961"
RECIPIENT = "+14155550199"
TEXTS = [
    f"Hi {NAME}, your results are ready. Call {PHONE} or write to {EMAIL}.",
    f"Hi {NAME2}, MRN {MRN}, DOB {DOB}: your appointment is confirmed.",
    f"Patient {NAME} SSN {SSN} on file.",  # blocked by the canary policy
]
CLINICAL = f"Hi {NAME}, your biopsy results show cancer. Call {PHONE}."
# What must never appear anywhere (the message text's identifiers, in the encodings used).
TEXT_CANARIES = [
    "Zebulon",
    "Quattlebaum",
    "Quillon",
    "Vantasner",
    SSN,
    "912473381",
    "555-0183",
    "4155550183",
    "zebulon.q",
    "ZQ77310452",
    DOB,
    "03%2F14%2F1961",
    "03-14-1961",
]
# The recipient: never in logs, audit or CLI output (the audit holds a keyed pseudonym). The
# provider's own stored answer (idempotency) may hold it, as the provider returns it.
# provider, path, base document, text field (a send each adapter accepts)
JSON_SENDS: list[tuple[str, str, dict[str, Any], str]] = [
    ("telnyx", "/v2/messages", {"to": RECIPIENT, "from": "+15550109999"}, "text"),
    ("plivo", "/v1/Account/MA1/Message/", {"src": "15550109999", "dst": RECIPIENT[1:]}, "text"),
    ("sinch", "/xms/v1/p/batches", {"to": [RECIPIENT[1:]], "from": "1555"}, "body"),
    (
        "vonage_messages",
        "/v1/messages",
        {"to": RECIPIENT[1:], "from": "1556", "channel": "sms", "message_type": "text"},
        "text",
    ),
    ("messagebird", "/messages", {"originator": "clinic", "recipients": RECIPIENT[1:]}, "body"),
    ("vonage_sms", "/sms/json", {"to": RECIPIENT[1:], "from": "1556", "api_key": "k"}, "text"),
]
RECIPIENT_CANARIES = ["4155550199", quote_plus(RECIPIENT)]


def hits(blob: bytes | str, canaries: list[str]) -> list[str]:
    data = blob.encode() if isinstance(blob, str) else blob
    low = data.lower()
    return [c for c in canaries if c.lower().encode() in low]


class EchoUpstream:
    """Answers like Twilio: the message resource echoes the (forwarded) body and recipient."""

    def __init__(self) -> None:
        self.fail_next = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else {}
        status = 500 if self.fail_next else 201
        self.fail_next = False
        return web.json_response(
            {"sid": "SM" + "2" * 32, "body": form.get("Body"), "to": form.get("To")},
            status=status,
        )


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {text} {record.args!r}")


@pytest.fixture
def logs():
    handler = Collect()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Start from a leaky set-up: every library logger at DEBUG, as a careless deployment would.
    libs = {name: logging.getLogger(name).level for name in logsafety.DATA_LOGGERS}
    for name in libs:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)
    for name, level in libs.items():
        logging.getLogger(name).setLevel(level)


def _canary_policy(tmp_path: Path) -> Any:
    text = Path("config/policy.yaml").read_text()
    blocked = text.replace("US_SSN: {action: redact", "US_SSN: {action: block")
    assert blocked != text
    path = tmp_path / "canary-policy.yaml"
    path.write_text(blocked)
    return load_policy(path)


def _cli(args: list[str], stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "proxy", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


async def test_canary_phi_leaves_no_trace(store_url, aiohttp_server, tmp_path, detector, logs):
    echo = EchoUpstream()
    upstream = await aiohttp_server(echo.app())
    policy = _canary_policy(tmp_path)
    settings = replace(
        Settings(),
        storage=StorageSettings(url=store_url, data_dir=str(tmp_path)),
    ).with_upstreams({name: str(upstream.make_url("")) for name in REGISTRY})

    async def serve(detector_: Any) -> Any:  # as `phi-proxy serve` runs it: no access log
        app = create_app(settings, policy=policy, detector=detector_)
        return await aiohttp_server(app, access_log=None, **server_handler_args(settings))

    proxy = await serve(detector)
    broken = await serve(RaisingDetector())
    statuses = []
    async with aiohttp.ClientSession() as s:

        async def send(server: Any, body: dict[str, str], **headers: str) -> None:
            async with s.post(server.make_url(SENDS), data=body, headers={**FORM, **headers}) as r:
                statuses.append(r.status)
                await r.read()

        for i, text in enumerate(TEXTS):
            msg = {"To": RECIPIENT, "From": "+15550109999", "Body": text}
            await send(proxy, msg, **{"Idempotency-Key": f"canary-{i}"})
            await send(proxy, msg, **{"Idempotency-Key": f"canary-{i}"})  # replay
            await send(broken, msg)  # detector failure
            await send(proxy, {"From": "+15550109999", "Body": text})  # malformed: no To
        # clinical detail: the original goes (sealed) into the portal vault, a link goes out
        portal_msg = {"To": RECIPIENT, "From": "+15550109999", "Body": CLINICAL}
        await send(proxy, portal_msg, **{"X-PHI-Proxy-Patient-DOB": "1961-03-14"})
        echo.fail_next = True
        await send(proxy, {"To": RECIPIENT, "From": "+15550109999", "Body": TEXTS[0]})
        lookup = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json?To={quote(RECIPIENT)}"
        async with s.get(proxy.make_url(lookup)) as r:
            statuses.append(r.status)
        # The other providers' JSON sends: redacted, blocked, keyed and replayed.
        others = []
        for name, path, doc, field in JSON_SENDS:
            for i, text in enumerate((TEXTS[0], TEXTS[2])):
                body = json.dumps({**doc, field: text})
                for _ in range(2):
                    async with s.post(
                        proxy.make_url(path),
                        data=body,
                        headers={
                            "Content-Type": "application/json",
                            "Idempotency-Key": f"{name}-{i}",
                        },
                    ) as r:
                        others.append((name, i, r.status, r.headers.get("X-PHI-Proxy-Status")))
                        await r.read()
    assert statuses == [201, 201, 503, 400, 201, 201, 503, 400, 400, 400, 503, 400, 201, 500, 201]
    forwarded = {n for n, i, st, h in others if i == 0 and int(h or st) < 300}
    assert forwarded == {c[0] for c in JSON_SENDS}, others
    assert all(int(h or st) >= 400 for n, i, st, h in others if i == 1)  # the SSN is blocked

    db = proxy.app[appkeys.STORE]
    audit = await db.fetch("SELECT * FROM audit_log ORDER BY seq")
    assert len(audit) >= 6
    audit_text = json.dumps(audit)
    await proxy.close()
    await broken.close()

    # CLIs, on the same data
    root = Path(__file__).resolve().parents[2]
    config = tmp_path / "proxy.yaml"
    config.write_text(f"storage:\n  url: {store_url}\n  data_dir: {tmp_path}\n")
    jsonl = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(TEXTS))
    scrub = _cli(
        ["scrub", "--policy", str(tmp_path / "canary-policy.yaml"), "--config", str(config)],
        jsonl,
        root,
    )
    assert scrub.returncode == 0, scrub.stderr[-2000:]
    out = [json.loads(line) for line in scrub.stdout.splitlines()]
    assert [o["action"] for o in out] == ["redact", "redact", "block"]
    verify = _cli(["audit", "verify", "--config", str(config)], "", root)
    assert verify.returncode == 0, verify.stdout

    found: dict[str, list[str]] = {}
    everything = TEXT_CANARIES + RECIPIENT_CANARIES
    for n, line in enumerate(logs.lines):
        if h := hits(line, everything):
            found[f"log line {n}: {line[:80]}"] = h
    if h := hits(audit_text, everything):
        found["audit records"] = h
    for name, text in (
        ("scrub stdout", scrub.stdout),
        ("scrub stderr", scrub.stderr),
        ("verify output", verify.stdout + verify.stderr),
    ):
        if h := hits(text, everything):
            found[name] = h
    stored = storage.store_bytes(store_url)  # SQLite: every byte on disk; PostgreSQL: every row
    assert audit[-1]["event_id"].encode() in stored  # the dump does hold the audit records
    if h := hits(stored, TEXT_CANARIES):
        found["store"] = h
    assert len(logs.lines) > 10  # the logs were really captured
    assert found == {}, found


def test_hits_finds_a_planted_canary(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"\x00\x01junk zebulon.Q@EXAMPLE.org junk")
    assert hits(f.read_bytes(), TEXT_CANARIES) == ["Zebulon", "zebulon.q"]
