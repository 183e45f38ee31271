"""Issue #18 point 2: detection cost bounded and fair.

* detection cost grows linearly with the text, also on texts shaped against its scans;

* every adapter states its provider's text limit and a longer text gets the provider's own error;
* long digit runs are read in linear time (the names recognizer's glued-identifier hint went
  quadratic on "1" * 20000);
* malformed input (deep JSON, lone surrogates, invalid UTF-8) is the client's 400 before
  detection — never a 503 a client would retry forever;
* one client cannot starve the others of detector time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Collection, Sequence

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException

from models.findings import Finding
from proxy.detection import DetectionBusy, DetectionService
from proxy.providers import REGISTRY
from proxy.providers.base import Provider
from tests.providers.conftest import base, provider_server, provider_upstream  # noqa: F401
from tests.support.fakes import RaisingDetector
from tests.webhooks.conftest import CLINIC, PATIENT, sdk_send

PATHOLOGICAL = ["1" * 20000, "1 " * 15000, "12-" * 10000]


# ---- per-text length caps ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_adapter_states_its_providers_text_limit(name):
    cls = REGISTRY[name]
    declared = {k for c in cls.__mro__ if c is not Provider for k in vars(c)}
    assert "max_text_chars" in declared and "text_too_long_code" in declared, name
    assert 160 <= cls.max_text_chars <= 4000


async def test_twilio_body_over_1600_gets_twilios_21617(make_proxy, upstream_server, upstream):
    proxy = await make_proxy(str(upstream_server.make_url("")))

    class S:  # the webhook helpers' stack shape
        def url(self, path: str) -> str:
            return str(proxy.make_url(path))

    with pytest.raises(TwilioRestException) as e:
        await sdk_send(S(), to=PATIENT, from_=CLINIC, body="x" * 1601)
    assert e.value.status == 400 and e.value.code == 21617
    assert "1600" in e.value.msg
    assert upstream.requests == []
    msg = await sdk_send(S(), to=PATIENT, from_=CLINIC, body="Reminder: " + "x" * 1590)
    assert msg.status == "queued" and len(upstream.requests) == 1


async def test_json_provider_over_its_limit_is_refused_before_detection(
    make_proxy,
    provider_server,  # noqa: F811
):
    # a detector that explodes: a 400 proves the refusal came before detection
    proxy = await make_proxy(str(provider_server.make_url("")), detector_=RaisingDetector())
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            base(proxy) + "/v2/messages", json={"to": PATIENT, "from": CLINIC, "text": "x" * 1601}
        ) as r,
    ):
        assert r.status == 400
        assert "1600 character limit" in await r.text()


# ---- malformed input: 400 before detection ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"[" * 20000 + b"]" * 20000, "application/json"),
        (
            b'{"to": "+15550100001", "text": "hi", "x": ' + b"[" * 35 + b"]" * 35 + b"}",
            "application/json",
        ),
        (
            b'{"to": "+15550100001", "from": "+15550109999", "text": "hi \\ud800 there"}',
            "application/json",
        ),
        (b'{"to": "+15550100001", "text": "caf' + bytes([0xE9]) + b'"}', "application/json"),
    ],
    ids=["deep-20000", "deep-35", "lone-surrogate", "invalid-utf8"],
)
async def test_malformed_json_is_a_400_not_a_503(
    make_proxy,
    provider_server,  # noqa: F811
    body,
    ctype,
):
    proxy = await make_proxy(str(provider_server.make_url("")), detector_=RaisingDetector())
    async with (
        aiohttp.ClientSession() as s,
        s.post(base(proxy) + "/v2/messages", data=body, headers={"Content-Type": ctype}) as r,
    ):
        assert r.status == 400, await r.text()


async def test_form_value_that_is_not_utf8_is_a_400(make_proxy, upstream_server, upstream):
    from tests.support.proxy import ACCOUNT

    proxy = await make_proxy(str(upstream_server.make_url("")), detector_=RaisingDetector())
    url = base(proxy) + f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    body = b"To=%2B15550100001&From=%2B15550109999&Body=caf%E9"
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=aiohttp.BasicAuth(ACCOUNT, "token"),
        ) as r,
    ):
        assert r.status == 400
    assert upstream.requests == []


# ---- linear time on long runs -------------------------------------------------------------------


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=["ones", "one-space", "twelve-dash"])
def test_long_digit_runs_are_read_in_linear_time(detector, text):
    """Not a speed figure: a regression guard with a wide margin. Before the fix each of these
    used the proxy's whole 5 s deadline (the glued-name hint tried every digit as a start and
    scanned to the end from each); now each is a few hundred milliseconds at most."""
    from models.normalize import normalize
    from models.recognizers.names.cues import GLUED_HINT

    # the pattern itself: the regex engine gives up (TimeoutError) past 1 s
    GLUED_HINT.search(normalize(text).text, timeout=1.0)
    done = threading.Event()
    threading.Thread(target=lambda: (detector.detect([text]), done.set()), daemon=True).start()
    assert done.wait(5.0), "a 20,000-character digit run used the whole detection deadline"


# Texts shaped to make a scan superlinear, each with the cue word that lets the costly path run
# (a lab finding word, a facility word, a procedure). Each is detected at n and 4n characters:
# linear growth costs ~4x, the quadratic scans these caught cost 12-16x (issue #18).
ADVERSARIAL = {
    "hyphen-run": "A-",  # context CAP runs (TERRITORY): a start after every hyphen
    "apostrophe-run": "A'",
    "lab-finding": "12-",  # LabFinding finding3: a start after every "-"
    "lab-dots": "a.b",
    "facility-caps": "MRN",  # FACILITY_PATTERN, and the fuzzy look-ups of one long word
    "procedure": "a'",  # PROCEDURE_PHRASE
    "honorifics": "Mr ",  # overlap resolution and name propagation, one finding per word
    "dates": "1/1 ",  # a date's sentence searched per date
    "street-lines": "1 Main St ",  # the caps check per finding
    "colons": "1:",
    "urls": "http://a",
    "mrn-cues": "MRN 1 ",
    "digit-space": "1 ",
    "initials": "J.R. ",
    "titles": "Dr. ",
    "punctuation": "._",  # spaCy peeling suffixes off one long token, searching all of it each time
    "quotes": ":'",
}
CUES = "positive Hospital knee replacement. "


def _cpu(detector, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        detector.detect([text])
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_detection_cost_grows_linearly_on_adversarial_texts(detector, unit):
    """CPU time (this process only, best of three: a loaded machine slows both sizes alike) of
    the whole detector at 1,600 and 6,400 characters. Not a speed figure: a ratio, with a wide
    margin over linear (4) and far under quadratic (16)."""

    def text(n: int) -> str:
        return CUES + (unit * (n // len(unit) + 1))[:n]

    detector.detect([text(200)])  # lazy lexicons and caches are not part of either figure
    small, large = _cpu(detector, text(1600)), _cpu(detector, text(6400))
    assert large < 8 * max(small, 0.002), f"{unit!r}: {small:.3f}s -> {large:.3f}s for 4x the text"


@pytest.mark.parametrize(
    ("pattern", "unit", "ignorecase"),
    [
        ("models.recognizers.location:FACILITY_PATTERN", "MRN", False),
        ("models.recognizers.clinical:LAB_PATTERNS[3]", "12-", True),
        ("models.recognizers.clinical:LAB_PATTERNS[3]", "a.b", True),
        ("models.recognizers.clinical:PROCEDURE_PHRASE", "a'", True),
        ("models.recognizers.context:TERRITORY", "A-", False),
        ("models.recognizers.visits:CITY_BEFORE_NOUN", "A'", False),
    ],
)
def test_the_patterns_that_were_quadratic_scan_in_linear_time(pattern, unit, ignorecase):
    """The patterns themselves (whatever prefilter guards them in the detector): a word could
    start after every "-", "." or "'" of a long token and scan to its end."""
    import importlib

    import regex

    module, name = pattern.split(":")
    index = None
    if "[" in name:
        name, index = name[:-1].split("[")
    value = getattr(importlib.import_module(module), name)
    if index is not None:
        value = value[int(index)]
    flags = regex.IGNORECASE | regex.VERSION0 if ignorecase else regex.VERSION1
    compiled = value if isinstance(value, regex.Pattern) else regex.compile(value, flags)

    def cost(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            list(compiled.finditer(text, timeout=5))
            best = min(best, time.process_time() - start)
        return best

    small, large = cost(1600), cost(6400)
    assert large < 8 * max(small, 0.0005), f"{pattern} on {unit!r}: {small:.4f}s -> {large:.4f}s"


# ---- a fair share of detector time per client -------------------------------------------------


class CostlyDetector:
    """Records each batch; each call waits for the test to release it."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Semaphore(0)

    def detect(
        self, texts: Sequence[str], entities: Collection[str] | None = None
    ) -> list[list[Finding]]:
        self.batches.append(list(texts))
        self.gate.acquire(timeout=5)
        return [[] for _ in texts]


