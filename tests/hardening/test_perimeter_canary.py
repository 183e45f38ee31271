"""The perimeter as an attacker works it: for every provider, hypothesis generates route variants
(case, slashes, dot segments, percent-encodings, trailing characters, other methods), unknown
and near-miss field names and query parameters around a planted PHI canary, and the real proxy
forwards them to a recording upstream. The upstream must never see the canary, and a request
that is not exactly a declared operation with classified fields is never forwarded at all.

Examples are drawn once per run from the strategies with ``derandomize=True`` (the same
examples in CI and locally), then sent over real sockets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from proxy.providers import REGISTRY, build_providers
from proxy.providers.config import AwsConfig, ProvidersConfig
from proxy.providers.operations import Fields, Operation, example_path
from proxy.settings import Settings
from tests.hardening.conftest import PHI_TEXT, phi_in, without_request_ids
from tests.support.fakes import RecordingUpstream

ADMIN = "Reminder: your appointment with Dr. Patel is on Tuesday at 3:15 PM."
AWS_SECRET_ENV = "PHI_PROXY_TEST_PERIMETER_AWS_SECRET"
SETTINGS = Settings(
    providers=ProvidersConfig(
        aws=AwsConfig(access_key_id="AKIDPHIPROXYTEST0002", secret_access_key_env=AWS_SECRET_ENV),
        media_hosts=("media.example.org",),
        callback_hosts=("hooks.example.org",),
    )
)
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Send:
    """A send each adapter accepts; ``text`` names the field that carries the message."""

    fields: dict[str, Any]
    text: str
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


SENDS: dict[str, Send] = {
    "twilio": Send({"To": "+15550100001", "From": "+15550109999"}, "Body", FORM),
    "vonage_sms": Send(
        {"api_key": "k1", "api_secret": "s1", "to": "15550100001", "from": "15550109999"},
        "text",
        FORM,
    ),
    "vonage_messages": Send(
        {"to": "15550100001", "from": "15550109999", "channel": "sms", "message_type": "text"},
        "text",
    ),
    "plivo": Send({"src": "15550109999", "dst": "15550100001"}, "text"),
    "telnyx": Send({"to": "+15550100001", "from": "+15550109999"}, "text"),
    "messagebird": Send({"originator": "clinic", "recipients": "15550100001"}, "body"),
    "sinch": Send({"to": ["15550100001"], "from": "15550109999"}, "body"),
    "aws_sns": Send(
        {"Action": "Publish", "Version": "2010-03-31", "PhoneNumber": "+15550100001"},
        "Message",
        FORM,
    ),
    "aws_sms": Send(
        {"DestinationPhoneNumber": "+15550100001"},
        "MessageBody",
        "application/x-amz-json-1.0",
        (("X-Amz-Target", "PinpointSMSVoiceV2.SendTextMessage"),),
    ),
}


def test_every_provider_has_a_send_here() -> None:
    assert set(SENDS) == set(REGISTRY)


def send_op(name: str) -> tuple[Operation, str, list[tuple[str, bool]]]:
    """The provider's first send operation, a concrete path for it, and that path as pieces
    (text, is_literal) so variants change the route itself, never an id's value."""
    provider = build_providers(SETTINGS.providers)[name]
    op = next(o for o in provider.operations if o.kind == "send" and o.method == "POST")
    path, values = example_path(op.path)
    pieces: list[tuple[str, bool]] = []
    rest = provider.mount + op.path
    for value in values.values():
        start = rest.index("{")
        depth, j = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(rest[j], 0)
            j += 1
        pieces += [(rest[:start], True), (value, False)]
        rest = rest[j:]
    pieces.append((rest, True))
    return op, provider.mount + path, pieces


def body(send: Send, text_field: str, text: str, extra: dict[str, Any] | None = None) -> bytes:
    fields = {**send.fields, **(extra or {}), text_field: text}
    if send.content_type == FORM:
        return urlencode(fields).encode()
    return json.dumps(fields).encode()


# --- strategies -------------------------------------------------------------------------------

TRAILERS = ["/", ".", "%00", "%20", ";", ";x=1", "..", "/.", "~", "%2F", "\\", "/..", "?", "#"]
METHODS = ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@st.composite
def route_variants(draw: st.DrawFn, pieces: list[tuple[str, bool]]) -> tuple[str, str]:
    """(method, raw path) differing from the declared send in its route."""
    parts = [[t, lit] for t, lit in pieces]
    method = "POST"
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["case", "slash", "dot", "encode", "trail", "method"]))
        lits = [p for p in parts if p[1] and p[0]]
        piece = draw(st.sampled_from(lits))
        text = piece[0]
        i = draw(st.integers(0, len(text) - 1))
        if kind == "case" and any(c.isalpha() for c in text):
            i = draw(st.sampled_from([k for k, c in enumerate(text) if c.isalpha()]))
            piece[0] = text[:i] + text[i].swapcase() + text[i + 1 :]
        elif kind == "slash":
            slashes = [k for k, c in enumerate(text) if c == "/"] or [0]
            k = draw(st.sampled_from(slashes))
            piece[0] = text[:k] + "/" + text[k:]
        elif kind == "dot":
            slashes = [k for k, c in enumerate(text) if c == "/"] or [0]
            k = draw(st.sampled_from(slashes))
            seg = draw(st.sampled_from(["/.", "/x/..", "/%2e", "/%2E%2E/x", "/x/..%2F", "/.%2e"]))
            piece[0] = text[:k] + seg + text[k:]
        elif kind == "encode":
            c = text[i]
            enc = f"%{ord(c):02X}" if draw(st.booleans()) else f"%{ord(c):02x}"
            piece[0] = (
                text[:i] + draw(st.sampled_from([enc, "%2F", "%5C", "%25", "%2E"])) + text[i + 1 :]
            )
        elif kind == "trail":
            parts[-1][0] += draw(st.sampled_from(TRAILERS))
        else:
            method = draw(st.sampled_from(METHODS))
    raw = "".join(p[0] for p in parts)
    return method, raw if raw.startswith("/") else "/" + raw  # a request target starts with /


