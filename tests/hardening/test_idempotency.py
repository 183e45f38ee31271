"""Idempotency keys: a client retry never becomes a second SMS, and keys never cross tenants."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from proxy import appkeys
from proxy.settings import IdempotencySettings, Settings
from tests.hardening.conftest import PHI_STRINGS, SENDS, form, phi_in, post
from tests.support.fakes import RaisingDetector, RecordingUpstream

AUTH_A = {"Authorization": "Basic QUNhYWE6dG9rZW5h"}
AUTH_B = {"Authorization": "Basic QUNiYmI6dG9rZW5i"}


async def test_same_key_returns_first_response_and_sends_once(
    make_proxy, upstream_server, upstream
):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    h = {**AUTH_A, "Idempotency-Key": "order-17"}
    first = await post(proxy.make_url(SENDS), form("See you Tuesday."), h)
    second = await post(proxy.make_url(SENDS), form("See you Tuesday."), h)
    assert first == second and first[0] == 201
    assert len(upstream.requests) == 1


async def test_twilio_token_header_is_honoured(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    h = {**AUTH_A, "I-Twilio-Idempotency-Token": "tok-1"}
    for _ in range(3):
        status, _ = await post(proxy.make_url(SENDS), form("See you Tuesday."), h)
        assert status == 201
    assert len(upstream.requests) == 1


async def test_replay_is_marked_and_keeps_provider_headers(make_proxy, upstream_server):
    import aiohttp

    proxy = await make_proxy(str(upstream_server.make_url("")))
    h = {**AUTH_A, "Idempotency-Key": "k", "Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as s:
        async with s.post(proxy.make_url(SENDS), data=form("Hi"), headers=h) as r:
            assert "Idempotent-Replayed" not in r.headers
            body1 = await r.read()
        async with s.post(proxy.make_url(SENDS), data=form("Hi"), headers=h) as r:
            assert r.headers["Idempotent-Replayed"] == "true"
            assert r.headers["Twilio-Request-Id"] == "RQ123"
            assert await r.read() == body1


async def test_keys_are_scoped_per_credential(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    await post(proxy.make_url(SENDS), form("Hi"), {**AUTH_A, "Idempotency-Key": "same"})
    await post(proxy.make_url(SENDS), form("Hi"), {**AUTH_B, "Idempotency-Key": "same"})
    assert len(upstream.requests) == 2


async def test_key_reused_for_a_different_body_is_422(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    h = {**AUTH_A, "Idempotency-Key": "k2"}
    assert (await post(proxy.make_url(SENDS), form("one"), h))[0] == 201
    status, payload = await post(proxy.make_url(SENDS), form("two"), h)
    assert status == 422 and payload["code"] == 90003
    assert len(upstream.requests) == 1


async def test_bad_key_is_400(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    status, _ = await post(proxy.make_url(SENDS), form("x"), {"Idempotency-Key": "k" * 300})
    assert status == 400 and upstream.requests == []


async def test_concurrent_duplicate_waits_for_the_first(make_proxy, aiohttp_server):
    slow = RecordingUpstream(delay=0.5)
    server = await aiohttp_server(slow.app())
    proxy = await make_proxy(str(server.make_url("")))
    h = {**AUTH_A, "Idempotency-Key": "race"}
    results = await asyncio.gather(
        *(post(proxy.make_url(SENDS), form("See you Tuesday."), h) for _ in range(5))
    )
    assert len(slow.requests) == 1
    assert all(r == results[0] for r in results) and results[0][0] == 201


async def test_concurrent_duplicate_gets_409_past_the_wait(make_proxy, aiohttp_server):
    slow = RecordingUpstream(delay=1.0)
    server = await aiohttp_server(slow.app())
    settings = replace(Settings(), idempotency=IdempotencySettings(wait_seconds=0.2))
    proxy = await make_proxy(str(server.make_url("")), settings=settings)
    h = {**AUTH_A, "Idempotency-Key": "race2"}
    first = asyncio.create_task(post(proxy.make_url(SENDS), form("Hi"), h))
    await asyncio.sleep(0.2)
    status, payload = await post(proxy.make_url(SENDS), form("Hi"), h)
    assert status == 409 and "still being processed" in payload["message"]
    assert (await first)[0] == 201
    assert len(slow.requests) == 1


async def test_refusal_releases_the_key_for_a_retry(make_proxy, upstream_server, upstream):
    """Nothing reached the provider, so a retry with the same key is processed afresh."""
    failing = await make_proxy(str(upstream_server.make_url("")), detector_=RaisingDetector())
    h = {**AUTH_A, "Idempotency-Key": "retry-me"}
    assert (await post(failing.make_url(SENDS), form("Hi"), h))[0] == 503
    rows = await failing.app[appkeys.STORE].fetch("SELECT * FROM idempotency_keys")
    assert rows == []


async def test_stored_answer_holds_no_original_text(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))
    from tests.hardening.conftest import PHI_TEXT

    await post(proxy.make_url(SENDS), form(PHI_TEXT), {**AUTH_A, "Idempotency-Key": "phi"})
    rows = await proxy.app[appkeys.STORE].fetch("SELECT * FROM idempotency_keys")
    assert len(rows) == 1 and rows[0]["state"] == "done"
    flat = " ".join(str(v) for v in rows[0].values() if not isinstance(v, bytes))
    flat += rows[0]["body"].decode()
    assert not phi_in(flat, PHI_STRINGS)
    assert "QUNhYWE6dG9rZW5h" not in flat  # the credential is only hashed


async def test_expired_keys_are_purged(make_proxy, upstream_server, upstream):
    from proxy.outbound.idempotency import IDEMPOTENCY

    proxy = await make_proxy(str(upstream_server.make_url("")))
    await post(proxy.make_url(SENDS), form("Hi"), {**AUTH_A, "Idempotency-Key": "old"})
    store = proxy.app[IDEMPOTENCY]
    assert await store.expire(now=10**10) == 1
    await post(proxy.make_url(SENDS), form("Hi"), {**AUTH_A, "Idempotency-Key": "old"})
    assert len(upstream.requests) == 2


def test_aws_sigv4_retries_share_a_scope():
    """An AWS SDK re-signs every retry (new date, new signature): the scope must not change."""
    from multidict import CIMultiDict, CIMultiDictProxy

    from proxy.outbound.idempotency import scope_for

    def headers(auth: str) -> CIMultiDictProxy[str]:
        return CIMultiDictProxy(CIMultiDict({"Authorization": auth}))

    first = headers(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sns/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "a" * 64
    )
    retry = headers(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sns/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "b" * 64
    )
    other = headers(
        "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20261129/us-east-1/sns/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "a" * 64
    )
    assert scope_for("aws_sns", first) == scope_for("aws_sns", retry)
    assert scope_for("aws_sns", first) != scope_for("aws_sns", other)
    assert scope_for("aws_sns", first) != scope_for("aws_sms", first)


async def test_crash_after_forwarding_never_resends(
    make_proxy, upstream_server, upstream, monkeypatch
):
    """An unexpected error after the provider got the text keeps the key claimed: the retry
    is not sent again (it waits, then gets 409), so the client never causes a second SMS."""
    from proxy.outbound import handler

    def explode(*args, **kwargs):
        raise RuntimeError("crash after forwarding")

    monkeypatch.setattr(handler, "record_sends", explode)  # the step right after forwarding
    settings = replace(Settings(), idempotency=IdempotencySettings(wait_seconds=0.3))
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    h = {**AUTH_A, "Idempotency-Key": "crash"}
    assert (await post(proxy.make_url(SENDS), form("See you Tuesday."), h))[0] == 503
    status, _ = await post(proxy.make_url(SENDS), form("See you Tuesday."), h)
    assert status == 409
    assert len(upstream.requests) == 1


async def test_stored_answers_are_deleted_after_their_ttl(make_proxy, upstream_server, upstream):
    """Stored answers hold provider responses (recipient numbers): a background task deletes
    them once expired, rather than keeping them for ever."""
    settings = replace(Settings(), idempotency=IdempotencySettings(ttl_seconds=0.4))
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    await post(proxy.make_url(SENDS), form("Hi"), {**AUTH_A, "Idempotency-Key": "short"})
    db = proxy.app[appkeys.STORE]
    assert len(await db.fetch("SELECT * FROM idempotency_keys")) == 1
    await asyncio.sleep(1.0)
    assert await db.fetch("SELECT * FROM idempotency_keys") == []
