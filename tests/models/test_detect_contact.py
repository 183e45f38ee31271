"""Phone, fax, email, URL and IP recognition."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import phi, spans


@pytest.mark.parametrize(
    "number",
    [
        "555-010-0123",
        "(555) 010-0123",
        "(555)010-0123",
        "555.010.0123",
        "555 010 0123",
        "+1 555 010 0123",
        "1-555-010-0123",
        "+15550100123",
        "555/010-0123",
        "555-010-0123 ext. 42",
    ],
)
def test_phone_formats(detector: Detector, number: str) -> None:
    text = f"Please call me back at {number} tonight."
    assert ("PHONE_NUMBER", number) in spans(detector, text)


def test_fax_context_retypes(detector: Detector) -> None:
    text = "Fax the form to 555-010-0188, or call 555-010-0199."
    found = spans(detector, text)
    assert ("FAX_NUMBER", "555-010-0188") in found
    assert ("PHONE_NUMBER", "555-010-0199") in found


def test_seven_digit_number_needs_a_cue(detector: Detector) -> None:
    assert ("PHONE_NUMBER", "555-0123") in spans(detector, "my cell 555-0123 after 5")
    assert not phi(detector, "Order 12 boxes, item 555-0123 is back in stock.") & {
        ("PHONE_NUMBER", "555-0123")
    }


@pytest.mark.parametrize(
    "text",
    ["Your copay is $25.00 today.", "Take 2 tablets 3 times a day.", "Suite 200, floor 3."],
)
def test_numbers_that_are_not_phones(detector: Detector, text: str) -> None:
    assert not {t for t, _ in phi(detector, text)} & {"PHONE_NUMBER", "FAX_NUMBER"}


def test_email(detector: Detector) -> None:
    text = "Send it to jane.doe+sms@example.org please"
    assert ("EMAIL_ADDRESS", "jane.doe+sms@example.org") in spans(detector, text)


@pytest.mark.parametrize(
    "url",
    [
        "https://photos.example/u/jdoe72",
        "www.fundraise.example/help-maria",
        "social.example/p/smithj",
    ],
)
def test_personal_urls(detector: Detector, url: str) -> None:
    assert ("URL", url) in spans(detector, f"Saw this: {url}.")


@pytest.mark.parametrize("ip", ["192.0.2.44", "2001:db8::1"])
def test_ip_addresses(detector: Detector, ip: str) -> None:
    assert ("IP_ADDRESS", ip) in spans(detector, f"Login from {ip} flagged")


def test_time_is_not_an_ip(detector: Detector) -> None:
    assert not {t for t, _ in spans(detector, "See you at 10:30:00 sharp")} & {"IP_ADDRESS"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("results to maria . lopez @ example . com", "maria . lopez @ example . com"),
        ("write to j.okafor @ mail.example.net today", "j.okafor @ mail.example.net"),
        ("results to maria.lopez at example dot com", "maria.lopez at example dot com"),
        ("send it to chen_wei (at) example (dot) org pls", "chen_wei (at) example (dot) org"),
    ],
)
def test_spelled_out_email(detector: Detector, text: str, value: str) -> None:
    assert ("EMAIL_ADDRESS", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "see you at home dot com soon",
        "Meet us at the clinic. Com is short for communication.",
        "We are at 5 . Bring 2 @ 3 pm",
    ],
)
def test_words_are_not_spelled_out_emails(detector: Detector, text: str) -> None:
    assert "EMAIL_ADDRESS" not in {t for t, _ in phi(detector, text)}


def test_ip_address_before_a_full_stop(detector: Detector) -> None:
    text = "Audit: chart opened from 203.0.113.128."
    assert ("IP_ADDRESS", "203.0.113.128") in spans(detector, text)
    assert "IP_ADDRESS" not in {t for t, _ in phi(detector, "see section 1.2.3.4.5 of the form")}


def test_name_in_the_organisations_url_is_not_allowed() -> None:
    from models.allow import AllowList

    allow = AllowList.of(["lakeviewhealth.example"])
    assert not allow.allows("https://lakeviewhealth.example/r/Haruto-Eze")
    assert not allow.allows("https://lakeviewhealth.example/r/Karim-O'Brien")
    assert allow.allows("https://lakeviewhealth.example/Portal/Login")


def test_personal_query_parameter_in_the_organisations_url_is_not_allowed() -> None:
    from models.allow import AllowList

    allow = AllowList.of(["lakeviewhealth.example"])
    assert not allow.allows("lakeviewhealth.example/p?dob=October")
    assert not allow.allows("https://lakeviewhealth.example/pay?ref=sms&name=Ruby")
    assert allow.allows("https://lakeviewhealth.example/pay?ref=sms")
    assert allow.allows("https://lakeviewhealth.example/forms?page=intake")


def test_apostrophe_inside_a_url_path(detector: Detector) -> None:
    text = "View: https://example.org/r/Karim-O'Brien now"
    assert ("URL", "https://example.org/r/Karim-O'Brien") in spans(detector, text)
    assert ("URL", "www.example.com") in spans(detector, "see 'www.example.com' now")


def test_at_sign_in_a_time_is_not_an_email(detector: Detector) -> None:
    text = "see you 14 April @ 3.  Do not reply"
    assert "EMAIL_ADDRESS" not in {t for t, _ in phi(detector, text)}
