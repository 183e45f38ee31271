"""Our recognizers: one module per identifier family.

Each module in :data:`MODULES` exposes ``ENTITIES`` (the :class:`~models.entities.EntityType` rows
of the catalogue it can report) and ``recognizers() -> list[EntityRecognizer]``. Adding a family
is one new module plus one line here.
"""

from __future__ import annotations

from types import ModuleType

from presidio_analyzer import EntityRecognizer

from models.recognizers import clinical, contact, dates, es, ids, location, names

MODULES: tuple[ModuleType, ...] = (names, dates, contact, ids, location, clinical)
# Other languages' recognizers (models/recognizers/es): they report the types MODULES declare,
# under the same policy; each says which languages it reads (``languages``).
LANGUAGE_PACKS: tuple[ModuleType, ...] = (es,)
# Recognizers that read English only (cue words, capitalisation rules): a text that
# models.language reads as Spanish skips them, and models.recognizers.es covers it instead.
# Every other recognizer runs on every text; each Spanish one says ``languages = {"es"}``.
ENGLISH_ONLY: tuple[type[EntityRecognizer], ...] = (names.PatientNameRecognizer,)


def build_all() -> list[EntityRecognizer]:
    """Fresh instances of every recognizer of every family."""
    out: list[EntityRecognizer] = []
    for module in (*MODULES, *LANGUAGE_PACKS):
        out.extend(module.recognizers())
    for r in out:
        if isinstance(r, ENGLISH_ONLY):
            r.languages = frozenset({"en"})  # type: ignore[attr-defined]
    return out
