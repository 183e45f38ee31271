"""models.detector.dates_out_of_clinical: a date inside a test result is still a date."""

from __future__ import annotations

from models.detector import Detector, dates_out_of_clinical
from models.findings import Finding
from tests.models.detect_helpers import spans


def test_a_clinical_finding_is_split_around_a_date() -> None:
    lab = Finding("LAB_RESULT", 0, 13, 0.9, "t")  # "CULTURE 11/14"
    date = Finding("DATE", 8, 13, 0.7, "t")
    out = dates_out_of_clinical([lab, date])
    assert date in out
    assert Finding("LAB_RESULT", 0, 8, 0.9, "t") in out
    assert lab not in out


def test_a_culture_date_in_a_note_is_found(detector: Detector) -> None:
    text = "ID: TMAX 100.2, STOOL SENT FOR CULTURE 11/14, PT STARTED ON FLAGYL."
    found = spans(detector, text)
    assert ("DATE", "11/14") in found
    assert any(t == "LAB_RESULT" for t, _ in found)  # the test itself is still clinical detail


def test_other_findings_are_untouched() -> None:
    med = Finding("MEDICATION", 0, 6, 0.9, "t")
    person = Finding("PERSON", 10, 15, 0.9, "t")
    assert dates_out_of_clinical([med, person]) == [med, person]
