"""The patient-name rules, in order: each looks at one word (with the cue before it) and says
"a name from here to there", "not a name" or "not mine". The first rule that decides wins.

A rule's function name is its rule id (a finding's ``source`` names it, the tests name it). A
rule returns ``None`` when it does not apply, :data:`SKIP` when the word is decided not to be a
name, or ``(start, end, score)`` word indexes and score of the name it found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Literal

from models.lexicons import _within_one
from models.recognizers.names.cues import (
    ADDRESS_FOLLOWS,
    ADDRESSED,
    AMBIGUOUS_VOCATIVE,
    DASH_AFTER,
    FILLERS,
    GREETED_LOWER,
    GREETING_OBJECTS,
    GREETINGS,
    HI_AFTER,
    HONORIFICS,
    NOT_NAMES,
    OK_WORDS,
    OPENING_UNKNOWN,
    PERSON_VERB,
    PLACE_PREPOSITIONS,
    POSSESSION,
    RELATION_AFTER,
    RELATIONS,
    SENTENCE_GAP,
    SIGN_OFFS,
    STRONG_CUES,
    THANKS,
    TWO_WORD_CUES,
    VOCATIVE_MARK,
    WEAK_CUES,
    YOUR_AFTER_MARK,
    YOUR_NEXT,
)

if TYPE_CHECKING:
    from models.recognizers.names.scan import NameScan

SKIP: Final = "skip"
Verdict = tuple[int, int, float] | Literal["skip"] | None


class Candidate:
    """Word ``i`` of a scan as the rules see it: what comes before it (``prev``, the cue word;
    ``prev2``, the two words before), and its features, each computed at most once (the ones
    after ``j`` only when a rule asks)."""

    __slots__ = (
        "s",
        "i",
        "prev",
        "prev2",
        "lex",
        "text",
        "low",
        "cap",
        "lexical",
        "amb",
        "known",
        "everyday",
        "after_word",
        "after_full",
        "strong",
        "greeting",
        "thanked",
        "_j",
        "_cued_j",
        "_opening",
        "_end_j",
        "_after",
    )

    def __init__(self, scan: NameScan, i: int, prev: str, prev2: tuple[str, str]) -> None:
        self.s, self.i, self.prev, self.prev2 = scan, i, prev, prev2
        self.lex = scan.lex
        self.text = scan.text
        self.low, self.cap = scan.low(i), scan.cap(i)
        self.lexical, self.amb = scan.lexical(i), scan.ambiguous(i)
        self.known = self.lexical and not self.amb
        self.everyday = self.low in self.lex.everyday_words
        # Patterns match from an offset rather than on a copy of the text's tail: a copy per
        # word made long texts quadratic.
        self.after_word, self.after_full = scan.base_end(i), scan.words[i].end
        self.strong = prev in STRONG_CUES or prev2 in TWO_WORD_CUES
        self.greeting = prev in GREETINGS or prev2 in TWO_WORD_CUES
        self.thanked = prev2 in THANKS or (prev, "") in THANKS
        self._j = self._cued_j = self._end_j = -1
        self._opening: bool | None = None
        self._after: str | None = None

    @property
    def j(self) -> int:
        """End of the name run starting here (a word index, exclusive)."""
        if self._j < 0:
            self._j = self.s.extend(self.i)
        return self._j

    @property
    def cued_j(self) -> int:
        """End of the name run starting here, read as cued."""
        if self._cued_j < 0:
            self._cued_j = self.s.extend(self.i, cued=True)
        return self._cued_j

    @property
    def opening(self) -> bool:
        """Start of the text, a line or a sentence."""
        if self._opening is None:
            gap = self.s.gap(self.i - 1, self.i) if self.i else ""
            self._opening = self.i == 0 or SENTENCE_GAP.fullmatch(gap) is not None
        return self._opening

    @property
    def end_j(self) -> int:
        """End offset of the name run, without a possessive "'s"."""
        if self._end_j < 0:
            self._end_j = self.s.base_end(self.j - 1)
        return self._end_j

    @property
    def after(self) -> str:
        """The text after the name run."""
        if self._after is None:
            self._after = self.text[self.end_j :]
        return self._after

    @property
    def addressed_your(self) -> bool:
        """ "Otto ur BP was...", "Rose — your flu test": addressed by name (but "Bring your",
        "Wash your": an everyday word needs a dash or comma before "your")."""
        mark = YOUR_AFTER_MARK if self.everyday else YOUR_NEXT
        return mark.match(self.text, self.end_j) is not None

    def uncommon(self) -> bool:
        """Three letters or more, not a common word, not one typo from one."""
        return (
            len(self.low) > 2
            and self.low not in self.lex.common_words
            and not self.lex.near_common(self.low)
        )


# -- addressed, possessed, thanked ------------------------------------------------------------
def vocative_hi(w: Candidate) -> Verdict:
    """ "RUBY, HI." / "Min-jun, hi" """
    if (w.lexical or w.s.unknown_cap(w.i)) and HI_AFTER.match(w.text, w.after_word):
        return w.i, w.j, 0.8
    return None


def possessive(w: Candidate) -> Verdict:
    """ "Pearl's follow-up", "Ruby's results" """
    s = w.s
    if (
        w.lexical
        and w.cap
        and s.words[w.i].lower.endswith("'s")
        and POSSESSION.match(w.text, w.after_full)
    ):
        return w.i, w.i + 1, 0.75
    return None


def possessive_unknown(w: Candidate) -> Verdict:
    s = w.s
    if (
        s.unknown_cap(w.i)
        and s.words[w.i].lower.endswith("'s")
        and POSSESSION.match(w.text, w.after_full)
    ):
        return w.i, w.i + 1, 0.7
    return None


def possessive_relation(w: Candidate) -> Verdict:
    """ "call hope's husband" """
    if (
        w.lexical
        and w.s.words[w.i].lower.endswith("'s")
        and w.low not in RELATIONS
        and RELATION_AFTER.match(w.text, w.after_full)
    ):
        return w.i, w.i + 1, 0.75
    return None


def thanks_vocative(w: Candidate) -> Verdict:
    """ "thank you, Stella!" """
    if not w.thanked:
        return None
    namelike = w.lexical or w.s.unknown_cap(w.i) or w.uncommon()
    if namelike and w.s.vocative_end(w.cued_j - 1):
        return w.i, w.cued_j, 0.75
    return None


def ok_vocative(w: Candidate) -> Verdict:
    """ "ok June, emailed the forms" """
    if (
        w.prev in OK_WORDS
        and w.lexical
        and (not w.everyday or w.low in w.lex.first_names)
        and VOCATIVE_MARK.match(w.text, w.after_word)
        and w.text[w.after_word :].lstrip()[:1] == ","
    ):
        return w.i, w.i + 1, 0.7
    return None


def person_verb(w: Candidate) -> Verdict:
    """A given name doing what people do: "Trinity can call us" (and "Garcia, Trinity ...")."""
    s, i = w.s, w.i
    if not (w.lexical and w.low in w.lex.first_names):
        return None
    if not PERSON_VERB.match(w.text, s.base_end(w.j - 1)):
        return None
    start = i
    if (
        i > 1
        and s.gap(i - 1, i) == ", "
        and s.usable(i - 1)
        and s.cap(i - 1)
        and s.low(i - 1) in w.lex.surnames
    ):
        start = i - 1  # "Garcia, Trinity can call us"
    return start, w.j, 0.7


def skip_everyday_word_in_capitals(w: Candidate) -> Verdict:
    """In an all-caps text, "CANCEL" and "BRING" are just words."""
    if w.s.upper_text and w.everyday and w.prev not in STRONG_CUES and w.prev2 not in TWO_WORD_CUES:
        return SKIP
    return None


# -- after a cue word ---------------------------------------------------------------------------
def honorific(w: Candidate) -> Verdict:
    if w.prev in HONORIFICS and (w.cap or w.lexical):
        return w.i, w.j, 0.9
    return None


def honorific_lower(w: Candidate) -> Verdict:
    """ "good afternoon, ms mbeki." """
    if w.prev in HONORIFICS and w.uncommon():
        return w.i, w.i + 1, 0.8
    return None


def skip_greeting_object(w: Candidate) -> Verdict:
    """ "Hi tere,", "hey evryone" """
    if (
        w.prev in GREETINGS
        and not w.cap
        and any(_within_one(w.low, t) for t in GREETING_OBJECTS)
        and w.low not in STRONG_CUES
    ):
        return SKIP
    return None


def skip_sentence_after_greeting(w: Candidate) -> Verdict:
    """ "Hi, Bring a photo ID": a sentence after the greeting, not a name."""
    s, i = w.s, w.i
    if (
        w.strong
        and w.greeting
        and "," in s.gap(i - 1, i)
        and w.everyday
        and not s.vocative_end(i)
        and not s._surname_next(i)
    ):
        return SKIP
    return None


def cue(w: Candidate) -> Verdict:
    if w.strong and w.known and (w.cap or not w.everyday or w.greeting):
        return w.i, w.cued_j, 0.85
    return None


def cue_ambiguous(w: Candidate) -> Verdict:
    if not w.strong:
        return None
    s, i = w.s, w.i
    addressed = w.greeting and (
        s.vocative_end(i) or ADDRESS_FOLLOWS.match(w.text, s.words[i].end) is not None
    )
    if w.lexical and (w.cap and not s.upper_text or addressed or w.cued_j > i + 1):
        return i, w.cued_j, 0.8
    return None


def cue_unknown(w: Candidate) -> Verdict:
    s, i, j = w.s, w.i, w.j
    if not w.strong or not s.unknown_cap(i):
        return None
    if not w.greeting or s.vocative_end(j - 1) or (j < len(s.words) and s.cap(j)):
        return i, j, 0.75
    return None


def greeting_lower(w: Candidate) -> Verdict:
    s, i = w.s, w.i
    if (
        w.strong
        and w.greeting
        and not w.cap
        and len(w.low) > 2
        and (s.vocative_end(i) or GREETED_LOWER.match(w.text, s.words[i].end))
        and w.low not in w.lex.common_words
        and not w.lex.near_common(w.low)
    ):
        return i, i + 1, 0.6
    return None


def skip_city_after_place_preposition(w: Candidate) -> Verdict:
    """ "relocated to Albuquerque": the city recognizer's."""
    if w.prev in PLACE_PREPOSITIONS and w.low in w.lex.cities and w.j == w.i + 1:
        return SKIP
    return None