async def _wait_batches(det: CostlyDetector, n: int) -> None:
    while len(det.batches) < n:
        await asyncio.sleep(0.001)


async def test_a_flooding_client_does_not_delay_another_clients_send():
    det = CostlyDetector()
    svc = DetectionService(det, deadline=5, client_batch_chars=4000, max_client_jobs=64)
    await svc.start()
    try:
        hostile = [
            asyncio.create_task(svc.detect(["1" * 1600], {"PERSON"}, client="hostile"))
            for _ in range(30)
        ]
        await _wait_batches(det, 1)  # the first hostile batch is running
        legit = asyncio.create_task(svc.detect(["Your visit is at 3 PM"], {"PERSON"}, "clinic"))
        await asyncio.sleep(0.01)
        det.gate.release()  # finish the running batch
        await _wait_batches(det, 2)
        # the very next batch carries the legitimate text, ahead of the hostile backlog, and
        # at most the hostile client's per-batch share (4000 characters: 2 of its texts)
        assert "Your visit is at 3 PM" in det.batches[1]
        assert sum(len(t) for t in det.batches[1] if t.startswith("1")) <= 4000
        det.gate.release()
        await asyncio.wait_for(legit, 2)
        for _ in range(40):
            det.gate.release()
        await asyncio.gather(*hostile)
    finally:
        await svc.stop()
    # the first hostile batch ran alone; the hostile client never had more than two texts a batch
    assert all(sum(t.startswith("1") for t in b) <= 2 for b in det.batches[1:])


