"""Ways to reach a person: phone and fax numbers, email addresses, URLs, IP addresses.

Phone numbers are matched in every common US layout (parentheses, dashes, dots, spaces, +1,
extensions); digits typed one by one with spaces are joined by :mod:`models.normalize` first. A
"fax" cue just before the number re-types it as FAX_NUMBER.
"""

from __future__ import annotations

import ipaddress

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.allow import PERSONAL_PARAM
from models.entities import EMAIL_ADDRESS, FAX_NUMBER, IP_ADDRESS, PHONE_NUMBER, URL
from models.recognizers.base import Rule, RuleRecognizer, before, only_digits

ENTITIES = (PHONE_NUMBER, FAX_NUMBER, EMAIL_ADDRESS, URL, IP_ADDRESS)

_SEP = r"[ \t.\-‐‑–/]?"
_EXT = r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?"
FORMATTED = (
    r"(?<![\w+])(?:\+?1"
    + _SEP
    + r")?(?:\(\s?\d{3}\s?\)\s?|\d{3}"
    + _SEP
    + r")\d{3}"
    + _SEP
    + r"\d{4}"
    + _EXT
    + r"(?![\w])"
)
BARE = r"(?<![\w+.\-/])\+?\d{10,11}(?![\w.\-/])"
LOCAL = r"(?<![\w.\-/])\d{3}[.\-]\d{4}(?![\w.\-/])"
PHONE_CUE = regex.compile(
    r"(?:\b(?:call|text|phone|ph|tel|telephone|cell|mobile|mob|contact|reach|dial|number|no|"
    r"home|work|line|fax|pager|voicemail|vm|c|h|w|m)|#)\W{0,4}(?:\w+\W{1,3}){0,3}$"
)
FAX_CUE = regex.compile(r"\bfax(?:ed|ing)?\b|\bfacsimile\b")
OTHER_ID_CUE = regex.compile(
    r"\b(?:acct|account|mrn|member|policy|ssn|social|npi|dea|license|licence|serial|invoice|"
    r"claim|record|id)\b[^\n]{0,12}$"
)


_EXTENSION = regex.compile(r"(?i)\s*(?:x|ext)")


