"""Clinical detail: conditions, medications, test results, procedures, revealing departments."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, PatternRecognizer

from models.entities import EntityType

CONDITION = EntityType("CONDITION", "condition", "clinical", False, "A condition or diagnosis")
MEDICATION = EntityType("MEDICATION", "medication", "clinical", False, "A medication")
LAB_RESULT = EntityType("LAB_RESULT", "test result", "clinical", False, "A test name with a result")
PROCEDURE = EntityType("PROCEDURE", "procedure", "clinical", False, "A procedure")
CLINICAL_DEPARTMENT = EntityType(
    "CLINICAL_DEPARTMENT",
    "clinic",
    "clinical",
    False,
    "A clinic or department revealing a condition",
)
ENTITIES = (CONDITION, MEDICATION, LAB_RESULT, PROCEDURE, CLINICAL_DEPARTMENT)


def recognizers() -> list[EntityRecognizer]:
    return [
        PatternRecognizer(
            supported_entity="CONDITION", deny_list=["diabetes", "HIV", "cancer", "depression"]
        ),
        PatternRecognizer(
            supported_entity="MEDICATION", deny_list=["metformin", "insulin", "lisinopril"]
        ),
        PatternRecognizer(
            supported_entity="CLINICAL_DEPARTMENT", deny_list=["oncology", "psychiatry"]
        ),
    ]