async def test_least_recently_served_client_goes_first():
    det = CostlyDetector()
    svc = DetectionService(det, deadline=5, client_batch_chars=10)
    await svc.start()
    try:
        first = asyncio.create_task(svc.detect(["a" * 10], {"PERSON"}, client="busy"))
        await _wait_batches(det, 1)
        det.gate.release()
        await first  # "busy" has used detector time now
        det_wait = asyncio.create_task(svc.detect(["b" * 10], {"PERSON"}, client="busy"))
        await _wait_batches(det, 2)
        more = [asyncio.create_task(svc.detect(["c" * 10], {"PERSON"}, client="busy"))]
        more.append(asyncio.create_task(svc.detect(["d" * 10], {"PERSON"}, client="quiet")))
        await asyncio.sleep(0.01)
        det.gate.release()
        await _wait_batches(det, 3)
        assert det.batches[2][0] == "d" * 10  # the quiet client is served first
        for _ in range(5):
            det.gate.release()
        await asyncio.gather(det_wait, *more)
    finally:
        await svc.stop()


async def test_a_clients_backlog_is_bounded_and_others_still_get_in():
    det = CostlyDetector()
    svc = DetectionService(det, deadline=5, max_client_jobs=3, client_batch_chars=1)
    await svc.start()
    try:
        jobs = [
            asyncio.create_task(svc.detect(["x"], {"PERSON"}, client="hostile")) for _ in range(4)
        ]
        await _wait_batches(det, 1)
        extra = [
            asyncio.create_task(svc.detect(["y"], {"PERSON"}, client="hostile")) for _ in range(3)
        ]
        await asyncio.sleep(0.01)
        refused = [t for t in extra if t.done() and isinstance(t.exception(), DetectionBusy)]
        assert len(refused) >= 1  # refused at once, not queued without bound
        legit = asyncio.create_task(svc.detect(["z"], {"PERSON"}, client="clinic"))
        for _ in range(10):
            det.gate.release()
        assert await asyncio.wait_for(legit, 2) == [[]]
        await asyncio.gather(*jobs, *extra, return_exceptions=True)
    finally:
        await svc.stop()
