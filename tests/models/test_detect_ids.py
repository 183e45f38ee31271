"""SSN, record, plan, account, licence, vehicle and device identifiers."""

from __future__ import annotations

import pytest

from models.detector import Detector
from models.recognizers.ids import vin_check_ok
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("SSN 900-12-3456 on file", "900-12-3456"),  # test range, but dashed and cued
        ("social security 900 12 3456", "900 12 3456"),
        ("ssn: 900123456", "900123456"),
        ("verify your SSN (921.91.3283)", "921.91.3283"),
        ("number 123-45-6789 for the form", "123-45-6789"),  # valid-looking, no cue
    ],
)
def test_ssn(detector: Detector, text: str, value: str) -> None:
    assert ("US_SSN", value) in spans(detector, text)


def test_bare_nine_digits_need_an_ssn_cue(detector: Detector) -> None:
    assert ("US_SSN", "123456789") not in spans(detector, "Order 123456789 shipped")


@pytest.mark.parametrize(
    "text,kind,value",
    [
        ("MRN 00482913 at check-in", "MEDICAL_RECORD_NUMBER", "00482913"),
        ("whats ur mrn? is it LH8413309?", "MEDICAL_RECORD_NUMBER", "LH8413309"),
        ("MR# E109974720: cellulitis", "MEDICAL_RECORD_NUMBER", "E109974720"),
        ("member ID XJH123456789 is active", "HEALTH_PLAN_ID", "XJH123456789"),
        ("Medicare # 1EG4-TE5-MK92 approved", "HEALTH_PLAN_ID", "1EG4-TE5-MK92"),
        ("balance on acct# 7196-8790-50", "ACCOUNT_NUMBER", "7196-8790-50"),
        ("driver's license D1234567 verified", "LICENSE_NUMBER", "D1234567"),
        ("CPAP serial G7SGMZ shipped", "DEVICE_ID", "G7SGMZ"),
        ("parking for plate 7ABC123 added", "VEHICLE_ID", "7ABC123"),
        ("is ur car the blue one laa 4485?", "VEHICLE_ID", "laa 4485"),
    ],
)
def test_cued_identifiers(detector: Detector, text: str, kind: str, value: str) -> None:
    assert (kind, value) in spans(detector, text)


def test_vin_check_digit() -> None:
    assert vin_check_ok("1HGCM82633A004352")
    assert not vin_check_ok("1HGCM82634A004352")


def test_vin_without_cue(detector: Detector) -> None:
    assert ("VEHICLE_ID", "1HGCM82633A004352") in spans(detector, "car 1HGCM82633A004352 ok")


def test_npi_by_luhn(detector: Detector) -> None:
    assert ("LICENSE_NUMBER", "1234567893") in spans(detector, "NPI 1234567893 on the referral")


def test_dea_checksum(detector: Detector) -> None:
    assert ("LICENSE_NUMBER", "AB1234563") in spans(detector, "prescriber AB1234563 signed")


def test_credit_card_by_luhn(detector: Detector) -> None:
    assert covered(detector, "card 4111 1111 1111 1111 declined", "4111 1111 1111 1111")


def test_unlabelled_long_number_is_redacted(detector: Detector) -> None:
    assert covered(detector, "(Li Kovacs) (1/5/87) (279-429-472)", "279-429-472")


@pytest.mark.parametrize(
    "text",
    [
        "Your plan covers 2 visits a year.",
        "Record your blood pressure daily.",
        "Your account is ready. Log in to see it.",
    ],
)
def test_cue_words_without_identifiers(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


def test_ssn_with_mixed_separators_after_a_cue(detector: Detector) -> None:
    assert ("US_SSN", "912-34 5678") in spans(detector, "SSN 912-34 5678 on file")
    # without an SSN cue, mixed separators are not enough for an SSN
    assert "US_SSN" not in {t for t, _ in phi(detector, "item 555-12 3456 is back")}


def test_en_dashes_and_full_width_digits_in_ids(detector: Detector) -> None:
    text = "re: Will Brookman, ins ＢＣ–４４１２–９０２２, ssn ９２０–３３–１８４７"
    found = spans(detector, text)
    assert ("HEALTH_PLAN_ID", "ＢＣ–４４１２–９０２２") in found
    assert ("US_SSN", "９２０–３３–１８４７") in found


@pytest.mark.parametrize(
    "text,value",
    [
        ("The plate on file for parking is 5TRX 882.", "5TRX 882"),
        ("driver in platte asu 7746 will pick you up", "asu 7746"),
        ("Your uber is a grey sedan, plate 8KLM 220", "8KLM 220"),
        ("770 tET/Aiko Thanks!", "770 tET"),
        ("ride is a blue SUV, aSu 7746", "aSu 7746"),
    ],
)
def test_plates_with_a_distant_or_mistyped_cue(detector: Detector, text: str, value: str) -> None:
    assert ("VEHICLE_ID", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "your ride to 12th St is at 2pm",
        "Take Hwy 101 north, then Rte 9",
        "The car seat class is in Rm 204B",
        "Your ride is at 10am, Gate 12",
        "Suite 400 and Apt 12B",
        "Lab 202 is on floor 2",
    ],
)
def test_not_plates(detector: Detector, text: str) -> None:
    assert "VEHICLE_ID" not in {t for t, _ in spans(detector, text)}


def test_a_contraction_is_not_a_plate(detector: Detector) -> None:
    text = "The driver will call when they're 10 minutes away."
    assert "VEHICLE_ID" not in {t for t, _ in spans(detector, text)}
