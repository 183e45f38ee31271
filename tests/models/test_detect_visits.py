"""Who, where and when in a clinical question (models.recognizers.visits): a given name and an
initial, the place a patient was seen, a city before a facility word, a past weekday or month.
Every name, place and number here is synthetic."""

from __future__ import annotations

import pytest

from models.detector import Detector
from models.recognizers import visits
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        (
            "Anticoagulation for a 55-year-old male patient, Sam L., with atrial fibrillation?",
            "Sam L",
        ),
        ("Guidelines for a 65-year-old male, Tom B., who has an appointment soon?", "Tom B"),
        ("Best mgmt for epilepsy, pt is Jack W. from out of town, last seen in spring?", "Jack W"),
        (
            "Current best practices for COPD in a 70-year-old male, Frank G. residing nearby?",
            "Frank G",
        ),
        ("Erica N., a 35yo female with MS, what is the best rehab protocol?", "Erica N"),
        ("Evaluation of outcomes referencing Mr. Zed T., operated last spring?", "Zed T"),
    ],
)
def test_a_given_name_and_an_initial_is_a_name(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)


def test_a_title_and_an_initial_alone_is_a_provider() -> None:
    got = visits.given_initial_names("pt w/ hx of HTN seen by Dr. Q. at the clinic")
    assert [(t, r) for t, _, _, r in got] == [("PROVIDER_NAME", "title_initial")]
    got = visits.given_initial_names("follow-up for Mrs. K. next week")
    assert [(t, "follow-up for Mrs. K. next week"[s:e]) for t, s, e, _ in got] == [("PERSON", "K")]


@pytest.mark.parametrize(
    "text",
    [
        "Vitamin D. Levels were low last year in most adults.",
        "Hepatitis B. Vaccination schedules for adults?",
        "The patient was moved to Ward B. Nursing notes follow.",
        "Dosing in Stage C. Heart failure with reduced EF?",
        "Group A. Strep pharyngitis in children: first-line antibiotic?",
        "Is May A. Good month for the flu vaccine?",
    ],
)
def test_words_that_take_a_letter_are_not_names(text: str) -> None:
    assert [r for *_, r in visits.given_initial_names(text)] == []


@pytest.mark.parametrize(
    "text,value,kind",
    [
        (
            "Rec mgmt of 70yo M w/ CHF, seen at Qorvath Crest on Feb 21, 2023.",
            "Qorvath Crest",
            "FACILITY",
        ),
        ("Lisinopril for a patient evaluated at Elm Clinic on Jan 15th?", "Elm Clinic", "FACILITY"),
        (
            "Seen by a specialist at the Downtown Clinic; DOB on file.",
            "Downtown Clinic",
            "FACILITY",
        ),
        ("Knee replacement at General Hospital on March 15, 2022?", "General Hospital", "FACILITY"),
        ("Tx options, assessed at Zenthor on 07/15/2022.", "Zenthor", "FACILITY"),
        ("Warfarin for a patient who visited our Dallas clinic in May?", "Dallas", "LOCATION"),
        ("A patient seen at our Seattle office last month.", "Seattle", "LOCATION"),
        ("Hypertension in a man who lives in the Milwaukee area?", "Milwaukee", "LOCATION"),
        ("pt is from NYC, last seen in the spring.", "NYC", "LOCATION"),
    ],
)
def test_where_a_patient_was_seen_is_a_place(
    detector: Detector, text: str, value: str, kind: str
) -> None:
    assert covered(detector, text, value)
    assert any(t in ("FACILITY", "LOCATION") for t, v in spans(detector, text) if value in v)
    assert (kind, value) in {(t, text[s:e]) for t, s, e, _ in visits.visit_places(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Management of CHF in a 70yo seen at home on a weekly basis.",
        "When should a patient presenting to the ED with chest pain get a troponin?",
        "Insulin for a patient admitted to ICU on day 3 of sepsis?",
        "Treated in March with steroids, flare recurred; next step?",
        "CV: pt in NSR 80's-90's, BP stable.",
        "SOCIAL: SON AND DAUGHTER VISITING IN EARLY EVENING; RECEIVED UPDATE",
        "Pt on SIMV 500x16 ?change pt to AC. Plan to keep PCO2 >30.",
        "Seen by Cardiology Transplant surgeon today.",
        "What diet works best in the Mediterranean area for heart health?",
    ],
)
def test_clinical_places_and_notes_in_capitals_are_not_read_as_places(text: str) -> None:
    assert visits.visit_places(text) == []


def test_a_past_weekday_or_month_is_a_date(detector: Detector) -> None:
    text = "Warfarin for a patient who presented to the ED last Friday, first seen last December?"
    assert ("DATE", "last Friday") in phi(detector, text)
    assert ("DATE", "last December") in phi(detector, text)
    assert not [s for s in phi(detector, "What changed in the guidelines last year?")]


@pytest.mark.parametrize(
    "text,value",
    [
        ("Antibiotic choice in pt Q.X., 67M, with CAP?", "Q.X."),
        ("Patient initials Z.V. seen in clinic with a rash.", "Z.V."),
        ("Has been followed at Quillbrook since 2019 for CKD.", "Quillbrook"),
        ("At Zephyr Valley Children's, a 6yo presented with wheeze.", "Zephyr Valley Children's"),
        ("Visited the ER last Tues with chest pain.", "last Tues"),
    ],
)
def test_initials_after_a_patient_cue_and_more_visit_shapes(
    detector: Detector, text: str, value: str
) -> None:
    assert covered(detector, text, value)


def test_a_dotted_acronym_without_a_patient_cue_is_not_initials() -> None:
    assert visits.given_initial_names("Is H.I.V. testing advised after a needlestick?") == []


def test_a_town_named_like_its_state_and_a_street_without_its_number() -> None:
    text = "Seen at a clinic in New York, NY; lives on Quill Avenue, Denver."
    got = {(t, text[s:e]) for t, s, e, _ in visits.visit_places(text)}
    assert {
        ("LOCATION", "New York"),
        ("STREET_ADDRESS", "Quill Avenue"),
        ("LOCATION", "Denver"),
    } <= got
    own = "Visit our office on Quill Avenue, Denver."
    assert visits.visit_places(own) == []
    assert visits.visit_places("Is the guideline the same in New York as in Ohio?") == []
