"""Every provider, through its official SDK, against the proxy as production runs it.

Production runs the detector in a child process (``detection.isolate: true``, the default); here
too: the proxy under test gets a real :class:`IsolatedDetector`, not an injected in-process one.
For each provider:

- a text with a patient's name reaches the recording upstream redacted (the child found it);
- once the recipient has opted out, the SDK gets the provider's own opt-out refusal (Twilio
  21610, Vonage SMS status 7, Vonage Messages problem ``opted-out``, Plivo ``opted_out``, Telnyx
  40300, MessageBird 90004, Sinch ``phi_proxy_opted_out``, SNS ``OptedOut``, End User Messaging
  ``ConflictException``) and the upstream receives nothing;
- with the child killed, a send fails closed in the provider's "unavailable" shape and nothing
  is forwarded; the next send works again (a new child).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import boto3
import messagebird
import plivo
import plivo.rest.client
import pytest
import requests
import telnyx
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from messagebird.client import USER_AGENT
from messagebird.http_client import HttpClient
from plivo import exceptions as plivo_errors
from sinch import SinchClient
from sinch.core.clients.retry_configuration import RetryConfiguration
from sinch.core.exceptions import SinchException
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client as TwilioClient
from vonage import Auth, HttpClientOptions, Vonage
from vonage_http_client.errors import HttpRequestError
from vonage_messages import Sms as VonageMessagesSms
from vonage_sms import SmsMessage
from vonage_sms.errors import SmsError

from models.detector import DetectorSettings
from proxy import appkeys
from proxy.detection.isolated import IsolatedDetector
from proxy.optout.registry import OUT, OptOutRegistry
from proxy.policy.parse import load_policy
from proxy.providers.config import AwsConfig, ProvidersConfig
from proxy.settings import DetectionSettings, Settings
from tests.providers.conftest import ADMIN, REDACTED, WITH_NAME, base
from tests.support import storage
from tests.support.provider_upstream import ProviderUpstream

PATIENT = "+15550100001"
CLINIC = "+15550109999"
TWILIO_ACCOUNT = "AC" + "1" * 32
PLIVO_AUTH_ID = "MA" + "A" * 18
AWS_SECRET_ENV = "PHI_PROXY_TEST_AWS_SECRET"
AWS_KEY, AWS_SECRET = "AKIDPHIPROXYTEST0001", "proxy-secret-for-tests-only"
SETTINGS = Settings(
    providers=ProvidersConfig(
        aws=AwsConfig(access_key_id=AWS_KEY, secret_access_key_env=AWS_SECRET_ENV)
    ),
    # Longer than a child restart (~10 s on a busy machine): a dead child must be refused because
    # it died, not merely because its replacement outlived the deadline.
    detection=DetectionSettings(deadline_seconds=45.0),
)


def _boto(service: str, url: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDCLIENTKEY0000001",
        aws_secret_access_key="client-secret",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),  # no retry
    )


def _vonage(port: int) -> Vonage:
    host = f"127.0.0.1:{port}"
    return Vonage(
        Auth(api_key="abcd1234", api_secret="Secret0123456789"),
        HttpClientOptions(api_host=host, rest_host=host, max_retries=0),
    )


def _sinch(url: str) -> SinchClient:
    c = SinchClient(
        service_plan_id="plan0123456789",
        sms_api_token="test-token-0123",
        sms_region="us",
        retry_configuration=RetryConfiguration(max_retries=0),
    )
    c.configuration.sms_origin_with_service_plan_id = url
    return c


def _twilio(url: str, text: str) -> Any:
    client = TwilioClient(TWILIO_ACCOUNT, "test-auth-token")
    client.api.base_url = url
    return client.messages.create(to=PATIENT, from_=CLINIC, body=text)


def _plivo(url: str, text: str) -> Any:
    plivo.rest.client.PLIVO_API_BASE_URI = url + "/v1/Account"  # the SDK's only base setting
    client = plivo.RestClient(PLIVO_AUTH_ID, "test-auth-token")
    return client.messages.create(src=CLINIC[1:], dst=PATIENT[1:], text=text)


def _messagebird(url: str, text: str) -> Any:
    key = "test_accesskey0123"
    client = messagebird.Client(key, http_client=HttpClient(url + "/", key, USER_AGENT))
    return client.message_create("PhiClinic", [PATIENT[1:]], text)


@dataclass(frozen=True)
class Case:
    name: str  # the provider as the audit log names it
    send: Callable[[Any, str], Any]  # (proxy server, text) → the SDK's answer; raises on refusal
    refused: type[BaseException] | tuple[type[BaseException], ...]
    opted_out: Callable[[Any], bool]  # the exception carries the provider's opt-out refusal
    unavailable: Callable[[Any], bool]  # ... the provider's "not sent, try again" refusal
    tls: bool = False  # the Vonage SDKs speak https only


def _vonage_sms_send(proxy: Any, text: str) -> Any:
    msg = SmsMessage(to=PATIENT[1:], from_=CLINIC[1:], text=text)
    return _vonage(proxy.port).sms.send(msg)


def _vonage_messages_send(proxy: Any, text: str) -> Any:
    return _vonage(proxy.port).messages.send(
        VonageMessagesSms(to=PATIENT[1:], from_=CLINIC[1:], text=text)
    )


def _problem(e: HttpRequestError) -> dict[str, Any]:
    return dict(e.response.json())


def _aws_error(e: ClientError) -> tuple[int, str]:
    return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]


CASES = [
    Case(
        "twilio",
        lambda p, t: _twilio(base(p), t),
        TwilioRestException,
        lambda e: (e.status, e.code) == (400, 21610) and "unsubscribed recipient" in e.msg,
        lambda e: e.status == 503 and e.code == 90002,
    ),
    Case(
        "vonage_sms",
        _vonage_sms_send,
        SmsError,
        # the SMS API answers 200 with messages[0].status; "7" is Vonage's "Number barred"
        lambda e: "error code 7" in str(e) and "unsubscribed recipient" in str(e),
        lambda e: "error code 5" in str(e) and "not sent" in str(e),
        tls=True,
    ),
    Case(
        "vonage_messages",
        _vonage_messages_send,
        HttpRequestError,
        lambda e: (
            e.response.status_code == 400 and _problem(e)["type"] == "urn:phi-proxy:opted-out"
        ),
        lambda e: (
            e.response.status_code == 503 and _problem(e)["type"] == "urn:phi-proxy:unavailable"
        ),
        tls=True,
    ),
    Case(
        "plivo",
        lambda p, t: _plivo(base(p), t),
        (plivo_errors.PlivoRestError,),
        lambda e: isinstance(e, plivo_errors.ValidationError) and "unsubscribed" in str(e),
        lambda e: isinstance(e, plivo_errors.PlivoServerError) and "not sent" in str(e),
    ),
    Case(
        "telnyx",
        lambda p, t: telnyx.Telnyx(
            api_key="KEYtest0123", base_url=base(p) + "/v2", max_retries=0
        ).messages.send(to=PATIENT, from_=CLINIC, text=t),
        telnyx.APIStatusError,
        lambda e: e.status_code == 400 and e.body["errors"][0]["code"] == "40300",
        lambda e: e.status_code == 503 and e.body["errors"][0]["code"] == "90002",
    ),
    Case(
        "messagebird",
        lambda p, t: _messagebird(base(p), t),
        (messagebird.ErrorException, requests.HTTPError),
        # the SDK parses 422 bodies into errors; other statuses surface as HTTPError
        lambda e: isinstance(e, messagebird.ErrorException) and e.errors[0].code == 90004,
        lambda e: (
            isinstance(e, requests.HTTPError)
            and e.response.status_code == 503
            and e.response.json()["errors"][0]["code"] == 90002
        ),
    ),
    Case(
        "sinch",
        lambda p, t: _sinch(base(p)).sms.batches.send_sms(
            to=[PATIENT[1:]], from_=CLINIC[1:], body=t
        ),
        SinchException,
        lambda e: (
            e.response_status_code == 400 and e.http_response.body["code"] == "phi_proxy_opted_out"
        ),
        lambda e: (
            e.response_status_code == 503
            and e.http_response.body["code"] == "phi_proxy_unavailable"
        ),
    ),
    Case(
        "aws_sns",
        lambda p, t: _boto("sns", base(p) + "/aws/sns").publish(PhoneNumber=PATIENT, Message=t),
        ClientError,
        lambda e: _aws_error(e) == (400, "OptedOut"),
        lambda e: _aws_error(e) == (503, "ServiceUnavailable"),
    ),
    Case(
        "aws_sms",
        lambda p, t: _boto("pinpoint-sms-voice-v2", base(p) + "/aws/sms-voice").send_text_message(
            DestinationPhoneNumber=PATIENT, OriginationIdentity=CLINIC, MessageBody=t
        ),
        ClientError,
        lambda e: (
            _aws_error(e) == (400, "ConflictException")
            and e.response["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
        ),
        lambda e: _aws_error(e) == (503, "ServiceUnavailableException"),
    ),
]


@pytest.fixture(scope="module")
def child_detector() -> Iterator[IsolatedDetector]:
    """The detector as `phi-proxy serve` builds it with detection.isolate on (the default)."""
    d = IsolatedDetector(DetectorSettings(allow=load_policy().allow.values), timeout=30.0)
    yield d
    d.close()


@pytest.fixture(autouse=True)
def _restore_plivo_base() -> Iterator[None]:
    saved = plivo.rest.client.PLIVO_API_BASE_URI
    yield
    plivo.rest.client.PLIVO_API_BASE_URI = saved


@pytest.fixture
async def isolated_proxy(
    make_proxy: Any,
    provider_server: Any,
    provider_upstream: ProviderUpstream,
    child_detector: IsolatedDetector,
    server_tls: Any,
    tls_files: Any,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Any:
    case: Case = request.param
    monkeypatch.setenv(AWS_SECRET_ENV, AWS_SECRET)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))
    provider_upstream.aws_credentials = Credentials(AWS_KEY, AWS_SECRET)
    return await make_proxy(
        str(provider_server.make_url("")),
        detector_=child_detector,
        settings=SETTINGS,
        ssl=server_tls if case.tls else None,
    )


async def _send(case: Case, proxy: Any, text: str) -> Any:
    return await asyncio.to_thread(case.send, proxy, text)


async def _refused(case: Case, proxy: Any, text: str) -> Any:
    with pytest.raises(case.refused) as exc:
        await _send(case, proxy, text)
    return exc.value


def _forwarded_text(upstream: ProviderUpstream) -> str:
    return unquote_plus(upstream.requests[-1].body.decode())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "isolated_proxy"),
    [(c, c) for c in CASES],
    ids=[c.name for c in CASES],
    indirect=["isolated_proxy"],
)
async def test_child_detector_redacts_and_opted_out_recipient_is_refused(
    case: Case,
    isolated_proxy: Any,
    provider_upstream: ProviderUpstream,
    child_detector: IsolatedDetector,
    store_url: str,
) -> None:
    assert child_detector.pid not in (None, os.getpid())
    await _send(case, isolated_proxy, WITH_NAME)
    assert len(provider_upstream.requests) == 1
    sent = _forwarded_text(provider_upstream)
    assert REDACTED in sent and "Maria" not in sent and "Lopez" not in sent

    app = isolated_proxy.app
    registry = OptOutRegistry(app[appkeys.STORE], app[appkeys.PSEUDONYM_KEY])
    await registry.record(PATIENT, [], OUT, "test", "stop", global_=True)

    err = await _refused(case, isolated_proxy, ADMIN)
    assert case.opted_out(err), repr(err)
    assert len(provider_upstream.requests) == 1, "a send to an opted-out recipient was forwarded"
    kinds = [
        json.loads(r[0]) for r in storage.rows(store_url, "SELECT body FROM audit_log ORDER BY seq")
    ]
    refused = [b for b in kinds if b["kind"] == "optout.refused"]
    assert [b["provider"] for b in refused] == [case.name]


# one form, one answer-in-a-200 and one JSON provider: each kill costs a child restart (~10 s)
DEAD_CHILD = [c for c in CASES if c.name in ("twilio", "vonage_sms", "aws_sms")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "isolated_proxy"),
    [(c, c) for c in DEAD_CHILD],
    ids=[c.name for c in DEAD_CHILD],
    indirect=["isolated_proxy"],
)
async def test_a_dead_child_fails_closed_then_a_new_one_serves(
    case: Case,
    isolated_proxy: Any,
    provider_upstream: ProviderUpstream,
    child_detector: IsolatedDetector,
) -> None:
    await _send(case, isolated_proxy, ADMIN)  # the child is up and answering
    assert len(provider_upstream.requests) == 1
    pid = child_detector.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # reaped: the pipe is closed
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            break
        await asyncio.sleep(0.05)
    err = await _refused(case, isolated_proxy, ADMIN)
    assert case.unavailable(err), repr(err)
    assert len(provider_upstream.requests) == 1, "a send without an answer from detection went out"
    await _send(case, isolated_proxy, WITH_NAME)  # a new child, the same protection
    assert child_detector.pid not in (None, pid)
    assert len(provider_upstream.requests) == 2
    assert REDACTED in _forwarded_text(provider_upstream)


# Issue #18: each provider's own answer to a text over its limit (the adapter's max_text_chars),
# as its SDK surfaces it: status and code as the provider documents them.
TOO_LONG: dict[str, Callable[[Any], bool]] = {
    "twilio": lambda e: (e.status, e.code) == (400, 21617) and "1600" in e.msg,
    # the SMS API answers 200 with messages[0].status "3" (invalid parameters)
    "vonage_sms": lambda e: "error code 3" in str(e) and "3200" in str(e),
    "vonage_messages": lambda e: (
        e.response.status_code == 422
        and _problem(e)["type"].endswith("#1150")
        and _problem(e)["title"] == "Invalid params"
    ),
    "plivo": lambda e: isinstance(e, plivo_errors.ValidationError) and "1600" in str(e),
    "telnyx": lambda e: (
        e.status_code == 400
        and e.body["errors"][0]["code"] == "40302"
        and e.body["errors"][0]["title"] == "Message too large"
    ),
    # the SDK parses 422 bodies into errors; code 10 is MessageBird's "invalid parameters"
    "messagebird": lambda e: isinstance(e, messagebird.ErrorException) and e.errors[0].code == 10,
    "sinch": lambda e: (
        e.response_status_code == 400
        and e.http_response.body["code"] == "syntax_constraint_violation"
    ),
    "aws_sns": lambda e: _aws_error(e) == (400, "InvalidParameter"),
    "aws_sms": lambda e: _aws_error(e) == (400, "ValidationException"),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "isolated_proxy"),
    [(c, c) for c in CASES],
    ids=[c.name for c in CASES],
    indirect=["isolated_proxy"],
)
async def test_a_text_over_the_providers_limit_gets_the_providers_own_error(
    case: Case, isolated_proxy: Any, provider_upstream: ProviderUpstream
) -> None:
    from proxy.providers import REGISTRY

    limit = REGISTRY[case.name].max_text_chars
    err = await _refused(case, isolated_proxy, "x" * (limit + 1))
    assert TOO_LONG[case.name](err), repr(err)
    assert provider_upstream.requests == [], "an over-long text was forwarded"
    await _send(case, isolated_proxy, "Reminder: " + "x" * (limit - 10))  # at the limit: sent
    assert len(provider_upstream.requests) == 1


# the SDK calls above read PATIENT (with "+") or PATIENT[1:] (digits): a formatted and a
# national spelling of +15550100001 for each (the Vonage SDKs accept digits only)
FORMATTED = {
    "twilio": "+1 (555) 010-0001",
    "telnyx": "+1 555.010.0001",
    "aws_sns": "5550100001",  # AWS's own pattern (and the field map) allow no separators
    "aws_sms": "5550100001",
}
NATIONAL = "x5550100001"  # PATIENT[1:] is the national number


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "isolated_proxy"),
    [(c, c) for c in CASES],
    ids=[c.name for c in CASES],
    indirect=["isolated_proxy"],
)
async def test_the_recipient_is_forwarded_as_the_number_the_opt_out_check_read(
    case: Case,
    isolated_proxy: Any,
    provider_upstream: ProviderUpstream,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue #18: a number written with separators or without its country code is checked as
    +15550100001 and forwarded as exactly that (with or without "+", as the provider writes
    numbers), not as written; a full-width digit is refused in the provider's own shape and
    nothing is forwarded."""
    import sys

    from proxy.providers import REGISTRY

    module = sys.modules[__name__]
    monkeypatch.setattr(module, "PATIENT", FORMATTED.get(case.name, NATIONAL))
    await _send(case, isolated_proxy, ADMIN)
    assert len(provider_upstream.requests) == 1
    raw = provider_upstream.requests[-1].body.decode()
    body = raw if raw.lstrip().startswith("{") else unquote_plus(raw)
    if REGISTRY[case.name].recipient_plus:
        assert "+15550100001" in body, body
    else:
        assert "15550100001" in body and "+15550100001" not in body, body
    assert "(555)" not in body and "555.010" not in body and "555 010" not in body

    monkeypatch.setattr(module, "PATIENT", "+1555\uff10100001")  # one full-width zero
    await _refused(case, isolated_proxy, ADMIN)
    assert len(provider_upstream.requests) == 1, "a full-width number reached the provider"
