"""Titled providers: "Dr. Jane Lee", "Nurse Kelly", "Jane Lee, NP" (PROVIDER_NAME,
administrative: the policy may let them stay)."""

from __future__ import annotations

from functools import lru_cache

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import PROVIDER_NAME
from models.recognizers.base import REGEX_TIMEOUT, DetectionTimeout, LexiconRecognizer
from models.recognizers.names.cues import NOT_NAMES

_TITLE = r"(?:dr|doctor|dra|prof|professor)\.?"
_ROLE = (
    r"(?:nurse(?:\s+practitioner)?|np|pa|rn|lpn|therapist|counselor|midwife|pharmacist|"
    r"physician\s+assistant|surgeon|dentist|psychologist|social\s+worker|coach|"
    r"care\s+coordinator|case\s+manager|dietitian|nutritionist)"
)
_CREDENTIAL = (
    r"(?:M\.?D\.?|D\.?O\.?|NP|FNP(?:-C|-BC)?|AGNP|PNP|DNP|APRN|PA-C|PA|RN|BSN|LPN|CNM|CRNA|DDS|"
    r"DMD|OD|PharmD|PhD|PsyD|LCSW|LMFT|LPC|LMHC|MSW|DPT|OTR|CNP|ANP|RD|PT|OT|SLP|RRT|CNA|CMA|"
    r"RDN|DC)"
)
_PNAME = r"(?:[A-Za-z][A-Za-z'\-]{1,30}|[A-Z]\.)"  # bounded: overlapped scans stay linear
PROVIDER_TITLED = (
    r"(?<![\w])(?i:"
    + _TITLE
    + r"|"
    + _ROLE
    + r")[ \t]+(?P<v>"
    + _PNAME
    + r"(?:[ \t]+"
    + _PNAME
    + r"){0,2})"
)
PROVIDER_CREDENTIAL = (
    r"(?<![\w])(?P<v>"
    + _PNAME
    + r"(?:[ \t]+"
    + _PNAME
    + r"){0,2}),?[ \t]+(?:"
    + _CREDENTIAL
    + r"|(?:md|m\.d\.|do|np|fnp|dnp|pa-c|pa|rn|lpn|aprn|phd)(?=\W|$)"
    + r")(?![\w\-])(?!\.\w)(?!,?\s*\d{5})(?P<next>[ \t]+[A-Z][a-z]+)?"
)


_HOUSE_NUMBER = regex.compile(
    r"(?<![\w\-/.:])\d{1,6}[A-Za-z]?(?:[ \t]+[A-Z][A-Za-z.']*){1,4}[ \t]+$"
)
_TITLED = regex.compile(PROVIDER_TITLED)
_CREDENTIALED = regex.compile(PROVIDER_CREDENTIAL)
# What every credential match contains: a credential after a space or tab. Searching for it once
# is several times cheaper than the overlapped credential scan, which most texts never match.
_CREDENTIAL_HINT = regex.compile(
    r"[ \t](?:"
    + _CREDENTIAL
    + r"|(?:md|m\.d\.|do|np|fnp|dnp|pa-c|pa|rn|lpn|aprn|phd)(?=\W|$))(?![\w\-])"
)
_NAME_TOKEN = regex.compile(r"[A-Za-z][A-Za-z'\-]+|[A-Z]\.")


class ProviderRecognizer(LexiconRecognizer):
    """Titled clinicians: "Dr. Jane Lee", "Nurse Kelly", "Jane Lee, NP", "dr. lee".

    Reports the title with the name, so the whole span is administrative and shadows any PERSON
    finding inside it. Names not written like names (lower case) must be known names.
    """

    def __init__(self) -> None:
        super().__init__("ProviderRecognizer", [PROVIDER_NAME.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PROVIDER_NAME.name not in entities:
            return []
        return list(_provider_spans(text))

    def _find(self, text: str) -> list[RecognizerResult]:
        out = []
        for pattern, titled in ((_TITLED, True), (_CREDENTIALED, False)):
            if not titled and _CREDENTIAL_HINT.search(text) is None:
                continue
            try:
                matches = list(pattern.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT))
            except TimeoutError as exc:
                raise DetectionTimeout("provider pattern timed out") from exc
            lex = lexicons.load()
            for m in matches:
                if (
                    titled
                    and m.group().lower().startswith("dr")
                    and _HOUSE_NUMBER.search(text, max(0, m.start() - 60), m.start())
                ):
                    continue  # "27775 NW Mill Dr Duluth": a street suffix, not a title
                nxt = m.group("next") if "next" in pattern.groupindex else None
                if (
                    nxt
                    and nxt.strip().lower() in lex.surnames
                    and nxt.strip().lower() not in (lex.everyday_words)
                ):
                    continue  # "Bill PA Kapoor": the credential is a title for the next name
                span = self._names(text, m.start("v"), m.end("v"), titled)
                if span is None:
                    continue
                start, end = span
                if titled:
                    start = m.start()
                else:
                    end = m.start("next") if nxt else m.end()
                rule = "titled" if titled else "credential"
                out.append(self.result(PROVIDER_NAME.name, start, end, 0.92, rule))
        return out

    @staticmethod
    def _names(text: str, start: int, end: int, titled: bool) -> tuple[int, int] | None:
        lex = lexicons.load()
        tokens = list(_NAME_TOKEN.finditer(text, start, end))

        def ok(t: regex.Match[str]) -> bool:
            low = t.group().lower().strip(".")
            if low in NOT_NAMES:
                return False
            named = low in lex.first_names or low in lex.surnames
            if not t.group()[:1].isupper():
                if low in lex.everyday_words:
                    return False  # "in", "will": lower-case words are names only if not words
                return named or (low not in lex.common_words and not lex.near_common(low))
            return named or low not in lex.common_words or len(t.group()) == 2

        if titled:  # the name follows the title: keep the run from the left
            keep = []
            for t in tokens:
                if not ok(t):
                    break
                keep.append(t)
            while (
                len(keep) > 1
                and keep[-1].group().lower() in lex.everyday_words
                and keep[-1].group().lower() not in lex.surnames
            ):
                keep.pop()
        else:  # the name precedes the credential: keep the run from the right
            keep = []
            for t in reversed(tokens):
                if not ok(t):
                    break
                keep.insert(0, t)
            known = [
                t
                for t in keep
                if t.group().lower().strip(".") in lex.first_names
                or t.group().lower() in lex.surnames
            ]
            if not known:
                return None  # "Erie, PA" is a place: a credential needs a known name before it
            credential = text[end:].lstrip(", ").split()[0].upper() if text[end:].strip() else ""
            if (
                credential in ("PA", "MD")
                and len(keep) == 1
                and keep[0].group().lower() in (lex.cities)
            ):
                return None  # "Erie, PA", "Bethesda, MD"
        if not keep:
            return None
        end = keep[-1].end()
        if text[end - 2 : end].lower() in ("'s", "’s"):
            end -= 2  # "Dr. Lee's office": the possessive is not part of the name
        return keep[0].start(), end


_PROVIDERS = ProviderRecognizer()


@lru_cache(maxsize=4096)
def _provider_spans(text: str) -> tuple[RecognizerResult, ...]:
    """Titled-provider spans of a text, shared by both name recognizers."""
    return tuple(_PROVIDERS._find(text))
