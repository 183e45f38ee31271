"""Issue #16 end to end: a diagnosis hidden by leetspeak, spelled-out letters, a misspelling or an
ICD-10 code never reaches the provider. The real proxy app on a real socket, the shipped policy
(clinical detail goes to the portal), a recording upstream."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus, urlencode

import aiohttp
import pytest

from tests.support.proxy import SENDS

DOB = {"X-PHI-Proxy-Patient-DOB": "1962-03-14"}


async def post(proxy: Any, body: str, **headers: str) -> int:
    data = urlencode({"To": "+15550100001", "From": "+15550109999", "Body": body})
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.make_url(SENDS),
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        ) as r,
    ):
        return r.status


@pytest.mark.parametrize(
    "body,hidden",
    [
        ("Your H.I.V. test came back, call us.", ["H.I.V", "HIV"]),
        ("Hi, your c4nc3r screening results are in.", ["c4nc3r", "cancer"]),
        ("Quick update: the s t d panel is back.", ["s t d"]),
        ("FYI your d1ab3tes follow-up is Tuesday.", ["d1ab3tes"]),
        ("Your chlamidya treatment is ready for pickup.", ["chlamidya"]),
        ("Claim note: dx F32.1 on file.", ["F32.1"]),
        ("Your results are ready (urine drug screen).", ["drug screen"]),
    ],
)
async def test_a_hidden_diagnosis_goes_to_the_portal_not_the_provider(
    make_proxy: Any, upstream_server: Any, upstream: Any, body: str, hidden: list[str]
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")))
    assert await post(proxy, body, **DOB) == 201
    assert len(upstream.bodies) == 1
    sent = unquote_plus(upstream.bodies[0].decode())
    for value in hidden:
        assert value.lower() not in sent.lower()
    assert "secure message" in sent  # the portal notice went instead
    # without a date of birth the portal cannot be used: refused, nothing forwarded
    assert await post(proxy, body) == 400
    assert len(upstream.bodies) == 1


async def test_codes_and_everyday_words_are_forwarded_unchanged(
    make_proxy: Any, upstream_server: Any, upstream: Any
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")))
    texts = [
        "Use code A1B2 to log in to the kiosk.",
        "Please cancel your appointment if you cannot make it.",
        "Sensor A1C2 went offline; IT is on it.",
    ]
    for body in texts:
        assert await post(proxy, body) == 201
    sent = [unquote_plus(b.decode()) for b in upstream.bodies]
    assert all(any(t in s for s in sent) for t in texts)
