"""Identifiers in clinical notes (nursing, respiratory-therapy and progress notes), by how notes
are written rather than how messages are.

These rules run only on a text :func:`models.overscrub.clinical_note` calls a note. A note says
where the patient came from in its own shorthand ("sent to GH", "admitted to Quartermain 3",
"university of maryland hospital" in lower case), signs off with a name and a credential
("DAN A. FORMAN-LYONS, RRT", "q. lander rrt"), lists relatives ("Sons Smokey, Morris and Roger",
"DAUGHTER-KRISSY", "Hank Przybylo (son) cell# ...") and glues dates to words ("TOXICITY-9/2/92").

Philter's rule, bounded: in such a place, a word not known to be safe (clinical shorthand, an
everyday word, a stop word) is taken for an identifier.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import DATE, FACILITY, LOCATION, PERSON, PROVIDER_NAME
from models.overscrub import clinical_note, clinical_vocab
from models.recognizers.base import REGEX_TIMEOUT, DetectionTimeout, LexiconRecognizer
from models.recognizers.context import _NOT_A_FACILITY, _STATE_CODES, STOP, _word_is_safe
from models.recognizers.vocab import words

# ------------------------------------------------------------------------------- facilities
# "sent to GH", "followed at gh", "LEAVE GH": a short acronym where a place goes.
# Only where a patient is moved, sent or followed, or before a part of a hospital ("GH EW").
ACRONYM_PLACE = regex.compile(
    r"(?:(?<![\w])(?i:sent|came|come|comes|followed|brought|taken|enroute|en[ \t]+route|transf\w*|"
    r"tranf\w*|admitted|adm|flighted|returned|went|go|going|managed|leave|left|dc'?d|d/c'?d)"
    r"[ \t]+(?:(?i:to|at|from|into|by)[ \t]+)?(?:(?i:the)[ \t]+)?(?P<v>[A-Z]{2,3}|[a-z]{2})"
    r"(?![\w/'’&])"
    r"|(?:(?<![\w])(?i:to|at|from|into)[ \t]+|->[ \t]*|→[ \t]*)(?P<w>[A-Z]{2,3}|[a-z]{2})"
    r"(?=[ \t]+(?i:ew|er|ed|cath|tcu|icu|ccu|micu|hospital|hosp|campus|clinic|rehab)\b))",
    regex.VERSION1,
)
# "admitted to Quartermain 3", "ON QUARTERMAIN 6", "per Quartermain 3 RN": a named ward.
WARD_NUMBER = regex.compile(
    r"(?<![\w])(?i:to|on|from|per|at|onto|back[ \t]+to)[ \t]+"
    r"(?P<v>\p{Lu}\p{L}{3,}|[a-z]{5,})[ \t]*\d{1,2}"
    r"(?![\d:/%\-–]|\.\d|[ \t]*(?i:mg|mcg|cc|ml|l\b|liters?|units?|hrs?|hours?|days?|weeks?|times|"
    r"x\b|am|pm|min|mins|minutes|mm|cm|kg|lpm|gm|g\b|u\b|prbc|amps?|tabs?|%))",
    regex.VERSION1,
)
_TAILS = r"(?:hosp|hospital|memorial|medical[ \t]+center|med[ \t]+center|campus|house)"
# Words + a facility word in any case: "university of maryland hospital", "KEELEY HOUSE",
# "harford memorial", "North Campus".
TAIL_ANY_CASE = regex.compile(
    r"(?<![\w])(?P<v>(?:[\p{L}][\p{L}'’\-]*[ \t]+(?:(?i:of)[ \t]+)?){1,3}(?i:" + _TAILS + r"))"
    r"(?![\w])(?![ \t]+(?i:staff|officer|keeping|call|calls|md|officers))",
    regex.VERSION1,
)
# "HUSBAND CEO OF IBM", "works at Fennimore Labs", "his business Genentech": an employer.
EMPLOYER = regex.compile(
    r"(?i:\bworks?[ \t]+(?:at|for)|\bworked[ \t]+(?:at|for)|\bemployed[ \t]+(?:at|by)|"
    r"\bceo[ \t]+of|\bowner[ \t]+of|\bowns|\bbusiness|\bcompany|\bretired[ \t]+from|"
    r"\bemployee[ \t]+of)[ \t]*[:\-]?[ \t]+"
    r"(?P<v>\p{Lu}[\p{L}&'’\-]*(?:[ \t]+\p{Lu}[\p{L}&'’\-]*){0,2})",
    regex.VERSION1,
)
# "UNIVERSITY OF MARYLAND MEDICAL": a university is a place whatever follows it.
UNIVERSITY_OF = regex.compile(
    r"(?<![\w])(?P<v>(?i:university)[ \t]+(?i:of)[ \t]+(?:\p{Lu}\p{L}+|\p{Lu}{2}\b))",
    regex.VERSION1,
)
# "lives at 19 Alder St. in Glenmoor": the town after a street line.
PLACE_AFTER_STREET = regex.compile(
    r"(?i:\d+[ \t]+(?:\p{L}+[ \t]+){1,3}(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|"
    r"blvd|ct|court|way|pl|place)\.?,?[ \t]+in[ \t]+)(?P<v>\p{Lu}\p{L}+(?:[ \t]+\p{Lu}\p{L}+)?)",
    regex.VERSION1,
)
_LONE_TAILS = words("memorial general")
_TAIL_WORDS = words("hosp hospital memorial medical center med campus house of")
_NOT_PLACE = words(
    "unit floor room bed ward home nursing care their his her the a an this that same another "
    "outside our your my be see any every each no"
)

# ------------------------------------------------------------------------------- names
_CREDENTIAL = r"(?i:rrt|crt|rn|lpn|np|rt|sn|bsn|msn|rpt|cna)"
# A sign-off: a line (or the end of a sentence) of one to four words and a credential.
SIGNATURE = regex.compile(
    r"(?:^|(?<=[.!?][ \t])|(?<=\n))[ \t]*(?P<v>(?:(?:\p{L}\.|\p{L}[\p{L}'’\-]*)[ \t]+){1,3}"
    r"\p{L}[\p{L}'’\-]*)[ \t]*,?[ \t]+" + _CREDENTIAL + r"\.?[ \t]*(?:\n|$)",
    regex.VERSION1 | regex.MULTILINE,
)
_RELATION = (
    r"(?:son|daughter|dtr|wife|husband|brother|sister|mother|father|niece|nephew|friend|proxy|"
    r"hcp|grandson|granddaughter|cousin|aunt|uncle)"
)
_ROLE = r"(?:resident|intern|fellow|attending|rn|md|np|pa|sw|rt|rrt|social[ \t]+worker)"
# "Hank Przybylo (son)", "DICK CUCCHIARA (RESIDENT)", "Lopie Certusi cell# ...".
NAME_BEFORE_LABEL = regex.compile(
    r"(?<![\w])(?P<v>\p{Lu}[\p{L}'’\-]{1,39}(?:[ \t]+\p{Lu}[\p{L}'’\-]{1,39}){0,2})[ \t]*"
    r"(?:\((?P<rel>(?i:" + _RELATION + r"))\)|\((?P<role>(?i:" + _ROLE + r"))\)|"
    r"[ \t]+(?i:cell|home|work|mobile|pager|phone|ph)[ \t]*(?:#|:|(?i:phone|number|no\.?)))",
    regex.VERSION1,
)
# "Sons Smokey, Morris and Roger", "children: Ana, Bo & Cy".
RELATIVE_LIST = regex.compile(
    r"(?i:\b(?:sons|daughters|dtrs|children|kids|brothers|sisters|grandchildren|proxies|"
    r"proxys)\b)[ \t:,\-]*(?P<v>\p{Lu}\p{L}+(?:[ \t]*,[ \t]*\p{Lu}\p{L}+)*"
    r"(?:[ \t]*,?[ \t]+(?i:and|&)[ \t]+\p{Lu}\p{L}+)?)",
    regex.VERSION1,
)
# "DAUGHTER-KRISSY", "CAREGIVER, BARBARA", "CONTACT PERSON CAROLE HAYES".
CUE_GLUED = regex.compile(
    r"(?i:\b(?:daughter|son|wife|husband|dtr|sister|brother|mother|father|caregiver|niece|"
    r"nephew|friend|proxy)\b[ \t]*[,:\-]+[ \t]*|\bcontact[ \t]+person[ \t]*[:\-]?[ \t]*)"
    r"(?P<v>\p{Lu}\p{L}+(?:[ \t]+\p{Lu}\p{L}+)?)",
    regex.VERSION1,
)
# "dtr laverne", "house staff mary souza", "son jonathan": a relative or staff in lower case.
RELATIVE_LOWER = regex.compile(
    r"(?<![\w])(?i:dtr|daughter|son|wife|husband|sister|brother|house[ \t]+staff)[ \t]+"
    r"(?P<v>[a-z][a-z'\-]+(?:[ \t]+[a-z][a-z'\-]+)?)",
    regex.VERSION1,
)
# "DR MASCI ..", "Dr.King": a doctor's name the title rule did not take (it outranks this).
DOCTOR = regex.compile(
    r"(?<![\w])(?i:dr)(?:\.[ \t]*|[ \t]+)(?P<v>\p{Lu}[\p{L}'’\-]+(?:[ \t]+\p{Lu}[\p{L}'’\-]+)?)",
    regex.VERSION1,
)
# "Sam Ortolan's family", "KEEP ROMERO FAMILY AWARE": a surname before "family".
FAMILY_NAME = regex.compile(
    r"(?<![\w])(?P<v>\p{Lu}[\p{L}'’\-]+)(?:['’]s)?[ \t]+(?i:family|families)\b", regex.VERSION1
)
# What a note says about a family that is not its name ("LARGE FAMILY", "CLOSE FAMILY").
_FAMILY_WORDS = words(
    "large loving close big small whole entire extended immediate supportive concerned own "
    "same other nuclear host foster new young old good great many few updated aware no any "
    "his her their your our my"
)
# "mary theresa kondouli from speech and swallow": a name before the service it comes from.
NAME_FROM_SERVICE = regex.compile(
    r"(?<![\w])(?P<v>\p{L}[\p{L}'’\-]+(?:[ \t]+\p{L}[\p{L}'’\-]+){1,2})[ \t]+(?i:from|of)[ \t]+"
    r"(?i:speech|swallow|pt\b|ot\b|physical|occupational|respiratory|nutrition|dietary|social|"
    r"case|pharmacy|chaplaincy|pastoral|ethics|legal|hosp\w*|neuro\w*|renal|cardiology|"
    r"surgery|ortho\w*|palliative|hospice|rehab\w*)",
    regex.VERSION1,
)
# A given name in lower case a few words after a family or proxy word ("... his health care
# proxys. suzette and ..."): notes in lower case write relatives' names that way.
_FAMILY_CUE = regex.compile(
    r"(?i:\b(?:son|sons|daughter|daughters|dtr|dtrs|wife|husband|sister|brother|proxy|proxys|"
    r"proxies|hcp|children|mother|father|niece|nephew|friend|family)\b)",
    regex.VERSION1,
)
_LOWER_WORD = regex.compile(r"(?<![\w'’\-])[a-z]{3,}(?![\w'’\-])", regex.VERSION1)
# "Drs' Ballou and Dutter": providers after a plural title.
DOCTORS = regex.compile(
    r"(?<![\w])(?i:drs)['’.]?[ \t]*"
    r"(?P<v>\p{Lu}\p{L}+(?:[ \t]+(?i:and|&)[ \t]+\p{Lu}\p{L}+)?)",
    regex.VERSION1,
)

# ------------------------------------------------------------------------------- dates
# "TOXICITY-9/2/92", "UO-9/10", "Quartermain.8/31": a date glued to the word before it.
GLUED_DATE = regex.compile(
    r"(?<=\p{L}[\-.])(?P<v>\d{1,2}/\d{1,2}(?:/\d{2,4})?)(?![\d/])", regex.VERSION1
)
# "TREATMENTS 10/03/10/04": two days written as one string.
DATE_PAIR = regex.compile(
    r"(?<![\d/])(?P<v>\d{1,2}/\d{1,2}/\d{1,2}/\d{1,2})(?![\d/])", regex.VERSION1
)
# "'09 PTCA", "CVA 74'": a year with an apostrophe in a history.
APOSTROPHE_YEAR = regex.compile(
    r"(?:(?<![\w'’])['’](?P<v>\d{2})(?![\w'’])|(?<![\w'’/.])(?P<w>\d{2})['’](?![\w'’]))",
    regex.VERSION1,
)


def _safe(word: str) -> bool:
    low = word.lower().strip(".,'’-")
    return not low or low in clinical_vocab() or low in STOP or _word_is_safe(word)


class _NoteRecognizer(LexiconRecognizer):
    """A recognizer whose rules run on clinical notes only."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not set(entities) & set(self.supported_entities) or not clinical_note(text):
            return []
        try:
            return self._find(text, entities)
        except TimeoutError as exc:
            raise DetectionTimeout("note pattern timed out") from exc

    def _find(self, text: str, entities: list[str]) -> list[RecognizerResult]:
        raise NotImplementedError