def _phone(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    digits = only_digits(_EXTENSION.split(m.group())[0])
    local = digits[-10:] if len(digits) >= 10 else digits
    cue = before(text, m.start(), 30)
    if OTHER_ID_CUE.search(cue):
        return None  # "acct 555-010-1234": the ID recognizers own it
    score = 0.8
    if len(digits) >= 10 and local[0] in "01":
        score = 0.6  # not a valid NANP area code, but still a number someone typed
    if len(set(local)) == 1:
        return None
    fax = FAX_CUE.search(cue)
    if fax is not None and "phone" not in cue[fax.end() :] and "call" not in cue[fax.end() :]:
        return FAX_NUMBER.name, 0.85
    return PHONE_NUMBER.name, score


def _bare(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    verdict = _phone(m, text)
    if verdict is None:
        return None
    entity, score = verdict
    cue = before(text, m.start(), 30)
    if PHONE_CUE.search(cue):
        return entity, 0.85
    digits = only_digits(m.group())
    if len(digits) == 11 and digits[0] != "1":
        return None
    return entity, 0.5


def _local(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    cue = before(text, m.start(), 30)
    if not PHONE_CUE.search(cue) or OTHER_ID_CUE.search(cue):
        return None
    if FAX_CUE.search(cue):
        return FAX_NUMBER.name, 0.8
    return PHONE_NUMBER.name, 0.7


EMAIL = r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}(?![\w\-])"  # noqa: E501
# Spelled out to dodge filters: "maria . lopez @ example . com", "maria.lopez at example dot com".
_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
_LABEL = r"[A-Za-z0-9\-]{1,63}"
_MAIL_TLD = r"(?:com|org|net|edu|gov|us|io|co|info|biz|me|example|uk|ca)"
EMAIL_SPACED = (
    r"(?<![\w.+\-])" + _LOCAL + r"(?:[ \t]{0,3}\.[ \t]{0,3}" + _LABEL + r"){0,4}"
    r"[ \t]{0,3}@[ \t]{0,3}[A-Za-z]" + _LABEL + r"?(?:[ \t]{0,3}\.[ \t]{0,3}" + _LABEL + r"){0,4}"
    r"[ \t]{0,3}\.[ \t]{0,3}" + _MAIL_TLD + r"(?![\w\-])"
)
_AT = r"(?:[ \t]+at[ \t]+|[ \t]*[(\[]at[)\]][ \t]*)"
_DOT = r"(?:[ \t]+dot[ \t]+|[ \t]*[(\[]dot[)\]][ \t]*|[ \t]*\.[ \t]*)"
EMAIL_WORDS = (
    r"(?<![\w.+\-])"
    + _LOCAL
    + r"(?:"
    + _DOT
    + _LABEL
    + r"){0,4}"
    + _AT
    + _LABEL
    + r"(?:"
    + _DOT
    + _LABEL
    + r"){0,3}?"
    + _DOT
    + _MAIL_TLD
    + r"(?![\w\-])"
)
_TLD = r"(?:com|org|net|edu|gov|io|us|info|health|care|me|co|biz|ly|app|link|page|site|online)"
# A path character; an apostrophe only inside a word ("/r/Karim-O'Brien").
_PATH = r"(?:[^\s<>\"']|'(?=\w))"
URL_PATTERN = (
    r"(?<![\w@.])(?:https?://" + _PATH + r"+|www\." + _PATH + r"+|"
    r"[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63})*\." + _TLD + r"(?:/" + _PATH + r"*)?"
    # any other domain, but only with a path: "photos.example/@dawn72"
    r"|[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63})*\.[a-z]{2,12}/" + _PATH + r"+)"
    r"(?<![.,;:!?)\]'\"])"
)


def _email_words(m: regex.Match[str], text: str) -> float | None:
    local = m.group().split()[0].lower()
    if local in lexicons.load().everyday_words:
        return None  # "see you at home dot com": a word, not a mailbox
    return 0.85


def _url(m: regex.Match[str], text: str) -> float | None:
    if m.start() > 0 and text[m.start() - 1] == "@":
        return None
    return 0.75


class QuerySplittingUrlRecognizer(RuleRecognizer):
    """Web addresses. One whose query names a personal field ("?dob=", "&mrn=") is reported as
    the address before the query plus the value of each personal field, so the organisation's
    own host may stay while the personal values never do."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        for r in super().analyze(text, entities, nlp_artifacts):
            q = text.find("?", r.start, r.end)
            params = list(PERSONAL_PARAM.finditer(text, q, r.end)) if q > r.start else []
            if not params:
                out.append(r)
                continue
            out.append(self.result(URL.name, r.start, q, r.score, "url_base"))
            for p in params:
                end = _PARAM_END.search(text, p.end(), r.end)
                stop = end.start() if end else r.end
                if stop > p.end():  # the value of "dob=", "mrn=", "name=": always the patient's
                    out.append(self.result(URL.name, p.end(), stop, 0.7, "url_personal_value"))
        return out


_PARAM_END = regex.compile(r"[&#;]")


IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"
IPV6 = r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"


def _ip(m: regex.Match[str], text: str) -> float | None:
    try:
        ipaddress.ip_address(m.group())
    except ValueError:
        return None
    if ":" in m.group() and m.group().count(":") < 3 and "::" not in m.group():
        return None  # a time such as 10:30:00 is not an address
    return 0.8


def recognizers() -> list[EntityRecognizer]:
    from models.recognizers.context import IntlPhoneRecognizer

    return [
        *[
            RuleRecognizer(
                "PhoneRecognizer",
                [PHONE_NUMBER.name, FAX_NUMBER.name],
                [
                    Rule("formatted", FORMATTED, 0.8, _phone),
                    Rule("bare", BARE, 0.5, _bare),
                    Rule("local", LOCAL, 0.7, _local),
                ],
            ),
            RuleRecognizer(
                "EmailRecognizer",
                [EMAIL_ADDRESS.name],
                [
                    Rule("email", EMAIL, 0.95),
                    Rule("email_spaced", EMAIL_SPACED, 0.9, require=r"\s@|@\s|\s\.\S*@"),
                    Rule(
                        "email_words",
                        EMAIL_WORDS,
                        0.85,
                        _email_words,
                        require=r"\bdot\b|[(\[]dot[)\]]",
                    ),
                ],
            ),
            QuerySplittingUrlRecognizer(
                "UrlRecognizer", [URL.name], [Rule("url", URL_PATTERN, 0.75, _url)]
            ),
            RuleRecognizer(
                "IpRecognizer",
                [IP_ADDRESS.name],
                [Rule("ipv4", IPV4, 0.8, _ip), Rule("ipv6", IPV6, 0.8, _ip)],
            ),
        ],
        IntlPhoneRecognizer(),
    ]
