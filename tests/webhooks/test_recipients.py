"""Issue #18 point 3: recipients are normalised (NFKC, digits, country code) before the opt-out
check; a phone number that is not valid E.164 — or is not written in plain ASCII, so the
provider could read it as another number than the one checked — is refused, nothing forwarded.
Stored opt-out pseudonyms keep matching (never orphaned)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from proxy.optout.numbers import InvalidRecipient, normalise
from proxy.optout.registry import OUT, OptOutRegistry, canonical_digits, recipient_key
from tests.webhooks.conftest import CLINIC, post_twilio, sdk_send
from tests.webhooks.test_optout_flow import ADMIN, send_refused

VICTIM = "+15550100777"


def old_canonical_digits(number: str) -> str:
    """``proxy.optout.canonical_digits`` as it was when the stored pseudonyms were made."""
    d = "".join(c for c in number if c.isdigit())
    if len(d) == 10 and d[0] in "23456789":
        d = "1" + d
    return d


@pytest.mark.parametrize(
    "written",
    [
        "+1555０100777",  # one full-width digit (the example)
        "＋１５５５０１００７７７",
        "+1555\u200b0100777",  # zero-width space
        "+1555٠100777",  # Arabic-Indic zero
    ],
)
async def test_a_disguised_number_cannot_skip_a_recorded_stop(stack, upstream, written):
    s = await stack()
    assert (await post_twilio(s, "STOP", frm=VICTIM))[0] == 200
    before = len(upstream.requests)
    with pytest.raises(TwilioRestException) as e:
        await sdk_send(s, to=written, from_=CLINIC, body=ADMIN)
    assert e.value.status == 400
    assert len(upstream.requests) == before, "the disguised recipient reached the provider"


@pytest.mark.parametrize("written", ["(555) 010-0777", "555.010.0777", "1 555 010 0777"])
async def test_national_and_formatted_forms_are_the_same_recipient(stack, upstream, written):
    s = await stack()
    assert (await post_twilio(s, "STOP", frm=VICTIM))[0] == 200
    err = await send_refused(s, upstream, to=written)
    assert err.code == 21610


@pytest.mark.parametrize("written", ["+0155501007", "12345", "+1555010077", "+1234567890123456"])
async def test_a_number_that_is_not_e164_is_refused(stack, upstream, written):
    s = await stack()
    before = len(upstream.requests)
    with pytest.raises(TwilioRestException) as e:
        await sdk_send(s, to=written, from_=CLINIC, body=ADMIN)
    assert e.value.status == 400 and "phone number" in e.value.msg
    assert written not in e.value.msg
    assert len(upstream.requests) == before


def test_normalise_examples():
    assert normalise("+44 20 7946 0958").e164 == "+442079460958"
    assert normalise("0044 20 7946 0958").e164 == "+442079460958"
    assert normalise("447700900123").e164 == "+447700900123"  # Vonage style, no '+'
    assert normalise("5550100777").e164 == "+15550100777"
    assert normalise("arn:aws:sns:us-east-1:123456789012:t").e164 == ""  # not a number
    assert normalise("").e164 == ""
    for bad in ("07700900123", "+1+5550100777", "+1 555 010 077"):
        with pytest.raises(InvalidRecipient):
            normalise(bad)


_ascii_numbers = st.builds(
    lambda plus, digits, seps: (
        ("+" if plus else "")
        + "".join(d + s for d, s in zip(digits, seps + [""] * len(digits), strict=False))
    ),
    st.booleans(),
    st.text("0123456789", min_size=1, max_size=16),
    st.lists(st.sampled_from(["", "", "", " ", "-", ".", "(", ")"]), max_size=16),
)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(_ascii_numbers)
def test_stored_pseudonyms_are_never_orphaned(number):
    """For ASCII numbers the new reading gives exactly the digits the old one did (opt-outs
    stored from webhooks, the CLI or earlier versions keep matching), and whenever a number is
    valid, the E.164 form checked reads as the same digits too."""
    assert canonical_digits(number) == old_canonical_digits(number)
    try:
        e164 = normalise(number).e164
    except InvalidRecipient:
        return
    if e164 and not number.lstrip("+ -.()").startswith("00"):
        assert canonical_digits(e164) == old_canonical_digits(number)


async def test_a_full_width_number_reads_as_its_ascii_self_in_the_registry(db_url):
    from proxy.store import open_database

    key = b"k" * 32
    assert recipient_key("+1555０100777", key) == recipient_key(VICTIM, key)
    db = await open_database(db_url)
    try:
        reg = OptOutRegistry(db, key)
        await reg.record(VICTIM, [CLINIC], OUT, "twilio", "keyword")
        assert (await reg.status("+1555０100777", "+1555０109999")).opted_out
    finally:
        await db.close()
