"""models.propagate: once a name, facility or date is found in a text, its other mentions there
are found too. Synthetic values."""

from __future__ import annotations

from models.detector import Detector
from models.findings import Finding
from models.propagate import propagate
from tests.models.detect_helpers import covered


def test_other_mentions_of_a_found_name_and_facility(detector: Detector) -> None:
    text = (
        "NURSING NOTE: PT TRANSFERED TO KESTRELMOOR 4 FOR CATH LAB. SON ANSELM IN TO VISIT. "
        "KESTRELMOOR 4 RN CALLED WITH REPORT. ANSELM STATES HE WILL RETURN. SATS HIGH 90'S ON "
        "4L NC. FOLEY PATENT."
    )
    second = text.index("KESTRELMOOR 4 RN")
    found = detector.detect([text])[0]
    assert any(f.start <= second < f.end for f in found)
    later = text.index("ANSELM STATES")
    assert any(f.start <= later < f.end and f.type == "PERSON" for f in found)
    assert covered(detector, text, "ANSELM")


def test_each_end_of_a_date_range_and_exact_case_for_everyday_words() -> None:
    text = "intubated 6/30-7/2, extubated 7/2. Rob called; will rob no one. Rob again."
    found = [
        Finding("DATE", 10, 18, 0.7, "t"),
        Finding("PERSON", text.index("Rob"), text.index("Rob") + 3, 0.9, "t"),
    ]
    out = propagate(text, found, frozenset({"rob", "will"}))
    values = sorted((f.type, text[f.start : f.end], f.start) for f in out[len(found) :])
    assert ("DATE", "7/2", text.index("7/2.")) in values
    assert ("PERSON", "Rob", text.index("Rob again")) in values
    assert not any(v == "rob" for _, v, _ in values)  # the verb in lower case stays


def test_stop_words_and_shorthand_are_not_carried_over() -> None:
    text = "Sent to the Foley Clinic. The foley drains."
    found = [Finding("FACILITY", 8, 25, 0.7, "t")]  # "the Foley Clinic"
    out = propagate(text, found, frozenset())
    assert out[len(found) :] == []


def test_a_calendar_date_in_a_note_is_carried_over_whatever_its_cue() -> None:
    note = (
        "Resp care note: Pt intubated for CHF, extubated 4/2. Sats high 90's on 4L NC. Sputum "
        "thick, sxnd x2. Foley draining. 4/2 cath showed patent grafts; plan to wean PEEP."
    )
    first = note.index("4/2")
    found = [Finding("APPOINTMENT_DATETIME", first, first + 3, 0.6, "t")]
    out = propagate(note, found, frozenset())
    assert ("DATE", note.index("4/2 cath")) in {(f.type, f.start) for f in out}
    # in a message an appointment's date is not carried over (it may stay)
    msg = "Appt 4/2 at 3pm. See you 4/2!"
    appt = [Finding("APPOINTMENT_DATETIME", 5, 8, 0.9, "t")]
    assert propagate(msg, appt, frozenset()) == appt


def test_cue_words_inside_a_found_run_are_not_carried_over() -> None:
    text = "WIFE JOAN AND SON PETER IN. SON CALLED LATER. PETER AWARE."
    found = [Finding("PERSON", 5, 24, 0.9, "t")]  # "JOAN AND SON PETER"
    out = propagate(text, found, frozenset({"son", "and"}))
    values = {text[f.start : f.end] for f in out[len(found) :]}
    assert values == {"PETER"}
