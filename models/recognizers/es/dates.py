"""Spanish dates and ages: birth dates, other dates of a person, appointments (administrative).

Forms: "14 de marzo de 1962", "el martes 5 de mayo a las 3:15 p. m.", "1o. de mayo", "mar 14,
1962", "14-mar-1962", "marzo de 1962", and numeric dates (14/03/1962) with a Spanish cue.

Numeric dates, the documented rule: in Spanish text a numeric date is read day first (D/M/Y,
the convention in Spain and Latin America); when that is impossible (03/14/1962) it is read
month first. The order only decides whether the value is a date at all — a value that is a
date either way is treated as one, so "05/04/1962" after "nacimiento" is removed whichever
order the writer meant.

What kind of date it is, from the words before it (nearest cue wins):
* birth cues (nacimiento, nació, f. nac., FDN, cumpleaños) → DATE_OF_BIRTH;
* person-date cues (ingreso, alta, egreso, cirugía, operación, falleció, diagnóstico, desde,
  accidente, parto, vacuna, último periodo/FUM) → DATE;
* appointment cues (cita, consulta, a las, próximo, recuerde, programada, le esperamos,
  vacunación, horario) or a clock time right after → APPOINTMENT_DATETIME (administrative);
* no cue: a date with a year before 2020 is a person's date; otherwise an appointment at 0.5.

Ages: "92 años", "edad: 95" → AGE_OVER_89 when 90 or more.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from models.recognizers.base import Rule, RuleRecognizer, Verdict, before
from models.recognizers.es.text import fold

MONTHS = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.?"
)
WEEKDAYS = r"(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)"
_TIME = (
    r"(?:[ \t]*,?[ \t]*(?:a[ \t]+las?|a[ \t]+la|de[ \t]+las?|desde[ \t]+las?|para[ \t]+las?|"
    r"@|-|a[ \t]+eso[ \t]+de[ \t]+las?)?[ \t]*\d{1,2}(?:[:.h]\d{2})?[ \t]*"
    r"(?:a\.?[ \t]?m\.?|p\.?[ \t]?m\.?|hrs?\.?|h\b|horas|de[ \t]+la[ \t]+(?:mañana|tarde|noche))"
    r"|[ \t]*,?[ \t]*(?:a[ \t]+las?|a[ \t]+la)[ \t]+\d{1,2}(?:[:.]\d{2})?)"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:o\.?|º|°)?"
YEAR = r"(?:19|20)\d{2}"
_WEEKDAY_PREFIX = r"(?:el[ \t]+)?(?:(?:pr[óo]ximo[ \t]+)?" + WEEKDAYS + r"[ \t]*,?[ \t]+)?"
LONG_DATE = (
    r"(?<![\w])(?P<v>"
    + _WEEKDAY_PREFIX
    + DAY
    + r"[ \t]+de[ \t]+"
    + MONTHS
    + r"(?:[ \t]+(?:de|del)[ \t]+"
    + YEAR
    + r"|[ \t]*,?[ \t]+"
    + YEAR
    + r")?"
    + r"(?P<t>"
    + _TIME
    + r")?)(?![\w])"
)
DAY_MONTH = (
    r"(?<![\w])(?P<v>"
    + _WEEKDAY_PREFIX
    + DAY
    + r"[ \t]*[-/ ][ \t]*"
    + MONTHS
    + r"(?:[ \t]*[-/ ][ \t]*"
    + YEAR
    + r")(?P<t>"
    + _TIME
    + r")?)(?![\w])"
)
MONTH_FIRST = (
    r"(?<![\w])(?P<v>"
    + MONTHS
    + r"[ \t]+"
    + DAY
    + r"(?:[ \t]*,[ \t]*|[ \t]+(?:de[ \t]+)?)"
    + YEAR
    + r"(?P<t>"
    + _TIME
    + r")?)(?![\w])"
)
MONTH_YEAR = r"(?<![\w])(?P<v>" + MONTHS + r"[ \t]+(?:(?:de|del)[ \t]+)?" + YEAR + r")(?![\w])"
NUMERIC = (
    r"(?<![\w/.\-])(?P<v>(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>(?:19|20)?\d{2})"
    r"(?P<t>" + _TIME + r")?)(?![\w/]|[.\-]\d)"
)
# "el martes a las 3:15 p. m.", "mañana a las 10": an appointment time without a date.
WEEKDAY_TIME = (
    r"(?<![\w])(?P<v>(?:el[ \t]+)?(?:pr[óo]ximo[ \t]+)?(?:"
    + WEEKDAYS
    + r"|mañana|hoy|pasado[ \t]+mañana)"
    + _TIME
    + r")(?![\w])"
)
AGE = (
    r"(?<![\w.])(?P<v>(?:9\d|1[01]\d))[ \t]*(?:años|anos|añitos)(?:[ \t]+de[ \t]+edad)?(?![\w])"
    r"|(?:edad|tiene|cumple|cumplió|cumplio)[ \t:]*(?:de[ \t]+)?(?P<v>(?:9\d|1[01]\d))(?![\w])"
)

BIRTH_CUES = (
    "nacimiento",
    "nacio",
    "naci ",
    "nac.",
    "f nac",
    "fdn",
    "f.d.n",
    "cumpleanos",
    "cumple ",
    "fecha de nac",
    "dob",
    "nacida",
    "nacido",
)
PERSON_CUES = (
    "ingreso",
    "ingresa",
    "alta",
    "egreso",
    "cirugia",
    "operacion",
    "operado",
    "operada",
    "fallecio",
    "fallecimiento",
    "defuncion",
    "diagnostic",
    "desde el",
    "desde",
    "accidente",
    "parto",
    "vacuna ",
    "ultima regla",
    "fum",
    "ultimo periodo",
    "internad",
    "hospitalizad",
    "intervenid",
    "fecha de",
    "el dia",
    "caida",
    "lesion",
    "dio a luz",
    "trasplante",
    "biopsia",
)
APPOINTMENT_CUES = (
    "cita",
    "consulta",
    "turno",
    "proxim",
    "recuerde",
    "recordatorio",
    "programad",
    "agendad",
    "le esperamos",
    "lo esperamos",
    "la esperamos",
    "horario",
    "cerrad",
    "abierto",
    "reabre",
    "a partir del",
    "campana",
    "vacunacion",
    "visita",
    "reprogram",
    "confirm",
    "vence",
    "antes del",
    "pago",
    "recoger",
    "disponible",
)


# Person-date cues that are as often what an appointment is for ("su cirugía es el 3 de mayo
# a las 9"): with a clock time the date is the appointment.
PROCEDURE_CUES = frozenset(
    {"cirugia", "operacion", "biopsia", "trasplante", "parto", "vacuna ", "intervenid"}
)


def _kind(text: str, start: int, timed: bool, year: int | None) -> Verdict:
    window = fold(before(text, start, 45))
    best: tuple[int, str] | None = None
    for cues, typ in (
        (BIRTH_CUES, "DATE_OF_BIRTH"),
        (PERSON_CUES, "DATE"),
        (APPOINTMENT_CUES, "APPOINTMENT_DATETIME"),
    ):
        for c in cues:
            if timed and c in PROCEDURE_CUES:
                continue
            at = window.rfind(c)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, typ)
    if best is not None:
        typ = best[1]
        if typ == "APPOINTMENT_DATETIME" and year is not None and year < 2020:
            return ("DATE", 0.6)  # "su cita … en 1998"? a past year is a person's date
        score = {"DATE_OF_BIRTH": 0.9, "DATE": 0.8, "APPOINTMENT_DATETIME": 0.85}[typ]
        return (typ, score)
    if timed:
        return ("APPOINTMENT_DATETIME", 0.7)
    if year is not None and year < 2020:
        return ("DATE", 0.65)
    return ("APPOINTMENT_DATETIME", 0.5)


def _year(m: regex.Match[str]) -> int | None:
    found = regex.search(r"(?:19|20)\d{2}", m.group("v"))
    return int(found.group()) if found else None


def _named(m: regex.Match[str], text: str) -> Verdict:
    return _kind(text, m.start("v"), bool(m.group("t")), _year(m))


def _month_year(m: regex.Match[str], text: str) -> Verdict:
    typ, score = _kind(text, m.start("v"), False, _year(m))  # type: ignore[misc]
    return None if typ == "APPOINTMENT_DATETIME" else (typ, score)


def _numeric(m: regex.Match[str], text: str) -> Verdict:
    a, b = int(m.group("a")), int(m.group("b"))
    day_first = 1 <= a <= 31 and 1 <= b <= 12
    month_first = 1 <= a <= 12 and 1 <= b <= 31
    if not (day_first or month_first):
        return None
    y = m.group("y")
    year = int(y) if len(y) == 4 else (1900 + int(y) if int(y) > 30 else 2000 + int(y))
    typ, score = _kind(text, m.start("v"), bool(m.group("t")), year)  # type: ignore[misc]
    window = fold(before(text, m.start("v"), 45))
    cued = any(c in window for c in APPOINTMENT_CUES)
    if typ == "APPOINTMENT_DATETIME" and not cued and not m.group("t"):
        return ("DATE", 0.55)  # a bare numeric date in Spanish text: a person's, to be safe
    return (typ, score)


def _weekday_time(m: regex.Match[str], text: str) -> Verdict:
    return ("APPOINTMENT_DATETIME", 0.8)


def _age(m: regex.Match[str], text: str) -> Verdict:
    return ("AGE_OVER_89", 0.85)


def recognizers() -> list[EntityRecognizer]:
    r = RuleRecognizer(
        "SpanishDateRecognizer",
        ["DATE", "DATE_OF_BIRTH", "APPOINTMENT_DATETIME", "AGE_OVER_89"],
        [
            Rule(
                "long_date",
                LONG_DATE,
                0.8,
                _named,
                require=r"ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic",
            ),
            Rule(
                "day_month",
                DAY_MONTH,
                0.8,
                _named,
                require=r"ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic",
            ),
            Rule(
                "month_first",
                MONTH_FIRST,
                0.8,
                _named,
                require=r"ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic",
            ),
            Rule(
                "month_year",
                MONTH_YEAR,
                0.6,
                _month_year,
                require=r"ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic",
            ),
            Rule("numeric", NUMERIC, 0.7, _numeric, require=r"\d[/.\-]\d"),
            Rule("weekday_time", WEEKDAY_TIME, 0.8, _weekday_time, require=r"\d"),
            Rule("age", AGE, 0.85, _age, require=r"\d\d"),
        ],
    )
    r.languages = frozenset({"es"})  # type: ignore[attr-defined]
    return [r]
