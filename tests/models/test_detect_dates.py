"""Person dates versus appointment times; ages over 89."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("DOB 01/02/1950 confirmed", "01/02/1950"),
        ("born March 3, 1941", "March 3, 1941"),
        ("date of birth 1949-10-12", "1949-10-12"),
        ("ur dob is july 5th, 1929 right?", "july 5th, 1929"),
        ("bday 24.07.1950", "24.07.1950"),
    ],
)
def test_birth_dates(detector: Detector, text: str, value: str) -> None:
    assert ("DATE_OF_BIRTH", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("She was admitted 03/04/2024 for observation", "03/04/2024"),
        ("discharged on May 2nd", "May 2nd"),
        ("Pt d/c'd oct. 8, f/u in 1 wk", "oct. 8"),
        ("He passed away on 7-Oct-24", "7-Oct-24"),
        ("specimen collected 2/3/24", "2/3/24"),
        ("your colonoscopy 4/23 showed a polyp", "4/23"),
        ("Pls confirm bed for Friday discharge.", "Friday"),
        ("We discharged him Friday the 3rd.", "Friday the 3rd"),
    ],
)
def test_person_event_dates(detector: Detector, text: str, value: str) -> None:
    assert ("DATE", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your appointment on March 3 at 2pm is confirmed", "March 3 at 2pm"),
        ("See you tomorrow at 9:30!", "tomorrow at 9:30"),
        ("appt reminder: Tues 5/25 1:50 P.M.", "Tues 5/25 1:50 P.M."),
        ("The lab now opens at 6:30am on weekdays.", "6:30am"),
        ("Check in Saturday the 20th at 9:00 am, bring your card.", "Saturday the 20th at 9:00 am"),
        ("Your visit was moved to Tuesday the 6th, 2:45; ok", "Tuesday the 6th, 2:45"),
        ("ur appt is tmrw at 7:20am", "tmrw at 7:20am"),
    ],
)
def test_appointment_times_are_administrative(detector: Detector, text: str, value: str) -> None:
    found = spans(detector, text)
    assert ("APPOINTMENT_DATETIME", value) in found
    assert phi(detector, text) == set()


@pytest.mark.parametrize(
    "text,value",
    [
        ("Pt is 97 years old", "97"),
        ("92-year-old male", "92"),
        ("age 101, lives alone", "101"),
        ("ur dad is 95?? wow", "95"),
        ("Ms Boateng (96) is being discharged", "96"),
        ("We're 91 and counting!", "91"),
        ("happy 100th birthday", "100"),
    ],
)
def test_ages_over_89(detector: Detector, text: str, value: str) -> None:
    assert ("AGE_OVER_89", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    ["Pt is 45 years old", "glucose is 95 today", "room 101 is on the left", "copay is 95 dollars"],
)
def test_not_ages_over_89(detector: Detector, text: str) -> None:
    assert "AGE_OVER_89" not in {t for t, _ in spans(detector, text)}


@pytest.mark.parametrize(
    "text,kind,value",
    [
        ("Your balance is due Jan 15.", "DATE", "Jan 15"),  # about the reader
        ("Mark your calendar: the lobby reopens March 3.", "APPOINTMENT_DATETIME", "March 3"),
        ("World Kidney Day is March 13.", "APPOINTMENT_DATETIME", "March 13"),
        ("Appt for Rosalind Kwarteng (11-09-1968): Wed 1:20", "DATE_OF_BIRTH", "11-09-1968"),
        ("Pt was seen in the ED Saturday for chest pain.", "DATE", "Saturday"),
        ("Your eye exam is Monday 9am.", "APPOINTMENT_DATETIME", "Monday 9am"),
    ],
)
def test_dates_by_whom_they_concern(detector: Detector, text: str, kind: str, value: str) -> None:
    assert (kind, value) in spans(detector, text)
