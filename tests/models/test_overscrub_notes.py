"""The clinical-note guards of models.overscrub: in a nursing or therapy note, shorthand,
ventilator settings, readings and run-together words are not identifiers; names after a family
cue, an honorific or a title still are. Every note here is synthetic."""

from __future__ import annotations

import pytest

from models.detector import Detector
from models.findings import Finding
from models.overscrub import clinical_note, note_number, url_cut_short, vent_setting
from tests.models.detect_helpers import covered, spans

IDENTIFIERS = {
    "PERSON",
    "LOCATION",
    "STREET_ADDRESS",
    "FACILITY",
    "DATE",
    "DATE_OF_BIRTH",
    "PHONE_NUMBER",
    "MEDICAL_RECORD_NUMBER",
    "ACCOUNT_NUMBER",
    "DEVICE_ID",
    "VEHICLE_ID",
    "AGE_OVER_89",
    "URL",
    "PROVIDER_NAME",
}


def identifiers(detector: Detector, text: str) -> set[tuple[str, str]]:
    return {(t, v) for t, v in spans(detector, text) if t in IDENTIFIERS}


def test_a_note_is_told_from_a_message() -> None:
    note = (
        "Resp care note: Pt remains on vent, sputum thick and tan, sxnd x2. Foley draining "
        "clear urine. Sats high 90's on 40% FiO2. Plan to wean PS as tolerated overnight."
    )
    assert clinical_note(note)
    assert not clinical_note("Hi Ana, your appointment is tomorrow at 3pm. Reply C to confirm.")
    assert not clinical_note("Foley and PICC check tomorrow.")  # too short to be a note


@pytest.mark.parametrize(
    "text",
    [
        # shorthand in capitals after a preposition or "patient"
        "RESP: ON PSV 10/5, 40% FIO2. SX FOR THICK WHITE SPUTUM. GIVEN ATIVAN WITH LITTLE "
        "EFFECT. PATIENT WEANED TO 4L NC. SATS HIGH 90'S. LAST ABG OK. CONT TO MONITOR FOLEY "
        "OUTPUT. IVF 1/2 NS AT 75CC/HR.",
        # shorthand at a sentence start in mixed case (the NER's guesses)
        "Resp care note: Pt remains on vent as per Carevue. Sputum cx sent. Sxnd x2 for thick "
        "secretions. Tolerated PS 5/5 this am, plan to extubate. Neo weaned off overnight, "
        "foley draining well. Wife and neice in to visit.",
        # readings: ranges, a plate-shaped word + number, sats that look like an age
        "CV: HR 90-110 SR, SBP WAS 102 AFTER BOLUS. VENT CMV 600/12. STV 500-1000CC. GOAL "
        "1900-0700 NEG 500CC. FOLEY DRAINING. SATS 97-100% ON 4L NC. SPUTUM THICK TAN. CHECK "
        "VANCO LEVEL.CONTINUE ABX.",
        # an "initial" that is the end of "90'S." or "I/O."
        "Resp care: SATS 90'S. LAST ABG 7.40/40/90. O2 SAT'S HIGH 90'S. SX Q2H FOR THICK "
        "SECRETIONS. PT ON CPAP 5/5 40%. I/O. SEE CAREVUE FOR DETAILS. FOLEY PATENT. NEO GTT "
        "OFF.",
        # "MS:" is mental status, a relative followed by a typo is not a name
        "MS: SEDATED ON PROPOFOL, RESPONDS TO VOICE. CV: SR 80'S. RESP: SX FOR TAN SPUTUM, "
        "FOLEY TO GRAVITY. SOCIAL: WIFE AGRESS WITH PLAN OF CARE. PATIENT UNRESPONSIVE TO "
        "NOXIOUS STIMULI AT TIMES.",
    ],
)
def test_note_shorthand_is_not_an_identifier(detector: Detector, text: str) -> None:
    assert identifiers(detector, text) == set()


def test_names_in_a_note_are_still_found(detector: Detector) -> None:
    text = (
        "SOCIAL: WIFE JOAN AND SON PETER IN TO VISIT. MR. QUILLFEATHER RESTING COMFORTABLY ON "
        "PSV 10/5. SPUTUM THICK, SX Q2H. FOLEY DRAINING CLEAR URINE. Z. QUILLAN AWARE OF SATS "
        "IN LOW 90'S. DR. OSTRANDER PAGED."
    )
    for name in ("JOAN", "PETER", "QUILLFEATHER", "Z. QUILLAN", "OSTRANDER"):
        assert covered(detector, text, name) or any(
            name in v for t, v in spans(detector, text) if t == "PROVIDER_NAME"
        ), name
    # the run does not swallow the word after the name
    assert ("PERSON", "IN") not in spans(detector, text)


def _f(kind: str, text: str, value: str) -> Finding:
    start = text.index(value)
    return Finding(kind, start, start + len(value), 0.7, "test")


@pytest.mark.parametrize(
    "text,value,setting",
    [
        ("tolerated PSV 10/5 overnight", "10/5", True),
        ("CPAP .5% 5/5 since noon", "5/5", True),
        ("IVF changed to 1/2 NS at 100", "1/2", True),
        ("c/o 3/10 pain in am", "3/10", True),
        ("admitted 7/14 with SOB", "7/14", False),
        ("trach placed 8/14 on the unit", "8/14", False),
    ],
)
def test_vent_settings_fractions_and_pain_scores(text: str, value: str, setting: bool) -> None:
    assert vent_setting(text, _f("DATE", text, value)) is setting


def test_readings_are_not_ids_ages_or_plates() -> None:
    everyday = frozenset({"was", "neg", "off"})
    text = "SBP WAS 102, SATS 97-100%. PT 373 NEG. GOAL 1900-0700. 95 YO MAN."
    assert note_number(text, _f("AGE_OVER_89", text, "102"), everyday)
    assert note_number(text, _f("AGE_OVER_89", text, "97"), everyday)
    assert not note_number(text, _f("AGE_OVER_89", text, "95"), everyday)
    assert note_number(text, _f("VEHICLE_ID", text, "373 NEG"), everyday)
    assert note_number(text, _f("MEDICAL_RECORD_NUMBER", text, "1900-0700"), everyday)
    plate = "Plate 7XKD219 seen"
    assert not note_number(plate, _f("VEHICLE_ID", plate, "7XKD219"), everyday)


def test_a_domain_run_into_the_next_word_is_not_a_url() -> None:
    text = "check vanco level.continue abx; portal at example.com today"
    assert url_cut_short(text, _f("URL", text, "level.co"))
    assert not url_cut_short(text, _f("URL", text, "example.com"))


def test_a_given_name_and_initial_is_not_taken_for_a_unit(detector: Detector) -> None:
    # "G." is not grams: a name + initial keeps its place in note-like clinical text
    text = (
        "Treatment protocol for 64yo female, Harriet G., admitted to the ICU with COPD, on "
        "BiPAP overnight, foley in place, sats 92% on 4L NC; plan to wean PEEP as tolerated."
    )
    assert covered(detector, text, "Harriet")
