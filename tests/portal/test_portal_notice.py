"""The SMS notice: template filling, optional parts, GSM-7 length, fail closed when too long."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.findings import Finding
from proxy.policy.notice import (
    PREVIEW_LINK,
    NoticeTooLong,
    check_template,
    compose,
    details,
    fill,
)
from proxy.policy.parse import load_policy, parse_policy
from proxy.sms import gsm7_units

LINK = "https://portal.example/portal/" + "A" * 43
POLICY = load_policy()  # the shipped policy: provider and appointment allowed, Lakeview allow list


def test_gsm7_units_count_extension_characters_twice_and_reject_ucs2() -> None:
    assert gsm7_units("Hello @ £5") == 10
    assert gsm7_units("a{b}") == 6
    assert gsm7_units("curly ’quote") is None
    assert gsm7_units("emoji 🙂") is None


def test_default_template_fits() -> None:
    text = fill(
        "You have a new secure message from {org}: {link}",
        org="Lakeview Health",
        link=LINK,
        max_length=160,
    )
    assert text == f"You have a new secure message from Lakeview Health: {LINK}"


def test_optional_appointment_is_kept_when_it_fits_and_dropped_otherwise() -> None:
    template = "{org}[ re your visit {appointment}]: secure message {link}"
    kept = fill(template, org="Lakeview", link=LINK, appointment="Tue 3:15 PM", max_length=160)
    assert kept == f"Lakeview re your visit Tue 3:15 PM: secure message {LINK}"
    none = fill(template, org="Lakeview", link=LINK, appointment="", max_length=160)
    assert none == f"Lakeview: secure message {LINK}"
    tight = len(none)
    assert fill(template, org="Lakeview", link=LINK, appointment="Tue", max_length=tight) == none
    # a non-GSM character in the optional part makes it drop rather than the text go UCS-2
    assert fill(template, org="Lakeview", link=LINK, appointment="Tue’s", max_length=160) == none


def test_too_long_even_without_optional_parts_is_refused_with_reason() -> None:
    with pytest.raises(NoticeTooLong, match="160 GSM-7"):
        fill("{org}: {link}", org="O" * 150, link=LINK, max_length=160)
    with pytest.raises(NoticeTooLong, match="not GSM-7"):
        fill("{org}: {link}", org="Clínica “Sol”", link=LINK, max_length=160)


def test_template_checks() -> None:
    check_template("{org}[ {appointment}]: {link}")
    for bad, why in (
        ("{org}: {url}", "unknown placeholder"),
        ("{org}[: {link}", "unbalanced"),
        ("{org}[: {link}]", "outside optional"),
    ):
        with pytest.raises(ValueError, match=why):
            check_template(bad)


def f(text: str, kind: str, value: str, score: float = 0.9) -> Finding:
    start = text.index(value)
    return Finding(kind, start, start + len(value), score, "test")


def test_details_skip_spans_that_overlap_acting_findings() -> None:
    text = "Your MRI on Tuesday at 3 PM with Dr. Lee showed a tumor"
    appt = f(text, "APPOINTMENT_DATETIME", "Tuesday at 3 PM")
    doc = f(text, "PROVIDER_NAME", "Dr. Lee")
    found = details(text, [appt, doc], [], POLICY)
    assert (found.appointment, found.provider) == (("Tuesday at 3 PM",), ("Dr. Lee",))
    blocking = [f(text, "DATE", "Tuesday"), f(text, "PERSON", "Lee")]
    assert details(text, [appt, doc], blocking, POLICY) == details(text, [], [], POLICY)


def test_details_only_for_types_the_policy_lets_stay() -> None:
    text = "Dr. Lee will see you Tuesday at 3 PM"
    found = [
        f(text, "PROVIDER_NAME", "Dr. Lee"),
        f(text, "APPOINTMENT_DATETIME", "Tuesday at 3 PM"),
    ]
    strict = parse_policy(
        "entities:\n  PROVIDER_NAME: {action: redact, min_score: 0.99}\n"
        "  APPOINTMENT_DATETIME: allow\n"
    )
    got = details(text, found, [], strict)  # the provider finding scores too low to act...
    assert got.provider == () and got.appointment == ("Tuesday at 3 PM",)  # ...but is not allowed


def test_every_distinct_appointment_and_provider_in_order() -> None:
    text = (
        "Pellegrino, RN will see you 1/27 at 2:10 PM. Dr. Ames: Weds 2/27 12:10 PM. "
        "Again: 1/27  at 2:10 pm with Pellegrino, RN"
    )
    found = [
        f(text, "APPOINTMENT_DATETIME", "1/27 at 2:10 PM"),
        f(text, "APPOINTMENT_DATETIME", "Weds 2/27 12:10 PM"),
        f(text, "APPOINTMENT_DATETIME", "1/27  at 2:10 pm"),
        f(text, "PROVIDER_NAME", "Pellegrino, RN"),
        f(text, "PROVIDER_NAME", "Dr. Ames"),
        Finding("PROVIDER_NAME", text.rindex("Pellegrino"), len(text), 0.9, "t"),
    ]
    got = details(text, found, [], POLICY)
    assert got.appointment == ("1/27 at 2:10 PM", "Weds 2/27 12:10 PM")
    assert got.provider == ("Pellegrino, RN", "Dr. Ames")
    notice = fill(
        "{org}[ re {appointment}][ with {provider}]: {link}",
        org="Lakeview",
        link=LINK,
        appointment=got.appointment,
        provider=got.provider,
        max_length=306,
    )
    assert notice == (
        "Lakeview re 1/27 at 2:10 PM and Weds 2/27 12:10 PM with Pellegrino, RN and Dr. Ames: "
        + LINK
    )


def test_contact_is_the_organisations_own_phone_and_site_as_written() -> None:
    text = (
        "Call +1 555 010 4400 or (555)010-4400, or 555-010-9999; see lakeviewhealth.example/rx "
        "or https://www.lakeviewhealth.example/portal."
    )
    assert details(text, [], [], POLICY).contact == (
        "+1 555 010 4400",
        "lakeviewhealth.example/rx",
        "https://www.lakeviewhealth.example/portal",
    )
    for risky in (
        "lakeviewhealth.example/pay?acct=G37",  # a query: may carry an identifier
        "lakeviewhealth.example/r/Noah-Brown",  # a name in the path
        "lakeviewhealth.example/u/4412",  # digits
        "jane.doe@lakeviewhealth.example",  # somebody's email on the organisation's domain
    ):
        assert details(f"See {risky} now", [], [], POLICY).contact == (), risky
    # an acting finding over the number (a patient's fax written next to it) wins
    text = "Fax 555-010-4400 for Ana"
    acting = [f(text, "FAX_NUMBER", "555-010-4400")]
    assert details(text, [], acting, POLICY).contact == ()
    assert details("call 15550104400123", [], [], POLICY).contact == ()


def test_a_bare_date_the_detector_could_not_place_is_not_a_visit() -> None:
    text = "Earliest refill date is 11/25. See you Tue at 3 PM"
    found = [
        f(text, "APPOINTMENT_DATETIME", "11/25", score=0.5),
        f(text, "APPOINTMENT_DATETIME", "Tue at 3 PM", score=0.7),
    ]
    assert details(text, found, [], POLICY).appointment == ("Tue at 3 PM",)


def test_a_provider_written_with_a_kind_of_care_is_not_used() -> None:
    text = "From your therapist Jane Lee, Ana Ruiz, CNM and Dr. Ames, and Bo Kim, RN"
    found = [
        f(text, "PROVIDER_NAME", "therapist Jane Lee"),
        f(text, "PROVIDER_NAME", "Ana Ruiz, CNM"),
        f(text, "PROVIDER_NAME", "Dr. Ames"),
        f(text, "PROVIDER_NAME", "Bo Kim, RN"),
    ]
    assert details(text, found, [], POLICY).provider == ("Dr. Ames", "Bo Kim, RN")


def test_international_number_of_the_organisation() -> None:
    policy = parse_policy('allow:\n  phones: ["+44 20 7946 0000"]\n')
    text = "Ring +44 20 7946 0000 or 020 7946 0000"
    assert details(text, [], [], policy).contact == ("+44 20 7946 0000",)


def test_non_gsm_values_are_left_out_one_by_one() -> None:
    text = "Dr. Lее (Cyrillic) and Dr. Ames"
    found = [f(text, "PROVIDER_NAME", "Dr. Lее"), f(text, "PROVIDER_NAME", "Dr. Ames")]
    assert details(text, found, [], POLICY).provider == ("Dr. Ames",)


def test_optional_parts_keep_template_order_priority() -> None:
    template = "{org}[ re {appointment}][ from {provider}]: {link}[ Call {contact}]"
    kw = {
        "org": "Lakeview",
        "link": LINK,
        "appointment": ["Mon 1/5 at 9:00 AM", "Tue 1/6 at 10:30 AM"],
        "provider": "Dr. Ames",
        "contact": "(555) 010-4400",
    }
    full = fill(template, **kw, max_length=306)  # type: ignore[arg-type]
    assert full == (
        f"Lakeview re Mon 1/5 at 9:00 AM and Tue 1/6 at 10:30 AM from Dr. Ames: {LINK}"
        " Call (555) 010-4400"
    )
    # a little less room: the last part gives way first
    no_contact = fill(template, **kw, max_length=len(full) - 1)  # type: ignore[arg-type]
    assert no_contact == full.removesuffix(" Call (555) 010-4400")
    # less: the earlier part keeps what fits of it, the later ones get the room left
    two = fill(template, **kw, max_length=len(no_contact) - 10)  # type: ignore[arg-type]
    assert two == f"Lakeview re Mon 1/5 at 9:00 AM and Tue 1/6 at 10:30 AM: {LINK}"
    # less still: the appointments shrink to the first one; the provider fits after it
    room = len(f"Lakeview re Mon 1/5 at 9:00 AM from Dr. Ames: {LINK}")
    one = fill(template, **kw, max_length=room)  # type: ignore[arg-type]
    assert one == f"Lakeview re Mon 1/5 at 9:00 AM from Dr. Ames: {LINK}"
    bare = fill(template, **kw, max_length=len(LINK) + 12)  # type: ignore[arg-type]
    assert bare == f"Lakeview: {LINK}"


def test_one_full_stop_between_a_value_and_the_template() -> None:
    notice = fill(
        "{org}[ at {appointment}]. Read: {link}",
        org="O",
        link=LINK,
        appointment="2:10 P.M.",
        max_length=160,
    )
    assert notice == f"O at 2:10 P.M. Read: {LINK}"


def test_template_checks_know_the_new_placeholders() -> None:
    check_template("{org}[ {appointment}][ {provider}]: {link}[ {contact}]")
    with pytest.raises(ValueError, match="known: org, link, provider, appointment, contact"):
        check_template("{org}: {link} {phone}")


def test_shipped_policy_notice_carries_administrative_detail_only() -> None:
    text = (
        "Maria Lopez, your biopsy shows stage 2 breast cancer. Dr. Nguyen will go over it at "
        "your visit Tue Mar 4 10:15 AM. Questions? (555) 010-4400"
    )
    findings = [
        f(text, "PERSON", "Maria Lopez"),
        f(text, "PROCEDURE", "biopsy"),
        f(text, "CONDITION", "stage 2 breast cancer"),
        f(text, "PROVIDER_NAME", "Dr. Nguyen"),
        f(text, "APPOINTMENT_DATETIME", "Tue Mar 4 10:15 AM"),
    ]
    acting = [x for x in findings if x.type in ("PERSON", "PROCEDURE", "CONDITION")]
    notice = compose(POLICY, text=text, findings=findings, acting=acting, link=PREVIEW_LINK)
    assert notice == (
        "Lakeview Health: you have a new secure message about your visit Tue Mar 4 10:15 AM "
        f"from Dr. Nguyen. Read it: {PREVIEW_LINK} Questions? (555) 010-4400"
    )
    assert gsm7_units(notice) <= POLICY.portal.max_length == 306  # type: ignore[operator]
    for word in ("Maria", "Lopez", "biopsy", "cancer", "stage"):
        assert word not in notice
    # one segment still works: what does not fit gives way (the appointment, 36 characters, does
    # not fit in the 26 left beside the link; the provider does), the link stays
    one = compose(
        replace(POLICY, portal=replace(POLICY.portal, max_length=160)),
        text=text,
        findings=findings,
        acting=acting,
        link=PREVIEW_LINK,
    )
    expected = "Lakeview Health: you have a new secure message from Dr. Nguyen. Read it: "
    assert one == expected + PREVIEW_LINK
