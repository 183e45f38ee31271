"""Over-scrub guards for clinical questions (models.overscrub_queries): eponyms by their shape,
institutions cited as a source; and clean clinical questions that must pass unaltered."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import covered, phi

IDENTIFIERS = {
    "PERSON",
    "LOCATION",
    "FACILITY",
    "STREET_ADDRESS",
    "DATE",
    "DATE_OF_BIRTH",
    "PHONE_NUMBER",
    "MEDICAL_RECORD_NUMBER",
    "HEALTH_PLAN_ID",
}


@pytest.mark.parametrize(
    "text",
    [
        "Recommendations for a 30-year-old male diagnosed with Guillain-Barré syndrome last year?",
        "Prognosis for a 60-year-old male diagnosed with Lou Gehrig’s disease?",
        "Differential for a 55-year-old male with a recent Ludwig's angina treated last year?",
        "Course of action for a 65-year-old with GERD, presenting with Chaddock reflex?",
        "Impact of the DASH diet as studied in the Framingham Heart Study?",
        "Chronic pain in elderly patients, per recent recommendations from Mayo Clinic.",
        "Is the Cleveland Clinic protocol for post-op AF anticoagulation still current?",
        "Does a positive Kernig sign rule out anything in a febrile toddler?",
        "Which Hoffmann sign findings warrant cervical MRI in a 50-year-old?",
        "Statin choice for a 60-year-old with CKD stage 3 and no prior MI?",
        "What is the Wells score cutoff for ordering a D-dimer in suspected PE?",
    ],
)
def test_clean_clinical_questions_pass_unaltered(detector: Detector, text: str) -> None:
    assert not [s for s in phi(detector, text) if s[0] in IDENTIFIERS]


@pytest.mark.parametrize(
    "text,value",
    [
        ("Mr. Chaddock reflex testing was normal; next step?", "Chaddock"),
        ("Follow-up for Zed Quorvik's test results from the lab?", "Zed Quorvik"),
        ("Tx options for a patient, Sam T., seen at Mayo Clinic on 10/11/23?", "Mayo Clinic"),
    ],
)
def test_a_patient_or_a_visit_is_still_found(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)
