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


@pytest.mark.parametrize(
    "text,value",
    [
        ("(Rao, Tyrone) (1/3\u00a0/01) (00475617)", "1/3\u00a0/01"),
        ("id:CNB520232412;dob:17\u00a007\u00a02001", "17\u00a007\u00a02001"),
        ("DOB 03 28 1957 on file", "03 28 1957"),
        ("Clement was born the third of February, nineteen sixty-one", None),
        ("DOB: March twenty-first, two thousand five", "March twenty-first, two thousand five"),
        ("date of birth the 9th of June, nineteen eighty", "the 9th of June, nineteen eighty"),
        ("b-day is May 2, nineteen oh four", "May 2, nineteen oh four"),
    ],
)
def test_birth_dates_in_odd_layouts(detector: Detector, text: str, value: str | None) -> None:
    value = value or "the third of February, nineteen sixty-one"
    assert ("DATE_OF_BIRTH", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "you may first need to call us on the second floor",
        "Take 1 / 2 tab daily",
        "the third of our staff is out",
        "on the first of the month we bill",
    ],
)
def test_not_dates_in_odd_layouts(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


def test_digit_groups_after_call_are_a_phone_number_not_a_date(detector: Detector) -> None:
    # nine digits in groups after "Call" are a number abroad ("555 12 2001"), never a date
    assert phi(detector, "Call 555 12 2001 now") == {("PHONE_NUMBER", "555 12 2001")}


@pytest.mark.parametrize(
    "text",
    [
        "Your new paitent vsit is November 1 7; please come 20 min early.",
        "we moved u to mon 12/15 10, that ok?",
        "hi, we movved u to friday feb. 12th at 9, that ok?",
        "your apointment is March 3, see you then",
        "We switched your visit to Jan 9.",
    ],
)
def test_mistyped_or_moved_appointment_is_not_a_person_date(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


def test_a_mistyped_birth_cue_still_dates_a_birth(detector: Detector) -> None:
    assert ("DATE_OF_BIRTH", "Jan 9, 2019") in spans(detector, "birthdaye Jan 9, 2019")


@pytest.mark.parametrize(
    "text,value",
    [
        ("regulator for Thaddeus Quill (nine\u200bty-one) picked up", "nine\u200bty-one"),
        ("She turns ninety-two next week", "ninety-two"),
        ("a hundred and one year old patient", "a hundred and one"),
        ("Grandpa is ninety now", "ninety"),
    ],
)
def test_ages_over_89_in_words(detector: Detector, text: str, value: str) -> None:
    assert ("AGE_OVER_89", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "the wait is ninety minutes",
        "ninety percent of patients",
        "a hundred people came to the fair",
        "it is ninety degrees today",
    ],
)
def test_not_ages_over_89_in_words(detector: Detector, text: str) -> None:
    assert "AGE_OVER_89" not in {t for t, _ in spans(detector, text)}


def test_date_of_billed_services(detector: Detector) -> None:
    text = "Balance $2,918.44 for Mercy Point Surgical Center services on 2/11."
    assert ("DATE", "2/11") in spans(detector, text)
    text = "Our walk-in services on 3/14 will run 8-12."
    assert "DATE" not in {t for t, _ in spans(detector, text)}
