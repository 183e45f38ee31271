"""Sentences from Microsoft's presidio-evaluator generator, with our own templates and seeds.

    python -m bench.external.pe_corpus [--split dev|holdout] [--n N] [--out PATH]

The generator (PyPI ``presidio-evaluator``) fills ``{{placeholder}}`` templates with values from
its own multinational person records (FakeNameGenerator.com: names from ~30 countries, their
addresses, phones and birthdays) and Faker; the values are theirs, not ours. The templates below
are ours: healthcare messages and notes, about a third without anything to remove.

Two seeds: ``dev`` (committed as ``bench/corpus/external/presidio_dev.jsonl``, the set we look
at and tune on) and ``holdout`` (never committed, never tuned on: generated at bench time, scored
once at the end of a piece of work).

Which spans must go (HIPAA Safe Harbor identifiers): person names, street addresses, cities,
ZIP/post codes, phone numbers, e-mail addresses, dates of birth, SSNs, driver licences, card and
bank account numbers, IP addresses, personal web addresses. What may stay (labelled keep): titles
and jobs, nationalities, states and countries, organisations, weekdays and bare years.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

SEEDS = {"dev": 16_001, "holdout": 16_999}
OUT = Path(__file__).resolve().parent.parent / "corpus" / "external" / "presidio_dev.jsonl"

# placeholder -> (our type, must go?)
TYPES: dict[str, tuple[str, bool]] = {
    "person": ("PERSON", True),
    "name": ("PERSON", True),
    "first_name": ("PERSON", True),
    "last_name": ("PERSON", True),
    "first_name_female": ("PERSON", True),
    "first_name_male": ("PERSON", True),
    "name_female": ("PERSON", True),
    "name_male": ("PERSON", True),
    "address": ("STREET_ADDRESS", True),
    "street_address": ("STREET_ADDRESS", True),
    "street_name": ("STREET_ADDRESS", True),
    "building_number": ("STREET_ADDRESS", True),
    "secondary_address": ("STREET_ADDRESS", True),
    "city": ("CITY", True),
    "zipcode": ("ZIP_CODE", True),
    "postcode": ("ZIP_CODE", True),
    "phone_number": ("PHONE_NUMBER", True),
    "email": ("EMAIL_ADDRESS", True),
    "date_of_birth": ("DATE_OF_BIRTH", True),
    "ssn": ("US_SSN", True),
    "us_driver_license": ("US_DRIVER_LICENSE", True),
    "credit_card_number": ("CREDIT_CARD", True),
    "iban": ("IBAN_CODE", True),
    "ip_address": ("IP_ADDRESS", True),
    "url": ("URL", True),
    "prefix": ("TITLE", False),
    "prefix_male": ("TITLE", False),
    "prefix_female": ("TITLE", False),
    "job": ("TITLE", False),
    "nationality": ("NRP", False),
    "nation_woman": ("NRP", False),
    "nation_man": ("NRP", False),
    "nation_plural": ("NRP", False),
    "organization": ("ORGANIZATION", False),
    "country": ("COUNTRY", False),
    "state": ("STATE", False),
    "state_abbr": ("STATE", False),
    "day_of_week": ("WEEKDAY", False),
    "year": ("YEAR", False),
    "date_time": ("DATE_TIME", True),
    "age": ("AGE", False),
}

TEMPLATES = [
    # with identifiers
    "Hi {{first_name}}, this is a reminder of your visit on {{day_of_week}}. Reply C to confirm.",
    "Patient {{name}} (DOB {{date_of_birth}}) was seen today for follow-up.",
    "Please call {{first_name_female}} {{last_name}} back at {{phone_number}} about the referral.",
    "New address on file for {{person}}: {{address}}",
    "Name: {{name}}\nDOB: {{date_of_birth}}\nPhone: {{phone_number}}",
    "Can you send the discharge summary for {{person}} to {{email}}?",
    "{{prefix_female}} {{name_female}} asked us to update her phone to {{phone_number}}.",
    "{{prefix_male}} {{last_name_male}} called about his bill; card ending {{credit_card_number}}.",
    "Mother: {{name_female}}, cell {{phone_number}}, lives in {{city}}, "
    "{{state_abbr}} {{zipcode}}.",
    "The patient's son {{first_name_male}} will pick up the prescription.",
    "Ride pickup for {{name}} at {{street_address}}, {{city}} at 8:30.",
    "Insurance on file: member SSN {{ssn}}, subscriber {{name}}.",
    "Ambulance was sent to {{building_number}} {{street_name}} for {{first_name}}.",
    "{{person}} moved to {{city}} last month and needs a new primary care doctor.",
    "Refund for {{name}} will go to IBAN {{iban}}.",
    "Login alert for {{email}} from IP {{ip_address}}.",
    "Driver license {{us_driver_license}} was scanned at check-in for {{name}}.",
    "Emergency contact: {{name_male}} ({{phone_number}}).",
    "Dear {{first_name}} {{last_name}}, your lab results are ready in the portal.",
    "Hey {{first_name}}! It's {{first_name_female}} from the front desk, "
    "call us at {{phone_number}}.",
    "{{name}}, a {{nationality}} {{job}}, was admitted overnight.",
    "Born {{date_of_birth}} in {{city}}; family lives at {{address}}.",
    "Please mail the forms to {{name}}, {{street_address}}, {{city}} {{zipcode}}.",
    "I am {{person}} and my date of birth is {{date_of_birth}}. Can I get my records?",
    "Text from {{phone_number}}: this is {{first_name}}, I need to cancel tomorrow.",
    "Caregiver {{name_female}} can be reached at {{email}} or {{phone_number}}.",
    "Mr. {{last_name}} prefers to be contacted at {{phone_number}} after 5pm.",
    "Home health visit for {{first_name}} {{last_name}}, {{street_address}}, "
    "apt. {{secondary_address}}.",
    "Our records show {{name}} at {{address}}. Is that still correct?",
    "Visit {{url}} for {{first_name}}'s personal fundraising page.",
    "Forwarding: {{first_name}} {{last_name}} <{{email}}> wrote on {{date_of_birth}}",
    "Wife {{first_name_female}} says he fell at home in {{city}}.",
    "Prior auth for {{person}} submitted; callback {{phone_number}}.",
    "{{last_name}}, {{first_name}} - DOB {{date_of_birth}} - SSN {{ssn}}",
    "Pharmacy: please deliver to {{first_name}} at {{street_address}}, {{city}}, "
    "{{state}} {{zipcode}}.",
    "We could not reach {{first_name}}. Number tried: {{phone_number}}.",
    "Card {{credit_card_number}} was declined for {{name}}'s copay.",
    "Thanks {{first_name}}! See you soon.",
    "{{name}} is a {{job}} at {{organization}} and needs a work note.",
    "Interpreter requested for {{name}}, speaks {{nationality}}.",
    # nothing to remove (titles, jobs, organisations, states, countries, weekdays may stay)
    "Your appointment is confirmed for {{day_of_week}} at 10:30 AM. Reply STOP to opt out.",
    "Flu shots are available every {{day_of_week}} this month, no appointment needed.",
    "We now accept insurance plans from {{organization}}.",
    "Reminder: bring a photo ID and your insurance card to your visit.",
    "Our clinic will be closed on {{day_of_week}} for staff training.",
    "Travel vaccines for {{country}} require a visit at least 4 weeks before you leave.",
    "Telehealth visits are available to residents of {{state}}.",
    "The {{job}} on call tonight can answer questions about your medication.",
    "Your test results are available. Log in to the patient portal to view them.",
    "We are hiring a {{job}}! Ask at the front desk.",
    "Please arrive 15 minutes early to complete paperwork.",
    "Our {{nationality}} interpreter service is available on request.",
    "Parking is free in the garage on level 2 during your visit.",
    "Did you know? {{organization}} members get free annual checkups.",
    "Happy holidays from all of us! The office reopens on {{day_of_week}}.",
    "To refill a prescription, reply REFILL or call the pharmacy line.",
    "Our {{year}} patient survey is open; tell us how we did.",
    "Masks are recommended in waiting rooms during flu season.",
    "We have moved our lab hours: weekdays 7 AM to 3 PM.",
    "{{prefix_female}} and {{prefix_male}} titles can be updated in your profile settings.",
]


def generate(split: str, n: int) -> list[dict[str, Any]]:
    from presidio_evaluator.data_generator import PresidioSentenceFaker

    mapping = {k: v[0] for k, v in TYPES.items()}
    faker = PresidioSentenceFaker(
        "en_US",
        lower_case_ratio=0.05,
        sentence_templates=TEMPLATES,
        entity_type_mapping=mapping,
        random_seed=SEEDS[split],
    )
    random.seed(SEEDS[split])  # the generator picks templates with the module-level random
    must = {t for t, go in TYPES.values() if go}
    out = []
    for i, sample in enumerate(faker.generate_new_fake_sentences(n)):
        spans = [
            {
                "start": s.start_position,
                "end": s.end_position,
                "type": s.entity_type,
                "keep": s.entity_type not in must,
            }
            for s in sorted(sample.spans, key=lambda s: s.start_position)
        ]
        out.append(
            {
                "id": f"pe-{split}-{i:05d}",
                "category": "presidio-evaluator",
                "text": sample.full_text,
                "spans": spans,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", choices=sorted(SEEDS), default="dev")
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    out = args.out or (OUT if args.split == "dev" else None)
    if out is None:
        ap.error("the holdout split is never written into the repository: give --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for ex in generate(args.split, args.n):
            fh.write(json.dumps(ex, ensure_ascii=False) + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
