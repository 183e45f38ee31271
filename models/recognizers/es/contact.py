"""Phone and fax numbers written Spanish-style.

Mexico: "55 1234 5678", "(55) 1234-5678", "+52 1 55 1234 5678", "044 55 1234 5678";
Spain: "612 34 56 78", "91 123 45 67", "+34 612 345 678"; US numbers written with Spanish cues
("cel. 555 010 2345"). A number is taken when a cue (tel., teléfono, cel., celular, móvil,
WhatsApp, llame/marque/comuníquese al, fax) precedes it, or without one when it has an
international prefix or the grouping of a phone number and 9 to 13 digits. "fax" re-types it.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from models.recognizers.base import Rule, RuleRecognizer, Verdict, before, only_digits
from models.recognizers.es.text import fold

NUMBER = (
    r"(?<![\w+/.\-])(?P<v>(?:\+|00)?(?:\d{1,3}[ \t.\-]?)?(?:\(\d{1,3}\)[ \t.\-]?)?"
    r"\d{1,4}(?:[ \t.\-]\d{2,4}){1,4})(?![\w/]|[.\-]\d)"
)
CUE = regex.compile(
    r"(?:tel[eé]fono|tel[eé]f|tel|tlf|tfno|cel|celular|m[oó]vil|whats\s?app|wa|n[uú]mero|"
    r"llame|llamar|ll[aá]mele|ll[aá]menos|marque|comun[ií]quese|contacto|contactar|fax|"
    r"casa|trabajo|oficina)\b[^\n\d]{0,25}$"
)
FAX = regex.compile(r"\bfax\b[^\n\d]{0,25}$")
# Words right before a number that make it something else (an ID, a postcode, money).
NOT_PHONE = regex.compile(
    r"(?:expediente|afiliado|p[oó]liza|cuenta|factura|folio|cp|c\.p|postal|dni|nie|nss|curp|"
    r"rfc|\$|mxn|usd|eur|pesos|d[oó]lares|receta|lote|serie|orden|pedido|referencia)"
    r"[^\n\d]{0,12}$"
)


def _phone(m: regex.Match[str], text: str) -> Verdict:
    value = m.group("v")
    digits = only_digits(value)
    if not 8 <= len(digits) <= 15:
        return None
    window = fold(before(text, m.start("v"), 40))
    if NOT_PHONE.search(window):
        return None
    cued = CUE.search(window) is not None
    international = value.startswith(("+", "00"))
    grouped = bool(regex.search(r"[ \t.\-()]", value))
    if not (cued or international or (grouped and len(digits) >= 9)):
        return None
    if regex.fullmatch(r"\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}", value):
        return None  # a date
    entity = "FAX_NUMBER" if FAX.search(window) else "PHONE_NUMBER"
    return (entity, 0.85 if cued or international else 0.6)


def recognizers() -> list[EntityRecognizer]:
    r = RuleRecognizer(
        "SpanishPhoneRecognizer",
        ["PHONE_NUMBER", "FAX_NUMBER"],
        [Rule("phone", NUMBER, 0.6, _phone, require=r"\d[ \t.\-)]?\d")],
    )
    r.languages = frozenset({"es"})  # type: ignore[attr-defined]
    return [r]
