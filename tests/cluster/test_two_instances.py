"""Two proxy instances behind one load balancer, sharing one PostgreSQL database.

Each instance is the real app on its own socket with its own Settings and data directory; they
share only the database URL and the keys (pseudonym and analytics keys and the vault KEK,
copied into both data directories as an operator would; config/PROXY.md). What one instance
learns, the other must enforce.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from twilio.base.exceptions import TwilioRestException

from proxy import appkeys
from proxy.admin import auth as auth_mod
from proxy.admin.console import LOGIN_CSRF_COOKIE
from proxy.admin.state_keys import AUTH
from proxy.app import create_app
from proxy.audit.log import verify
from proxy.crypto.shared_keys import KeyMismatch
from proxy.detection.service import TextDetector
from proxy.outbound.handler import AUDIT_RESULT_TASK
from proxy.policy.parse import default_policy_path, load_policy
from proxy.portal.routes import FAILURES_PER_WINDOW
from proxy.providers import REGISTRY
from proxy.settings import AdminSettings, ServerSettings, Settings, StorageSettings
from proxy.store import open_database
from proxy.tasks import drain
from proxy.webhooks.config import HookSettings, KeywordSettings, WebhookSettings
from tests.portal.conftest import CLINICAL, CLINICAL_WORDS, DOB, LINK, send_sdk
from tests.support.fakes import RecordingUpstream
from tests.support.proxy import ACCOUNT, SENDS, upstream, upstream_server  # noqa: F401
from tests.webhooks.conftest import PUBLIC, TWILIO_TOKEN, Customer, post_twilio, sdk_send

pytestmark = pytest.mark.postgres

SYNC = 0.3  # admin.policy_sync_seconds for both instances
PATIENT, PATIENT_2, CLINIC = "+15550100001", "+15550100002", "+15550109999"
NOTICE = "Reminder: your appointment is on Tuesday at 3:15 PM. Reply STOP to opt out."


@dataclass
class Instance:
    server: TestServer

    def url(self, path: str = "") -> str:
        return str(self.server.make_url(path))

    @property
    def app(self) -> Any:
        return self.server.app


Cluster = Callable[[], Awaitable[tuple[Instance, Instance]]]


@pytest.fixture
def shared_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Keys generated for this test only, written as 0600 files into each instance's data dir
    (not the environment, which two in-process instances would share whatever we did)."""
    for env in (
        "PHI_PROXY_PSEUDONYM_KEY",
        "PHI_PROXY_ANALYTICS_KEY",
        "PHI_PROXY_KEK",
        "PHI_PROXY_KEK_KEY",
    ):
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("TEST_TWILIO_TOKEN", TWILIO_TOKEN)
    monkeypatch.setattr(auth_mod, "_SCRYPT_N", 2**10)
    return {name: os.urandom(32).hex() for name in ("pseudonym", "analytics", "kek")}


