"""Identifiers behind Spanish cue words.

* MEDICAL_RECORD_NUMBER: expediente, exp., historia clínica, HC, NHC, número de historia,
  registro, número de paciente, folio de paciente;
* HEALTH_PLAN_ID: número de afiliado / afiliación, afiliado, póliza, seguro (médico), Medicaid,
  Medi-Cal, Medicare, CHIP, número de miembro, asegurado, tarjeta sanitaria, CIP, TSI, IMSS, NSS
  (a Spanish or Mexican social security number is the health insurer's number);
* US_SSN: seguro social / número de seguro social (the US SSN, as US clinics write it in
  Spanish);
* ACCOUNT_NUMBER: cuenta, factura, recibo, folio, referencia de pago;
* LICENSE_NUMBER: DNI, NIE, NIF, CURP, RFC, pasaporte, licencia (de conducir), cédula, número de
  colegiado / nº col.
The value is the run after the cue and its filler words ("es", "número", "nº", ":", "#").
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from models.recognizers.base import Rule, RuleRecognizer, Verdict

_FILL = (
    r"(?:[ \t]*(?:[:#=\-]|n[úu]m\.?|n[úu]mero|no\.|n\.?[ºo°]\.?|es|era|de|del|su|el|la|"
    r"actual|nuevo|nueva|m[ée]dic[oa]|sanitari[oa]|de[ \t]+salud|de[ \t]+afiliaci[óo]n|"
    r"de[ \t]+afiliado|de[ \t]+miembro|de[ \t]+identificaci[óo]n|id)[ \t]*){0,4}"
)
_VALUE = (
    r"(?P<v>(?=[A-Z0-9\-./ ]*\d)[A-Z0-9](?:[A-Z0-9]|[\-./][A-Z0-9]|[ \t](?=\d{2,})\d){3,29})"
    r"(?![\w\-])"
)
CUES: dict[str, str] = {
    "MEDICAL_RECORD_NUMBER": (
        r"expediente|exp\.|historia[ \t]+cl[íi]nica|n\.?h\.?c\.?|h\.c\.|hc|"
        r"n[úu]mero[ \t]+de[ \t]+historia|registro|n[úu]mero[ \t]+de[ \t]+paciente|"
        r"folio[ \t]+de[ \t]+paciente|mrn|episodio"
    ),
    "HEALTH_PLAN_ID": (
        r"afiliad[oa]|afiliaci[óo]n|p[óo]liza|seguro(?![ \t]+social)|medicaid|medi-?cal|"
        r"medicare|chip|miembro|asegurad[oa]|tarjeta[ \t]+sanitaria|cip|tsi|imss|issste|nss|nass|"
        r"n[úu]mero[ \t]+de[ \t]+la[ \t]+seguridad[ \t]+social|seguridad[ \t]+social|"
        r"plan|cobertura|grupo"
    ),
    "US_SSN": r"seguro[ \t]+social",
    "ACCOUNT_NUMBER": (
        r"cuenta|factura|recibo|folio|referencia(?:[ \t]+de[ \t]+pago)?|n[úu]mero[ \t]+de"
        r"[ \t]+cliente|estado[ \t]+de[ \t]+cuenta"
    ),
    "LICENSE_NUMBER": (
        r"dni|nie|nif|curp|rfc|pasaporte|licencia(?:[ \t]+de[ \t]+conducir)?|c[ée]dula|"
        r"colegiad[oa]|n\.?[ºo°][ \t]*col\.?|matr[íi]cula|identificaci[óo]n|ine|credencial"
    ),
}


def _check(m: regex.Match[str], text: str) -> Verdict:
    v = m.group("v")
    digits = sum(c.isdigit() for c in v)
    if digits < 4:
        return None
    return 0.85


def recognizers() -> list[EntityRecognizer]:
    rules = [
        Rule(
            f"cue_{entity.lower()}",
            r"(?<![\w])(?:" + cue + r")" + _FILL + r"[ \t]*" + _VALUE,
            0.85,
            _check,
            entity=entity,
            flags=regex.IGNORECASE,
            require=r"\d\d",  # every identifier has digits: most texts skip these patterns
        )
        for entity, cue in CUES.items()
    ]
    r = RuleRecognizer("SpanishIdRecognizer", list(CUES), rules)
    r.languages = frozenset({"es"})  # type: ignore[attr-defined]
    return [r]
