"""Our recognizers: one module per identifier family.

Each module in :data:`MODULES` exposes ``ENTITIES`` (the :class:`~models.entities.EntityType` rows
of the catalogue it can report) and ``recognizers() -> list[EntityRecognizer]``. Adding a family
is one new module plus one line here.
"""

from __future__ import annotations

from types import ModuleType

from presidio_analyzer import EntityRecognizer

from models.recognizers import clinical, contact, dates, ids, location, names

MODULES: tuple[ModuleType, ...] = (names, dates, contact, ids, location, clinical)


def build_all() -> list[EntityRecognizer]:
    """Fresh instances of every recognizer of every family."""
    out: list[EntityRecognizer] = []
    for module in MODULES:
        out.extend(module.recognizers())
    return out
