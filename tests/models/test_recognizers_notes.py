"""models.recognizers.notes: identifiers written the way clinical notes write them. Every note
below is synthetic; the names, wards and hospitals are made up."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import spans

# Enough shorthand for the text to read as a note (models.overscrub.clinical_note).
FILLER = (
    " SATS HIGH 90'S ON 4L NC. FOLEY DRAINING CLEAR URINE. SX FOR THICK TAN SPUTUM. LUNGS"
    " COARSE, NEBS GIVEN. ABG PENDING, PLAN TO WEAN PEEP AS TOLERATED. SKIN INTACT."
)
PLACE = {"FACILITY", "LOCATION"}


def found(detector: Detector, text: str, value: str) -> set[str]:
    """The types of findings that cover ``value`` (its first occurrence) in ``text``."""
    start = text.index(value)
    end = start + len(value)
    return {
        f.type
        for f in detector.detect([text])[0]
        if f.start <= start and end <= f.end or (start <= f.start and f.end <= end)
    }


@pytest.mark.parametrize(
    "text,value,kind",
    [
        ("Pt sent to QH for cath, then back here." + FILLER, "QH", PLACE),
        ("Pt admitted to Brindlecombe 4 for SOB." + FILLER, "Brindlecombe", PLACE),
        ("RECEIVED FROM UNIVERSITY OF WESTMARCH HOSPITAL TODAY." + FILLER, "WESTMARCH", PLACE),
        (
            "pt recieved from fenwick square hosp via medflight." + FILLER.lower(),
            "fenwick square hosp",
            PLACE,
        ),
        ("LIVES AT TALLOWAY HOUSE, HAS A SON." + FILLER, "TALLOWAY HOUSE", PLACE),
        (
            "QUIET NIGHT." + FILLER + "\n\n ORSON B. VELLACOTT-KRAY, RRT\n",
            "ORSON",
            {"PROVIDER_NAME"},
        ),
        ("all is well at this time." + FILLER + " t. quenby rrt\n", "quenby", {"PROVIDER_NAME"}),
        ("Sons Dashiell, Ambrose and Caspian in to visit." + FILLER, "Ambrose", {"PERSON"}),
        ("SOCIAL: DAUGHTER-ZELMIRA 555 010 0199." + FILLER, "ZELMIRA", {"PERSON"}),
        ("CONTACT PERSON ORLA VANTREESE (555-010-0142)." + FILLER, "VANTREESE", {"PERSON"}),
        ("Thaddeus Quorn (son) cell# 555-010-0177." + FILLER, "Quorn", {"PERSON"}),
        ("social: dtr henrietta in to visit, plans to stay." + FILLER, "henrietta", {"PERSON"}),
        (
            "Pt expired. Drs' Pellingham and Ossory pronounced." + FILLER,
            "Ossory",
            {"PROVIDER_NAME"},
        ),
        ("LITHIUM TOXICITY-4/3/91. ON NO LITHIUM NOW." + FILLER, "4/3/91", {"DATE"}),
        ("PMH: '07 PTCA TO LCX, CVA 88'." + FILLER, "07", {"DATE"}),
    ],
)
def test_note_identifiers(detector: Detector, text: str, value: str, kind: set[str]) -> None:
    assert kind & found(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        # units, drips and lines after "to": no facility
        "GI: NGT TO LCS, OG TUBE TO LWS. HR 80 SB TO NSR. CHANGED BACK TO IMV." + FILLER,
        "PLACED ON BEDPAN 6-8 TIMES. ORDER WRITTEN TO TRANSFUSE 2 U PRBC." + FILLER,
        "Pt frustrated with being in hosp, admitted to hospital 3 days ago." + FILLER,
        "Very anxious to get out of Hospital and home. Tired of staying in the hospital." + FILLER,
        "HOUSE STAFF AWARE. PT RESTING." + FILLER,
        # the same shapes in a short message are not read as a note
    ],
)
def test_note_shorthand_is_not_a_place_or_name(detector: Detector, text: str) -> None:
    kinds = {"FACILITY", "PERSON", "PROVIDER_NAME", "DATE", "LOCATION"}
    assert not {(t, v) for t, v in spans(detector, text) if t in kinds}


def test_note_only_rules_do_not_run_on_messages(detector: Detector) -> None:
    # a short text is not a note: sign-offs and "to XY" read nothing there...
    assert not {v for _, v in spans(detector, "Thanks, all good. t. quenby rrt\n")} & {
        "quenby",
        "t. quenby",
    }
    # ...while the layouts any text may use still do
    text = "Sons Dashiell, Ambrose and Caspian visited."
    assert {"Ambrose", "Caspian"} <= {v for t, v in spans(detector, text) if t == "PERSON"}


@pytest.mark.parametrize(
    "text,value,kind",
    [
        ("KEEP HALVORSEN FAMILY AWARE OF PLAN." + FILLER, "HALVORSEN", "PERSON"),
        (
            "pt alert. rosalind adaire fenwright from speech and swallow in today." + FILLER,
            "fenwright",
            "PROVIDER_NAME",
        ),
        ("RATE DECREASED BY DR BRELLICK ..NO CHANGE." + FILLER, "BRELLICK", "PROVIDER_NAME"),
        (
            "pt has 2 children who act as his health care proxys. wilhelmina and tobiah." + FILLER,
            "wilhelmina",
            "PERSON",
        ),
    ],
)
def test_more_note_names(detector: Detector, text: str, value: str, kind: str) -> None:
    assert kind in found(detector, text, value)


def test_family_words_are_not_names(detector: Detector) -> None:
    text = "LARGE FAMILY AT BEDSIDE, CLOSE FAMILY SUPPORTIVE." + FILLER
    assert not {v for t, v in spans(detector, text) if t == "PERSON"}


def test_a_sign_off_outranks_the_credential_rule(detector: Detector) -> None:
    text = "QUIET NIGHT." + FILLER + "\n\n MERRIT J. ALBANY-VOSS, RRT\n"
    assert any(t == "PROVIDER_NAME" and v.startswith("MERRIT") for t, v in spans(detector, text))


def test_titled_names_keep_their_second_word(detector: Detector) -> None:
    text = "Dr. Van Leeuwarden in to see pt." + FILLER + " Drs' Pellingham and Ossory aware."
    found = spans(detector, text)
    assert any("Leeuwarden" in v for t, v in found if t in ("PROVIDER_NAME", "PERSON"))
    assert any("Pellingham" in v for t, v in found if t == "PROVIDER_NAME")


@pytest.mark.parametrize(
    "text,value,kind",
    [
        ("SOCIAL: WIFE IS CEO OF ZYNTRAX. SMOKER." + FILLER, "ZYNTRAX", PLACE),
        ("worried about his business Quillbrook Labs." + FILLER, "Quillbrook", PLACE),
        ("ADMITTED FROM UNIVERSITY OF WESTMARCH MEDICAL YESTERDAY." + FILLER, "WESTMARCH", PLACE),
        ("lives alone at 12 Alder St. in Glenmoorton. dtr visits." + FILLER, "Glenmoorton", PLACE),
        ("RADIATION TREATMENTS 10/03/10/04, NEXT TOMORROW." + FILLER, "10/03/10/04", {"DATE"}),
        # a name before "cell#" is no eponym ("Hurthle cell"); "from X" in a note is a place
        (
            "Gwendolyn Tarrant cell# 555-010-0123 home# 555-010-0124." + FILLER,
            "Tarrant",
            {"PERSON"},
        ),
        ("The coordinator from Holy Lantern memorial came by today." + FILLER, "Lantern", PLACE),
    ],
)
def test_employers_universities_towns_and_date_pairs(
    detector: Detector, text: str, value: str, kind: set[str]
) -> None:
    assert kind & found(detector, text, value)