def weak_cue(w: Candidate) -> Verdict:
    if w.prev in WEAK_CUES and w.known and (w.cap or not w.everyday):
        return w.i, w.j, 0.7
    return None


def weak_cue_full_name(w: Candidate) -> Verdict:
    """ "for Hunter Cho", "To Honey Barnes" """
    if w.prev in WEAK_CUES and w.lexical and w.cap and not w.s.upper_text and w.j > w.i + 1:
        return w.i, w.j, 0.7
    return None


def weak_cue_lower_pair(w: Candidate) -> Verdict:
    """ "for april farouk" """
    s, i, lex = w.s, w.i, w.lex
    if (
        w.prev in WEAK_CUES
        and not w.cap
        and w.low in lex.first_names
        and w.low not in NOT_NAMES
        and i + 1 < len(s.words)
        and s.gap(i, i + 1) == " "
        and s.usable(i + 1)
        and (s.low(i + 1) in lex.surnames or s.low(i + 1) in lex.first_names)
        and s.low(i + 1) not in lex.everyday_words
        and (not w.everyday or s.low(i + 1) not in lex.common_words)
    ):
        return i, i + 2, 0.65
    return None


def weak_cue_ambiguous(w: Candidate) -> Verdict:
    s = w.s
    if w.prev in WEAK_CUES and w.lexical and w.cap and not s.upper_text and s.vocative_end(w.j - 1):
        return w.i, w.j, 0.6
    return None


