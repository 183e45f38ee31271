"""Which inbound texts are opt-outs, opt-ins or help requests.

Rule implemented (documented in README.md beside this file):

1. **Keyword**: the whole message, after normalisation, is one configured keyword. Normalisation:
   Unicode NFKC, case-folded, apostrophes dropped, every run of punctuation / symbols / whitespace
   made one space, trimmed; keywords are then compared with spaces removed, so "Stop.",
   " stop! ", "Opt-Out", "opt out" and "OPTOUT" all match. STOPALL (and "stop all") is a global
   opt-out; START / UNSTOP / YES opt back in; HELP / INFO ask for help.
2. **Reasonable opt-out** (FCC 2025 revocation rule, 47 CFR 64.1200(a)(10)): a short message
   (at most ``reasonable_max_words`` words) that clearly asks to stop is an opt-out for that
   sender, even though it is not exactly a keyword: only opt-out keywords plus courtesy words
   ("stop please", "STOP!!! thank you"), "stop/quit/cease [x] texting/messaging/sending/…",
   "unsubscribe", "opt out", "revoke", "remove/take me off/from", "don't/do not/never
   text/message/contact me", "no more texts/messages", "leave me alone". "don't stop …" is not.
   Opt-in and help are exact keywords only: consent is never inferred.

Long messages are never classified by the reasonable rule, so "I can't stop coughing, should I
come in?" stays a normal message (it is forwarded to the customer all the same).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

MatchRule = Literal["keyword", "reasonable"]

if TYPE_CHECKING:
    from proxy.webhooks.config import KeywordSettings


class Intent(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_OUT_GLOBAL = "opt_out_global"
    OPT_IN = "opt_in"
    HELP = "help"


@dataclass(frozen=True)
class Classification:
    intent: Intent
    rule: MatchRule
    keyword: str  # the configured keyword matched ("" for the reasonable rule)


class KeywordConflict(ValueError):
    """One keyword is configured with two meanings."""


_SEPARATORS = re.compile(r"[\W_]+")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")


def normalise(text: str) -> str:
    """Case, punctuation and surrounding whitespace removed: words separated by one space."""
    t = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(w for w in _SEPARATORS.split(t) if w)


def compact(text: str) -> str:
    return normalise(text).replace(" ", "")


_COURTESY = frozenset(
    {"please", "pls", "plz", "now", "thanks", "thank", "you", "thx", "ty", "ok", "okay"}
    | {"just", "it", "all", "me", "sir", "maam"}
)
_REASONABLE = [
    re.compile(p)
    for p in (
        r"\b(?:stop|quit|cease)\s+(?:\w+\s+)?(?:texting|txting|messaging|msging|sending|contacting"
        r"|texts|txts|messages|msgs|text messages|sms|calling)\b",
        r"\b(?:unsubscribe|unsub|optout|opt out|revoke|revoking)\b",
        r"\b(?:remove|take)\s+me\s+(?:from|off)\b",
        r"\b(?:dont|do not|never|no longer)\s+(?:text|txt|message|msg|sms|contact)\b",
        r"\bno more\s+(?:texts?|txts?|messages|msgs|sms)\b",
        r"\bleave me alone\b",
    )
]
_NEGATED = re.compile(r"\b(?:dont|do not|never)\s+(?:stop|unsubscribe|cancel|opt out)\b")


class Classifier:
    """Classify inbound texts with one configured keyword set."""

    def __init__(self, settings: KeywordSettings) -> None:
        self.settings = settings
        self._exact: dict[str, tuple[Intent, str]] = {}
        for intent, words in (
            (Intent.OPT_OUT_GLOBAL, settings.opt_out_global),
            (Intent.OPT_OUT, settings.opt_out),
            (Intent.OPT_IN, settings.opt_in),
            (Intent.HELP, settings.help),
        ):
            for w in words:
                key = compact(w)
                if not key:
                    raise KeywordConflict(f"keyword {w!r} is empty after normalisation")
                seen = self._exact.get(key)
                if seen is not None and seen[0] != intent:
                    raise KeywordConflict(
                        f"keyword {w!r} is both {seen[0].value} and {intent.value}"
                    )
                self._exact[key] = (intent, w.upper())
        # "stop all" is STOPALL; "stop please" is STOP
        self._out_words = {compact(w) for w in settings.opt_out if " " not in normalise(w)}
        self._global_words = {compact(w) for w in settings.opt_out_global}

    def classify(self, text: str) -> Classification | None:
        norm = normalise(text)
        if not norm:
            return None
        hit = self._exact.get(norm.replace(" ", ""))
        if hit is not None:
            return Classification(hit[0], "keyword", hit[1])
        if not self.settings.reasonable_opt_out:
            return None
        words = norm.split(" ")
        if len(words) > self.settings.reasonable_max_words or _NEGATED.search(norm):
            return None
        # keywords plus courtesy words only: "stop please", "STOP STOP", "stopall thanks"
        keywords = [w for w in words if w not in _COURTESY]
        if keywords and all(w in self._out_words | self._global_words for w in keywords):
            glob = any(w in self._global_words for w in keywords)
            intent = Intent.OPT_OUT_GLOBAL if glob else Intent.OPT_OUT
            return Classification(intent, "reasonable", "")
        if any(p.search(norm) for p in _REASONABLE):
            return Classification(Intent.OPT_OUT, "reasonable", "")
        return None