class NoteFacilityRecognizer(_NoteRecognizer):
    """FACILITY in notes: acronyms where a place goes, named wards, facility words in any case."""

    def __init__(self) -> None:
        super().__init__("NoteFacilityRecognizer", [FACILITY.name, LOCATION.name])

    def _find(self, text: str, entities: list[str]) -> list[RecognizerResult]:
        lex = lexicons.load()
        vocab = clinical_vocab()
        out = []
        for m in ACRONYM_PLACE.finditer(text, timeout=REGEX_TIMEOUT):
            g = "v" if m.group("v") else "w"
            v = m.group(g)
            low = v.lower()
            if (
                low in vocab
                or low in _NOT_A_FACILITY
                or low in STOP
                or v in _STATE_CODES
                or low in lex.common_words
                or low in lex.everyday_words
                or lex.categories(low) - {lexicons.CITY}
            ):
                continue
            out.append(self.result(FACILITY.name, m.start(g), m.end(g), 0.7, "acronym_place"))
        for m in WARD_NUMBER.finditer(text, timeout=REGEX_TIMEOUT):
            low = m.group("v").lower()
            if (
                low in vocab
                or low in _NOT_A_FACILITY
                or low in lex.common_words
                or lex.near_common(low)
                or low in lex.everyday_words
                or lex.categories(low) - {lexicons.CITY}
            ):
                continue
            out.append(self.result(FACILITY.name, m.start("v"), m.end("v"), 0.7, "ward_number"))
        for m in UNIVERSITY_OF.finditer(text, timeout=REGEX_TIMEOUT):
            out.append(self.result(FACILITY.name, m.start("v"), m.end("v"), 0.7, "university_of"))
        for m in PLACE_AFTER_STREET.finditer(text, timeout=REGEX_TIMEOUT):
            if LOCATION.name in entities and not _safe(m.group("v").split()[0]):
                out.append(
                    self.result(LOCATION.name, m.start("v"), m.end("v"), 0.7, "after_street")
                )
        for m in EMPLOYER.finditer(text, timeout=REGEX_TIMEOUT):
            ws = list(regex.finditer(r"[^ \t]+", m.group("v")))

            def ok(w: str) -> bool:
                w = w.rstrip(".,;:")
                if regex.fullmatch(r"\p{Lu}{2,5}", w):  # "IBM": an acronym is a name here
                    return w.lower() not in clinical_vocab() and w.lower() not in STOP
                return not _safe(w)

            while ws and not ok(ws[-1].group()):
                ws.pop()
            if ws and ok(ws[0].group()):
                base = m.start("v")
                end = base + ws[-1].end()
                while text[end - 1] in ".,;:":
                    end -= 1
                out.append(self.result(FACILITY.name, base + ws[0].start(), end, 0.7, "employer"))
        lower_text = sum(c.islower() for c in text) > 0.8 * max(1, sum(c.isalpha() for c in text))
        for m in TAIL_ANY_CASE.finditer(text, timeout=REGEX_TIMEOUT):
            ws = list(regex.finditer(r"[^ \t]+", m.group("v")))
            base = m.start("v")
            tail_at = len(ws) - 1
            while tail_at > 0 and ws[tail_at - 1].group().lower() in _TAIL_WORDS - {"of"}:
                tail_at -= 1  # "medical center", "memorial hospital"
            # the proper words right before the facility word, read from right to left
            k = tail_at
            while k > 0:
                w = ws[k - 1].group()
                low = w.lower().strip(".,'’(")
                if low == "of" and k - 1 > 0 and k < tail_at:
                    k -= 1  # "university of maryland"
                    continue
                if w in _STATE_CODES and k >= 2 and ws[k - 2].group().lower() == "of":
                    k -= 1  # "UNIVERSITY OF MD MEDICAL CENTER"
                    continue
                if (
                    low in STOP
                    or low in vocab
                    or low in _NOT_PLACE
                    or not w[:1].isalpha()
                    or (w.islower() and not lower_text and low in lex.everyday_words)
                    or (w.islower() and low in lex.common_words and low in lex.everyday_words)
                    and not lower_text
                ):
                    break
                k -= 1
            if k < len(ws) and ws[k].group().lower() == "of":
                k += 1
            proper = [w.group() for w in ws[k:tail_at]]
            lone = ws[tail_at].group()
            if not proper and not (lone.lower() in _LONE_TAILS and lone[:1].isupper()):
                continue
            if ws[-1].group().lower() == "house" and not all(w[:1].isupper() for w in proper):
                continue  # "the house", "halfway house"
            if (
                proper
                and all(w.lower() in lex.everyday_words for w in proper)
                and not any(w[:1].isupper() for w in proper)
                and not lower_text
            ):
                continue
            start = base + (ws[k].start() if proper else ws[tail_at].start())
            out.append(self.result(FACILITY.name, start, base + ws[-1].end(), 0.7, "tail_any_case"))
        return out


