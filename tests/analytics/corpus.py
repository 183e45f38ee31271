"""A small synthetic corpus with planted PHI, made deterministically (no real people).

Names come from a fixed synthetic list, phone numbers are 555-01xx, email domains are
example.com/.org, IP addresses are in TEST-NET-1 (192.0.2.0/24), and MRNs are random digits.
Each text comes with the exact strings planted in it, so a test can look for every one of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = ["Maria", "Oliver", "Priya", "Kwame", "Sofia", "Daniel", "Amara", "Lucas", "Hannah"]
LAST = ["Lopez", "Bennett", "Natarajan", "Mensah", "Kowalski", "Okafor", "Lindqvist", "Herrera"]
STREETS = ["Oak Street", "Maple Avenue", "Cedar Lane", "Birch Road", "Willow Drive"]
PROVIDERS = ["Dr. Patel", "Dr. Nguyen", "Dr. Adeyemi"]
MEDS = ["metformin", "lisinopril", "insulin"]
CONDITIONS = ["diabetes", "depression", "cancer"]


@dataclass(frozen=True)
class Sample:
    id: str
    text: str
    to: str
    planted: tuple[str, ...]  # identifiers that must never reach analytics
    name_parts: tuple[str, ...]  # each part of each planted name, checked on its own too


def _templates() -> list[tuple[str, tuple[str, ...]]]:
    """(template, which fields are PHI)."""
    return [
        ("Hi {name}, your appointment with {doc} is on Tuesday at 3:15 PM.", ("name",)),
        ("Hi {name}, your lab results are ready. Call us at {phone}.", ("name", "phone")),
        ("Patient {name} (DOB {dob}, MRN {mrn}) was discharged today.", ("name", "dob", "mrn")),
        ("Hello {name}, we have your address as {street}. Reply YES.", ("name", "street")),
        ("Hi {name}, please email your forms to {email} before Friday.", ("name", "email")),
        ("Hi {name}, your {med} refill is ready for pickup.", ("name",)),
        ("Patient {name}: your {condition} follow-up with {doc} is booked.", ("name",)),
        ("Login alert for {email} from {ip}. Not you? Call {phone}.", ("email", "ip", "phone")),
        ("Reminder: MRN {mrn} has a balance. Questions? {phone}", ("mrn", "phone")),
        ("Your appointment with {doc} is tomorrow at 9:00 AM. Reply C to confirm.", ()),
    ]


def build(n: int = 100, seed: int = 7) -> list[Sample]:
    rnd = random.Random(seed)
    templates = _templates()
    out = []
    for i in range(n):
        template, phi = templates[i % len(templates)]
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        values = {
            "name": f"{first} {last}",
            "phone": f"(212) 555-01{rnd.randrange(100):02d}",
            "dob": f"{rnd.randint(1, 12):02d}/{rnd.randint(1, 28):02d}/{rnd.randint(1940, 2005)}",
            "mrn": str(rnd.randrange(1_000_000, 9_999_999)),
            "street": f"{rnd.randint(10, 9999)} {rnd.choice(STREETS)}",
            "email": f"{first.lower()}.{last.lower()}{rnd.randrange(100)}@example.com",
            "ip": f"192.0.2.{rnd.randint(1, 254)}",
            "doc": rnd.choice(PROVIDERS),
            "med": rnd.choice(MEDS),
            "condition": rnd.choice(CONDITIONS),
        }
        text = template.format(**values)
        planted = tuple(values[k] for k in phi)
        parts = (first, last) if "name" in phi else ()
        to = f"+1212555{rnd.randrange(100, 200):04d}"
        out.append(Sample(f"s{i:03d}", text, to, planted, parts))
    return out
