"""Spanish names: patients and relatives (PERSON) and titled clinicians (PROVIDER_NAME).

* **Honorifics** make the next name a PERSON: Sr., Sra., Srta., Sres., Dña., Doña, Don, Señor,
  Señora, Señorita ("Sra. María de la Luz Hernández López": particles and two surnames).
* **Titles** make it an administrative PROVIDER_NAME, title included, like the English "Dr.":
  Dr., Dra., Doctor, Doctora, Lic., Enf., Enfermera/o — except inside a facility's name
  ("Hospital Dr. Peset", "Clínica Dra. Ruiz"), which is a place and stays PHI.
* **Cues**: greetings (Hola, Estimada, Buenos días …), relations (su hija, esposo, mamá …),
  "paciente", "a nombre de", "se llama", "nombre:" followed by a name-like word run.
* **Uncued**: two or more capitalised words that are all known given names or surnames, the
  first a given name ("Carlos Ramírez Soto tiene cita").
* Every word of a name found once is found again wherever else it is written capitalised.

Name words are capitalised words (any word of an all-caps text) that are not Spanish/English
function or clinic words; after a strong cue an unknown capitalised word is a name too.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models import lexicons
from models.recognizers.base import LexiconRecognizer
from models.recognizers.es.text import PARTICLES, STOP, Tok, all_caps, fold, is_cap, tokens

HONORIFICS = frozenset(
    {"sr", "sra", "srta", "sres", "sras", "dña", "dna", "dn", "doña", "dona", "don"}
    | {"señor", "señora", "señorita", "senor", "senora", "senorita", "d"}
)
TITLES = frozenset(
    {"dr", "dra", "doctor", "doctora", "lic", "licenciado", "licenciada", "enf", "enfermera"}
    | {"enfermero", "prof", "profesor", "profesora", "psic", "mtro", "mtra", "ing"}
    | {"rn", "np", "pa", "nurse", "dentista"}
)
GREETINGS = frozenset(
    {"hola", "estimado", "estimada", "estimados", "querido", "querida", "saludos", "felicidades"}
    | {"felicitaciones", "bienvenido", "bienvenida", "oye", "gracias"}
    | {"hi", "hello", "hey", "dear"}  # the English greeting of a mixed text ("Hi Iván, su cita")
)
# "buenos días María", "buenas tardes Sr. …"
GREETING_PAIRS = frozenset(
    {("buenos", "dias"), ("buenas", "tardes"), ("buenas", "noches"), ("buen", "dia")}
)
RELATIONS = frozenset(
    [
        "paciente",
        "pac",
        "hijo",
        "hija",
        "esposo",
        "esposa",
        "marido",
        "mujer",
        "mama",
        "mami",
        "papa",
        "papi",
        "madre",
        "padre",
        "nieto",
        "nieta",
        "hermano",
        "hermana",
        "abuelo",
        "abuela",
        "abuelito",
        "abuelita",
        "tio",
        "tia",
        "primo",
        "prima",
        "sobrino",
        "sobrina",
        "bebe",
        "nino",
        "nina",
        "novio",
        "novia",
        "pareja",
        "tutor",
        "tutora",
        "cuidador",
        "cuidadora",
        "suegro",
        "suegra",
        "yerno",
        "nuera",
        "hijastro",
        "hijastra",
        "padrastro",
        "madrastra",
        "familiar",
        "beneficiario",
        "beneficiaria",
        "titular",
        "asegurado",
        "asegurada",
        "dependiente",
    ]
)
# Cue phrases (folded words) right before a name.
CUE_PHRASES = (
    ("a", "nombre", "de"),
    ("se", "llama"),
    ("me", "llamo"),
    ("soy",),
    ("nombre",),
    ("nombre", "del", "paciente"),
    ("de", "parte", "de"),
    ("atn",),
    ("attn",),
    ("para",),
    ("con",),
    ("a",),  # the personal "a": "visitará a Silvia Silva Sedano"
)
FACILITY_WORDS = frozenset(
    {"hospital", "clinica", "centro", "sanatorio", "policlinica", "instituto", "fundacion"}
    | {"consultorio", "residencia", "hospitalario", "complejo", "ambulatorio"}
)
_CREDENTIAL = regex.compile(
    r"[ \t]*,?[ \t]*(?:M\.?D\.?|NP|FNP|RN|PA-C|D\.?O\.?|PhD|MD)(?![\w\-])(?!\.\w)"
)


# What a person does right after their name ("Ana Ruiz tiene 93 años", "Luis llamó").
_PERSON_VERB = regex.compile(
    r"[ \t]+(?:tiene|tuvo|necesita|llam[óo]|est[áa]|fue|vive|falleci[óo]|naci[óo]|cumple|"
    r"ingres[óo]|sali[óo]|pregunt[óo]|dej[óo]|pidi[óo]|no[ \t]+vino|faltó|confirm[óo]|"
    r"cancel[óo]|debe|quiere|dijo)\b",
    regex.IGNORECASE,
)


def _name_word(t: Tok, caps: bool, lex: lexicons.Lexicon, strong: bool) -> bool:
    """Could ``t`` be a word of a person's name here?"""
    if not is_cap(t, caps) or len(t.text) < 2 or t.key in STOP:
        return False
    known = t.low in lex.first_names or t.low in lex.surnames or t.key in lex.surnames
    if known:
        return True
    if t.key in lex.everyday_words or t.low in lex.everyday_words:
        return False
    if t.low in lex.common_words or t.key in lex.common_words:
        return False  # a frequent word that is not a known name ("Dudas", "Saludos")
    if lexicons.load().categories(t.low):
        return False  # a drug, condition or department ("Metformina")
    return strong or not caps