class NoteNameRecognizer(_NoteRecognizer):
    """PERSON and PROVIDER_NAME in notes: sign-offs, names before a relation or a phone label,
    relatives in lists, after a glued cue or in lower case, doctors after "Drs'"/"Dr."."""

    def __init__(self) -> None:
        super().__init__("NoteNameRecognizer", [PERSON.name, PROVIDER_NAME.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The layouts any text may use (relatives in a list or before a label, "Drs' A and B",
        "X family") run on every text; sign-offs, lower-case relatives, "DR X" and names before
        a service only on notes."""
        if not set(entities) & set(self.supported_entities):
            return []
        try:
            return self._find(text, entities, clinical_note(text))
        except TimeoutError as exc:
            raise DetectionTimeout("note pattern timed out") from exc

    def _find(self, text: str, entities: list[str], note: bool = True) -> list[RecognizerResult]:
        lex = lexicons.load()
        vocab = clinical_vocab()
        out = []

        def add(kind: str, s: int, e: int, rule: str, score: float = 0.8) -> None:
            if kind in entities and e > s:
                out.append(self.result(kind, s, e, score, rule))

        for m in SIGNATURE.finditer(text, timeout=REGEX_TIMEOUT) if note else ():
            ws = [w.strip(".,").lower() for w in m.group("v").split()]
            if any(w in vocab or w in STOP for w in ws if len(w) > 1):
                continue
            long = [w for w in ws if len(w) > 1]
            if not long or all(
                w in lex.everyday_words and w not in lex.surnames and w not in lex.first_names
                for w in long
            ):
                continue  # "GOOD NIGHT RN"
            # outranks the credential rule's shorter span ("LYONS, RRT") over the same name
            add(PROVIDER_NAME.name, m.start("v"), m.end("v"), "signature", 0.95)
        for m in NAME_BEFORE_LABEL.finditer(text, timeout=REGEX_TIMEOUT):
            ws = list(regex.finditer(r"[^ \t]+", m.group("v")))
            while ws and _safe(ws[0].group()):
                ws.pop(0)
            if not ws or any(_safe(w.group()) for w in ws):
                continue
            kind = PROVIDER_NAME.name if m.group("role") else PERSON.name
            base = m.start("v")
            add(kind, base + ws[0].start(), base + ws[-1].end(), "before_label")
        for m in RELATIVE_LIST.finditer(text, timeout=REGEX_TIMEOUT):
            base = m.start("v")
            for w in regex.finditer(r"\p{Lu}\p{L}+", m.group("v")):
                if w.group().lower() in ("and",) or _safe(w.group()):
                    continue
                add(PERSON.name, base + w.start(), base + w.end(), "relative_list")
        for m in CUE_GLUED.finditer(text, timeout=REGEX_TIMEOUT):
            base = m.start("v")
            ws = list(regex.finditer(r"\p{L}+", m.group("v")))
            if not ws or _safe(ws[0].group()):
                continue
            end = ws[1].end() if len(ws) > 1 and not _safe(ws[1].group()) else ws[0].end()
            add(PERSON.name, base + ws[0].start(), base + end, "cue_glued")
        for m in RELATIVE_LOWER.finditer(text, timeout=REGEX_TIMEOUT) if note else ():
            ws = list(regex.finditer(r"[a-z][a-z'\-]+", m.group("v")))
            first = ws[0].group()
            second = ws[1].group() if len(ws) > 1 else ""
            second_name = bool(second) and (
                (second in lex.surnames or second in lex.first_names)
                and second not in lex.everyday_words
                and second not in vocab
                and second not in STOP
            )
            if first not in lex.first_names or first in vocab or first in STOP:
                continue
            if first in lex.everyday_words and not second_name:
                continue  # "son will", "wife states"
            end = ws[1].end() if second_name else ws[0].end()
            kind = PROVIDER_NAME.name if "staff" in m.group() else PERSON.name
            add(kind, m.start("v"), m.start("v") + end, "relative_lower")
        for cue in _FAMILY_CUE.finditer(text, timeout=REGEX_TIMEOUT) if note else ():
            window_end = min(len(text), cue.end() + 60)
            for w in _LOWER_WORD.finditer(text, cue.end(), window_end):
                low = w.group()
                if (
                    low in lex.first_names
                    and low not in lex.common_words
                    and low not in lex.everyday_words
                    and low not in vocab
                    and low not in STOP
                    and not lex.categories(low) - {lexicons.CITY}
                ):
                    add(PERSON.name, w.start(), w.end(), "near_family_lower", 0.6)
        for m in DOCTOR.finditer(text, timeout=REGEX_TIMEOUT) if note else ():
            ws = list(regex.finditer(r"[^ \t]+", m.group("v")))
            while ws and _safe(ws[-1].group()):
                ws.pop()
            if ws and not _safe(ws[0].group()):
                base = m.start("v")
                add(PROVIDER_NAME.name, base + ws[0].start(), base + ws[-1].end(), "doctor", 0.6)
        for m in FAMILY_NAME.finditer(text, timeout=REGEX_TIMEOUT):
            low = m.group("v").lower()
            if (
                low in lex.surnames
                and low not in _FAMILY_WORDS
                and low not in STOP
                and low not in vocab
                and not lex.categories(low) - {lexicons.CITY}
            ):
                add(PERSON.name, m.start("v"), m.end("v"), "family_name")
        for m in NAME_FROM_SERVICE.finditer(text, timeout=REGEX_TIMEOUT) if note else ():
            ws = list(regex.finditer(r"[^ \t]+", m.group("v")))
            while ws and (
                ws[0].group().lower() not in lex.first_names or ws[0].group().lower() in STOP
            ):
                ws.pop(0)  # the name starts at a given name
            if len(ws) < 2 or any(
                w.group().lower() in STOP or w.group().lower() in vocab for w in ws
            ):
                continue
            last = ws[-1].group().lower()
            if last in lex.everyday_words and last not in lex.surnames:
                continue
            base = m.start("v")
            add(PROVIDER_NAME.name, base + ws[0].start(), base + ws[-1].end(), "from_service")
        for m in DOCTORS.finditer(text, timeout=REGEX_TIMEOUT):
            base = m.start("v")
            for w in regex.finditer(r"\p{Lu}\p{L}+", m.group("v")):
                if w.group().lower() in ("and",) or _safe(w.group()):
                    continue
                add(PROVIDER_NAME.name, base + w.start(), base + w.end(), "doctors", 0.95)
        return out


class NoteDateRecognizer(_NoteRecognizer):
    """DATE in notes: dates glued to the word before, years with an apostrophe."""

    def __init__(self) -> None:
        super().__init__("NoteDateRecognizer", [DATE.name])

    def _find(self, text: str, entities: list[str]) -> list[RecognizerResult]:
        out = []
        for m in GLUED_DATE.finditer(text, timeout=REGEX_TIMEOUT):
            a, b = (int(x) for x in m.group("v").split("/")[:2])
            if 1 <= a <= 12 and 1 <= b <= 31:
                out.append(self.result(DATE.name, m.start("v"), m.end("v"), 0.75, "glued"))
        for m in DATE_PAIR.finditer(text, timeout=REGEX_TIMEOUT):
            a, b, c, d = (int(x) for x in m.group("v").split("/"))
            if 1 <= a <= 12 and 1 <= c <= 12 and 1 <= b <= 31 and 1 <= d <= 31:
                out.append(self.result(DATE.name, m.start("v"), m.end("v"), 0.75, "date_pair"))
        for m in APOSTROPHE_YEAR.finditer(text, timeout=REGEX_TIMEOUT):
            g = "v" if m.group("v") else "w"
            out.append(self.result(DATE.name, m.start(g), m.end(g), 0.6, "apostrophe_year"))
        return out