# -- addressed by name -----------------------------------------------------------------------
def filler_addressed(w: Candidate) -> Verdict:
    """ "haha Dot ur 102 and still sharp" """
    if (
        w.prev in FILLERS
        and w.cap
        and w.low in w.lex.first_names
        and YOUR_NEXT.match(w.text, w.end_j)
    ):
        return w.i, w.j, 0.7
    return None


def addressed_your(w: Candidate) -> Verdict:
    """ "Otto ur BP was...", "lol Otto ur BP", "Rose — your flu test" """
    if (
        (w.opening or w.prev in FILLERS) and w.lexical and (w.cap or not w.everyday)
    ) and w.addressed_your:
        return w.i, w.j, 0.75
    return None


# -- at the start of a text, line or sentence, then "!", "," or a dash -----------------------
def skip_surname_typo_of_a_word(w: Candidate) -> Verdict:
    """ "Garcias!" for "Gracias!": a surname one typo from a word, exclaimed."""
    lex = w.lex
    if (
        w.opening
        and w.lexical
        and not w.amb
        and not w.everyday
        and w.low in lex.surnames
        and w.low not in lex.first_names
        and w.after.lstrip().startswith("!")
        and lex.near_common(w.low)
    ):
        return SKIP
    return None


def _dash_after(w: Candidate) -> str | None:
    """The text after a dash following the name (a name opening a dashed line), if any."""
    dash = DASH_AFTER.match(w.after)
    if dash is None or not w.cap or w.low in SIGN_OFFS:
        return None
    return w.after[dash.end() :]


def opening_dash(w: Candidate) -> Verdict:
    """ "Katya - Pt is 99 years old" """
    if not w.opening or _dash_after(w) is None:
        return None
    if (w.lexical and not w.amb and not w.everyday) or w.s.unknown_cap(w.i):
        return w.i, w.j, 0.7
    return None


