"""Places below state level: street addresses, cities, ZIP codes, and facility names."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from models.entities import EntityType

STREET_ADDRESS = EntityType("STREET_ADDRESS", "address", "identifier", True, "A street address")
LOCATION = EntityType("LOCATION", "city", "identifier", True, "A city or town")
ZIP_CODE = EntityType("ZIP_CODE", "ZIP", "identifier", True, "A US ZIP code")
FACILITY = EntityType("FACILITY", "facility", "identifier", True, "A hospital or facility name")
ENTITIES = (STREET_ADDRESS, LOCATION, ZIP_CODE, FACILITY)


def recognizers() -> list[EntityRecognizer]:
    street = PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="StreetAddressRecognizer",
        patterns=[
            Pattern(
                "street",
                r"\b\d{1,6}\s+(?:[A-Z][a-z]+\s){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Dr|Drive|Ln|Lane|Way|Ct|Court)\b\.?",
                0.85,
            )
        ],
        global_regex_flags=0,
    )
    return [street]