class SpanishNameRecognizer(LexiconRecognizer):
    """PERSON and PROVIDER_NAME in Spanish text (see the module doc)."""

    languages = frozenset({"es"})

    def __init__(self) -> None:
        super().__init__("SpanishNameRecognizer", ["PERSON", "PROVIDER_NAME"])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        toks = tokens(text)
        if not toks:
            return []
        lex = lexicons.load()
        caps = all_caps(text)
        out: list[RecognizerResult] = []
        taken: set[int] = set()
        n = len(toks)

        def gap(i: int) -> str:  # the characters between token i and token i+1
            return text[toks[i].end : toks[i + 1].start] if i + 1 < n else ""

        def run(i: int, strong: bool, shout: bool | None = None) -> int:
            """End (exclusive) of the name run starting at token i, or i if none; ``shout``:
            read capitals as capitalisation (after a cue written in capitals, "HOLA MARINA")."""
            caps_here = caps if shout is None else shout
            j = i
            while j < n and j - i < 7:
                t = toks[j]
                g = gap(j - 1) if j > i else " "
                if g not in (" ", "\t") and not (g == ". " and len(toks[j - 1].text) == 1):
                    break  # "María J. López": an initial's full stop is inside the name
                if t.key in PARTICLES and j > i:
                    k = j + 1
                    while k < n and toks[k].key in PARTICLES and gap(k - 1) == " ":
                        k += 1
                    if (
                        k < n
                        and gap(k - 1) == " "
                        and toks[k].text[:1].isupper()
                        and _name_word(toks[k], caps_here, lex, strong)
                    ):
                        j = k
                        continue
                    break
                if len(t.text) == 1 and t.text.isupper() and j + 1 < n and gap(j) == ". ":
                    j += 1  # an initial
                    continue
                if not _name_word(t, caps_here, lex, strong or j > i):
                    break
                j += 1
            return j

        def emit(i: int, j: int, typ: str, score: float, rule: str, start: int = -1) -> None:
            if j <= i or typ not in entities:
                taken.update(range(i, j))
                return
            s = toks[i].start if start < 0 else start
            out.append(self.result(typ, s, toks[j - 1].end, score, rule))
            taken.update(range(i, j))

        # 1. titled clinicians and honorifics
        for i, t in enumerate(toks[:-1]):
            g = gap(i)
            if g.strip() not in ("", ".") or "\n" in g or len(g) > 3:
                continue
            if t.key in ("rn", "np", "pa") and not t.text.isupper():
                pass  # "pa" is Spanish for "para"; the credentials are written in capitals
            elif t.key in TITLES and (t.text[:1].isupper() or g.startswith(".")):
                if i > 0 and toks[i - 1].key in FACILITY_WORDS:
                    continue  # "Hospital Dr. Peset": a place, found by the location rules
                j = run(i + 1, True)
                if j > i + 1:
                    emit(i + 1, j, "PROVIDER_NAME", 0.92, "titled", start=t.start)
                    taken.add(i)
            elif t.key in HONORIFICS and (t.key != "d" or g == ". ") and i not in taken:
                lower_don = t.key in ("don", "dona") and not t.text[:1].isupper() and i > 0
                if lower_don and toks[i - 1].key not in ("a", "el", "la", "con", "para", "y"):
                    continue
                j = run(i + 1, True)
                emit(i + 1, j, "PERSON", 0.9, "honorific")
        # 2. a name before a credential ("Ana Ruiz, MD")
        ending_at: dict[int, int] = {}  # the first token ending at each offset (linear)
        for k, t in enumerate(toks):
            ending_at.setdefault(t.end, k)
        for m in _CREDENTIAL.finditer(text):
            k_at = ending_at.get(m.start())
            if k_at is None or k_at in taken:
                continue
            k = k_at
            i = k
            while i > 0 and k - i < 3 and _name_word(toks[i - 1], caps, lex, False):
                if gap(i - 1) != " ":
                    break
                i -= 1
            if _name_word(toks[k], caps, lex, False) and i <= k:
                emit(i, k + 1, "PROVIDER_NAME", 0.9, "credential")
        # 3. cued names
        for i in range(1, n):
            if i in taken:
                continue
            prev = toks[i - 1]
            g = gap(i - 1)
            if "\n" in g or len(g) > 3 or g.strip() not in ("", ",", ":", "!", ",!", "-"):
                continue
            strong = False
            rule = ""
            if prev.key in GREETINGS or (i >= 2 and (toks[i - 2].key, prev.key) in GREETING_PAIRS):
                strong, rule = True, "greeting"
            elif prev.key in RELATIONS and g.strip() in ("", ",", ":"):
                strong, rule = True, "relation"
            else:
                for phrase in CUE_PHRASES:
                    k = len(phrase)
                    if i >= k and tuple(t.key for t in toks[i - k : i]) == phrase:
                        rule = "cue"
                        strong = phrase not in (("para",), ("con",), ("soy",), ("a",))
                        break
            if not rule:
                continue
            t = toks[i]
            shout = caps or (len(prev.text) >= 2 and prev.text.isupper() and t.text.isupper())
            if rule == "greeting" and not is_cap(t, shout) and not regex.search(r"[!:.]", g):
                # "buenos dias ivan": a lower-case known given name (not an everyday word)
                j = i
                while (
                    j < n
                    and (j == i or gap(j - 1) == " ")
                    and (toks[j].low in lex.first_names or toks[j].low in lex.surnames)
                    and toks[j].low not in lex.everyday_words
                    and toks[j].key not in STOP
                ):
                    j += 1
                if j > i:
                    emit(i, j, "PERSON", 0.75, "greeting_lower")
                continue
            if rule == "greeting" and regex.search(r"[!:.]", g):
                # "¡gracias! Dudas al …": a new sentence, a name only if it is a known one
                t = toks[i]
                if t.low not in lex.first_names or t.key in STOP:
                    continue
            if not strong:
                # weak cue: every word must be a known name ("para Ana López", not "para Mañana")
                j = i
                while j < n and (j == i or gap(j - 1) == " "):
                    t = toks[j]
                    given = is_cap(t, caps) and t.key not in STOP and t.low in lex.first_names
                    surname = j > i and is_cap(t, caps) and t.low in lex.surnames
                    if not (given or surname):
                        break
                    j += 1
                if j - i >= 1:
                    emit(i, j, "PERSON", 0.75, rule)
                continue
            j = run(i, True, shout)
            if j > i:
                emit(i, j, "PERSON", 0.85, rule)
        # 4. a given name addressed at the start of the text or a line ("Hope! Su pago …",
        # "María, su cita …")
        for i, t in enumerate(toks):
            at_start = i == 0 or "\n" in text[toks[i - 1].end : t.start]
            if not at_start or i in taken or t.low not in lex.first_names or t.key in STOP:
                continue
            j = i + 1
            while (
                j < n
                and gap(j - 1) == " "
                and is_cap(toks[j], caps)
                and toks[j].key not in STOP
                and (toks[j].low in lex.first_names or toks[j].low in lex.surnames)
            ):
                j += 1
            if not is_cap(t, caps) or not regex.match(r"[ \t]*[,!:]", text[toks[j - 1].end :]):
                continue
            emit(i, j, "PERSON", 0.75, "addressed")
        # 5. uncued runs of known names
        i = 0
        while i < n:
            if i in taken or toks[i].low not in lex.first_names:
                i += 1
                continue
            j = i
            while (
                j < n
                and j not in taken
                and (j == i or gap(j - 1) == " ")
                and is_cap(toks[j], caps)
                and toks[j].key not in STOP
                and toks[j].low not in lex.everyday_words
                and (toks[j].low in lex.first_names or toks[j].low in lex.surnames)
            ):
                j += 1
            if j - i >= 1:
                # a person's verb after the run: every capitalised word up to it is the name
                k = i
                while (
                    k < n
                    and k - i < 5
                    and (k == i or gap(k - 1) == " ")
                    and is_cap(toks[k], caps)
                    and toks[k].key not in STOP
                ):
                    k += 1
                if k > j and _PERSON_VERB.match(text, toks[k - 1].end):
                    j = k
                elif j - i == 1 and _PERSON_VERB.match(text, toks[i].end):
                    j = i + 1
                elif j - i < 2:
                    i += 1
                    continue
                emit(i, j, "PERSON", 0.7, "known_names")
                i = j
            else:
                i += 1
        # 6. the same name words elsewhere in the text
        names = {fold(text[r.start : r.end]) for r in out if r.entity_type == "PERSON"}
        words = {w for name in names for w in name.split() if len(w) > 2 and w not in PARTICLES}
        for k, t in enumerate(toks):
            if k in taken or t.key not in words:
                continue
            if not is_cap(t, caps) and (t.low in lex.everyday_words or t.key in STOP):
                continue  # a lower-case everyday word that happens to spell the name
            j = k + 1
            while (  # the surname written after it ("ivan butler")
                j < n
                and j not in taken
                and gap(j - 1) == " "
                and toks[j].low in lex.surnames
                and toks[j].key not in STOP
                and (is_cap(toks[j], caps) or toks[j].key not in lex.common_words or k + 1 == j)
            ):
                j += 1
            emit(k, j, "PERSON", 0.8, "propagated")
        return out


def recognizers() -> list[EntityRecognizer]:
    return [SpanishNameRecognizer()]