def opening_dash_addressed(w: Candidate) -> Verdict:
    """ "Jack - update your" """
    if not w.opening or w.i != 0 or not w.lexical:
        return None
    rest = _dash_after(w)
    if rest is not None and ADDRESSED.match(rest):
        return w.i, w.j, 0.65
    return None


def opening_vocative(w: Candidate) -> Verdict:
    """ "Grace!", "Brook, please" """
    if not w.opening:
        return None
    after = w.after
    if (w.amb or w.everyday) and not AMBIGUOUS_VOCATIVE.match(after):
        return None  # "Grace, Mark and the team": an ambiguous name needs "Grace, please ..."
    if (
        (w.amb or w.everyday)
        and after.lstrip().startswith("!")
        and not ADDRESSED.match(after.lstrip()[1:])
    ):
        return None  # "Joy!" as an exclamation; "Grace!\nYour ride..." addresses someone
    if (
        w.lexical
        and (w.cap or not w.everyday or w.s.words[w.i].text.isupper())
        and w.low not in SIGN_OFFS
        and VOCATIVE_MARK.match(after)
    ):
        return w.i, w.j, 0.75
    return None


def opening_vocative_unknown(w: Candidate) -> Verdict:
    if not w.opening:
        return None
    unknown = w.cap and not w.lexical and len(w.low) > 2 and w.low not in w.lex.common_words
    if unknown and OPENING_UNKNOWN.match(w.after):
        return w.i, w.j, 0.7
    return None


# -- two names in a row, or a given name alone -------------------------------------------------
def full_name(w: Candidate) -> Verdict:
    s, lex = w.s, w.lex
    if w.cap and w.j > w.i + 1 and w.low in lex.first_names:
        second = s.low(w.i + 1)
        if (not w.amb and not s.upper_text and not w.everyday) or (
            second in lex.surnames and second not in lex.everyday_words
        ):
            return w.i, w.j, 0.8
    return None


def name_pair_in_context(w: Candidate) -> Verdict:
    if w.s._person_pair(w.i, w.prev):
        return w.i, w.i + 2, 0.7
    return None


def unknown_full_name(w: Candidate) -> Verdict:
    s, lex = w.s, w.lex
    if s.unknown_cap(w.i) and w.j > w.i + 1 and not s.upper_text:
        second = s.low(w.i + 1)
        if second in lex.surnames and second not in lex.everyday_words:
            return w.i, w.j, 0.7
    return None


def upper_full_name(w: Candidate) -> Verdict:
    s, i, lex = w.s, w.i, w.lex
    upper_pair = (
        s.words[i].text.isupper()
        and len(w.low) > 1
        and i + 1 < len(s.words)
        and s.gap(i, i + 1) == " "
        and s.words[i + 1].text.isupper()
    )
    if (
        upper_pair
        and w.low in lex.first_names
        and not w.everyday
        and s.usable(i + 1)
        and s.low(i + 1) in lex.surnames
        and not s.upper_text
    ):
        return i, i + 2, 0.75
    return None


def lower_full_name(w: Candidate) -> Verdict:
    """ "maria lopez" """
    s, i = w.s, w.i
    lower_pair = (
        not w.cap
        and w.low in w.lex.first_names
        and not w.amb
        and i + 1 < len(s.words)
        and s.gap(i, i + 1) == " "
        and s.usable(i + 1)
        and not s.cap(i + 1)
    )
    if lower_pair and s.low(i + 1) in w.lex.surnames:
        return i, i + 2, 0.65
    return None


def given_name(w: Candidate) -> Verdict:
    lex = w.lex
    if (
        w.cap
        and w.low in lex.first_names
        and not w.amb
        and len(w.low) >= 3
        and w.low not in lex.cities
        and not (w.s.upper_text and w.everyday)
    ):
        return w.i, w.j, 0.6
    return None


Rule = Callable[[Candidate], Verdict]

#: every rule, in the order they are tried; the first that decides wins
RULES: tuple[Rule, ...] = (
    vocative_hi,
    possessive,
    possessive_unknown,
    possessive_relation,
    thanks_vocative,
    ok_vocative,
    person_verb,
    skip_everyday_word_in_capitals,
    honorific,
    honorific_lower,
    skip_greeting_object,
    skip_sentence_after_greeting,
    cue,
    cue_ambiguous,
    cue_unknown,
    greeting_lower,
    skip_city_after_place_preposition,
    weak_cue,
    weak_cue_full_name,
    weak_cue_lower_pair,
    weak_cue_ambiguous,
    filler_addressed,
    addressed_your,
    skip_surname_typo_of_a_word,
    opening_dash,
    opening_dash_addressed,
    opening_vocative,
    opening_vocative_unknown,
    full_name,
    name_pair_in_context,
    unknown_full_name,
    upper_full_name,
    lower_full_name,
    given_name,
)
