"""Spanish recognizers: the same entity types and the same policy as the English ones.

Each module of :data:`MODULES` exposes ``recognizers()``; every recognizer here carries
``languages = {"es"}``, so the detector runs it on texts :mod:`models.language` reads as Spanish
or mixed (and not on English ones). They report the entity types the English families declare
(:mod:`models.recognizers`), so a policy rule for PERSON or CONDITION covers both languages.
"""

from __future__ import annotations

from types import ModuleType

from presidio_analyzer import EntityRecognizer

from models.recognizers.es import clinical, contact, dates, fields, ids, location, names

MODULES: tuple[ModuleType, ...] = (names, dates, contact, ids, location, clinical, fields)


def recognizers() -> list[EntityRecognizer]:
    out: list[EntityRecognizer] = []
    for module in MODULES:
        out.extend(module.recognizers())
    return out
