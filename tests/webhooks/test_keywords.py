"""Keyword normalisation and the reasonable-opt-out rule (FCC 2025)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxy.webhooks.config import KeywordSettings
from proxy.webhooks.keywords import Classifier, Intent, KeywordConflict, normalise

C = Classifier(KeywordSettings())


def intent(text: str) -> Intent | None:
    found = C.classify(text)
    return found.intent if found else None


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        "Stop.",
        " stop! ",
        "\tSTOP\n",
        "¡Stop!",
        "ＳＴＯＰ",  # fullwidth, NFKC
        "UNSUBSCRIBE",
        "Cancel",
        "end",
        "quit.",
        "Revoke",
        "optout",
        "opt out",
        "Opt-Out",
        "OPT OUT!!",
        "o.p.t. o.u.t",
    ],
)
def test_opt_out_keywords(text):
    found = C.classify(text)
    assert found is not None and found.intent is Intent.OPT_OUT and found.rule == "keyword"


@pytest.mark.parametrize("text", ["STOPALL", "stop all", "Stop-All.", " stopall "])
def test_global_opt_out(text):
    assert intent(text) is Intent.OPT_OUT_GLOBAL


@pytest.mark.parametrize("text", ["START", "start.", " Unstop ", "un-stop", "YES", "yes!"])
def test_opt_in(text):
    assert intent(text) is Intent.OPT_IN


@pytest.mark.parametrize("text", ["HELP", "help?", "Info", " INFO. "])
def test_help(text):
    assert intent(text) is Intent.HELP


@pytest.mark.parametrize(
    "text",
    [
        "please stop texting me",
        "Stop texting",
        "stop sending me these messages",
        "STOP please",
        "stop, thank you",
        "STOP STOP STOP",
        "Please unsubscribe me",
        "I want to opt out",
        "remove me from your list",
        "Take me off this list please",
        "don't text me anymore",
        "Do not contact me again",
        "no more texts",
        "leave me alone",
        "quit messaging me",
    ],
)
def test_reasonable_opt_outs(text):
    found = C.classify(text)
    assert found is not None and found.intent is Intent.OPT_OUT and found.rule == "reasonable"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "I can't stop coughing, should I come in?",
        "Cancel my appointment",
        "What time does the clinic end today?",
        "Yes I will be there",
        "Can you help me reschedule?",
        "Don't stop texting me, these reminders are great",
        "stopping by at 3",
        "Please send me the address of the clinic and also tell me whether I should stop texting",
        "Thanks, see you Tuesday",
    ],
)
def test_not_keywords(text):
    assert C.classify(text) is None


def test_long_messages_are_never_inferred():
    text = "please stop texting me " + "because I already have an appointment booked " * 2
    assert C.classify(text) is None
    assert Classifier(KeywordSettings(reasonable_max_words=40)).classify(text) is not None


def test_reasonable_rule_can_be_disabled():
    c = Classifier(KeywordSettings(reasonable_opt_out=False))
    assert c.classify("please stop texting me") is None
    assert c.classify("Stop.") is not None


def test_keyword_lists_are_configurable():
    c = Classifier(
        KeywordSettings(
            opt_out=("ALTO", "PARAR"), opt_in=("COMENZAR",), help=("AYUDA",), opt_out_global=("X",)
        )
    )
    assert c.classify("¡Alto!").intent is Intent.OPT_OUT
    assert c.classify("comenzar").intent is Intent.OPT_IN
    assert c.classify("AYUDA").intent is Intent.HELP
    assert c.classify("STOP") is None or c.classify("STOP").rule == "reasonable"


def test_conflicting_keywords_are_refused():
    with pytest.raises(KeywordConflict):
        Classifier(KeywordSettings(opt_in=("START", "STOP")))
    with pytest.raises(KeywordConflict):
        Classifier(KeywordSettings(help=("...",)))


@given(st.text(max_size=40))
def test_normalise_is_idempotent_and_case_insensitive(text):
    n = normalise(text)
    assert normalise(n) == n
    assert normalise(text.upper()) == normalise(text.lower()) or not text.isascii()
    assert n == n.strip() and "  " not in n


@given(
    st.sampled_from(["STOP", "stop", "Stop", "opt out", "STOPALL", "start", "HELP"]),
    st.text(alphabet=" .,!?;:-\t\n", max_size=5),
    st.text(alphabet=" .,!?;:-\t\n", max_size=5),
)
def test_surrounding_punctuation_never_changes_the_answer(word, before, after):
    assert C.classify(before + word + after) == C.classify(word)
