"""Issue #18: a client flooding malformed requests has its further refusals held back (tarpit).

The penalty's state machine is driven by a fake clock; the served test records the middleware's
sleeps instead of waiting, so nothing here depends on wall time.
"""

from __future__ import annotations

from dataclasses import replace

import aiohttp
import pytest

from proxy.outbound import limits
from proxy.outbound.limits import Penalty
from proxy.settings import LimitSettings, Settings
from tests.providers.conftest import base
from tests.support.fakes import RaisingDetector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _penalty(clock: Clock, **kw: object) -> Penalty:
    settings = LimitSettings(
        bad_request_penalty_threshold=3,
        bad_request_penalty_window_seconds=10.0,
        bad_request_penalty_delay_seconds=0.5,
        **kw,  # type: ignore[arg-type]
    )
    return Penalty(settings, clock=clock)


def test_refusals_up_to_the_threshold_are_not_delayed_then_each_further_one_is():
    clock = Clock()
    p = _penalty(clock)
    assert [p.refused("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert p.refused("a") == 0.5
    assert p.refused("a") == 0.5
    assert p.refused("b") == 0.0  # another client is counted on its own


def test_the_count_starts_again_once_the_window_is_over():
    clock = Clock()
    p = _penalty(clock)
    for _ in range(4):
        p.refused("a")
    clock.now += 9.9
    assert p.refused("a") == 0.5  # still the same window
    clock.now += 0.1
    assert [p.refused("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert p.refused("a") == 0.5


def test_clients_whose_window_is_over_are_forgotten():
    clock = Clock()
    p = _penalty(clock)
    for key in ("a", "b", "c"):
        p.refused(key)
    assert len(p) == 3
    clock.now += 10.0
    p.refused("d")
    assert len(p) == 1


def test_tracked_clients_are_capped_least_recently_refused_first():
    clock = Clock()
    p = _penalty(clock, bad_request_penalty_max_clients=2)
    for _ in range(4):
        p.refused("flooder")
    p.refused("x")
    p.refused("y")  # evicts the flooder, the least recently refused
    assert len(p) == 2
    assert p.refused("flooder") == 0.0  # counted afresh


def test_disabled_never_delays():
    clock = Clock()
    p = _penalty(clock, bad_request_penalty_enabled=False)
    assert all(p.refused("a") == 0.0 for _ in range(50))
    assert len(p) == 0


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    got: list[float] = []

    async def record(seconds: float) -> None:
        got.append(seconds)

    monkeypatch.setattr(limits, "tarpit_sleep", record)
    return got


async def test_a_flooding_clients_malformed_sends_are_delayed_and_another_client_is_not(
    make_proxy, upstream_server, upstream, slept
):
    from tests.support.proxy import ACCOUNT

    settings = Settings()
    settings = replace(
        settings,
        limits=replace(
            settings.limits,
            rate_limit_enabled=False,
            bad_request_penalty_threshold=3,
            bad_request_penalty_delay_seconds=0.75,
        ),
    )
    proxy = await make_proxy(
        str(upstream_server.make_url("")), detector_=RaisingDetector(), settings=settings
    )
    url = base(proxy) + f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    bad = b"To=%2B15550100001&From=%2B15550109999&Body=caf%E9"
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    async def post(user: str) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as s,
            s.post(url, data=bad, headers=form, auth=aiohttp.BasicAuth(user, "pw")) as r,
        ):
            return r.status, await r.text()

    first = [await post(ACCOUNT) for _ in range(3)]
    assert slept == []  # up to the threshold: answered at once
    fourth = await post(ACCOUNT)
    assert slept == [0.75]  # the N+1-th: held back
    assert fourth == first[0]  # the same answer, only later
    assert await post("another-client") == first[0]
    assert slept == [0.75]  # another client's refusal is not held back
    assert upstream.requests == []
