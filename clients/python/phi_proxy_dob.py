"""The patient's date of birth, per request, for phi-proxy's portal (``verification: dob``).

Copy this file into your application (no dependencies beyond the SDKs you already use). The
proxy reads the date of birth from one header, ``X-PHI-Proxy-Patient-DOB`` (YYYY-MM-DD), keeps
it encrypted to check the reader against, and never forwards it to the provider. Most SDKs
cannot set a header on one call, so this module keeps the value for the duration of a ``with``
block (a context variable: safe across threads and asyncio tasks) and each SDK's own hook adds
it to that block's requests only::

    from phi_proxy_dob import patient_dob

    with patient_dob("1962-03-14"):
        client.messages.create(to=..., from_=..., body=...)

Hooks, one per SDK family (docs/SDK-DOB.md shows each in full):

* Twilio: ``Client(sid, token, http_client=twilio_http_client())``
* AWS (boto3 SNS and End User Messaging SMS): ``with_boto3(client)``
* SDKs built on ``requests`` (Plivo, Vonage, MessageBird, Sinch): ``with_requests(proxy_url)``
* Telnyx (and any SDK with per-call headers): ``extra_headers=dob_header("1962-03-14")``
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

HEADER = "X-PHI-Proxy-Patient-DOB"
_DOB: ContextVar[str | None] = ContextVar("phi_proxy_patient_dob", default=None)


@contextmanager
def patient_dob(dob: str) -> Iterator[None]:
    """Requests made inside the block carry ``dob`` (YYYY-MM-DD) to the proxy."""
    token = _DOB.set(dob)
    try:
        yield
    finally:
        _DOB.reset(token)


def dob_header(dob: str | None = None) -> dict[str, str]:
    """The header for ``dob`` (or the current block's), for SDKs with per-call headers."""
    value = dob if dob is not None else _DOB.get()
    return {HEADER: value} if value else {}


def twilio_http_client() -> Any:
    """A Twilio SDK HTTP client that adds the current block's date of birth to each request."""
    from twilio.http.http_client import TwilioHttpClient

    class DobTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if len(args) >= 3:  # params, data, headers given positionally
                args = (*args[:2], {**(args[2] or {}), **dob_header()}, *args[3:])
            else:
                kwargs["headers"] = {**(kwargs.get("headers") or {}), **dob_header()}
            return super().request(method, url, *args, **kwargs)

    return DobTwilioHttpClient()


def with_boto3(client: Any) -> Any:
    """Register a hook on a boto3 client: requests in a ``patient_dob`` block carry the header
    (added before signing, so the client's signature covers it)."""

    def add(request: Any, **_: Any) -> None:
        for k, v in dob_header().items():
            request.headers[k] = v

    client.meta.events.register("before-sign", add)
    return client


_requests_base: list[str] = []


def with_requests(proxy_url: str) -> None:
    """For SDKs built on ``requests``: requests to ``proxy_url`` inside a ``patient_dob`` block
    carry the header (requests to anywhere else never do). Call once at start-up."""
    import requests

    base = proxy_url.rstrip("/")
    if base not in _requests_base:
        _requests_base.append(base)
    if getattr(requests.Session, "_phi_proxy_dob", False):
        return
    original = requests.Session.prepare_request

    def prepare_request(self: Any, request: Any) -> Any:
        prepared = original(self, request)
        url = prepared.url or ""
        if any(url == b or url.startswith(b + "/") for b in _requests_base):
            prepared.headers.update(dob_header())
        return prepared

    requests.Session.prepare_request = prepare_request  # type: ignore[method-assign]
    requests.Session._phi_proxy_dob = True  # type: ignore[attr-defined]
