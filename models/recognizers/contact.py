"""Ways to reach a person: phone and fax numbers, email addresses, URLs, IP addresses."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
)

from models.entities import EntityType

PHONE_NUMBER = EntityType("PHONE_NUMBER", "phone number", "identifier", True, "A telephone number")
FAX_NUMBER = EntityType("FAX_NUMBER", "fax number", "identifier", True, "A fax number")
EMAIL_ADDRESS = EntityType("EMAIL_ADDRESS", "email", "identifier", True, "An email address")
URL = EntityType("URL", "link", "identifier", True, "A web address tied to a person")
IP_ADDRESS = EntityType("IP_ADDRESS", "IP address", "identifier", True, "An IP address")
ENTITIES = (PHONE_NUMBER, FAX_NUMBER, EMAIL_ADDRESS, URL, IP_ADDRESS)


def recognizers() -> list[EntityRecognizer]:
    return [
        PhoneRecognizer(supported_regions=("US",)),
        EmailRecognizer(),
        UrlRecognizer(),
        IpRecognizer(),
    ]
