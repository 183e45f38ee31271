"""Word scanning shared by the Spanish recognizers: Unicode words, accent folding, stop words."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

import regex

from models.language import ENGLISH_WORDS, SPANISH_WORDS

WORD = regex.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
UPPER = "A-ZÁÉÍÓÚÑÜ"
LOWER = "a-záéíóúñü"


class Tok(NamedTuple):
    text: str
    low: str  # lower case, accents kept
    key: str  # lower case, accents stripped
    start: int
    end: int


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lower case without accents ("Médico" → "medico"); ñ stays ñ."""
    out = []
    for ch in s.lower():
        if ch == "ñ":
            out.append(ch)
            continue
        out.append(
            "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        )
    return "".join(out)


@lru_cache(maxsize=2048)
def tokens(text: str) -> tuple[Tok, ...]:
    return tuple(
        Tok(m.group(), m.group().lower(), fold(m.group()), m.start(), m.end())
        for m in WORD.finditer(text)
    )


def is_cap(t: Tok, all_caps: bool) -> bool:
    """Written like a name: capitalised (in an all-caps text, any word of 2+ letters)."""
    if all_caps:
        return t.text.isupper() and len(t.text) >= 2
    return t.text[:1].isupper() and not (t.text.isupper() and len(t.text) > 3)


def all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.8


# Words that are never part of a person's name, whatever their case (folded).
_STOP_EXTRA = """
    hola buenos buenas dias tardes noches estimado estimada estimados querido querida
    saludos gracias felicidades atentamente recordatorio aviso importante urgente nota
    cita citas clinica consultorio hospital centro medico medica doctor doctora dra dr
    enfermera enfermero farmacia laboratorio departamento servicio unidad equipo paciente
    pacientes familia familiares todos todas usted ustedes senor senora senorita sr sra srta
    don dona dña lic licenciado licenciada ing prof profesor profesora
    calle avenida av avda colonia col cp numero telefono celular correo portal mensaje
    favor responda llame confirme lunes martes miercoles jueves viernes sabado domingo
    enero febrero marzo abril junio julio agosto septiembre setiembre octubre noviembre
    diciembre hoy manana ayer san santa santo los las el la del de y e o u en con para por
    su sus mi tu nuestro nuestra ciudad estado municipio condado mexico espana
    seguro poliza expediente resultados resultado salud ok si no
    feliz cumpleanos navidad pascua bienvenido bienvenida
    lakeview health clinic
    """
STOP = frozenset(_STOP_EXTRA.split()) | {fold(w) for w in SPANISH_WORDS} | ENGLISH_WORDS
# Name particles: inside a name, between two name words ("María de la Luz", "Ortiz y Pino").
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "van", "von", "di"})
