"""The SMS notice: template filling, optional parts, GSM-7 length, fail closed when too long."""

from __future__ import annotations

import pytest

from models.findings import Finding
from proxy.portal.notice import NoticeTooLong, appointment_text, check_template, fill, gsm7_units

LINK = "https://portal.example/portal/" + "A" * 43


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


def test_appointment_text_skips_spans_that_overlap_acting_findings() -> None:
    text = "Your MRI on Tuesday at 3 PM showed a tumor"
    appt = Finding("APPOINTMENT_DATETIME", 12, 27, 0.9, "t")
    assert appointment_text(text, [appt], []) == "Tuesday at 3 PM"
    blocking = Finding("DATE", 12, 19, 0.9, "t")
    assert appointment_text(text, [appt], [blocking]) == ""
