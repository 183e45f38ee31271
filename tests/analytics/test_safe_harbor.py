"""Each Safe Harbor rule on its own, on the pure transforms (no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import entities
from models.findings import Finding
from proxy.analytics import safe_harbor as sh

BRIEF_RESTRICTED = [
    "036",
    "059",
    "063",
    "102",
    "203",
    "556",
    "692",
    "790",
    "821",
    "823",
    "830",
    "831",
    "878",
    "879",
    "884",
    "890",
    "893",
]


def f(text: str, value: str, type_: str, score: float = 0.9) -> Finding:
    start = text.index(value)
    return Finding(type_, start, start + len(value), score)


def test_restricted_zip3_list_is_data_with_its_source():
    path = Path(sh.__file__).parent / "data" / "restricted_zip3.txt"
    text = path.read_text()
    assert "164.514" in text and "HHS" in text  # the source is noted beside the data
    assert sorted(sh.restricted_zip3()) == sorted(BRIEF_RESTRICTED)


@pytest.mark.parametrize("prefix", BRIEF_RESTRICTED)
def test_restricted_zip_areas_become_000(prefix):
    assert sh.zip3(f"{prefix}42") == "000**"
    assert sh.zip3(f"{prefix}42-1234") == "000**"


@pytest.mark.parametrize(
    ("zipcode", "expected"), [("02134", "021**"), ("10001-0001", "100**"), ("03701", "037**")]
)
def test_other_zip_codes_keep_three_digits(zipcode, expected):
    assert sh.zip3(zipcode) == expected


def test_zip_in_text_is_generalised():
    text = "Mail it to PO Box 12, ZIP 03601 please"
    d = sh.deidentify(text, [f(text, "03601", "ZIP_CODE")], reference_year=2026)
    assert d.text == "Mail it to PO Box 12, ZIP 000** please"


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("89", "89"),
        ("90", "90+"),
        ("91", "90+"),
        ("104", "90+"),
        ("89-year-old", "89-year-old"),
        ("90-year-old", "90+-year-old"),
    ],
)
def test_ages_over_89_become_90_plus_and_89_stays(age, expected):
    assert sh.age_90_plus(age) == expected


def test_age_in_text():
    text = "Mrs. K is 93 years old and her husband is 89 years old."
    found = [f(text, "93", "AGE_OVER_89"), Finding("AGE_OVER_89", 42, 44, 0.8)]
    d = sh.deidentify(text, found, reference_year=2026)
    assert d.text == "Mrs. K is 90+ years old and her husband is 89 years old."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/14/1952", "1952"),
        ("14.11.1987", "1987"),
        ("March 3, 2019", "2019"),
        ("2019-07-04", "2019"),
        ("2/3/24", "2024"),
        ("2/3/99", "1999"),
        ("tues 6/25 5:30p", "[DATE]"),
        ("Jan. 3rd", "[DATE]"),
    ],
)
def test_dates_keep_the_year_only(value, expected):
    assert sh.date_to_year(value, reference_year=2026) == expected


def test_a_year_implying_age_90_or_more_is_aggregated():
    # Born 1936: 90 in 2026. Born 1937: at most 89. (164.514(b)(2)(i)(C))
    assert sh.date_to_year("01/02/1936", reference_year=2026) == sh.OLD_DATE
    assert sh.date_to_year("12/31/1937", reference_year=2026) == "1937"
    assert sh.date_to_year("2/3/31", reference_year=2026) == sh.OLD_DATE


def test_dates_in_text_all_types():
    text = "DOB 03/14/1952, admitted 2025-01-09, seen tues 6/25 5:30p"
    found = [
        f(text, "03/14/1952", "DATE_OF_BIRTH"),
        f(text, "2025-01-09", "DATE"),
        f(text, "tues 6/25 5:30p", "APPOINTMENT_DATETIME"),
    ]
    d = sh.deidentify(text, found, reference_year=2026)
    assert d.text == "DOB 1952, admitted 2025, seen [DATE]"


def test_every_safe_harbor_type_gets_a_typed_placeholder():
    for name in sh.safe_harbor_types():
        if name in sh.DATE_TYPES or name in ("AGE_OVER_89", "ZIP_CODE"):
            continue
        out = sh.replacement(name, "anything", 2026)
        assert out.startswith("[") and out.endswith("]"), name
        assert "anything" not in out


@pytest.mark.parametrize(
    ("type_", "value", "placeholder"),
    [
        ("PERSON", "Maria Lopez", "[NAME]"),
        ("PHONE_NUMBER", "(212) 555-0134", "[PHONE]"),
        ("EMAIL_ADDRESS", "maria@example.com", "[EMAIL]"),
        ("US_SSN", "900-12-3456", "[SSN]"),
        ("MEDICAL_RECORD_NUMBER", "4471923", "[MRN]"),
        ("STREET_ADDRESS", "42 Oak Street", "[ADDRESS]"),
        ("FACILITY", "St. Elsewhere Hospital", "[LOCATION]"),
        ("LOCATION", "Springfield", "[LOCATION]"),
        ("IP_ADDRESS", "192.0.2.7", "[IP]"),
        ("URL", "https://x.example/u/1", "[URL]"),
    ],
)
def test_placeholders_replace_identifiers(type_, value, placeholder):
    text = f"Note: {value} today"
    d = sh.deidentify(text, [f(text, value, type_)], reference_year=2026)
    assert d.text == f"Note: {placeholder} today"
    assert value not in d.text


def test_clinical_content_and_titled_providers_stay():
    text = "Hi Maria Lopez, Dr. Patel will review your diabetes and metformin dose."
    found = [
        f(text, "Maria Lopez", "PERSON"),
        f(text, "Dr. Patel", "PROVIDER_NAME"),
        f(text, "diabetes", "CONDITION"),
        f(text, "metformin", "MEDICATION"),
    ]
    d = sh.deidentify(text, found, reference_year=2026)
    assert d.text == "Hi [NAME], Dr. Patel will review your diabetes and metformin dose."


def test_scores_below_the_threshold_and_kept_findings_stay():
    text = "Call Lakeview at (212) 555-0100, Maria"
    found = [f(text, "(212) 555-0100", "PHONE_NUMBER", 0.9), f(text, "Maria", "PERSON", 0.3)]
    d = sh.deidentify(
        text,
        found,
        reference_year=2026,
        min_score=lambda t: 0.5,
        keep=lambda tx, fi: fi.type == "PHONE_NUMBER",
    )
    assert d.text == text


def test_overlapping_findings_remove_their_union():
    text = "Contact: Maria Lopez-Garcia now"
    found = [f(text, "Maria Lopez", "PERSON"), f(text, "Lopez-Garcia", "PERSON")]
    d = sh.deidentify(text, found, reference_year=2026)
    assert d.text == "Contact: [NAME] now"


def test_residual_ignores_what_we_wrote_and_reports_the_rest():
    text = "Hi Maria Lopez (DOB 03/14/1952), call Oliver Bennett"
    d = sh.deidentify(
        text,
        [f(text, "Maria Lopez", "PERSON"), f(text, "03/14/1952", "DATE_OF_BIRTH")],
        reference_year=2026,
    )
    out = d.text
    assert out == "Hi [NAME] (DOB 1952), call Oliver Bennett"
    second = [
        f(out, "1952", "DATE_OF_BIRTH"),  # our own year: fine
        f(out, "[NAME]", "PERSON"),  # our own placeholder: fine
        f(out, "Oliver Bennett", "PERSON"),  # missed the first time: residual
    ]
    left = sh.residual(d, second)
    assert [(x.type, out[x.start : x.end]) for x in left] == [("PERSON", "Oliver Bennett")]


def test_scan_types_cover_every_safe_harbor_type_and_the_administrative_ones():
    types = sh.scan_types()
    registry = entities.all_types()
    assert {n for n, t in registry.items() if t.safe_harbor} <= types
    assert "PROVIDER_NAME" in types and "APPOINTMENT_DATETIME" in types
