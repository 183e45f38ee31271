"""Labelled fields of Spanish forms and reports: "Nombre: Ernesto.", "Apellidos: Rivera Bueno.",
"Médico: Ignacio Navarro Cuéllar", "Localidad/ Provincia: Madrid.", "Domicilio: Calle …",
"NASS: 26 63514095". A label at the start of a line (or after a full stop) followed by a colon
makes the rest of the line, up to a full stop, the value; an empty or all-lower-case value is
not taken (a name or place is capitalised; an address has a number).
"""

from __future__ import annotations

from collections.abc import Callable

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models.recognizers.base import Rule, RuleRecognizer, Verdict

_START = r"(?:^|(?<=\n)|(?<=\.[ \t]))[ \t]*"
_VALUE = (
    r"[ \t]*:[ \t]*(?P<v>[^\n:]{1,80}?)[ \t]*"
    r"(?=\.?[ \t]*(?:\n|$)|\.[ \t]+[A-ZÁÉÍÓÚÑ]|[ \t]{2,}|[ \t]+[A-ZÁÉÍÓÚÑ][\wº°./]*[ \t]*:)"
)
FIELDS: dict[str, str] = {
    "PERSON": (
        r"(?i:nombre(?:[ \t]+y[ \t]+apellidos)?|apellidos?|nombre[ \t]+del[ \t]+paciente|"
        r"paciente|m[ée]dic[oa](?:[ \t]+responsable)?|facultativo|responsable|firmado|"
        r"atendido[ \t]+por|remitido[ \t]+por|enfermer[oa]|tutor|familiar|contacto)"
    ),
    "LOCATION": (
        r"(?i:localidad(?:[ \t]*/[ \t]*provincia)?|provincia|municipio|ciudad|poblaci[óo]n|"
        r"lugar[ \t]+de[ \t]+nacimiento|lugar[ \t]+de[ \t]+residencia|residencia|estado|"
        r"colonia|barrio)"
    ),
    "STREET_ADDRESS": r"(?i:domicilio|direcci[óo]n|calle)",
    "HEALTH_PLAN_ID": (
        r"(?i:nass|nss|n[ºo°][ \t]*ss|n[úu]mero[ \t]+de[ \t]+la[ \t]+seguridad[ \t]+social|"
        r"cip|tarjeta[ \t]+sanitaria|p[óo]liza|n[úu]mero[ \t]+de[ \t]+afiliaci[óo]n)"
    ),
}


# A person field's value is a name: capitalised words and particles, after an optional title,
# up to the first word that is not a name ("Dr. Ana Ruiz Servicio de Urología" → "Ana Ruiz").
_NAME_WORD = (
    r"(?!(?:Servicio|Hospital|Unidad|Departamento|Centro|Cl[íi]nica|Secci[óo]n|NoCol|Col|"
    r"Colegiado|Especialidad|Edad|Sexo|Fecha|NHC|NASS|CIP|Dr|Dra|Doctor|Doctora|Sr|Sra|Srta|"
    r"NAME|LOCATION|ADDRESS)\b)[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’\-]+"
)
_PERSON_VALUE = (
    r"[ \t]*:[ \t]*(?:(?i:dr|dra|dña|sr|sra|srta|doctor|doctora)\.?[ \t]*)?(?P<v>"
    + _NAME_WORD
    + r"(?:[ \t]+(?:(?:de|del|la|las|los|y|e)[ \t]+)*"
    + _NAME_WORD
    + r"){0,5})"
    r"(?![\wáéíóúñü])"
)


def _check(entity: str) -> Callable[[regex.Match[str], str], Verdict]:
    def check(m: regex.Match[str], text: str) -> Verdict:
        v = m.group("v").strip(" .,;")
        if not v or "[" in v or "]" in v or "*" in v:
            return None  # empty, or already de-identified ("[NAME]", "280**")
        if entity in ("PERSON", "LOCATION") and not any(c.isupper() for c in v):
            return None
        if entity in ("STREET_ADDRESS", "HEALTH_PLAN_ID") and not any(c.isdigit() for c in v):
            return None
        return (entity, 0.85)

    return check


class SpanishFieldRecognizer(RuleRecognizer):
    """The field rules, plus every other mention of a name a field gave: a name written as a
    patient's ("Médico: María Merino") is removed wherever it is written again, titled or not
    ("Remitido por: Dra. María Merino"), at a score above the titled-provider finding's."""

    languages = frozenset({"es"})

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts)
        names = {
            text[r.start : r.end].strip()
            for r in found
            if r.entity_type == "PERSON" and len(text[r.start : r.end].strip()) > 3
        }
        extra = []
        for name in names:
            for m in regex.finditer(r"(?<!\w)" + regex.escape(name) + r"(?!\w)", text):
                extra.append(self.result("PERSON", m.start(), m.end(), 0.95, "field_mention"))
        return found + extra


def recognizers() -> list[EntityRecognizer]:
    rules = [
        Rule(
            f"field_{e.lower()}",
            _START + label + (_PERSON_VALUE if e == "PERSON" else _VALUE),
            0.85,
            _check(e),
            flags=0,
            entity=e,
            require=r":",
        )
        for e, label in FIELDS.items()
    ]
    return [SpanishFieldRecognizer("SpanishFieldRecognizer", list(FIELDS), rules)]
