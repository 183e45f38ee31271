"""The entity types detection can report, as data: name, redaction label, family.

One keyword-argument row per type, and no registration at import: the policy and the anonymizer
look types up here without importing any recognizer (or spaCy). A recognizer module names the
types it emits (its ``ENTITIES``) from this catalogue; a test checks the two agree. Adding a type
is one row here plus the recognizer that emits it.
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


# names (models.recognizers.names)
PERSON = EntityType(
    name="PERSON",
    label="name",
    family="identifier",
    safe_harbor=True,
    description="A patient's or relative's name",
)
PROVIDER_NAME = EntityType(
    name="PROVIDER_NAME",
    label="provider",
    family="administrative",
    safe_harbor=False,
    description="A clinician's name with a title (Dr., NP)",
)
# dates (models.recognizers.dates)
DATE_OF_BIRTH = EntityType(
    name="DATE_OF_BIRTH",
    label="date of birth",
    family="identifier",
    safe_harbor=True,
    description="A date of birth",
)
DATE = EntityType(
    name="DATE",
    label="date",
    family="identifier",
    safe_harbor=True,
    description="Admission, discharge, death or test date",
)
APPOINTMENT_DATETIME = EntityType(
    name="APPOINTMENT_DATETIME",
    label="appointment time",
    family="administrative",
    safe_harbor=False,
    description="An appointment date/time",
)
AGE_OVER_89 = EntityType(
    name="AGE_OVER_89",
    label="age",
    family="identifier",
    safe_harbor=True,
    description="An age of 90 or more",
)
# contact (models.recognizers.contact)
PHONE_NUMBER = EntityType(
    name="PHONE_NUMBER",
    label="phone number",
    family="identifier",
    safe_harbor=True,
    description="A telephone number",
)
FAX_NUMBER = EntityType(
    name="FAX_NUMBER",
    label="fax number",
    family="identifier",
    safe_harbor=True,
    description="A fax number",
)
EMAIL_ADDRESS = EntityType(
    name="EMAIL_ADDRESS",
    label="email",
    family="identifier",
    safe_harbor=True,
    description="An email address",
)
URL = EntityType(
    name="URL",
    label="link",
    family="identifier",
    safe_harbor=True,
    description="A web address tied to a person",
)
IP_ADDRESS = EntityType(
    name="IP_ADDRESS",
    label="IP address",
    family="identifier",
    safe_harbor=True,
    description="An IP address",
)
# ids (models.recognizers.ids)
US_SSN = EntityType(
    name="US_SSN",
    label="SSN",
    family="identifier",
    safe_harbor=True,
    description="A US Social Security number",
)
MEDICAL_RECORD_NUMBER = EntityType(
    name="MEDICAL_RECORD_NUMBER",
    label="record number",
    family="identifier",
    safe_harbor=True,
    description="A medical record number",
)
HEALTH_PLAN_ID = EntityType(
    name="HEALTH_PLAN_ID",
    label="member ID",
    family="identifier",
    safe_harbor=True,
    description="A health plan ID",
)
ACCOUNT_NUMBER = EntityType(
    name="ACCOUNT_NUMBER",
    label="account number",
    family="identifier",
    safe_harbor=True,
    description="An account number",
)
LICENSE_NUMBER = EntityType(
    name="LICENSE_NUMBER",
    label="licence number",
    family="identifier",
    safe_harbor=True,
    description="A certificate or licence number",
)
VEHICLE_ID = EntityType(
    name="VEHICLE_ID",
    label="vehicle ID",
    family="identifier",
    safe_harbor=True,
    description="A VIN or licence plate",
)
DEVICE_ID = EntityType(
    name="DEVICE_ID",
    label="device ID",
    family="identifier",
    safe_harbor=True,
    description="A device identifier or serial",
)
# location (models.recognizers.location)
STREET_ADDRESS = EntityType(
    name="STREET_ADDRESS",
    label="address",
    family="identifier",
    safe_harbor=True,
    description="A street address",
)
LOCATION = EntityType(
    name="LOCATION",
    label="city",
    family="identifier",
    safe_harbor=True,
    description="A city or town",
)
ZIP_CODE = EntityType(
    name="ZIP_CODE",
    label="ZIP",
    family="identifier",
    safe_harbor=True,
    description="A US ZIP code",
)
FACILITY = EntityType(
    name="FACILITY",
    label="facility",
    family="identifier",
    safe_harbor=True,
    description="A hospital or facility name",
)
# clinical (models.recognizers.clinical)
CONDITION = EntityType(
    name="CONDITION",
    label="condition",
    family="clinical",
    safe_harbor=False,
    description="A condition or diagnosis",
)
MEDICATION = EntityType(
    name="MEDICATION",
    label="medication",
    family="clinical",
    safe_harbor=False,
    description="A medication",
)
LAB_RESULT = EntityType(
    name="LAB_RESULT",
    label="test result",
    family="clinical",
    safe_harbor=False,
    description="A test name with a result",
)
PROCEDURE = EntityType(
    name="PROCEDURE",
    label="procedure",
    family="clinical",
    safe_harbor=False,
    description="A procedure",
)
CLINICAL_DEPARTMENT = EntityType(
    name="CLINICAL_DEPARTMENT",
    label="clinic",
    family="clinical",
    safe_harbor=False,
    description="A clinic or department revealing a condition",
)

#: every built-in type, in a fixed order (the recognizer families' order, then each family's)
CATALOGUE: dict[str, EntityType] = {
    t.name: t
    for t in (
        PERSON,
        PROVIDER_NAME,
        DATE_OF_BIRTH,
        DATE,
        APPOINTMENT_DATETIME,
        AGE_OVER_89,
        PHONE_NUMBER,
        FAX_NUMBER,
        EMAIL_ADDRESS,
        URL,
        IP_ADDRESS,
        US_SSN,
        MEDICAL_RECORD_NUMBER,
        HEALTH_PLAN_ID,
        ACCOUNT_NUMBER,
        LICENSE_NUMBER,
        VEHICLE_ID,
        DEVICE_ID,
        STREET_ADDRESS,
        LOCATION,
        ZIP_CODE,
        FACILITY,
        CONDITION,
        MEDICATION,
        LAB_RESULT,
        PROCEDURE,
        CLINICAL_DEPARTMENT,
    )
}


def get(name: str) -> EntityType:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"unknown entity type {name!r}") from None


def all_types() -> dict[str, EntityType]:
    """Every built-in type (a copy: callers may add their own)."""
    return dict(CATALOGUE)


def is_known(name: str) -> bool:
    return name in CATALOGUE
