"""Numbers that identify a person or their records: SSN, MRN, plan, account, licence, …"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

from models.entities import EntityType

US_SSN = EntityType("US_SSN", "SSN", "identifier", True, "A US Social Security number")
MEDICAL_RECORD_NUMBER = EntityType(
    "MEDICAL_RECORD_NUMBER", "record number", "identifier", True, "A medical record number"
)
HEALTH_PLAN_ID = EntityType("HEALTH_PLAN_ID", "member ID", "identifier", True, "A health plan ID")
ACCOUNT_NUMBER = EntityType(
    "ACCOUNT_NUMBER", "account number", "identifier", True, "An account number"
)
LICENSE_NUMBER = EntityType(
    "LICENSE_NUMBER", "licence number", "identifier", True, "A certificate or licence number"
)
VEHICLE_ID = EntityType("VEHICLE_ID", "vehicle ID", "identifier", True, "A VIN or licence plate")
DEVICE_ID = EntityType(
    "DEVICE_ID", "device ID", "identifier", True, "A device identifier or serial"
)
ENTITIES = (
    US_SSN,
    MEDICAL_RECORD_NUMBER,
    HEALTH_PLAN_ID,
    ACCOUNT_NUMBER,
    LICENSE_NUMBER,
    VEHICLE_ID,
    DEVICE_ID,
)


def recognizers() -> list[EntityRecognizer]:
    mrn = PatternRecognizer(
        supported_entity="MEDICAL_RECORD_NUMBER",
        name="MrnRecognizer",
        patterns=[Pattern("mrn", r"(?i)(?<=\bMRN\W{0,3})[A-Z0-9-]{5,12}\b", 0.85)],
    )
    return [UsSsnRecognizer(), mrn]
