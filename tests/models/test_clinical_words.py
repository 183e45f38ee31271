"""models.clinical_words: misspellings, leetspeak and spelled-out abbreviations of clinical terms,
and the words that must stay what they are."""

from __future__ import annotations

import pytest

from models import clinical_words
from models.decode import decode


@pytest.mark.parametrize(
    "word,term",
    [
        ("cancr", "cancer"),  # one deletion, short term
        ("diabeties", "diabetes"),  # one insertion
        ("chlamidya", "chlamydia"),  # two substitutions in a long term
        ("gonorea", "gonorrhea"),  # two deletions in a long term
        ("hepatitus", "hepatitis"),
        ("pnemonia", "pneumonia"),
        ("colonscopy", "colonoscopy"),
    ],
)
def test_misspellings_are_read_as_the_term(word: str, term: str) -> None:
    assert clinical_words.correct(word) == term


@pytest.mark.parametrize(
    "word",
    [
        "cancel",  # one edit from "cancer", but an everyday word
        "dance",
        "canel",  # a typo of "cancel" before it is one of "cancer"
        "clinic",
        "appoinment",  # a typo of an everyday word
        "ticket",
        "walker",  # a surname
        "chelsea",  # a first name
        "glucosa",  # a Spanish clinical word, not misspelt English
        "fevr",  # too short to judge
        "lasix",  # a drug the lexicon knows, not a misspelt "lasik"
        "diuretic",  # two edits from "diabetic", but they only share "di"
        "nephrectomy",  # a real procedure word, not a misspelt "nephrostomy"
        "infarction",  # a word of "myocardial infarction", not a misspelt "infection"
    ],
)
def test_everyday_words_names_and_short_words_are_not_misspellings(word: str) -> None:
    assert clinical_words.correct(word) is None


@pytest.mark.parametrize(
    "token,term",
    [
        ("c4nc3r", "cancer"),
        ("d1ab3tes", "diabetes"),
        ("H1V", "HIV"),
        ("h1v", "HIV"),
        ("ch3mo", "chemo"),
        ("c@ncer", "cancer"),
        ("hep4titis", "hepatitis"),
    ],
)
def test_leetspeak_is_read_as_the_term(token: str, term: str) -> None:
    assert clinical_words.deleet(token) == term


@pytest.mark.parametrize(
    "token",
    ["A1B2", "P4ssw0rd", "8H1V2", "A1D5", "3pm", "3kg", "B12", "2nd", "HbA1c", "Covid19"],
)
def test_codes_and_passwords_are_not_leetspeak(token: str) -> None:
    assert clinical_words.deleet(token) is None


@pytest.mark.parametrize(
    "run,abbreviation",
    [("H.I.V.", "HIV"), ("H. I. V.", "HIV"), ("S T D", "STD"), ("h-i-v", "HIV"), ("u.t.i", "UTI")],
)
def test_spelled_out_clinical_abbreviations(run: str, abbreviation: str) -> None:
    assert clinical_words.spelled_acronym(run) == abbreviation


@pytest.mark.parametrize("run", ["M.D.", "a.m.", "U.S.A.", "R.S.V.P.", "A B C", "P.A."])
def test_other_spelled_out_letters_stay(run: str) -> None:
    assert clinical_words.spelled_acronym(run) is None


def test_decode_puts_the_term_in_the_text_and_maps_back() -> None:
    text = "Your c4nc3r screen and H.I.V. test: the cancr came back"
    decoded = decode(text)
    assert decoded is not None
    assert decoded.text == "Your cancer screen and HIV test: the cancer came back"
    # every decoded run is atomic and maps back to exactly what was typed
    originals = {text[a:b] for a, b in decoded.atomic}
    assert originals == {"c4nc3r", "H.I.V.", "cancr"}
    start = decoded.text.index("HIV")
    assert decoded.origin[start] == text.index("H.I.V.")


@pytest.mark.parametrize(
    "text",
    [
        "Use code H1V to log in.",  # a code after its cue, even one that spells a term
        "Your password is C4nc3r, do not share it.",
        "Please cancel your appointment if you cannot make it.",
        "Join our dance class on Friday at 3 p.m.",
        "Hi Lupis, your refill is ready.",  # a capitalised word mid-sentence is a name
        "Visit lakeviewhealth.example/diabetis for hours.",  # inside a web address
    ],
)
def test_decode_leaves_admin_texts_alone(text: str) -> None:
    assert decode(text) is None
