"""The Detector as a whole: offsets, entity selection, overlaps, allow-list, fail-closed paths."""

from __future__ import annotations

import socket

import pytest
import regex

from models.detector import (
    Detector,
    DetectorSettings,
    ner_windows,
    resolve,
    windowed_entities,
)
from models.engine import ModelNotInstalled
from models.findings import Finding
from models.recognizers.base import DetectionTimeout, Rule, RuleRecognizer
from tests.models.detect_helpers import phi, spans

# Texts a clinic sends that carry nothing to remove: byte-identical after detection.
ADMIN_TEXTS = [
    "Your appointment is confirmed. Reply C to confirm, R to reschedule.",
    "Your prescription is ready for pickup.",
    "Lab results are available in the portal.",
    "Reminder: your appointment with Dr. Lee is tomorrow at 9:30.",
    "Renata Ochoa, NP has openings next Tuesday at 2pm.",
    "Pharmacy hours: Mon-Fri 8am-6pm, Sat 9am-1pm.",
    "Flu shots are available at all locations, no appointment needed.",
    "Hope to see you at our community health fair Saturday 10-2!",
    "Please arrive 15 minutes early and bring your insurance card.",
    "Estamos abiertos el sabado de 9am a 1pm. Gracias!",
    "Hey! Mark your calendar: the lobby reopens March 3.",
    "Reply STOP to opt out. Msg&data rates may apply.",
]


