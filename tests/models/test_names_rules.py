"""Each patient-name rule, on its own: for one word of a text, the first rule of the ordered
:data:`~models.recognizers.names.rules.RULES` that decides is the one named, and the name it
finds is the one given (None: the rule decides it is not a name). Synthetic texts only."""

from __future__ import annotations

import pytest

from models import lexicons
from models.recognizers.names.rules import RULES, SKIP
from models.recognizers.names.scan import NameScan, PatientNameRecognizer

# rule id → (text, the word looked at, the name found or None for a "not a name" rule)
EXAMPLES: dict[str, tuple[str, str, str | None]] = {
    "vocative_hi": ("RUBY, HI. your results are in", "RUBY", "RUBY"),
    "possessive": ("Pearl's follow-up is Tuesday", "Pearl's", "Pearl's"),
    "possessive_unknown": ("Zyxandra's follow-up is Tuesday", "Zyxandra's", "Zyxandra's"),
    "possessive_relation": ("pls call hope's husband today", "hope's", "hope's"),
    "thanks_vocative": ("Thank you, Stella!", "Stella", "Stella"),
    "ok_vocative": ("ok June, emailed the forms", "June", "June"),
    "person_verb": ("Trinity can call us tomorrow", "Trinity", "Trinity"),
    "skip_everyday_word_in_capitals": ("PLEASE BRING YOUR CARD", "BRING", None),
    "honorific": ("Hello Mr. Okafor, see you soon", "Okafor", "Okafor"),
    "honorific_lower": ("good afternoon, ms mbeki.", "mbeki", "mbeki"),
    "skip_greeting_object": ("Hi tere, see you soon", "tere", None),
    "skip_sentence_after_greeting": ("Hi, Bring a photo ID", "Bring", None),
    "cue": ("Dear Priya, see you soon", "Priya", "Priya"),
    "cue_ambiguous": ("Hi Grace, see you soon", "Grace", "Grace"),
    "cue_unknown": ("Hey Zyxandra, see you soon", "Zyxandra", "Zyxandra"),
    "greeting_lower": ("hey sanjay its jen from the clinic", "sanjay", "sanjay"),
    "skip_city_after_place_preposition": (
        "she relocated to Albuquerque last year",
        "Albuquerque",
        None,
    ),
    "weak_cue": ("we saw Rosa at the clinic", "Rosa", "Rosa"),
    "weak_cue_full_name": ("Results faxed for Hunter Cho today", "Hunter", "Hunter Cho"),
    "weak_cue_lower_pair": ("please call april farouk today", "april", "april farouk"),
    "weak_cue_ambiguous": ("Results faxed to 555-0181 for Young, Kenji.", "Young", "Young"),
    "filler_addressed": ("lol Priya ur BP is fine", "Priya", "Priya"),
    "addressed_your": ("Rose — your flu test is ready", "Rose", "Rose"),
    "skip_surname_typo_of_a_word": ("Garcias! see you soon", "Garcias", None),
    "opening_dash": ("Katya - Pt is 99 years old", "Katya", "Katya"),
    "opening_dash_addressed": ("Jack - update your address", "Jack", "Jack"),
    "opening_vocative": ("Brook, please call us", "Brook", "Brook"),
    "opening_vocative_unknown": ("Zyxandra, please call us", "Zyxandra", "Zyxandra"),
    "full_name": ("the chart of Priya Sharma is ready", "Priya", "Priya Sharma"),
    "name_pair_in_context": ("Ginger Gray has a visit at noon", "Ginger", "Ginger Gray"),
    "unknown_full_name": ("the chart: Zyxandra Wu, ready", "Zyxandra", "Zyxandra Wu"),
    "upper_full_name": ("called HAROLD PENN today about it", "HAROLD", "HAROLD PENN"),
    "lower_full_name": ("ur friend maria lopez is here", "maria", "maria lopez"),
    "given_name": ("we called Priya yesterday", "Priya", "Priya"),
}


def deciding_rule(text: str, word: str) -> tuple[str, str | None]:
    words, hits = lexicons.analyse(text)
    clinical = {i for h in hits if h.category != lexicons.CITY for i in range(h.first, h.last)}
    scan = NameScan(PatientNameRecognizer(), text, words, clinical)
    i = next(k for k, w in enumerate(words) if w.text == word)
    candidate = scan.candidate(i)
    assert candidate is not None, "no rule may look at this word"
    for rule in RULES:
        verdict = rule(candidate)
        if verdict is None:
            continue
        if verdict == SKIP:
            return rule.__name__, None
        start, end, _ = verdict
        return rule.__name__, text[words[start].start : words[end - 1].end]
    return "", None


def test_every_rule_has_an_example_and_a_unique_name():
    names = [r.__name__ for r in RULES]
    assert len(names) == len(set(names))
    assert set(names) == set(EXAMPLES)


@pytest.mark.parametrize("rule", list(EXAMPLES))
def test_rule(rule: str) -> None:
    text, word, name = EXAMPLES[rule]
    assert deciding_rule(text, word) == (rule, name)


def test_the_recognizer_reports_the_rule_id():
    (result,) = PatientNameRecognizer().analyze("Dear Priya, see you soon", ["PERSON"])
    assert result.recognition_metadata is not None
    assert "cue" in str(result.recognition_metadata) or "cue" in str(result.analysis_explanation)
