"""The entity types detection can report, as data: name, redaction label, family.

A recognizer module declares the entity types it emits by calling :func:`register`; the policy and
the anonymizer look types up here, so adding a type is one recognizer module plus its registration
in :mod:`models.recognizers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Family = Literal["identifier", "clinical", "administrative"]


@dataclass(frozen=True, slots=True)
class EntityType:
    """One kind of thing detection can find.

    ``label`` is the natural-language placeholder used when it is redacted (``[name]``).
    ``family`` groups types for policy defaults: Safe Harbor identifiers, clinical detail, or
    administrative detail that may stay (appointment times, titled providers).
    ``safe_harbor`` marks the 18 HIPAA identifiers that de-identification must always remove.
    """

    name: str
    label: str
    family: Family
    safe_harbor: bool
    description: str


_REGISTRY: dict[str, EntityType] = {}


def register(*types: EntityType) -> None:
    """Add entity types; the same definition twice is fine, a conflicting one is a bug."""
    for t in types:
        known = _REGISTRY.get(t.name)
        if known is not None and known != t:
            raise ValueError(f"entity type {t.name!r} registered twice with different definitions")
        _REGISTRY[t.name] = t


def get(name: str) -> EntityType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown entity type {name!r}") from None


def all_types() -> dict[str, EntityType]:
    """Every registered type (importing :mod:`models.recognizers` registers the built-in ones)."""
    import models.recognizers  # noqa: F401  (registration side effect)

    return dict(_REGISTRY)


def is_known(name: str) -> bool:
    all_types()
    return name in _REGISTRY