def near_misses(name: str) -> st.SearchStrategy[str]:
    """Field names a careless integrator or an attacker would try next to a real one."""
    variants = (
        {
            name.lower(),
            name.upper(),
            name.swapcase(),
            name + " ",
            " " + name,
            name + "_",
            name + "[]",
            name + "\u200b",
            name.replace("e", "\u0435"),  # Cyrillic e
            name + "s",
            "_" + name,
            name[:-1],
            f"{name}.0",
            "message",
            "content",
            "caption",
            "notes",
            "MessageText",
        }
        - {name}
    )
    return st.one_of(
        st.sampled_from(sorted(variants)),
        st.text(
            alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12
        ),
    )


def draw_examples(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """``n`` examples of a strategy, the same on every run (derandomized, no database)."""
    out: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(x: Any) -> None:
        out.append(x)

    collect()
    return out


def unknown_to(fields: Fields, name: str) -> bool:
    return fields.spec_for(name) is None


# --- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SENDS))
async def test_the_canary_never_reaches_the_upstream(
    name: str, make_proxy: Any, aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AWS_SECRET_ENV, "perimeter-test-secret")
    upstream = RecordingUpstream()
    server = await aiohttp_server(upstream.app())
    url = str(server.make_url(""))
    proxy = await make_proxy(url, settings=SETTINGS.with_upstreams({name: url}))
    send = SENDS[name]
    op, path, pieces = send_op(name)
    fields = op.fields if name not in ("aws_sns", "aws_sms") else None
    headers = {"Content-Type": send.content_type, **dict(send.headers)}
    base = str(proxy.make_url("")).rstrip("/")
    routes = draw_examples(route_variants(pieces), 40)
    names = draw_examples(near_misses(send.text), 40)
    queries = draw_examples(st.sampled_from([send.text, send.text.lower(), "text", "body", "q"]), 5)
    forwarded_variants: list[str] = []

    async with aiohttp.ClientSession() as s:

        async def call(method: str, raw_path: str, data: bytes) -> int:
            before = len(upstream.requests)
            async with s.request(
                method, URL(base + raw_path, encoded=True), data=data, headers=headers
            ) as r:
                text = without_request_ids(await r.text())
                assert not phi_in(text), f"{name}: a refusal echoed the text"
                status = int(r.headers.get("X-PHI-Proxy-Status", r.status))
            return status if len(upstream.requests) == before else -status

        # the declared send itself: forwarded, the canary scrubbed or the send refused
        await call("POST", path, body(send, send.text, PHI_TEXT))
        # an admin text goes through unchanged (the tables do not refuse ordinary sends)
        assert await call("POST", path, body(send, send.text, ADMIN)) < 0, name

        for method, raw in routes:
            if (method, raw) == ("POST", path):
                continue
            status = await call(method, raw, body(send, send.text, PHI_TEXT))
            if status < 0:
                forwarded_variants.append(f"{method} {raw}")
            elif status:
                assert 400 <= status < 500 or status == 200, (method, raw, status)

        for field in names:
            if field == send.text:
                continue
            status = await call("POST", path, body(send, send.text, ADMIN, {field: PHI_TEXT}))
            if fields is not None and unknown_to(fields, field) and field not in send.fields:
                assert status > 0, f"{name}: unknown field {field!r} was forwarded"
                assert 400 <= status < 500

        for q in queries:
            raw = path + "?" + urlencode({q: PHI_TEXT})
            status = await call("POST", raw, body(send, send.text, ADMIN))
            assert status > 0, f"{name}: a query parameter on a send was forwarded"

    assert not forwarded_variants, f"{name}: route variants forwarded: {forwarded_variants}"
    for r in upstream.requests:
        leaked = phi_in(r.body) + phi_in(r.path) + phi_in(r.query)
        assert not leaked, f"{name}: the upstream saw {leaked}"
    # the test bites: the admin send (at least) reached the upstream
    assert any(re.search(rb"Patel", r.body) for r in upstream.requests)


@pytest.mark.parametrize("name", ["telnyx", "twilio"])
async def test_deeply_nested_bodies_are_a_400_never_a_5xx(
    name: str, make_proxy: Any, aiohttp_server: Any
) -> None:
    upstream = RecordingUpstream()
    server = await aiohttp_server(upstream.app())
    proxy = await make_proxy(str(server.make_url("")))
    _, path, _ = send_op(name)
    deep = "[" * 5000 + "]" * 5000  # far past Python's recursion limit, within the body limit
    bodies = {
        "telnyx": ('{"to": "+15550100001", "text": "x", "media_urls": ' + deep + "}").encode(),
        "twilio": urlencode(
            {
                "To": "+15550100001",
                "From": "+15550109999",
                "ContentSid": "HX1",
                "ContentVariables": deep,
            }
        ).encode(),
    }
    ctype = FORM if name == "twilio" else "application/json"
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.make_url(path), data=bodies[name], headers={"Content-Type": ctype}) as r,
    ):
        assert r.status == 400, await r.text()
    assert upstream.requests == []
