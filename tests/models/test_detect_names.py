"""Patient and relative names versus titled providers and names that are everyday words."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("Hi Maria, your results are in.", "Maria"),
        ("Dear Mr. Okafor, please call us.", "Okafor"),
        ("hi john, call us back", "john"),  # lower case
        ("JOHN SMITH HAS AN APPOINTMENT", "JOHN SMITH"),  # upper case
        ("Hi Hope, your refill is ready.", "Hope"),  # a word used as a name
        ("Dear Will, see you soon", "Will"),
        ("your son Michael was seen today", "Michael"),
        ("pt Agnieszka Nowak needs a refill", "Agnieszka Nowak"),
        ("Grace!\nYour ride is booked.", "Grace"),
        ("Brook, please pick up your meds", "Brook"),
        ("Reminder: Pearl's follow-up is today", "Pearl"),
        ("invoice for Hunter Cho sent", "Hunter Cho"),
        ("Hola Nizhoni, tu cita es mañana", "Nizhoni"),
        ("Guarantor Parker owes $40 on the account.", "Parker"),  # billing roles cue a name
        ("Subscriber Rosalind Vance, your plan renewed.", "Rosalind Vance"),
    ],
)
def test_patient_names(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


def test_every_mention_of_a_found_name(detector: Detector) -> None:
    text = "Hola Agnieszka, Sullivan, Agnieszka no-showed; agnieszka moved."
    for i, word in enumerate(["Agnieszka", "Sullivan"]):
        assert covered(detector, text, word), i
    assert all(
        any(f.start <= text.rindex("agnieszka") < f.end for f in detector.detect([text])[0])
        for _ in [0]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Hope you are well! Will you confirm your appointment?",
        "Mark your calendar: the lobby reopens March 3.",
        "Grace period for the late fee is 30 days.",
        "May we confirm your visit? Reply Y or N.",
        "Your prescription is ready at the Will Call window.",
        "Due to Tropical Storm Ida, all clinics close at 3 PM today.",
        "Dear patient, Due to the cold weather, please allow extra time.",
        "Hi, Bring a photo ID and your insurance card.",
        "Hey! Storm warning: call ahead before coming in today.",
        "Cheers, the front desk team",
    ],
)
def test_words_that_look_like_names(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


@pytest.mark.parametrize(
    "text,value",
    [
        ("Your visit with Dr. Jane Lee is at 3pm.", "Dr. Jane Lee"),
        ("Renata Ochoa, NP approved your refill.", "Renata Ochoa, NP"),
        ("Nurse Kelly called about your visit.", "Nurse Kelly"),
        ("quick note from dr. wendell yamaguchi's office", "dr. wendell yamaguchi"),
        ("PA Kapoor is covering this week", "PA Kapoor"),
    ],
)
def test_titled_providers_are_administrative(detector: Detector, text: str, value: str) -> None:
    found = spans(detector, text)
    assert any(
        t == "PROVIDER_NAME" and value.startswith(v[: len(v)]) and v in value for t, v in found
    ), found
    assert not any(t == "PERSON" for t, _ in found)


def test_place_with_state_code_is_not_a_provider(detector: Detector) -> None:
    found = spans(detector, "She lives in Erie, PA now.")
    assert not any(t == "PROVIDER_NAME" for t, _ in found)


def test_dob_abbreviation_is_not_a_credential(detector: Detector) -> None:
    """ "D.O.B." after a patient's name is a birth-date cue, not the D.O. credential."""
    found = spans(detector, "Ngozi Walker, D.O.B. August 16th, 1989, is booked.")
    assert ("PERSON", "Ngozi Walker") in found
    assert not any(t == "PROVIDER_NAME" for t, _ in found)
    assert ("PROVIDER_NAME", "Ana Ruiz, D.O.") in spans(detector, "Ana Ruiz, D.O. called.")


def test_patient_next_to_provider(detector: Detector) -> None:
    text = "Hi Maria, Dr. Lee will call you."
    found = spans(detector, text)
    assert ("PERSON", "Maria") in found
    assert ("PROVIDER_NAME", "Dr. Lee") in found


@pytest.mark.parametrize(
    "text",
    [
        "Good morning,\nGrace, Mark and the rest of the front desk team say thank you!",
        "hello! - hope ur feeling better!!",
        "Our new scanner means no more clipboards. Joy!",
        "Closed Monday for Martin Luther King Jr. Day.",
        "Transport will pick you up at 1148 Quarry Ridge Rd.",  # Rd is a road, not a dietitian
    ],
)
def test_more_words_that_are_not_patients(detector: Detector, text: str) -> None:
    assert not any(t == "PERSON" for t, _ in spans(detector, text))
    assert not any(t == "PROVIDER_NAME" for t, _ in spans(detector, text))