def _data_dir(root: Path, keys: dict[str, str]) -> Path:
    root.mkdir()
    for name, value in keys.items():
        fd = os.open(root / f"{name}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(value)
    return root


@pytest.fixture
async def customer_url(aiohttp_server: Any) -> str:
    return str((await aiohttp_server(Customer().app())).make_url("")).rstrip("/")


@pytest.fixture
def cluster(
    pg_url: str,
    aiohttp_server: Any,
    tmp_path: Path,
    detector: TextDetector,
    upstream_server: TestServer,  # noqa: F811
    customer_url: str,
    shared_keys: dict[str, str],
) -> Cluster:
    """Start instances A and B together on one empty database (both migrate at start-up)."""

    def settings(name: str) -> Settings:
        policy = tmp_path / f"{name}-policy.yaml"  # publishing rewrites the instance's file
        shutil.copy(default_policy_path(), policy)
        hook = HookSettings("twilio", {"sms": f"{customer_url}/twilio/sms"}, "TEST_TWILIO_TOKEN")
        s = Settings(
            server=replace(ServerSettings(), public_base_url=PUBLIC),
            storage=StorageSettings(
                url=pg_url, data_dir=str(_data_dir(tmp_path / name, shared_keys))
            ),
            admin=AdminSettings(policy_sync_seconds=SYNC),
            webhooks=WebhookSettings(keywords=KeywordSettings(), providers={"twilio": hook}),
            policy_path=str(policy),
        )
        upstream_url = str(upstream_server.make_url(""))
        return s.with_upstreams({p: upstream_url for p in REGISTRY})

    async def start() -> tuple[Instance, Instance]:
        apps = []
        for name in ("a", "b"):
            s = settings(name)
            apps.append(create_app(s, policy=load_policy(s.policy_path), detector=detector))
        a, b = await asyncio.gather(*(aiohttp_server(app) for app in apps))
        return Instance(a), Instance(b)

    return start


async def test_stop_through_a_is_enforced_on_a_send_through_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    a, b = await cluster()
    msg = await sdk_send(b, to=PATIENT, from_=CLINIC, body=NOTICE)
    assert msg.status == "queued" and len(upstream.requests) == 1

    assert await post_twilio(a, "STOP", frm=PATIENT, to=CLINIC) == (200, "<Response/>")

    with pytest.raises(TwilioRestException) as e:
        await sdk_send(b, to=PATIENT, from_=CLINIC, body=NOTICE)
    assert e.value.status == 400 and e.value.code == 21610
    assert len(upstream.requests) == 1, "a send to an opted-out recipient reached the provider"
    # only that recipient: another patient still gets texts through B
    await sdk_send(b, to=PATIENT_2, from_=CLINIC, body=NOTICE)
    assert len(upstream.requests) == 2
    # and START through B lets A send again
    assert (await post_twilio(b, "START", frm=PATIENT, to=CLINIC))[0] == 200
    await sdk_send(a, to=PATIENT, from_=CLINIC, body=NOTICE)
    assert len(upstream.requests) == 3


async def test_a_portal_link_made_by_a_opens_on_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    a, b = await cluster()
    await send_sdk(a.url(), DOB, to=PATIENT, from_=CLINIC, body=CLINICAL)
    (req,) = upstream.requests
    notice = parse_qs(req.body.decode())["Body"][0]
    assert not any(w in notice.lower() for w in CLINICAL_WORDS)
    m = LINK.search(notice)
    assert m and m.group(0).startswith(PUBLIC + "/portal/")
    path = urlsplit(m.group(0)).path  # the load balancer's URL; each instance serves the path

    async with aiohttp.ClientSession() as s:
        async with s.get(a.url(path)) as r:  # the form comes from A ...
            assert r.status == 200
            html = await r.text()
        csrf = html.split('name="csrf" value="')[1].split('"')[0]
        async with s.post(b.url(path), data={"csrf": csrf, "answer": "01/01/1970"}) as r:
            assert CLINICAL not in await r.text()  # ... a wrong answer on B reveals nothing
        async with s.post(b.url(path), data={"csrf": csrf, "answer": "3/14/1962"}) as r:
            assert r.status == 200
            assert CLINICAL in await r.text()  # ... and the right one on B opens it


async def test_audit_chain_stays_valid_with_both_writing_at_once(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
    pg_url: str,
) -> None:
    a, b = await cluster()
    before = (await verify(a.app[appkeys.STORE])).records
    per_instance = 30
    data = urlencode({"To": PATIENT, "From": CLINIC, "Body": NOTICE})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    async def send(s: aiohttp.ClientSession, node: Instance) -> int:
        async with s.post(node.url(SENDS), data=data, headers=headers) as r:
            await r.read()
            return r.status

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=60)) as s:
        statuses = await asyncio.gather(*(send(s, n) for _ in range(per_instance) for n in (a, b)))
    assert statuses == [201] * (2 * per_instance)
    assert len(upstream.requests) == 2 * per_instance
    await drain(AUDIT_RESULT_TASK)  # results are recorded just after each answer

    db = await open_database(pg_url, migrate=False)  # a third, independent reader
    try:
        report = await verify(db)
        kinds = [r["kind"] for r in await db.fetch("SELECT kind FROM audit_log ORDER BY seq")]
    finally:
        await db.close()
    assert report.ok, report.problems
    assert report.records == before + 4 * per_instance  # a send and its result, every one
    assert kinds.count("send") == kinds.count("send.result") == 2 * per_instance


async def test_an_idempotency_key_used_on_a_is_honoured_on_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    a, b = await cluster()
    auth = aiohttp.BasicAuth(ACCOUNT, "test-auth-token")
    form = {"To": PATIENT, "From": CLINIC, "Body": NOTICE}

    async def send(s: aiohttp.ClientSession, node: Instance, key: str, **changes: str) -> Any:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": key}
        data = urlencode(form | changes)
        async with s.post(node.url(SENDS), data=data, headers=headers, auth=auth) as r:
            return r.status, r.headers.get("Idempotent-Replayed"), await r.read()

    async with aiohttp.ClientSession() as s:
        first = await send(s, a, "retry-1")
        again = await send(s, b, "retry-1")  # the client's retry lands on the other instance
        assert first[0] == 201 and first[1] is None
        assert again == (201, "true", first[2])  # A's answer, replayed by B
        assert len(upstream.requests) == 1
        reused = await send(s, b, "retry-1", Body="A different text, same key.")
        assert reused[0] == 422 and len(upstream.requests) == 1

        # the same key sent to both at the same moment: one SMS, one answer for both
        together = await asyncio.gather(send(s, a, "race-1"), send(s, b, "race-1"))
    assert [t[0] for t in together] == [201, 201]
    assert together[0][2] == together[1][2]
    assert sorted(str(t[1]) for t in together) == ["None", "true"]
    assert len(upstream.requests) == 2


