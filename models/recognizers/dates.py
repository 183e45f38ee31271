"""Dates tied to a person (birth, admission, discharge, death, tests) versus appointment times."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from models.entities import EntityType

DATE_OF_BIRTH = EntityType("DATE_OF_BIRTH", "date of birth", "identifier", True, "A date of birth")
DATE = EntityType("DATE", "date", "identifier", True, "Admission, discharge, death or test date")
APPOINTMENT_DATETIME = EntityType(
    "APPOINTMENT_DATETIME", "appointment time", "administrative", False, "An appointment date/time"
)
AGE_OVER_89 = EntityType("AGE_OVER_89", "age", "identifier", True, "An age of 90 or more")
ENTITIES = (DATE_OF_BIRTH, DATE, APPOINTMENT_DATETIME, AGE_OVER_89)

_DATE = r"\b(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2}))\b"


def recognizers() -> list[EntityRecognizer]:
    dob = PatternRecognizer(
        supported_entity="DATE_OF_BIRTH",
        name="DobRecognizer",
        patterns=[
            Pattern("dob", r"(?i)(?<=\b(?:dob|born|birth)\W{0,3}(?:is\s|on\s)?)" + _DATE, 0.9)
        ],
    )
    age = PatternRecognizer(
        supported_entity="AGE_OVER_89",
        name="AgeOver89Recognizer",
        patterns=[Pattern("age", r"\b(?:9\d|1[01]\d)(?=[- ](?:years?|yrs?|yo)\b)", 0.8)],
    )
    return [dob, age]
