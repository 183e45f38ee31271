"""Identifier contexts (models.recognizers.context) and the over-scrub guards (models.overscrub):
names, streets, places, phones and facilities from outside the US lexicons, and clinical writing
that must not be taken for them. Values are synthetic."""

from __future__ import annotations

import pytest

from models.detector import Detector
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,value",
    [
        ("Interpreter requested for Hülya Bouwmeester, speaks Dutch.", "Hülya Bouwmeester"),
        ("Prior auth for Zuzana Kozáková submitted today.", "Zuzana Kozáková"),
        ("Wife Katrine says he fell at home.", "Katrine"),
        ("Thanks Víctor! See you soon.", "Víctor"),
        ("Name: Sam K.\nDOB on file", "Sam K."),
        ("Lumme, Viljo - DOB on file", "Lumme, Viljo"),
        ("Taiji Komori is a civil drafter and needs a work note.", "Taiji Komori"),
        ("We could not reach Marčelo Kavran. Number on file.", "Marčelo Kavran"),
    ],
)
def test_names_from_many_countries_in_a_name_context(
    detector: Detector, text: str, value: str
) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Travel vaccines for Austria require a visit 4 weeks before you leave.",
        "We now accept insurance plans from Ross Acquisition Corp II.",
        "Hi, it's Grace at the front desk. Just confirming tomorrow.",
        "Due to Tropical Depression Ida, all clinics close at 3 PM today.",
        "World Kidney Day is March 13 - free blood pressure checks in the lobby!",
        "Text 1 for English, 2 para español.",
        "PA PRAKASH HAS REVIEWED YOUR RESULTS. PLEASE LOG IN TO THE PORTAL TO READ THE MESSAGE.",
    ],
)
def test_no_name_where_the_context_is_a_country_organisation_staff_or_event(
    detector: Detector, text: str
) -> None:
    assert not {v for t, v in phi(detector, text) if t == "PERSON"}


@pytest.mark.parametrize(
    "text,value",
    [
        ("Family lives at 83 Forge Estates now.", "83 Forge Estates"),
        ("Deliver to 12 Mission Skyway please.", "12 Mission Skyway"),
        ("Ride pickup at 104 Kirchstrasse 67 at 8:30.", "104 Kirchstrasse 67"),
        ("Mail to 39 rue du Président Roosevelt today.", "39 rue du Président Roosevelt"),
        ("Visit at 93910 Nánási út 21 tomorrow.", "93910 Nánási út 21"),
        ("Our records show him at Unit 3365 Box 4843 DPO AA 53713.", "DPO AA 53713"),
    ],
)
def test_streets_with_every_usps_suffix_and_other_countries_forms(
    detector: Detector, text: str, value: str
) -> None:
    assert covered(detector, text, value)


def test_city_and_postcode_after_a_street_line(detector: Detector) -> None:
    text = "Please deliver to 229 Pieter Saenredamstraat 42, Ruila, Harjumaa 76315."
    found = spans(detector, text)
    assert ("LOCATION", "Ruila") in found
    assert ("ZIP_CODE", "76315") in found


def test_places_after_a_residence_cue_and_territory_codes(detector: Detector) -> None:
    assert covered(
        detector, "Wife says he fell at home in Črni Vrh nad Idrijo.", "Črni Vrh nad Idrijo"
    )
    text = "Send the forms to Hagåtña, GU 96910 by Friday."
    found = spans(detector, text)
    assert ("ZIP_CODE", "96910") in found
    assert ("LOCATION", "Hagåtña") in found
    assert not any(v == "GU" for _, v in found)  # the territory, like a state, may stay


def test_the_organisations_own_suite_is_not_an_address(detector: Detector) -> None:
    assert not phi(
        detector, "Your visit is confirmed. We're in Suite 210 across from the pharmacy."
    )


@pytest.mark.parametrize(
    "text,value",
    [
        ("Please call Lisa back at 9716 6363 about the referral.", "9716 6363"),
        ("Prior auth submitted; callback 0391 7843193.", "0391 7843193"),
        ("Mother: cell 0699 839 42 72, evenings.", "0699 839 42 72"),
        ("Reach him on +44 20 7946 0958 after 5.", "+44 20 7946 0958"),
        ("Landline 02.64.62.52.37 is best.", "02.64.62.52.37"),
        ("Her number is 650-752-7354x549.", "650-752-7354x549"),
    ],
)
def test_international_phone_numbers(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Transferred from Frederick Memorial last night.", "Frederick Memorial"),
        ("TRANSFERRED FROM FREDERICK MEMORIAL LAST NIGHT.", "FREDERICK MEMORIAL"),
        ("Records sent to UCLA Medical Center.", "UCLA Medical Center"),
        ("Follow-up at the VAMC next month.", "VAMC"),
        ("She was seen at Johns Hopkins in May.", "Johns Hopkins"),
        ("Referred to Cedars-Sinai for a second opinion.", "Cedars-Sinai"),
    ],
)
def test_facilities(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "GU: FOLEY DRAINING CLEAR URINE. ENDO: FS 120.",
        "Tolerating CPAP 5/5 today, then back to PSV 10/5 overnight.",
        "Wells score low; Framingham risk discussed.",
        "Pt states pain better tonight.",
        "The clinic will be closed Monday for Martin Luther King Jr. Day.",
        "ABG 7.38-33-169 on A/C 600x12; SVR 903.",
        "PA LINE D/C ONCE PRESSURES STABLE. Faith-based community groups welcome.",
    ],
)
def test_clinical_writing_is_not_an_identifier(detector: Detector, text: str) -> None:
    identifiers = {
        "PERSON",
        "LOCATION",
        "STREET_ADDRESS",
        "FACILITY",
        "DATE",
        "DATE_OF_BIRTH",
        "PHONE_NUMBER",
        "MEDICAL_RECORD_NUMBER",
        "ACCOUNT_NUMBER",
        "VEHICLE_ID",
        "PROVIDER_NAME",
    }
    assert not {(t, v) for t, v in spans(detector, text) if t in identifiers}


