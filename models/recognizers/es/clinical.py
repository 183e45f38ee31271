"""Spanish clinical detail: conditions, medications, tests with results, procedures, and
services whose name reveals a condition.

Vocabulary (models/lexicons/es/): the CIE-10 (Spanish ICD-10) condition terms, Spanish INN
spellings derived from the English drug list, and curated lay lists. Matching is on folded
words (lower case, accents stripped: "CANCER", "cancer" and "cáncer" are one word) through a
Spanish sound key (c/s/z, b/v, ll/y, silent h, qu/k: "canser", "diavetes"), plus one typo in
words of 7+ letters ("diabetis", "ipertension"). A test is a LAB_RESULT when a result word
follows it within a few words ("sus resultados de VIH son positivos", "la biopsia muestra
cáncer", "su glucosa salió alta"); a sensitive test alone (VIH, embarazo, ETS) is one too.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models.recognizers.base import LexiconRecognizer
from models.recognizers.es.text import Tok, fold, tokens

LEXICON_DIR = Path(__file__).resolve().parents[2] / "lexicons" / "es"
CATEGORIES = {
    "CONDITION": ("curated/conditions.txt", "cie10_conditions.txt"),
    "MEDICATION": ("curated/medications.txt", "medications_derived.txt"),
    "LAB_TEST": ("curated/lab_tests.txt",),
    "PROCEDURE": ("curated/procedures.txt",),
    "CLINICAL_DEPARTMENT": ("curated/departments.txt",),
}
# Result words after a test (folded).
RESULT_WORDS = frozenset(
    [
        "positivo",
        "positiva",
        "positivos",
        "positivas",
        "negativo",
        "negativa",
        "negativos",
        "negativas",
        "reactivo",
        "reactiva",
        "alto",
        "alta",
        "altos",
        "altas",
        "bajo",
        "baja",
        "bajos",
        "bajas",
        "elevado",
        "elevada",
        "elevados",
        "elevadas",
        "anormal",
        "anormales",
        "normal",
        "normales",
        "detectable",
        "indetectable",
        "detectado",
        "detectada",
        "muestra",
        "mostro",
        "revela",
        "revelo",
        "indica",
        "indico",
        "confirma",
        "confirmo",
        "salio",
        "salieron",
        "resulto",
        "resultaron",
        "sospechoso",
        "sospechosa",
        "maligno",
        "maligna",
        "benigno",
        "benigna",
    ]
)
SENSITIVE_TESTS = frozenset({"vih", "prueba de vih", "prueba del vih", "examen de vih"})
# Words that, folded, collide with everyday Spanish and are clinical only in a phrase.
NOT_ALONE = frozenset(
    [
        "operacion",
        "cultivo",
        "pap",
        "sangrado",
        "presion",
        "tiroides",
        "colesterol",
        "glucosa",
        "quemadura",
        "tratamiento",
        "terapia",
        "bajo",
        "alta",
        "alto",
        "radiacion",
        "infusion",
    ]
)
_DOSE = regex.compile(
    r"[ \t]*\d+(?:[.,]\d+)?[ \t]*(?:mg|mcg|µg|g|ml|ui|unidades|tabletas?|pastillas?|"
    r"c[áa]psulas?|gotas)\b",
    regex.IGNORECASE,
)


@lru_cache(maxsize=65536)
def sound(word: str) -> str:
    """A Spanish sound key: folded, then qu→k, c(e/i)→s, z→s, c→k, v→b, ll→y, h dropped,
    doubled letters single."""
    w = fold(word)
    w = w.replace("qu", "k").replace("ch", "§")
    w = regex.sub(r"c(?=[ei])", "s", w).replace("z", "s").replace("c", "k")
    w = w.replace("v", "b").replace("ll", "y").replace("h", "").replace("§", "ch")
    return regex.sub(r"(.)\1+", r"\1", w)


def _deletions(w: str) -> set[str]:
    return {w[:i] + w[i + 1 :] for i in range(len(w))}


class _Index:
    def __init__(self) -> None:
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.fuzzy: dict[str, tuple[str, str]] = {}
        self.upper_only: set[str] = set()
        self.fuzzy_longest = 0  # the longest fuzzily matched term (a longer word skips the look-up)
        for category, files in CATEGORIES.items():
            for name in files:
                for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
                    phrase = line.split("#", 1)[0].strip()
                    if phrase:
                        self.add(phrase, category)
        for bucket in self.phrases.values():
            bucket.sort(key=lambda kc: -len(kc[0]))

    def add(self, phrase: str, category: str) -> None:
        key = tuple(sound(w) for w in regex.findall(r"[^\W_]+", phrase))
        if not key:
            return
        # an abbreviation ("ITS", "VIH"): in capitals only when its lower-case spelling is an
        # everyday word ("its")
        if len(key) == 1 and phrase.isupper() and len(phrase) <= 5 and _everyday(fold(phrase)):
            self.upper_only.add(fold(phrase))
        bucket = self.phrases.setdefault(key[0], [])
        if (key, category) not in bucket:
            bucket.append((key, category))
        if len(key) == 1 and len(key[0]) >= 7:
            for d in _deletions(key[0]):
                self.fuzzy.setdefault(d, (key[0], category))
            self.fuzzy_longest = max(self.fuzzy_longest, len(key[0]))

    def lookup_fuzzy(self, key: str) -> str | None:
        if len(key) < 7 or len(key) > self.fuzzy_longest + 1:
            return None  # too short, or two letters longer than any term (issue #18: linear)
        for v in (key, *_deletions(key)):
            hit = self.fuzzy.get(v)
            if hit is not None and _within_one(key, hit[0]):
                return hit[1]
        return None


def _within_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


@cache
def index() -> _Index:
    return _Index()


def _everyday(word: str) -> bool:
    """An everyday English or Spanish word (so an abbreviation spelt like it needs capitals)."""
    from models import lexicons
    from models.language import ENGLISH_WORDS, SPANISH_WORDS

    return word in lexicons.load().everyday_words or word in ENGLISH_WORDS or word in SPANISH_WORDS


def _english_term(word: str) -> bool:
    from models import lexicons

    return bool(lexicons.load().categories(word))


def _common() -> frozenset[str]:
    from models import lexicons

    return lexicons.load().common_words


class SpanishClinicalRecognizer(LexiconRecognizer):
    languages = frozenset({"es"})

    def __init__(self) -> None:
        super().__init__(
            "SpanishClinicalRecognizer",
            ["CONDITION", "MEDICATION", "LAB_RESULT", "PROCEDURE", "CLINICAL_DEPARTMENT"],
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        toks = tokens(text)
        idx = index()
        keys = [sound(t.text) for t in toks]
        out: list[RecognizerResult] = []
        n = len(toks)
        i = 0
        common = _common()
        while i < n:
            bucket = idx.phrases.get(keys[i])
            found: tuple[int, str] | None = None
            for key, category in bucket or ():
                j = i + len(key)
                if j <= n and tuple(keys[i:j]) == key and _joined(text, toks, i, j):
                    alone = j - i == 1 and toks[i].key in NOT_ALONE
                    if alone and not (category == "LAB_TEST" and _result_after(toks, j, text)):
                        continue
                    if j - i == 1 and toks[i].key in idx.upper_only and not toks[i].text.isupper():
                        continue
                    found = (j, category)
                    break
            if found is None and toks[i].key not in common and toks[i].text.isalpha():
                cat = idx.lookup_fuzzy(keys[i])
                # not a typo of ours when it is an English drug or condition ("metformin"):
                # the English rules have it
                ok = cat is not None and toks[i].key not in NOT_ALONE
                if ok and cat is not None and not _english_term(toks[i].low):
                    found = (i + 1, cat)
            if found is None:
                i += 1
                continue
            j, category = found
            start, end = toks[i].start, toks[j - 1].end
            if category == "LAB_TEST":
                res = _result_after(toks, j, text)
                if res is not None:
                    out.append(self.result("LAB_RESULT", start, toks[res].end, 0.85, "test_result"))
                elif " ".join(t.key for t in toks[i:j]) in SENSITIVE_TESTS:
                    out.append(self.result("LAB_RESULT", start, end, 0.7, "sensitive_test"))
                else:
                    # a test named alone ("su mamografía"): a procedure, not a result
                    out.append(self.result("PROCEDURE", start, end, 0.55, "test"))
            elif category == "CONDITION" and _prevention(toks, i):
                pass  # "vacúnese contra la gripe": a campaign, not the patient's condition
            else:
                if category == "MEDICATION":
                    dose = _DOSE.match(text, end)
                    if dose:
                        end = dose.end()
                # a department outranks the facility rule's reading of "Clínica de VIH"
                score = 0.85 if category == "CLINICAL_DEPARTMENT" else 0.8
                out.append(self.result(category, start, end, score, "lexicon"))
            i = j
        return [r for r in out if r.entity_type in entities]


_PREVENTION = frozenset({"contra", "prevenir", "prevencion", "temporada", "campana"})


def _prevention(toks: tuple[Tok, ...], i: int) -> bool:
    """Is the condition at token i what a vaccine or campaign is against ("vacunarse contra la
    gripe", "temporada de influenza", "campaña de prevención del dengue")?"""
    before = [t.key for t in toks[max(0, i - 3) : i]]
    return any(w in _PREVENTION or w.startswith("vacun") for w in before)


def _joined(text: str, toks: tuple[Tok, ...], i: int, j: int) -> bool:
    """The words i..j-1 are one phrase (separated by spaces or hyphens only)."""
    return all(text[toks[k].end : toks[k + 1].start] in (" ", "-") for k in range(i, j - 1))


def _result_after(toks: tuple[Tok, ...], j: int, text: str) -> int | None:
    for k in range(j, min(len(toks), j + 6)):
        if (
            "\n" in text[toks[k - 1].end : toks[k].start]
            or "." in text[toks[k - 1].end : toks[k].start]
        ):
            return None
        if toks[k].key in RESULT_WORDS:
            while (
                k + 1 < len(toks)
                and toks[k + 1].key in RESULT_WORDS
                and text[toks[k].end : toks[k + 1].start] in (" ", ", ")
            ):
                k += 1  # "salió positiva", "salió muy alta"
            return k
    return None


def recognizers() -> list[EntityRecognizer]:
    return [SpanishClinicalRecognizer()]
