"""Conditions, medications, test results, procedures and revealing departments."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("History of type 2 diabetes and asthma.", "type 2 diabetes"),
        ("Pt has T2DM and CHF.", "T2DM"),
        ("Pt has T2DM and CHF.", "CHF"),
        ("managing her MDD", "MDD"),
        ("copd flare again", "copd"),  # lower-case abbreviation
        ("your diabetis is under control", "diabetis"),  # misspelt
        ("signs of hidradenitis suppurativa", "hidradenitis suppurativa"),
        ("consistent with vitiligo", "vitiligo"),
    ],
)
def test_conditions(detector: Detector, text: str, value: str) -> None:
    assert ("CONDITION", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("start metformin 500mg daily", "metformin"),
        ("take your metforman with food", "metforman"),  # misspelt
        ("refill of Ozempic is ready", "Ozempic"),
        ("zolpiquil 10 mg at night", "zolpiquil"),  # unknown word before a dose
    ],
)
def test_medications(detector: Detector, text: str, value: str) -> None:
    assert ("MEDICATION", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your A1c 9.2 is above goal", "A1c 9.2"),
        ("Your potassium was high.", "potassium was high"),
        ("You tested positive for strep.", "positive for strep"),
        ("FYI negative for HSV-2 on the draw", "negative for HSV-2"),
        ("no C. diff detected!", "no C. diff detected"),
        ("Lab update: AFP elevated.", "AFP elevated"),
        ("your cholesterol came back at 240", "cholesterol came back at 240"),
    ],
)
def test_lab_results(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Prep for your colonoscopy starts tonight", "colonoscopy"),
        ("Your rotator cuff repair is Friday", "rotator cuff repair"),
        ("scheduled for CT of the chest", "CT of the chest"),
        ("after the appendectomy", "appendectomy"),
    ],
)
def test_procedures(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your oncology appointment is confirmed", "oncology"),
        ("tu cita en the methadone clinic es hoy", "methadone clinic"),
        ("Check in at the HIV clinic", "HIV clinic"),
        ("Your group session at the gender health clinic", "gender health clinic"),
        ("follow up with the sickle cell clinic", "sickle cell clinic"),
    ],
)
def test_revealing_departments(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your appointment is confirmed.",
        "Your prescription is ready for pickup.",
        "Lab results are available in the portal.",
        "Your labs are normal, nothing to do.",
        "Due to the cold weather, please allow extra travel time.",
        "Due to Tropical Depression Ida, all clinics close at 3 PM today.",
        "Join our diabetes prevention talk at the library.",
        "What a stroke of luck!",
        "Stay positive - results for most tests post within 48 hours.",
        "Flu shots are available at all locations, no appointment needed.",
        "The new hearing aids display is in the lobby.",
    ],
)
def test_everyday_text_has_no_clinical_findings(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


def test_hiv_plus_is_clinical(detector: Detector) -> None:
    assert covered(detector, "he is HIV+ since 2019", "HIV+")


def test_aids_the_verb_is_not_aids_the_condition(detector: Detector) -> None:
    assert ("CONDITION", "AIDS") in spans(detector, "living with AIDS since 2001")
    assert not any(t == "CONDITION" for t, _ in spans(detector, "this app aids recovery"))


def test_hypothetical_symptoms_are_not_conditions(detector: Detector) -> None:
    text = "Call ahead if you have a fever or cough so we can get you a mask."
    assert not any(t == "CONDITION" for t, _ in spans(detector, text))


def test_findings_after_showed(detector: Detector) -> None:
    text = "Your colonoscopy showed 2 small polyps which were removed."
    assert covered(detector, text, "polyps")


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Your allergy shots continue weekly.", "PROCEDURE", "allergy shots"),
        ("We need to set up his home sleep test.", "PROCEDURE", "home sleep test"),
        ("Your ambulance transport was billed.", "PROCEDURE", "ambulance transport"),
        ("su ultrasonido pélvico es el lunes", "PROCEDURE", "ultrasonido pélvico"),
        ("tiene cita en oncología el jueves", "CLINICAL_DEPARTMENT", "oncología"),
        ("Appt Wed 1:20 hem‑onc", "CLINICAL_DEPARTMENT", "hem‑onc"),
    ],
)
def test_lay_and_spanish_clinical_terms(
    detector: Detector, text: str, entity: str, value: str
) -> None:
    assert (entity, value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Priyanka, DOB on file: rubella immune, varicella non-immune.", "rubella immune"),
        ("Priyanka, DOB on file: rubella immune, varicella non-immune.", "varicella non-immune"),
        ("Hep B titer: not immune", "Hep B titer: not immune"),
        ("Results are ready: positive ANA.", "positive ANA"),
        ("his RPR was reactive", "RPR was reactive"),
        ("asking about his PSA (6.8)", "PSA (6.8)"),
    ],
)
def test_results_written_as_words_or_in_brackets(detector: Detector, text: str, value: str) -> None:
    assert ("LAB_RESULT", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Stay positive, we are here for you.",
        "Is everyone immune to the Monday blues?",
        "Ask us about the HIV testing site hours.",
        "Join our diabetes class on Tuesday.",
    ],
)
def test_no_result_or_condition_without_a_patient(detector: Detector, text: str) -> None:
    assert not {t for t, _ in phi(detector, text)} & {"LAB_RESULT", "CONDITION"}


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your GallsTones check-up is Sunday", "GallsTones"),
        ("hi! ur gestational diabetes class is sat 9am", "gestational diabetes"),
        ("her hemorrhoids are better", "hemorrhoids"),
    ],
)
def test_lay_conditions_in_any_case(detector: Detector, text: str, value: str) -> None:
    assert ("CONDITION", value) in spans(detector, text)


def test_a_condition_service_does_not_reach_across_at_to_a_facility(detector: Detector) -> None:
    text = "Insulin for a woman diagnosed with T2DM at Cleveland Clinic on the 22nd?"
    found = spans(detector, text)
    assert ("FACILITY", "Cleveland Clinic") in found
    assert not [s for s in found if s[0] == "CLINICAL_DEPARTMENT"]