@pytest.mark.parametrize(
    "text,value,kind",
    [
        (
            "Call me at five five five, zero one zero, four four zero zero tonight.",
            "five five five, zero one zero, four four zero zero",
            "PHONE_NUMBER",
        ),
        ("My number is 5️⃣5️⃣5️⃣0️⃣1️⃣0️⃣1️⃣2️⃣3️⃣4️⃣ ok", "5️⃣5️⃣5️⃣0️⃣1️⃣0️⃣1️⃣2️⃣3️⃣4️⃣", "PHONE_NUMBER"),
        ("Hi 🅼🅰🆁🅸🅰 your results are in", "🅼🅰🆁🅸🅰", "PERSON"),
        ("Hi 𝐌𝐚𝐫𝐢𝐚, your results are in", "𝐌𝐚𝐫𝐢𝐚", "PERSON"),
        (
            "Call %35%35%35%2D%30%31%30%2D%31%32%33%34 please",
            "%35%35%35%2D%30%31%30%2D%31%32%33%34",
            "PHONE_NUMBER",
        ),
        ("Patient name: SmFuZSBEb2U= DOB on file", "SmFuZSBEb2U=", "PERSON"),
    ],
)
def test_obfuscation_is_decoded_and_the_original_characters_are_found(
    detector: Detector, text: str, value: str, kind: str
) -> None:
    assert (kind, value) in spans(detector, text)


def test_html_entities_are_decoded(detector: Detector) -> None:
    text = "SSN &#57;&#48;&#48;-&#49;&#50;-&#51;&#52;&#53;&#54; on file"
    assert covered(detector, text, "&#57;&#48;&#48;-&#49;&#50;-&#51;&#52;&#53;&#54")


def test_ordinary_words_and_ids_are_not_decoded_away(detector: Detector) -> None:
    # a long alphanumeric ID is valid base64 but decodes to noise: it stays and is found
    text = "Member ID XJH123456789AB on file"
    assert covered(detector, text, "XJH123456789AB")
    assert phi(detector, "Take one or two tablets, three times a day.") == set()


def test_pager_numbers_and_initialled_names_in_notes(detector: Detector) -> None:
    text = "Pager: #54321. PG 33445. Z. MILLER AWARE."
    found = spans(detector, text)
    assert ("PHONE_NUMBER", "54321") in found
    assert ("PHONE_NUMBER", "33445") in found
    assert covered(detector, text, "Z. MILLER")


@pytest.mark.parametrize(
    "text,value",
    [
        ("Rec mgmt of 70yo M w/ CHF, seen by a cardiologist at Mt. Sinai yesterday.", "Mt. Sinai"),
        ("Admitted to St. Vincent’s for a bypass; outcomes?", "St. Vincent’s"),
        (
            "Concern about warfarin in a pt seen at Brigham & Women’s, hx of DVT.",
            "Brigham & Women’s",
        ),
        ("Reviewed at Baylor Med. Center, considering Plavix.", "Baylor Med. Center"),
        ("Ref'd to pulm clinic at UCLA Med Ctr for PFTs.", "UCLA Med Ctr"),
        ("Tests were conducted at Cedar Sinai last spring.", "Cedar Sinai"),
        ("Transferred from Rush for a second opinion.", "Rush"),
    ],
)
def test_listed_facilities_in_their_written_variants(
    detector: Detector, text: str, value: str
) -> None:
    assert covered(detector, text, value)


def test_a_listed_facility_that_is_an_everyday_word_needs_its_capital(detector: Detector) -> None:
    assert not [s for s in phi(detector, "No rush, take your time with the forms.")]


@pytest.mark.parametrize(
    "text,value",
    [
        ("Forwarding: Zorvath ten Quill {{zq@example.com}} wrote on 8/6/1987", "Zorvath ten Quill"),
        ("From: Quillane Brisvort <qb@example.org>", "Quillane Brisvort"),
        ("Brisvort, Zaluna - DOB 8/29/1942 - SSN on file", "Brisvort, Zaluna"),
        ("van der Quill, Boaz - DOB 4/29/1979", "van der Quill, Boaz"),
        ("We could not reach Zaluna. Number tried: 9422 1048.", "Zaluna"),
        ("Ride pickup for Zorvath A Quillane at the main entrance at 8:30.", "Zorvath A Quillane"),
        ("Visit the site for Zaluna's personal fundraising page.", "Zaluna"),
        ("Pharmacy: please deliver to Zaluna at 229 Example Road.", "Zaluna"),
    ],
)
def test_names_by_their_shape_in_records_mail_and_deliveries(
    detector: Detector, text: str, value: str
) -> None:
    assert covered(detector, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Billing Office <billing@example.org> answers within a day.",
        "Thanks for today's visit, see you soon.",
        "Please reach out to us with any questions.",
    ],
)
def test_shapes_that_are_not_names(detector: Detector, text: str) -> None:
    assert not [s for s in phi(detector, text) if s[0] == "PERSON"]