@pytest.mark.parametrize("text", ADMIN_TEXTS)
def test_admin_texts_have_no_phi(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


def test_offsets_index_the_original_text(detector: Detector) -> None:
    text = "Ｈｉ Maria\u200b, DOB 01/02/1950"
    for f in detector.detect([text])[0]:
        assert 0 <= f.start < f.end <= len(text)
    assert ("DATE_OF_BIRTH", "01/02/1950") in spans(detector, text)


def test_batch_keeps_order_and_empty_texts(detector: Detector) -> None:
    out = detector.detect(["", "   ", "SSN 900-12-3456", "Your prescription is ready."])
    assert out[0] == [] and out[1] == []
    assert [f.type for f in out[2]] == ["US_SSN"]
    assert out[3] == []


def test_only_requested_entities(detector: Detector) -> None:
    text = "Hi Maria, SSN 900-12-3456, call 555-010-0123"
    found = detector.detect([text], entities={"US_SSN"})[0]
    assert {f.type for f in found} == {"US_SSN"}


def test_unknown_entity_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown entity"):
        Detector(DetectorSettings(entities=frozenset({"NOT_A_TYPE"})))


def test_administrative_findings_suppress_overlapping_phi() -> None:
    provider = Finding("PROVIDER_NAME", 0, 9, 0.92)
    person = Finding("PERSON", 4, 9, 0.85)
    other = Finding("PERSON", 20, 25, 0.6)
    assert resolve([person, provider, other]) == [provider, other]


def test_partial_overlap_keeps_the_uncovered_part() -> None:
    a = Finding("STREET_ADDRESS", 0, 10, 0.9)
    b = Finding("LOCATION", 5, 15, 0.8)
    assert resolve([a, b]) == [a, Finding("LOCATION", 10, 15, 0.8)]


def test_allow_list_drops_the_organisations_own_details() -> None:
    d = Detector(DetectorSettings(allow=("Lakeview Health", "555-010-4400", "lakeview.example")))
    text = (
        "Lakeview Hеalth here. Call (555) 010-4400 or see lakeview.example/portal. "
        "Hi Maria, call 555-010-0123 or see lakeview.example/r/Maria-Lopez"
    )
    found = {(f.type, text[f.start : f.end]) for f in d.detect([text])[0]}
    assert ("PHONE_NUMBER", "555-010-0123") in found
    assert ("PERSON", "Maria") in found
    assert not any("4400" in v or v.endswith("/portal") or "Lakeview" in v for _, v in found)
    assert any(v.endswith("Maria-Lopez") for _, v in found)
    # A personal query on the organisation's own address: the host stays, the query does not.
    text = "See lakeview.example/p?dob=O\u200cctober 23, 2019&mrn=1 6 9 4 2 9 1 8 4 today"
    found = {(f.type, text[f.start : f.end]) for f in d.detect([text])[0]}
    assert ("DATE_OF_BIRTH", "O\u200cctober 23, 2019") in found
    assert not any("lakeview.example" in v for _, v in found)
    text = "See lakeview.example/p?lang=en&name=ruby&ref=sms now"
    found = {(f.type, text[f.start : f.end]) for f in d.detect([text])[0]}
    assert found == {("URL", "ruby")}


def test_missing_model_is_an_error_not_a_download() -> None:
    with pytest.raises(ModelNotInstalled):
        Detector(DetectorSettings(model="en_core_web_nonexistent_xx"))


def test_no_network_when_building_and_detecting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    d = Detector(DetectorSettings())
    text = "Email jane@example.org or see https://photos.example/u/jane"
    assert ("EMAIL_ADDRESS", "jane@example.org") in {
        (f.type, text[f.start : f.end]) for f in d.detect([text])[0]
    }


def test_regex_timeout_fails_closed() -> None:
    slow = RuleRecognizer("Slow", ["PERSON"], [Rule("nested", r"(a|aa)+$", 0.5, flags=0)])
    import models.recognizers.base as base

    old = base.REGEX_TIMEOUT
    base.REGEX_TIMEOUT = 0.01
    try:
        with pytest.raises(DetectionTimeout):
            slow.analyze("a" * 60 + "!", ["PERSON"])
    finally:
        base.REGEX_TIMEOUT = old


def test_our_patterns_are_linear_on_hostile_input(detector: Detector) -> None:
    hostile = [
        "1" * 5000,
        "a-" * 3000,
        "Dr. " * 1500,
        ("A " * 2000) + "Hospital",
        "1-" * 3000 + "x",
        "x." * 3000 + "com/",
    ]
    detector.detect(hostile)  # completes (a pathological pattern would raise DetectionTimeout)
    assert regex.compile("x")  # keeps the import honest for readers


@pytest.mark.slow
def test_worker_pool_gives_the_same_findings(detector: Detector) -> None:
    texts = [f"Hi Maria, SSN 900-12-34{i:02d}, DOB 01/02/1950" for i in range(40)]
    with Detector(DetectorSettings(workers=2)) as pooled:
        assert pooled.detect(texts) == detector.detect(texts)


def test_ner_runs_only_where_a_word_is_left_unexplained(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statistical NER is the costliest step: a text whose unknown capitalised words are all
    inside findings already (or that has none) must not reach it; one with a word no rule
    explains must, and its name is then found."""
    seen: list[str] = []
    pipe = detector._nlp.pipe

    def spy(texts: list[str], **kw: object) -> object:
        seen.extend(texts)
        return pipe(texts, **kw)

    monkeypatch.setattr(detector._nlp, "pipe", spy)
    cued = "Hi Zorvath, your prescription is ready."
    plain = "Your appointment is confirmed for Tuesday."
    admin = "REFILL ready. Appt Tues, EOB mailed, Autopay on. Quesions? Callbaack anytime."
    uncued = "Yesterday Zorvath Quillane paid the bill in full."
    found = detector.detect([cued, plain, uncued, admin])
    assert seen == [uncued]
    assert ("PERSON", "Zorvath") in {(f.type, cued[f.start : f.end]) for f in found[0]}
    assert [f.type for f in found[1]] == ["APPOINTMENT_DATETIME"]
    assert any(f.type == "PERSON" and "Zorvath" in uncued[f.start : f.end] for f in found[2])


# A long text whose only unexplained words are a name near its start and one near its end, with
# well over the NER's reach of everyday words between them.
_FILLER = (
    "Your prescription is ready for pickup at the front desk and the pharmacy team will have "
    "it waiting for you until closing time on Friday, so please bring your card. "
)
_LONG = f"We spoke with Zorvath Quillane about the bill today. {_FILLER}Tavrin Oskolda paid it."


def test_ner_windows_find_names_at_both_ends_of_a_long_text(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The NER reads only around the unexplained words of a long text, and what it finds there
    is placed on the full text's characters: both names are found where they are."""
    seen: list[str] = []
    pipe = detector._nlp.pipe

    def spy(texts: list[str], **kw: object) -> object:
        seen.extend(texts)
        return pipe(texts, **kw)

    monkeypatch.setattr(detector._nlp, "pipe", spy)
    found = phi(detector, _LONG)
    assert ("PERSON", "Zorvath Quillane") in found
    assert ("PERSON", "Tavrin Oskolda") in found
    assert seen and all(len(s) < len(_LONG) and s in _LONG for s in seen)
    assert sum(len(s) for s in seen) < len(_LONG)
    assert not any("pharmacy" in s for s in seen)


def test_windowed_entities_land_on_the_full_texts_characters(detector: Detector) -> None:
    nlp = detector._nlp
    doc = nlp.make_doc(_LONG)
    start = _LONG.index("Tavrin")
    (window,) = ner_windows(doc, [(start, start + len("Tavrin"))])
    assert window[0] > 0 and window[1] == len(_LONG)
    (ents,) = windowed_entities(nlp, [(doc, [window])], batch_size=8)
    people = [e for e in ents if e.label_ == "PERSON"]
    assert [(e.start_char, e.end_char) for e in people] == [(start, start + len("Tavrin Oskolda"))]
    assert all(e.doc is doc for e in ents)


def test_ner_windows_merge_when_triggers_are_close(detector: Detector) -> None:
    doc = detector._nlp.make_doc(_LONG)
    first = _LONG.index("Zorvath")
    second = _LONG.index("Quillane")
    windows = ner_windows(doc, [(first, first + 7), (second, second + 8)])
    assert len(windows) == 1
    start, end = windows[0]
    assert start == 0 and end < len(_LONG)  # reaches the text's start; stops well before its end


def test_warm_builds_the_lazily_built_parts_without_changing_findings(detector) -> None:
    """A server warms its detector at start-up (issue #18): the Spanish clinical index, which
    takes about a second to build, is built then, not inside the first Spanish send's detection
    while every other send waits behind it."""
    from models.detector import WARM_TEXTS
    from models.recognizers.es import clinical

    text = "Su receta de simvastatin 2 mg esta lista."
    clinical.index.cache_clear()
    cold = detector.detect([text])
    clinical.index.cache_clear()
    detector.warm()
    assert clinical.index.cache_info().currsize == 1
    assert detector.detect([text]) == cold
    assert all(len(t) <= 1600 for t in WARM_TEXTS)  # ordinary texts, nothing pathological