async def test_a_policy_published_on_a_is_adopted_by_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    a, b = await cluster()
    new = await a.app[AUTH].add_user("olivia", "privacy_officer")
    bearer = {"Authorization": f"Bearer {new.api_key}"}
    line = "PERSON: {action: redact, min_score: 0.5}"
    async with aiohttp.ClientSession() as s:
        async with s.get(b.url("/admin/api/policy"), headers=bearer) as r:  # users are shared
            assert r.status == 200
            old = await r.json()
        assert line in old["yaml"]
        text = old["yaml"].replace(line, "PERSON: {action: block, min_score: 0.5}")
        async with s.post(
            a.url("/admin/api/policy/publish"),
            json={"yaml": text, "reason": "block names everywhere"},
            headers=bearer,
        ) as r:
            assert r.status == 200, await r.text()
            published = (await r.json())["version"]
        start = time.monotonic()
        assert published != old["version"]
        while True:
            async with s.get(b.url("/admin/api/policy"), headers=bearer) as r:
                if (await r.json())["version"] == published:
                    break
            assert time.monotonic() - start < SYNC * 3 + 1, "B did not adopt A's policy in time"
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - start

        # B now blocks what it used to redact
        data = urlencode({"To": PATIENT, "From": CLINIC, "Body": "Hi Maria Lopez, see you soon."})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        async with s.post(b.url(SENDS), data=data, headers=headers) as r:
            assert r.status == 400, await r.text()
    assert upstream.requests == []
    assert elapsed <= SYNC + 1.0  # one sync interval, plus scheduling slack


async def test_portal_failures_through_a_count_on_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    """Behind a load balancer a guesser's requests alternate between instances: the address's
    failures are one count, not one per instance."""
    a, b = await cluster()
    await send_sdk(a.url(), DOB, to=PATIENT, from_=CLINIC, body=CLINICAL)
    (req,) = upstream.requests
    m = LINK.search(parse_qs(req.body.decode())["Body"][0])
    assert m
    path = urlsplit(m.group(0)).path
    async with aiohttp.ClientSession() as s:
        statuses = []
        for i in range(FAILURES_PER_WINDOW):
            node = (a, b)[i % 2]
            async with s.get(node.url("/portal/" + secrets.token_urlsafe(32))) as r:
                statuses.append(r.status)
        assert statuses == [404] * FAILURES_PER_WINDOW
        for node in (a, b):  # both refuse now, each after only half the failures itself
            async with s.get(node.url("/portal/" + secrets.token_urlsafe(32))) as r:
                assert r.status == 429
            async with s.get(node.url(path)) as r:
                assert r.status == 429


async def _sign_in(s: aiohttp.ClientSession, node: Instance, name: str, password: str) -> int:
    """The console's sign-in form, posted; its cookies are Secure (public_base_url is https), so
    the form's cookie is sent by hand over the test's plain http."""
    async with s.get(node.url("/admin/login")) as r:
        csrf = (await r.text()).split('name="csrf" value="')[1].split('"')[0]
        assert r.cookies[LOGIN_CSRF_COOKIE].value == csrf
    data = {"csrf": csrf, "name": name, "password": password}
    headers = {"Cookie": f"{LOGIN_CSRF_COOKIE}={csrf}"}
    async with s.post(
        node.url("/admin/login"), data=data, headers=headers, allow_redirects=False
    ) as r:
        return r.status


async def test_failed_sign_ins_on_a_lock_the_name_on_b(
    cluster: Cluster,
    upstream: RecordingUpstream,  # noqa: F811
) -> None:
    a, b = await cluster()
    olivia = await a.app[AUTH].add_user("olivia", "privacy_officer")
    omar = await b.app[AUTH].add_user("omar", "auditor")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
        wrong = [await _sign_in(s, a, "olivia", "wrong") for _ in range(auth_mod.MAX_FAILURES - 1)]
        assert wrong == [401] * (auth_mod.MAX_FAILURES - 1)
        assert await _sign_in(s, b, "olivia", "wrong") == 429  # the last one allowed, on B
        assert await _sign_in(s, a, "olivia", olivia.password) == 429  # locked on A as well
        assert await _sign_in(s, b, "olivia", olivia.password) == 429

        # a successful sign-in on B clears what A counted
        for _ in range(auth_mod.MAX_FAILURES - 1):
            assert await _sign_in(s, a, "omar", "wrong") == 401
        assert await _sign_in(s, b, "omar", omar.password) == 303
        assert await _sign_in(s, a, "omar", "wrong") == 401


async def test_an_instance_with_another_pseudonym_key_refuses_to_start(
    cluster: Cluster,
    pg_url: str,
    aiohttp_server: Any,
    tmp_path: Path,
    detector: TextDetector,
    shared_keys: dict[str, str],
) -> None:
    """With another key it would not find its peers' opt-outs and would send to people who
    said STOP (the instance below would see PATIENT as not opted out); it must not start."""
    a, _ = await cluster()
    assert await post_twilio(a, "STOP", frm=PATIENT, to=CLINIC) == (200, "<Response/>")
    wrong = dict(shared_keys, pseudonym=os.urandom(32).hex())
    settings = Settings(
        storage=StorageSettings(url=pg_url, data_dir=str(_data_dir(tmp_path / "c", wrong)))
    )
    app = create_app(settings, policy=load_policy(), detector=detector)
    with pytest.raises(KeyMismatch, match="pseudonym key"):
        await aiohttp_server(app)
