"""Street addresses, cities, ZIP codes and facilities."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("lives at 123 Main St Apt 4B now", "123 Main St Apt 4B"),
        ("pickup at 72 N Lilac Terrace, Chattanooga", "72 N Lilac Terrace"),
        ("ship to 47236 bayberry dr #12 please", "47236 bayberry dr #12"),
        ("mail to PO Box 9759 today", "PO Box 9759"),
        ("ship it to 500 Elm Street, Suite 200 today", "500 Elm Street, Suite 200"),
    ],
)
def test_street_addresses(detector: Detector, text: str, value: str) -> None:
    assert ("STREET_ADDRESS", value) in spans(detector, text)


def test_city_state_zip(detector: Detector) -> None:
    found = spans(detector, "moved to Springfield, IL 62704 last week")
    assert ("LOCATION", "Springfield") in found
    assert ("ZIP_CODE", "62704") in found
    assert not any(v == "IL" for _, v in found)  # the state may stay


def test_city_state_zip_without_comma(detector: Detector) -> None:
    found = spans(detector, "27775 NW Mill Dr\nDuluth MN 55802")
    assert ("LOCATION", "Duluth") in found
    assert ("ZIP_CODE", "55802") in found


@pytest.mark.parametrize(
    "text,value",
    [
        ("r u still in tulsa? we need ur new zip", "tulsa"),
        ("Patients in San Diego can use our van", "San Diego"),
    ],
)
def test_cities(detector: Detector, text: str, value: str) -> None:
    assert ("LOCATION", value) in spans(detector, text)


@pytest.mark.parametrize(
    "text,value", [("zip 04592 please", "04592"), ("ZIP+4 62704-1234", "62704-1234")]
)
def test_zip_codes(detector: Detector, text: str, value: str) -> None:
    assert ("ZIP_CODE", value) in spans(detector, text)


def test_clinic_premises_may_stay(detector: Detector) -> None:
    text = "Your visit is at our Eastside office, 1200 Commerce Pkwy, Suite 4."
    assert not any(t == "STREET_ADDRESS" for t, _ in spans(detector, text))


def test_facility(detector: Detector) -> None:
    text = "Transfer to Granite Peak Psychiatric Hospital tomorrow"
    assert ("FACILITY", "Granite Peak Psychiatric Hospital") in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Please call the clinic if you need help.",
        "Take 2 tablets by mouth twice a day.",
        "Mobile check-in is available.",
        "Your hospital bill is ready.",
    ],
)
def test_no_places_in_plain_text(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set()


@pytest.mark.parametrize(
    "text,kind,value",
    [
        (
            "for Thaddeus Rook, 9 Piper's Wharf, Port Ellery 02914.",
            "STREET_ADDRESS",
            "9 Piper's Wharf",
        ),
        ("for Thaddeus Rook, 9 Piper's Wharf, Port Ellery 02914.", "LOCATION", "Port Ellery"),
        ("for Thaddeus Rook, 9 Piper's Wharf, Port Ellery 02914.", "ZIP_CODE", "02914"),
        ("discharged to Maple Terrace Assisted Living, Dunmore. PCP f/u", "LOCATION", "Dunmore"),
        (
            "discharged from Riverside Skilled Nursing tomorrow",
            "FACILITY",
            "Riverside Skilled Nursing",
        ),
        ("moved to Oak Hollow Nursing, Brackenridge, PA 15014", "LOCATION", "Brackenridge"),
    ],
)
def test_unknown_towns_and_odd_streets(
    detector: Detector, text: str, kind: str, value: str
) -> None:
    assert (kind, value) in spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "We are at Lakeview Clinic, Monday to Friday.",
        "Visit Lakeview Clinic, Suite 200.",
        "I walked 2 miles by the lake and up the hill",
        "moved to Oak Hollow Nursing, Brackenridge, PA 15014",
    ],
)
def test_no_town_or_state_over_scrub(detector: Detector, text: str) -> None:
    found = spans(detector, text)
    assert not any(t == "LOCATION" and v in ("Monday", "Suite", "PA") for t, v in found)
    assert "STREET_ADDRESS" not in {t for t, _ in found}
