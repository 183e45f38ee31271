"""models.recognizers.clinical_detail through the detector: named tests alone, results a date
away from their test, ICD-10 codes by a cue, services that reveal a condition; and the
obfuscated clinical words decoded before detecting. Positive and must-stay examples per class."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import covered, phi, spans

CLINICAL = {"CONDITION", "MEDICATION", "LAB_RESULT", "PROCEDURE", "CLINICAL_DEPARTMENT"}


def clinical(detector: Detector, text: str) -> set[tuple[str, str]]:
    return {s for s in phi(detector, text) if s[0] in CLINICAL}


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your results are ready (urine drug screen)", "urine drug screen"),
        ("Please call us about your PSA.", "PSA"),
        ("Your genetic test results are in.", "genetic test"),
        ("Your HbA1c is back, log in to see it.", "HbA1c"),
        ("We need to recheck your lipid panel next week.", "lipid panel"),
        ("Your glucose is back.", "glucose"),  # an everyday analyte after "your"
    ],
)
def test_a_test_named_alone_is_clinical_detail(detector: Detector, text: str, value: str) -> None:
    assert ("LAB_RESULT", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your lab results are ready in the portal.",  # no test named
        "Free cholesterol screenings in the lobby every Friday.",  # a broadcast
        "PSA: the office is closed Monday.",  # an announcement
        "Flu season is here: get your flu shot.",
        "Eat foods rich in iron and calcium.",  # analytes without the patient's possessive
        "Please bring your blood pressure log to the visit.",  # a vital sign
        "CBC Radio is on in the waiting room.",
    ],
)
def test_admin_and_broadcast_texts_name_no_test(detector: Detector, text: str) -> None:
    assert clinical(detector, text) == set()


@pytest.mark.parametrize(
    "text,value,result,date",
    [
        (
            "Your CBC from 4/15/25 showed a mass",
            "CBC from 4/15/25 showed a mass",
            "a mass",
            "4/15/25",
        ),
        ("Your A1c on March 3 was 9.1", "A1c on March 3 was 9.1", "9.1", "March 3"),
        ("Your CBC showed a mass, please call.", "CBC showed a mass", "a mass", None),
    ],
)
def test_a_result_a_date_away_from_its_test(
    detector: Detector, text: str, value: str, result: str, date: str | None
) -> None:
    found = spans(detector, text)
    assert covered(detector, text, value), found
    assert any(t == "LAB_RESULT" and v.endswith(result) for t, v in found), found
    if date is not None:  # the date inside stays a date (an analytics export redacts it)
        assert ("DATE", date) in found


def test_a_lab_value_before_a_date_is_no_date_gap(detector: Detector) -> None:
    """ "WBC 16.0 8/22": 16.0 is the value, not a date, and 8/22 stays a DATE."""
    assert ("DATE", "8/22") in spans(detector, "HAD ELEVATED WBC 16.0 8/22. REMAINS AFEBRILE")


@pytest.mark.parametrize(
    "text,code",
    [
        ("Pt dx E11.9, please refill.", "E11.9"),
        ("ICD-10 F32.1 on the claim form.", "F32.1"),
        ("Dx: F41.1, I10 and E78.5", "I10"),  # a list after the cue
        ("Dx: F41.1, I10 and E78.5", "E78.5"),
        ("Diagnosis code Z21 added.", "Z21"),
        ("patient F32.1 needs follow up", "F32.1"),  # a patient and a decimal code
    ],
)
def test_icd10_codes_next_to_a_cue(detector: Detector, text: str, code: str) -> None:
    assert ("CONDITION", code) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Sensor A1C2 went offline at 3:15.",
        "Your order SKU F32.1 shipped.",
        "Room A15 is ready for you.",
        "Use code E11 to check in at the kiosk.",
        "Dx codes are listed on your statement.",  # a cue, no code
        "Patient parking is on level B12.",  # not a category that exists (B12)
    ],
)
def test_code_shaped_strings_without_a_cue_stay(detector: Detector, text: str) -> None:
    assert clinical(detector, text) == set()


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your appointment at Planned Parenthood is Tuesday.", "Planned Parenthood"),
        ("Your results from the DaVita visit are in.", "DaVita"),
        ("Reminder: your Alcoholics Anonymous group meets at 7.", "Alcoholics Anonymous"),
    ],
)
def test_named_services_that_reveal_a_condition(detector: Detector, text: str, value: str) -> None:
    assert ("CLINICAL_DEPARTMENT", value) in spans(detector, text)


def test_a_known_hospital_stays_a_facility(detector: Detector) -> None:
    """An identifier an analytics export must redact, not only clinical detail."""
    text = "Robert was treated at MD Anderson last spring."
    assert ("FACILITY", "MD Anderson") in spans(detector, text)


def test_a_service_named_in_a_fundraiser_is_not_the_patients() -> None:
    from models.recognizers.clinical import RESULT_AFTER, _not_a_patients_condition
    from models.recognizers.clinical_detail import ClinicalDetailRecognizer

    r = ClinicalDetailRecognizer(RESULT_AFTER, _not_a_patients_condition)
    text = "We are proud to support Planned Parenthood at the walk."
    assert r.analyze(text, ["CLINICAL_DEPARTMENT"]) == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your c4nc3r screening is due", "c4nc3r"),
        ("your d1ab3tes meds are ready", "d1ab3tes"),
        ("H1V test negative", "H1V"),
        ("ch3mo starts monday", "ch3mo"),
        ("Your H.I.V. test is negative", "H.I.V."),
        ("Your h-i-v results are in", "h-i-v"),
        ("We can talk about the S T D results.", "S T D"),
        ("the cancr came back", "cancr"),
        ("Your diabeties check is due.", "diabeties"),
        ("your chlamidya treatment is ready", "chlamidya"),
    ],
)
def test_obfuscated_and_misspelt_clinical_words(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)
    assert clinical(detector, text), spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Use code A1B2 to log in.",
        "Your temporary code is 8H1V2 for the portal.",
        "Your password is P4ssw0rd, do not share it.",
        "Please cancel your appointment if you can't make it.",
        "Join our dance class on Friday.",
        "Your appointment is at 9 a.m. with Dr. Okoye, M.D.",
    ],
)
def test_codes_passwords_and_everyday_words_stay_clean(detector: Detector, text: str) -> None:
    assert clinical(detector, text) == set()


@pytest.mark.parametrize(
    "text,value",
    [
        ("Su prueba de V.I.H. salió positiva.", "V.I.H."),
        ("Hola, su 3mbarazo va bien.", "3mbarazo"),
        ("Tiene d1abetes tipo 2, tome su medicina.", "d1abetes"),
        ("Su c4ncer de mama está en tratamiento.", "c4ncer"),
    ],
)
def test_spanish_hidden_clinical_words(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)
    assert clinical(detector, text), spans(detector, text)


@pytest.mark.parametrize(
    "text", ["Use el código H1V para entrar.", "Su contraseña es C4ncer2024, no la comparta."]
)
def test_spanish_codes_stay(detector: Detector, text: str) -> None:
    assert clinical(detector, text) == set()
