"""Identifiers behind a generic label and letter-prefixed record numbers
(models.recognizers.ids_labelled). Every number here is synthetic."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import phi


@pytest.mark.parametrize(
    "text,found",
    [
        ("Treated on the 14th (Site ID: 98765).", ("MEDICAL_RECORD_NUMBER", "98765")),
        ("Case reviewed, ref. code: EM-2554.", ("MEDICAL_RECORD_NUMBER", "EM-2554")),
        ("medical records show ID: 987654", ("MEDICAL_RECORD_NUMBER", "987654")),
        ("ADA recommendations (Health ID: HD-112233)?", ("HEALTH_PLAN_ID", "HD-112233")),
        ("Pt has insur ID WX-987654.", ("HEALTH_PLAN_ID", "WX-987654")),
        ("Any insurance issues with HMO-234567?", ("HEALTH_PLAN_ID", "HMO-234567")),
        (
            "Chemo side effects, with record CC-456789 on file?",
            ("MEDICAL_RECORD_NUMBER", "CC-456789"),
        ),
        ("Refund to billing no. BX7734201 please.", ("ACCOUNT_NUMBER", "BX7734201")),
    ],
)
def test_a_labelled_or_prefixed_identifier_is_found(
    detector: Detector, text: str, found: tuple[str, str]
) -> None:
    assert found in phi(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Is ICD-10 code E11.65 right for T2DM with hyperglycemia?",
        "Which CPT code 99214 applies to a 25-minute visit?",
        "NDC number 0002-8215 for the insulin pen?",
        "Results of trial NCT-0412 on SGLT2 inhibitors?",
        "Dosing of IL-6 blockade in COVID-19 and the HbA1c target?",
        "Lot number 12345A was recalled; what should patients do?",
    ],
)
def test_codes_that_identify_no_one_are_left(detector: Detector, text: str) -> None:
    ids = {"MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID", "ACCOUNT_NUMBER"}
    assert not [s for s in phi(detector, text) if s[0] in ids]
