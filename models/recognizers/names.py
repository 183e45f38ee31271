"""People: patients and relatives (PHI) versus titled providers (administrative, may stay).

Patient names come from three sources, each checked against the census name lexicon:

* cue words right before a name ("Hi", "Dear", "patient", "Mr.", "your son") — these also catch
  lower-case names and names that are everyday words ("Hi hope," / "Dear Will");
* a given name followed by a surname-like word, in any case ("JOHN SMITH", "maria lopez");
* spaCy's PERSON entities, dropped when they are a lone everyday word with no cue ("Hope you are
  well", "Will you confirm?") or a clinical term.

A name behind a clinical title (Dr., Nurse, NP) or before a credential (", MD", " RN") is
PROVIDER_NAME instead; it outscores the overlapping PERSON finding, so the name may stay.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.entities import EntityType
from models.lexicons import Word
from models.recognizers.base import LexiconRecognizer, Rule, RuleRecognizer

PERSON = EntityType("PERSON", "name", "identifier", True, "A patient's or relative's name")
PROVIDER_NAME = EntityType(
    "PROVIDER_NAME", "provider", "administrative", False, "A clinician's name with a title (Dr., NP)"
)
ENTITIES = (PERSON, PROVIDER_NAME)

STRONG_CUES = frozenset(
    "hi hello hey dear patient pt mr mrs ms miss mx mister son daughter wife husband mother mom "
    "mommy father dad daddy brother sister grandson granddaughter grandmother grandma grandfather "
    "grandpa child baby infant newborn caregiver guardian spouse partner fiance fiancee niece "
    "nephew aunt uncle cousin named resident client patient's attn re regarding stepson "
    "stepdaughter boyfriend girlfriend roommate".split()
)
WEAK_CUES = frozenset(
    "for from with and to by cc call tell ask remind thanks thank regards sincerely love "
    "or visiting about".split()
)
TWO_WORD_CUES = frozenset({("name", "is"), ("this", "is"), ("i", "am"), ("i'm", "")})
# Words that are never (part of) a person's name even when capitalised.
NOT_NAMES = frozenset(
    "dr doctor nurse np pa rn md do the a an your our my his her their this that you we i it "
    "reminder appointment appt pharmacy clinic hospital office center patient patients team "
    "portal reply stop help text call please thank thanks hi hello hey dear today tomorrow "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december ok okay yes no am pm".split()
)
_GAP = regex.compile(r"[\s,.:;\-–—]*")


def _base(w: Word) -> tuple[str, int]:
    """Lower-case word without a possessive, and its end offset without it."""
    for suffix in ("'s", "’s"):
        if w.lower.endswith(suffix.replace("’", "'")) and len(w.lower) > 3:
            return w.lower[:-2], w.end - 2
    return w.lower, w.end


class PatientNameRecognizer(LexiconRecognizer):
    """Names of patients and relatives from cues, the census lexicon and spaCy PERSON entities."""

    def __init__(self) -> None:
        super().__init__("PatientNameRecognizer", [PERSON.name])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if PERSON.name not in entities:
            return []
        lex = lexicons.load()
        words, hits = lexicons.analyse(text)
        clinical = {i for h in hits if h.category != lexicons.CITY for i in range(h.first, h.last)}
        mostly_upper = sum(w.text.isupper() for w in words) > 0.6 * max(1, len(words))
        out: list[RecognizerResult] = []
        taken: set[int] = set()

        def feature(i: int) -> tuple[str, bool, bool, bool, bool, bool]:
            w = words[i]
            low, _ = _base(w)
            cap = w.text[:1].isupper() and (not w.text.isupper() or len(w.text) > 1)
            is_first = low in lex.first_names
            is_sur = low in lex.surnames
            amb = low in lex.ambiguous_names or low in NOT_NAMES
            return low, cap, is_first, is_sur, amb, i in clinical

        def adjacent(i: int, j: int) -> bool:
            gap = text[words[i].end : words[j].start]
            return _GAP.fullmatch(gap) is not None and "\n" not in gap and len(gap) <= 3

        def name_like(i: int, lower_ok: bool) -> bool:
            low, cap, is_first, is_sur, amb, clin = feature(i)
            if clin or low in NOT_NAMES or not regex.fullmatch(r"[a-z][a-z'\-]*", low):
                return False
            if cap or mostly_upper:
                return is_first or is_sur or low not in lex.common_words
            return lower_ok and (is_first or is_sur) and not amb

        def extend(i: int, lower_ok: bool) -> int:
            """Index after the name run starting at ``i`` (up to three words, spaces between)."""
            j = i + 1
            while j < len(words) and j - i < 3:
                gap = text[words[j - 1].end : words[j].start]
                if gap not in (" ", "  ") or not name_like(j, lower_ok):
                    break
                j += 1
            return j

        def emit(i: int, j: int, score: float, rule: str) -> None:
            if any(k in taken for k in range(i, j)):
                return
            taken.update(range(i, j))
            _, end = _base(words[j - 1])
            out.append(self.result(PERSON.name, words[i].start, end, score, rule))

        for i in range(len(words)):
            if i in taken:
                continue
            low, cap, is_first, is_sur, amb, clin = feature(i)
            if clin or low in NOT_NAMES or not words[i].text[:1].isalpha():
                continue
            prev = words[i - 1].lower.rstrip(".") if i > 0 and adjacent(i - 1, i) else ""
            prev2 = (words[i - 2].lower, prev) if i > 1 and adjacent(i - 2, i - 1) else ("", "")
            strong = prev in STRONG_CUES or prev2 in TWO_WORD_CUES
            if strong and prev in {"mr", "mrs", "ms", "mx", "mister", "miss"} and (cap or is_sur):
                emit(i, extend(i, True), 0.9, "honorific")
                continue
            lexical = is_first or is_sur
            if strong and (lexical or (cap and low not in lex.common_words)):
                j = extend(i, True)
                if lexical or j > i + 1 or cap:
                    emit(i, j, 0.85, "cue")
                    continue
            if not (cap or mostly_upper):
                # Lower-case full name: unambiguous given name + surname ("maria lopez").
                if is_first and not amb and i + 1 < len(words) and adjacent(i, i + 1):
                    nlow, ncap, nfirst, nsur, namb, nclin = feature(i + 1)
                    if nsur and not namb and not nclin and not ncap:
                        emit(i, i + 2, 0.65, "lower_full_name")
                continue
            j = extend(i, False)
            if is_first and j > i + 1:
                second = feature(i + 1)
                if not amb or second[3] or second[0] not in lex.common_words:
                    emit(i, j, 0.8, "full_name")
                    continue
            if prev in WEAK_CUES and lexical and not amb:
                emit(i, j, 0.7, "weak_cue")
                continue
            if is_first and not amb and len(low) >= 3 and low not in lex.cities:
                emit(i, j, 0.6, "given_name")
        out.extend(self._spacy(text, nlp_artifacts, words, clinical, taken))
        return out

    def _spacy(
        self,
        text: str,
        nlp_artifacts: NlpArtifacts | None,
        words: tuple[Word, ...],
        clinical: set[int],
        taken: set[int],
    ) -> list[RecognizerResult]:
        """spaCy PERSON entities that are not a lone everyday word or a clinical term."""
        if nlp_artifacts is None or not nlp_artifacts.entities:
            return []
        lex = lexicons.load()
        out: list[RecognizerResult] = []
        for ent in nlp_artifacts.entities:
            if ent.label_ != "PERSON":
                continue
            start, end = ent.start_char, ent.end_char
            inside = [i for i, w in enumerate(words) if w.start >= start and w.end <= end]
            if not inside or any(i in taken or i in clinical for i in inside):
                continue
            lows = [_base(words[i])[0] for i in inside]
            if any(low in NOT_NAMES for low in lows) or any(ch.isdigit() for ch in text[start:end]):
                continue
            if not all(words[i].text[:1].isupper() for i in inside):
                continue
            known = [low in lex.first_names or low in lex.surnames for low in lows]
            everyday = [low in lex.common_words or low in lex.ambiguous_names for low in lows]
            if len(inside) == 1 and everyday[0]:
                continue  # "Hope you're well": a lone everyday word needs a cue
            if not any(known) and all(everyday):
                continue
            _, stop = _base(words[inside[-1]])
            out.append(self.result(PERSON.name, words[inside[0]].start, stop, 0.7, "spacy"))
        return out


_TITLE = r"(?:dr|doctor|dra|prof|professor)\.?"
_ROLE = (
    r"(?:nurse(?:\s+practitioner)?|np|pa|rn|lpn|therapist|counselor|midwife|pharmacist|"
    r"physician\s+assistant|provider|surgeon|dentist|psychologist|social\s+worker|coach|"
    r"care\s+coordinator|case\s+manager|dietitian|nutritionist)"
)
_CREDENTIAL = (
    r"(?:M\.?D\.?|D\.?O\.?|NP|FNP(?:-C|-BC)?|AGNP|PNP|DNP|APRN|PA-C|PA|RN|BSN|LPN|CNM|CRNA|DDS|"
    r"DMD|OD|PharmD|PhD|PsyD|LCSW|LMFT|LPC|LMHC|MSW|DPT|OTR|CNP|ANP|RD)"
)
_PNAME = r"(?:[A-Z][A-Za-z'\-]+|[A-Z]\.)"
PROVIDER_TITLED = (
    r"(?<![\w])(?i:" + _TITLE + r"|" + _ROLE + r")\s+(?P<v>" + _PNAME + r"(?:\s+" + _PNAME
    + r"){0,2})"
)
PROVIDER_CREDENTIAL = (
    r"(?<![\w])(?P<v>" + _PNAME + r"(?:\s+" + _PNAME + r"){0,2}),?\s+" + _CREDENTIAL
    + r"(?![\w\-])(?!,?\s*\d{5})"
)


def _provider(m: regex.Match[str], text: str) -> tuple[str, float] | None:
    lex = lexicons.load()
    names = m.group("v").split()
    # Drop trailing everyday words the pattern swept up ("Dr. Lee Today").
    while len(names) > 1 and names[-1].lower() in lex.common_words and not (
        names[-1].lower() in lex.surnames or names[-1].lower() in lex.first_names
    ):
        names.pop()
    if not names or names[0].lower() in NOT_NAMES:
        return None
    if m.re.pattern == PROVIDER_CREDENTIAL:
        # "Erie, PA" is a place: a credential needs a known name in front of it.
        if not any(n.lower().strip(".") in lex.first_names or n.lower() in lex.surnames
                   for n in names):
            return None
        if len(names) == 1 and names[0].lower() in lex.cities:
            return None
    return PROVIDER_NAME.name, 0.92


class ProviderRecognizer(RuleRecognizer):
    """Titled clinicians. Reports the whole "Dr. Jane Lee" so it shadows any PERSON inside it."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        out = []
        lex = lexicons.load()
        for r in super().analyze(text, entities, nlp_artifacts):
            span = text[r.start : r.end]
            words = span.split()
            while len(words) > 1 and words[-1].lower() in lex.common_words and not (
                words[-1].lower() in lex.surnames or words[-1].lower() in lex.first_names
            ):
                words.pop()
            r.end = r.start + span.index(words[-1], len(" ".join(words[:-1]))) + len(words[-1])
            # Widen to the title so the whole "Dr. Lee" is one administrative span.
            head = regex.search(
                r"(?i:" + _TITLE + r"|" + _ROLE + r")\s+$", text[max(0, r.start - 30) : r.start]
            )
            if head is not None:
                r.start = max(0, r.start - 30) + head.start()
            out.append(r)
        return out


def recognizers() -> list[EntityRecognizer]:
    provider = ProviderRecognizer(
        "ProviderRecognizer",
        [PROVIDER_NAME.name],
        [
            Rule("titled", PROVIDER_TITLED, 0.92, _provider, flags=0),
            Rule("credential", PROVIDER_CREDENTIAL, 0.92, _provider, flags=0),
        ],
    )
    return [PatientNameRecognizer(), provider]
