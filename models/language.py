"""Which language a text is written in: English, Spanish, or both ("Spanglish").

A measured heuristic, not a statistical model: clinic texts are short, and what detection needs
to know is only *which recognizers to run*. The function words of each language ("the", "your",
"is" / "de", "su", "es", "por"), spelling only Spanish has (ñ, accented vowels, ¿ ¡) and the
words clinics write in each language are counted; words both languages share ("no", "a", "me")
count for neither.

Rule (documented in bench/SPANISH.md, measured there against ``lingua-language-detector``):

* ``es``: at least two pieces of Spanish evidence and no English word;
* ``en``: no Spanish evidence, or English outweighing Spanish 4:1;
* ``mixed``: anything in between, including "Hi Sra. García, su cita is confirmed".

Detection fails safe: a mixed text gets both languages' recognizers, and the Spanish
recognizers are precise enough (cue-based) that running them on an English text costs nothing in
over-scrubbing. It never raises and costs a few microseconds per text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Language = Literal["en", "es", "mixed"]
LANGUAGES: tuple[Language, ...] = ("en", "es", "mixed")

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Letters and marks only Spanish (of the two) writes.
_SPANISH_MARKS = re.compile(r"[ñÑáéíóúÁÉÍÓÚ¿¡]")

# Frequent words of one language that are not words (or rare words) of the other. Kept short
# and unambiguous: "a", "no", "me", "son" (a word in both) are left out.
SPANISH_WORDS = frozenset(
    """
    de del la las el los su sus que qué q xq porque por para con sin una uno unos unas
    es está esta estan están son ser estar fue hay hola gracias usted ustedes le les lo
    nos mi mis tu tus y pero como cómo cuando cuándo donde dónde muy más mas ya
    al se si sí favor llame llamar llámenos llamenos cita citas mañana manana hoy
    ayer semana lunes martes miércoles miercoles jueves viernes sábado sabado domingo
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
    diciembre señor señora señorita sr sra srta dña doña don buenos buenas días dias tardes
    noches estimado estimada querido querida recuerde recordatorio recordamos confirmar
    confirme confirmada confirmado responda conteste clínica clinica consultorio doctor
    doctora dra médico medico medica médica enfermera resultados resultado análisis analisis
    receta medicina medicamento farmacia paciente hijo hija esposo esposa mamá mama papá papa
    madre padre nieto nieta hermano hermana abuelo abuela fecha nacimiento número numero
    teléfono telefono dirección direccion calle avenida colonia seguro póliza poliza
    expediente afiliado pago saldo cuenta factura favor tiene tengo necesita necesito puede
    pueden debe favor traer llegar antes después despues minutos horas hora vez aquí aqui
    ahí alli allí este esta estos estas ese esa eso nuestro nuestra nuestros su suya
    cuidado salud atención atencion programada programado cambiar cancelar reprogramar
    bien mal gusto saludos atentamente perdón disculpe pendiente listo lista
    también tambien todavía todavia siempre nunca nada algo todo todos cada otro otra
    tomar tome toma dosis diario diaria pastilla pastillas
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    the your you you're youre is are was were be been to for with and of at on in from
    this that these those it its it's we our us i i'm im my he she his her they their
    please pls thanks thank hi hello hey dear reminder appointment appt appointments
    confirm confirmed reply call today tomorrow yesterday week monday tuesday wednesday
    thursday friday saturday sunday january february march april june july august
    september october november december will can could would should have has had do does
    did not don't dont an by as or if but so what when where who how ready pick up
    results result prescription pharmacy office visit clinic doctor nurse patient
    need needs new due balance account payment bill here there now then just also
    questions question text message msg info help stop see scheduled schedule
    """.split()
)
# Words in both lists would make the rule depend on their order: none are.
assert not SPANISH_WORDS & ENGLISH_WORDS - {"doctor"}, SPANISH_WORDS & ENGLISH_WORDS
_SHARED = frozenset({"doctor"})

# Weight of one Spanish-only spelling mark (ñ, á, ¿ …): strong evidence, but names ("José",
# "Peña") carry them in English texts too, so one mark alone never outweighs English words.
MARK_WEIGHT = 1.0
RATIO = 4.0


def scores(text: str) -> tuple[float, float]:
    """(Spanish evidence, English evidence) of one text."""
    es = en = 0.0
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w in _SHARED:
            continue
        if w in SPANISH_WORDS:
            es += 1
        elif w in ENGLISH_WORDS:
            en += 1
    es += MARK_WEIGHT * min(3, len(_SPANISH_MARKS.findall(text)))
    return es, en


@lru_cache(maxsize=4096)
def detect(text: str) -> Language:
    """The language of ``text``: ``en``, ``es`` or ``mixed`` (see the module doc)."""
    es, en = scores(text)
    if es == 0:
        return "en"
    if en == 0:
        return "es" if es >= 2 else "mixed"  # one word ("Hola Agnieszka"): run both
    # One stray Spanish word or accent (a name, "gracias") in an English text does not make it
    # mixed; but any English word in a Spanish text does ("Hi Esperanza, su saldo …"): the
    # English recognizers must read it, so the text is mixed.
    if es <= 1 and en >= 3 or en >= RATIO * es:
        return "en"
    return "mixed"


def includes(language: Language, wanted: Literal["en", "es"]) -> bool:
    """Does a text in ``language`` need ``wanted``'s recognizers?"""
    return language == wanted or language == "mixed"


def primary(text: str) -> Literal["en", "es"]:
    """The one language to answer or notify in: Spanish when Spanish evidence is at least as
    strong as English (a patient who wrote or was written to in Spanish reads Spanish)."""
    es, en = scores(text)
    return "es" if es > 0 and es >= en else "en"
