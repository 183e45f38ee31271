"""People: patients and relatives (PHI) versus titled providers (administrative, may stay)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from models.entities import EntityType

PERSON = EntityType("PERSON", "name", "identifier", True, "A patient's or relative's name")
PROVIDER_NAME = EntityType(
    "PROVIDER_NAME",
    "provider",
    "administrative",
    False,
    "A clinician's name with a title (Dr., NP)",
)
ENTITIES = (PERSON, PROVIDER_NAME)


def recognizers() -> list[EntityRecognizer]:
    titled = PatternRecognizer(
        supported_entity="PROVIDER_NAME",
        name="TitledProviderRecognizer",
        patterns=[
            Pattern(
                "title+surname",
                r"\b(?:Dr|Doctor|NP|PA|RN)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?",
                0.9,
            )
        ],
        global_regex_flags=0,
    )
    return [SpacyRecognizer(supported_entities=["PERSON"]), titled]
