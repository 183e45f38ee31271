"""Hardening fixtures: the real proxy on a real socket, PHI checks on what the upstream got, and a
tally of fault kinds (printed at the end of the run: how many kinds, what share failed closed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus, urlencode

import aiohttp
import pytest

from tests.support.proxy import (  # noqa: F401 - fixtures re-exported for this directory
    ACCOUNT,
    SENDS,
    default_policy,
    make_proxy,
    upstream,
    upstream_server,
)

# Synthetic PHI the detector reliably catches (see tests/hardening/test_properties.py).
NAME = "Maria Lopez"
SSN = "219-09-9999"
PHONE = "(212) 555-0147"
EMAIL = "maria.lopez@example.com"
MRN = "48213377"
PHI_TEXT = f"Hi {NAME}, SSN {SSN}, call {PHONE} or {EMAIL}, MRN {MRN}."
PHI_STRINGS = ("Maria", "Lopez", SSN, "maria.lopez", EMAIL)
PHI_DIGITS = ("219099999", "2125550147", MRN)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

FAULTS: dict[str, bool] = {}


def form(body: str, to: str = "+15550100123") -> bytes:
    return urlencode({"To": to, "From": "+15550109999", "Body": body}).encode()


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def without_request_ids(text: str) -> str:
    """A refusal without the proxy's own random request ids (UUIDs): their digits can spell a
    canary's digit run by chance, and they are not text the client sent."""
    return _UUID.sub("", text)


def phi_in(
    raw: bytes | str, strings: Iterable[str] = PHI_STRINGS, digit_runs: Iterable[str] = PHI_DIGITS
) -> list[str]:
    """Every PHI value found in ``raw`` (URL-decoded, case-folded; digits also ignoring any
    separators), so a leak in any encoding counts."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    for _ in range(2):
        text = unquote_plus(text)
    low = text.lower()
    digits = re.sub(r"\D", "", text)
    found = [s for s in strings if s.lower() in low]
    found += [d for d in digit_runs if d in digits]
    return found


def assert_no_phi_upstream(bodies: Iterable[bytes]) -> None:
    for b in bodies:
        leaked = phi_in(b)
        assert not leaked, f"upstream received PHI: {leaked}"


async def post(url: Any, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=body, headers={**FORM, **(headers or {})}) as r,
    ):
        try:
            payload = await r.json(content_type=None)
        except ValueError:
            payload = await r.text()
        return r.status, payload


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fault(kind): a fault-injection case, tallied at the end")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    marker = item.get_closest_marker("fault")
    if marker and report.when == "call":
        FAULTS[marker.args[0]] = report.passed
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FAULTS:
        closed = sum(FAULTS.values())
        terminalreporter.write_line(
            f"fault injection: {len(FAULTS)} fault kinds, {closed} failed closed "
            f"({100 * closed / len(FAULTS):.0f}%)"
            + (
                ""
                if closed == len(FAULTS)
                else f"; OPEN: {[k for k, v in FAULTS.items() if not v]}"
            )
        )