@pytest.mark.parametrize(
    "text,value",
    [
        ("hey kit its the pharmacy, ur order is here", "kit"),
        ("Ginger Gray has an appointment at 3", "Ginger Gray"),
        ("looking for april farouk (b. 1999)", "april farouk"),
        ("Sullivan, Agnieszka no-showed today", "Sullivan"),
        ("Sullivan, Agnieszka no-showed today", "Agnieszka"),
    ],
)
def test_names_in_person_contexts(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("UKC-2521/FATIMA - HAVE A GREAT DAY!", "FATIMA"),
        ("454 JSZ/Declan Have a great day!", "Declan"),
        ("Checked in: 2EYZ103/Rich see you soon", "Rich"),
        ("E368365292-Keisha Mansour", "Keisha Mansour"),
        ("ref 936-94-5459 / Aiko\nwe have it", "Aiko"),
    ],
)
def test_names_glued_to_identifiers(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Circle 3/Mark your calendar for the fair.",
        "Flu shots 2024/Fall season start soon.",
        "Parking in Building 2-West today.",
        "Take 2/Day with food.",
    ],
)
def test_words_after_numbers_are_not_glued_names(detector: Detector, text: str) -> None:
    assert "PERSON" not in {t for t, _ in phi(detector, text)}


@pytest.mark.parametrize(
    "text,value",
    [
        ("Payment received. Thank you, hyun!", "hyun"),
        ("Thank you, Stella! You have a balance due.", "Stella"),
        ("ok June, emailed the forms to you", "June"),
        ("Happy birthday Iris - see you Fri", "Iris"),
        ("sorry wrong # - looking for harper wells", "harper wells"),
        ("guarantor drew owes $4,786.50 on the account", "drew"),
        ("If you can't make it, Destiny can call us back.", "Destiny"),
        ("If you can't make it, Garcia, Trinity can call us.", "Garcia, Trinity"),
        ("Clement was born in the spring per his wife", "Clement"),
        ("pls call hope's husband at home, she's not answering", "hope"),
        ("heyyy bree ur appt is due", "bree"),
        ("hi, - astrid ur ride is outside", "astrid"),
        ("hi heather is ur car the blue one?", "heather"),
        ("Pearl Cox, 93, lives alone.", "Pearl Cox"),
    ],
)
def test_names_found_by_context(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you Lakeview Health team.",
        "Thanks for coming in today!",
        "ok great, see you then",
        "ok sounds good, thanks",
        "Bill can be paid online.",
        "Grace is over on Friday.",
        "Hope you are well.",
        "Looking for parking? Use lot B.",
        "sorry for the wait, we are running late",
    ],
)
def test_context_cues_without_names(detector: Detector, text: str) -> None:
    assert "PERSON" not in {t for t, _ in phi(detector, text)}


def test_full_name_before_a_person_verb(detector: Detector) -> None:
    text = "If you can't make it, Ginger M. White can call us from 555-010-0167."
    assert covered(detector, text, "Ginger M. White")


def test_lower_case_name_after_an_honorific(detector: Detector) -> None:
    assert covered(detector, "good afternoon, ms mbeki. see you soon", "mbeki")
    assert "PERSON" not in {t for t, _ in phi(detector, "ms flare up today, call us")}


@pytest.mark.parametrize(
    "text,value",
    [
        ("Hi ananya!! Late fees are waived.", "ananya"),
        ("sorry wrong # - looking for anaNYa ngUyen", "anaNYa ngUyen"),
        ("MESSAGE FOR JASMINE SUN: CAN U SEND A PIC OF UR INS CARD?", "JASMINE SUN"),
        ("Hope! Su pago fue recibido.", "Hope"),
        ("Min-jun, hi. Statement returned; please update your address", "Min-jun"),
        ("Jack - Statement returned; plase update your address", "Jack"),
        ("Nguyen - your refill is ready", "Nguyen"),
        ("CGM transmitter DX-05074-N for Honey Murphy was replaced.", "Honey Murphy"),
        ("haha Dot ur 102 and still sharper than me!!", "Dot"),
    ],
)
def test_names_with_weak_or_odd_evidence(detector: Detector, text: str, value: str) -> None:
    assert ("PERSON", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Su pago fue recibido. Garcias! Good news: your insurance paid.",
        "Hi tere,\n\nall clinics close at 3 PM today.",
        "Hey evryone, the office is closed Monday",
        "Hi honey, your ride is here",
        "Reminder - your appointment is tomorrow",
        "Summer - hours change next week",
        "lol Bring ur card tomorrow",
        "APPT ON SUN: BRING UR CARD",
        "Sunday - closed. Monday - open 8-5.",
        "Please - call us back",
    ],
)
def test_no_names_from_typos_greetings_or_headings(detector: Detector, text: str) -> None:
    assert "PERSON" not in {t for t, _ in spans(detector, text)}


def test_a_name_one_letter_past_a_given_name(detector: Detector) -> None:
    assert ("PERSON", "Katya") in spans(detector, "Katya - Pt is 99 years old.")
    assert "PERSON" not in {t for t, _ in spans(detector, "Updaet - your statement is ready")}
