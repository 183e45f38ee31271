"""Generate the labelled SMS corpus: ``python -m bench.corpus.generate [--out DIR]``.

Messages are composed from fragments (opener, 1-3 body sentences, closer) whose slots are filled
from value pools; every value is one span with its entity type and whether it may stay (``keep``).
Fragments and value pools are split between dev and test by a salted hash of the fragment or of
the value's canonical key, so the test split measures generalisation, not memory. The output is a
pure function of the seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import fragments as F
from bench.corpus import values as V
from bench.corpus import vocab
from bench.corpus.textnorm import norm, norm_with_map, value_pattern

HERE = Path(__file__).resolve().parent
SALT = "phi-proxy-corpus/v1"
TEST_SHARE = 0.35  # of every value pool
FRAGMENT_TEST_SHARE = 0.42  # of every fragment list: test needs enough phrasing of its own
SIZES = {"dev": 1600, "test": 680}
SEEDS = {"dev": 20261129, "test": 9120611}

CATEGORIES = [
    "reminder",
    "results",
    "refill",
    "billing",
    "care_coordination",
    "informal",
    "adversarial",
    "admin_only",
]
CATEGORY_WEIGHTS = [0.16, 0.13, 0.12, 0.10, 0.12, 0.12, 0.10, 0.15]
CLEAN_SHARE = {"adversarial": 0.1, "admin_only": 1.0}
DEFAULT_CLEAN_SHARE = 0.29

ORG_NAME = "Lakeview Health"
ORG_PHONES = [
    "(555) 010-4400",
    "555-010-4400",
    "555.010.4400",
    "5550104400",
    "+1 555 010 4400",
    "(555)010-4400",
    "1-555-010-4400",
]
ORG_WEBS = [
    "lakeviewhealth.example",
    "www.lakeviewhealth.example",
    "https://lakeviewhealth.example",
]
ORG_URLS = [
    "https://lakeviewhealth.example/portal",
    "lakeviewhealth.example/pay",
    "https://www.lakeviewhealth.example/billing",
    "lakeviewhealth.example/portal",
    "https://lakeviewhealth.example/appointments",
    "lakeviewhealth.example/rx",
]

# Type of every slot that plants a value, and whether the value may stay.
SLOT_TYPES: dict[str, tuple[str, bool]] = {
    "first": ("PERSON", False),
    "last": ("PERSON", False),
    "name": ("PERSON", False),
    "relname": ("PERSON", False),
    "dob": ("DATE_OF_BIRTH", False),
    "pdate": ("DATE", False),
    "age": ("AGE_OVER_89", False),
    "phone": ("PHONE_NUMBER", False),
    "fax": ("FAX_NUMBER", False),
    "email": ("EMAIL_ADDRESS", False),
    "purl": ("URL", False),
    "ip": ("IP_ADDRESS", False),
    "ssn": ("US_SSN", False),
    "mrn": ("MEDICAL_RECORD_NUMBER", False),
    "member": ("HEALTH_PLAN_ID", False),
    "acct": ("ACCOUNT_NUMBER", False),
    "lic": ("LICENSE_NUMBER", False),
    "vin": ("VEHICLE_ID", False),
    "plate": ("VEHICLE_ID", False),
    "dev": ("DEVICE_ID", False),
    "addr": ("STREET_ADDRESS", False),
    "city": ("LOCATION", False),
    "zip": ("ZIP_CODE", False),
    "cond": ("CONDITION", False),
    "med": ("MEDICATION", False),
    "med2": ("MEDICATION", False),
    "lab": ("LAB_RESULT", False),
    "lab2": ("LAB_RESULT", False),
    "proc": ("PROCEDURE", False),
    "dept": ("CLINICAL_DEPARTMENT", False),
    "facility": ("FACILITY", False),
    "prov": ("PROVIDER_NAME", True),
    "prov2": ("PROVIDER_NAME", True),
    "appt": ("APPOINTMENT_DATETIME", True),
    "org": ("ORG_ALLOWED", True),
    "orgphone": ("ORG_ALLOWED", True),
    "orgweb": ("ORG_ALLOWED", True),
    "orgurl": ("ORG_ALLOWED", True),
}
# Slots that plant something that must go (directly or through a composite such as "mr").
PHI_SLOTS = {s for s, (_, keep) in SLOT_TYPES.items() if not keep} | {"mr", "rel", "cityline"}
SLOT_RE = re.compile(r"\{(\w+)\}")

Piece = tuple[str, str | None, bool]  # (text, entity type or None for literal, keep)


def bucket(key: str, share: float = TEST_SHARE) -> str:
    """Which split a value or fragment belongs to, by a salted hash (stable across runs)."""
    h = int.from_bytes(hashlib.sha256(f"{SALT}|{key}".encode()).digest()[:4], "big")
    return "test" if h % 1000 < share * 1000 else "dev"


def split_list(items: Sequence[str], split: str) -> list[str]:
    out = [x for x in items if bucket(x) == split]
    if not out:
        raise ValueError(f"a pool has no {split} entries")
    return out


def fragment_splits() -> dict[str, str]:
    """Split of every fragment: by hash, then stratified so that each removable slot is used by
    about FRAGMENT_TEST_SHARE of its fragments in test and by at least one in each split."""
    everything = list(F.OPENERS_PHI) + list(F.OPENERS_CLEAN) + list(F.CLOSERS) + list(F.ADVERSARIAL)
    for lists in F.BODY.values():
        for frs in lists.values():
            everything.extend(frs)
    assign = {f: bucket(f, FRAGMENT_TEST_SHARE) for f in everything}
    locked: set[str] = set()

    def users(slot: str) -> list[str]:
        found = (f for f in assign if "{" + slot + "}" in f)
        return sorted(found, key=lambda f: bucket("m" + f) + f)

    slots = sorted(
        {s for f in everything for s in SLOT_RE.findall(f)} & PHI_SLOTS,
        key=lambda s: (len(users(s)), s),
    )
    for slot in slots:
        frs = users(slot)
        if len(frs) < 2:
            continue
        want_test = min(len(frs) - 1, max(1, round(FRAGMENT_TEST_SHARE * len(frs))))
        for split, want in (("test", want_test), ("dev", len(frs) - want_test)):
            have = sum(assign[f] == split for f in frs)
            for f in frs:
                if have >= want:
                    break
                if assign[f] != split and f not in locked:
                    assign[f] = split
                    have += 1
        locked.update(frs)
    return assign


_FRAGMENT_SPLITS: dict[str, str] = {}


def split_fragments(items: Sequence[str], split: str) -> list[str]:
    if not _FRAGMENT_SPLITS:
        _FRAGMENT_SPLITS.update(fragment_splits())
    out = [f for f in items if _FRAGMENT_SPLITS[f] == split]
    if not out:
        raise ValueError(f"a fragment list has no {split} entries")
    return out


def is_clean(fragment: str) -> bool:
    return not (set(SLOT_RE.findall(fragment)) & PHI_SLOTS)


@dataclass
class Example:
    id: str
    category: str
    text: str
    spans: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(
            {"id": self.id, "category": self.category, "text": self.text, "spans": self.spans},
            ensure_ascii=False,
        )


class Pools:
    """The split's share of every pool and fragment list."""

    def __init__(self, split: str) -> None:
        self.split = split
        self.first = split_list(vocab.FIRST_NAMES, split)
        self.last = split_list(vocab.LAST_NAMES, split)
        self.prov_first = split_list(vocab.PROVIDER_FIRST, split)
        self.prov_last = split_list(vocab.PROVIDER_LAST, split)
        self.streets = split_list(vocab.STREET_NAMES, split)
        self.cities = [c for c in vocab.CITIES if bucket(c[0]) == split]
        self.conditions = split_list(vocab.CONDITIONS, split)
        self.meds = split_list(vocab.MEDICATIONS, split)
        self.num_labs = [t for t in vocab.NUMERIC_LABS if bucket(t[0]) == split]
        self.organisms = split_list(vocab.QUAL_ORGANISMS, split)
        self.qual_tests = split_list(vocab.QUAL_TESTS, split)
        self.procedures = split_list(vocab.PROCEDURES, split)
        self.depts = split_list(vocab.REVEALING_DEPARTMENTS, split)
        self.facilities = split_list(vocab.FACILITIES, split)
        self.openers_phi = split_fragments(F.OPENERS_PHI, split)
        self.openers_clean = split_fragments(F.OPENERS_CLEAN, split)
        self.closers = split_fragments(F.CLOSERS, split)
        self.adversarial = split_fragments(F.ADVERSARIAL, split)
        self.labels = {
            k: [v for v in vs if bucket(v, FRAGMENT_TEST_SHARE) == split] or vs[:1]
            for k, vs in F.LABEL_VARIANTS.items()
        }
        self.body: dict[str, dict[str, list[str]]] = {}
        for cat, lists in F.BODY.items():
            self.body[cat] = {k: (split_fragments(v, split) if v else []) for k, v in lists.items()}
        for cat, lists in self.body.items():
            for kind, frs in lists.items():
                bad = [f for f in frs if is_clean(f) != (kind == "clean")]
                if bad:
                    raise ValueError(f"{cat}/{kind} fragments misfiled: {bad}")


class Composer:
    """Builds one message's pieces; holds the per-message patient so names stay consistent."""

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng
        self.patient = ("", "")
        self.used_people: set[str] = set()

    # ---------------------------------------------------------------- helpers
    def draw(self, gen: V.Gen) -> str:
        """A generated value whose canonical key falls in this split."""
        for _ in range(2000):
            key, text = gen(self.rng)
            if bucket(key) == self.p.split:
                return text
        raise RuntimeError("value generator cannot reach this split")

    def variant(self, group: str) -> str:
        return self.rng.choice(group.split("|"))

    def new_person(self) -> tuple[str, str]:
        for _ in range(100):
            f, last = self.rng.choice(self.p.first), self.rng.choice(self.p.last)
            if f not in self.used_people and last not in self.used_people and f != last:
                self.used_people.update((f, last))
                return f, last
        raise RuntimeError("name pool exhausted")

    def reset(self) -> None:
        self.used_people = set()
        self.patient = self.new_person()

    def person_case(self, s: str) -> str:
        r = self.rng.random()
        return s.lower() if r < 0.07 else s.upper() if r < 0.10 else s

    def full_name(self, first: str, last: str) -> str:
        r = self.rng.random()
        if r < 0.12:
            return f"{last}, {first}"
        if r < 0.22:
            return f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        return f"{first} {last}"

    def provider(self) -> str:
        first, last = self.rng.choice(self.p.prov_first), self.rng.choice(self.p.prov_last)
        forms = [
            f"Dr. {last}",
            f"Dr {last}",
            f"Dr. {first} {last}",
            f"{first} {last}, MD",
            f"{first} {last}, NP",
            f"NP {last}",
            f"{first} {last}, PA-C",
            f"PA {last}",
            f"Doctor {last}",
            f"{last}, RN",
            f"Dr. {last}",
            f"Nurse Practitioner {last}",
            f"{first} {last}, DO",
            f"RN {first}",
        ]
        return self.rng.choice(forms)

    def lab(self) -> str:
        r = self.rng.random()
        if r < 0.6 and self.p.num_labs:
            names, lo, hi, dec, units = self.rng.choice(self.p.num_labs)
            name = self.variant(names)
            if lo == hi == 0:
                value = f"{self.rng.randint(150, 210)}/{self.rng.randint(95, 125)}"
            else:
                x = self.rng.uniform(lo, hi)
                value = f"{x:.{dec}f}" + self.rng.choice(units)
            return self.rng.choice(vocab.NUMERIC_LAB_FORMS).format(t=name, v=value)
        if r < 0.85:
            org = self.variant(self.rng.choice(self.p.organisms))
            return self.rng.choice(vocab.QUAL_FORMS).format(o=org)
        return self.variant(self.rng.choice(self.p.qual_tests))

    def med(self) -> str:
        return self.variant(self.rng.choice(self.p.meds)) + self.rng.choice(vocab.MED_DOSES)

    # ---------------------------------------------------------------- slots
    def slot(self, name: str) -> list[Piece]:  # noqa: C901 - one branch per slot is clearest
        rng = self.rng

        def val(text: str) -> list[Piece]:
            typ, keep = SLOT_TYPES[name]
            return [(text, typ, keep)]

        first, last = self.patient
        if name == "first":
            return val(self.person_case(first))
        if name == "last":
            return val(self.person_case(last))
        if name == "name":
            return val(self.person_case(self.full_name(first, last)))
        if name == "mr":
            title = rng.choice(["Mr. ", "Ms. ", "Mrs. ", "Mx. ", "Mr ", "Ms "])
            return [(title, None, False), (last, "PERSON", False)]
        if name == "relname":
            f, lst = self.new_person()
            text = f if rng.random() < 0.5 else self.full_name(f, lst)
            return [(self.person_case(text), "PERSON", False)]
        if name == "rel":
            rel = rng.choice(vocab.RELATIONS)
            if rng.random() < 0.5:
                return [(rel, None, False)]
            f, _ = self.new_person()
            return [(rel + " ", None, False), (f, "PERSON", False)]
        if name == "dob":
            return val(self.draw(V.dob))
        if name == "pdate":
            return val(self.draw(V.person_date))
        if name == "age":
            return val(self.draw(V.age_over_89))
        if name in ("phone", "fax"):
            return val(self.draw(V.phone))
        if name == "email":
            f, lst = self.patient if rng.random() < 0.6 else self.new_person()
            return val(self.draw(lambda r: V.email(r, f, lst)))
        if name == "purl":
            f, lst = self.patient
            return val(self.draw(lambda r: V.personal_url(r, f, lst)))
        simple: dict[str, V.Gen] = {
            "ip": V.ip,
            "ssn": V.ssn,
            "mrn": V.mrn,
            "member": V.member_id,
            "acct": V.account,
            "lic": V.license_no,
            "vin": V.vin,
            "plate": V.plate,
            "dev": V.device,
            "zip": V.zip_code,
        }
        if name in simple:
            return val(self.draw(simple[name]))
        if name == "addr":
            street = rng.choice(self.p.streets)
            return val(self.draw(lambda r: V.street_address(r, street)))
        if name == "city":
            return val(rng.choice(self.p.cities)[0])
        if name == "cityline":
            city, state = rng.choice(self.p.cities)
            sep = rng.choice([", ", " ", ", "])
            return [
                (city, "LOCATION", False),
                (f"{sep}{state} ", None, False),
                (self.draw(V.zip_code), "ZIP_CODE", False),
            ]
        if name == "cond":
            return val(self.variant(rng.choice(self.p.conditions)))
        if name in ("med", "med2"):
            return val(self.med())
        if name in ("lab", "lab2"):
            return val(self.lab())
        if name == "proc":
            return val(self.variant(rng.choice(self.p.procedures)))
        if name == "dept":
            return val(self.variant(rng.choice(self.p.depts)))
        if name == "facility":
            return val(rng.choice(self.p.facilities))
        if name in ("prov", "prov2"):
            return val(self.provider())
        if name == "appt":
            return val(self.draw(V.appointment))
        if name == "org":
            return val(ORG_NAME)
        if name == "orgphone":
            return val(rng.choice(ORG_PHONES))
        if name == "orgweb":
            return val(rng.choice(ORG_WEBS))
        if name == "orgurl":
            return val(rng.choice(ORG_URLS))
        if name == "safe_dept":
            return [(rng.choice(vocab.SAFE_DEPARTMENTS), None, False)]
        if name == "amount":
            cents = rng.choice(["", f".{rng.randint(0, 99):02d}"])
            return [(f"${rng.randint(5, 4800):,}{cents}", None, False)]
        if name == "duedate":
            return [
                (
                    rng.choice(
                        [
                            "by Friday",
                            "now",
                            "in 30 days",
                            "on the 1st",
                            "this month",
                            "by the 15th",
                            "within 2 weeks",
                        ]
                    ),
                    None,
                    False,
                )
            ]
        raise KeyError(f"unknown slot {name!r}")

    def render(self, fragment: str) -> list[Piece]:
        for label, variants in self.p.labels.items():
            parts = fragment.split(label)
            fragment = parts[0] + "".join(self.rng.choice(variants) + p for p in parts[1:])
        out: list[Piece] = []
        pos = 0
        for m in SLOT_RE.finditer(fragment):
            if m.start() > pos:
                out.append((fragment[pos : m.start()], None, False))
            out.extend(self.slot(m.group(1)))
            pos = m.end()
        if pos < len(fragment):
            out.append((fragment[pos:], None, False))
        return out

    # ---------------------------------------------------------------- messages
    def body_fragments(self, category: str, clean: bool) -> list[str]:
        rng = self.rng
        n = rng.choice([1, 1, 2, 2, 2, 3])
        if category == "adversarial":
            if clean:
                cats = [c for c in self.p.body if self.p.body[c]["clean"]]
                return [rng.choice(self.p.body[rng.choice(cats)]["clean"]) for _ in range(n)]
            phi_cats = [c for c in self.p.body if self.p.body[c]["phi"]]
            frs = [rng.choice(self.p.adversarial)]
            frs += [rng.choice(self.p.body[rng.choice(phi_cats)]["phi"]) for _ in range(n - 1)]
            rng.shuffle(frs)
            return frs
        lists = self.p.body[category]
        if category == "admin_only":
            own = [rng.choice(lists["clean"]) for _ in range(n)]
            if rng.random() < 0.25:
                other = rng.choice([c for c in CATEGORIES if c in self.p.body and c != category])
                own[-1] = rng.choice(self.p.body[other]["clean"])
            return own
        if clean:
            return [rng.choice(lists["clean"]) for _ in range(n)]
        frs = [rng.choice(lists["phi"])]
        frs += [
            rng.choice(lists["phi"] if rng.random() < 0.5 else lists["clean"]) for _ in range(n - 1)
        ]
        rng.shuffle(frs)
        return frs

    def compose(self, category: str, clean: bool) -> list[Piece]:
        rng = self.rng
        self.reset()
        frs: list[str] = []
        if rng.random() < 0.65:
            use_phi = not clean and rng.random() < 0.5
            frs.append(rng.choice(self.p.openers_phi if use_phi else self.p.openers_clean))
        seen: set[str] = set()
        for f in self.body_fragments(category, clean):
            if f not in seen:
                seen.add(f)
                frs.append(f)
        if rng.random() < 0.55:
            frs.append(rng.choice(self.p.closers))
        pieces: list[Piece] = []
        for i, f in enumerate(frs):
            if i:
                sep = rng.choice([" ", " ", " ", " ", "  ", "\n", " - ", "\n\n", " | "])
                pieces.append((sep, None, False))
            pieces.extend(self.render(f))
        return pieces


# -------------------------------------------------------------------- surface noise
def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourst") + word[i + 1 :]


def add_typos(pieces: list[Piece], rng: random.Random, n: int) -> list[Piece]:
    literal = [
        i for i, (t, typ, _) in enumerate(pieces) if typ is None and re.search(r"[a-z]{5}", t)
    ]
    out = list(pieces)
    for _ in range(n):
        if not literal:
            break
        i = rng.choice(literal)
        text = out[i][0]
        words = list(re.finditer(r"[A-Za-z]{5,}", text))
        if not words:
            continue
        m = rng.choice(words)
        out[i] = (text[: m.start()] + _typo(m.group(), rng) + text[m.end() :], None, False)
    return out


ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
HOMOGLYPHS = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "p": "\u0440",
    "c": "\u0441",
    "x": "\u0445",
    "i": "\u0456",
    "A": "\u0410",
    "E": "\u0415",
    "O": "\u041e",
    "M": "\u041c",
    "T": "\u0422",
    "K": "\u041a",
}


def obfuscate(value: str, rng: random.Random) -> str:
    """One Unicode or spacing trick applied to a value (the span indexes the result)."""
    has_digits = sum(c.isdigit() for c in value) >= 4
    tricks = ["zw", "zw", "case"] + (["full", "spaced", "dashed", "nbsp"] if has_digits else [])
    if any(c in HOMOGLYPHS for c in value):
        tricks.append("homoglyph")
    trick = rng.choice(tricks)
    if trick == "zw" and len(value) >= 2:
        chars = list(value)
        for _ in range(rng.randint(1, 3)):
            chars.insert(rng.randrange(1, len(chars)), rng.choice(ZERO_WIDTH))
        return "".join(chars)
    if trick == "full":
        return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in value)
    if trick == "spaced":
        return " ".join(c for c in value if c.isalnum())
    if trick == "dashed":
        return "-".join(c for c in value if c.isalnum())
    if trick == "nbsp":
        return (
            re.sub(r"[ .-]", "\u00a0", value)
            if re.search(r"[ .-]", value)
            else " ".join([value[:3], value[3:]]).replace(" ", "\u00a0")
        )
    if trick == "homoglyph":
        chars = list(value)
        idx = [i for i, c in enumerate(chars) if c in HOMOGLYPHS]
        for i in rng.sample(idx, k=min(len(idx), rng.randint(1, 2))):
            chars[i] = HOMOGLYPHS[chars[i]]
        return "".join(chars)
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in value)


def surface(pieces: list[Piece], category: str, rng: random.Random) -> list[Piece]:
    """Typos, casing and (for adversarial texts) obfuscation of values."""
    if rng.random() < 0.15:
        pieces = add_typos(pieces, rng, rng.randint(1, 2))
    lower = 0.5 if category == "informal" else 0.03
    r = rng.random()
    if r < lower:
        pieces = [(t.lower(), typ, k) for t, typ, k in pieces]
    elif r < lower + 0.04:
        pieces = [(t.upper(), typ, k) for t, typ, k in pieces]
    if category == "adversarial":
        targets = [i for i, (_, typ, k) in enumerate(pieces) if typ and not k]
        if not targets:
            targets = [i for i, (_, typ, _k) in enumerate(pieces) if typ]
        for i in rng.sample(targets, k=min(len(targets), rng.randint(1, 3))):
            t, typ, k = pieces[i]
            pieces[i] = (obfuscate(t, rng), typ, k)
    if rng.random() < 0.06:
        pieces.append((rng.choice([" 🙂", " 📅", " 👍", " !!", " :)", " ✅"]), None, False))
    return pieces


# -------------------------------------------------------------------- assembly and checks
def assemble(pieces: list[Piece]) -> tuple[str, list[dict[str, object]]]:
    text = ""
    spans: list[dict[str, object]] = []
    for t, typ, keep in pieces:
        if typ is not None and t:
            spans.append({"start": len(text), "end": len(text) + len(t), "type": typ, "keep": keep})
        text += t
    return text, spans


def check(text: str, spans: list[dict[str, object]]) -> str | None:
    """Why this example is unusable, or None. Every occurrence of a value that must go has to lie
    inside a span that must go, so "the value still appears in the output" is unambiguous."""
    last_end = -1
    for s in spans:
        start, end = int(s["start"]), int(s["end"])  # type: ignore[call-overload]
        if start < last_end or end <= start:
            return "overlapping or empty span"
        if text[start:end] != text[start:end].strip():
            return "span with outer whitespace"
        last_end = end
    normed, origin = norm_with_map(text)
    removable = [(int(s["start"]), int(s["end"])) for s in spans if not s["keep"]]  # type: ignore[call-overload]
    for s in spans:
        if s["keep"]:
            continue
        pat = value_pattern(text[int(s["start"]) : int(s["end"])])  # type: ignore[call-overload]
        if pat is None:
            return "value normalises to nothing"
        hits = list(pat.finditer(normed))
        if not hits:
            return "value not found after normalisation"
        for m in hits:
            a, b = origin[m.start()], origin[m.end() - 1] + 1
            if not any(ra <= a and b <= rb for ra, rb in removable):
                return "value also occurs outside a removable span"
    return None


def generate(split: str, n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    pools = Pools(split)
    comp = Composer(pools, rng)
    out: list[Example] = []
    while len(out) < n:
        category = rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0]
        clean = rng.random() < CLEAN_SHARE.get(category, DEFAULT_CLEAN_SHARE)
        for _ in range(50):
            pieces = surface(comp.compose(category, clean), category, rng)
            text, spans = assemble(pieces)
            has_phi = any(not s["keep"] for s in spans)
            if has_phi == clean or len(text) > 640:
                continue
            if check(text, spans) is None:
                out.append(Example(f"{split}-{len(out) + 1:05d}", category, text, spans))
                break
        else:
            raise RuntimeError("could not compose a valid example")
    return out


def write(examples: list[Example], path: Path) -> None:
    path.write_text("".join(e.as_json() + "\n" for e in examples), encoding="utf-8")


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    from bench.corpus import clinical_extra

    made = {split: generate(split, n, SEEDS[split]) for split, n in SIZES.items()}
    # issue #16's clinical detail classes, dev only, after the generated examples
    test_values = {
        norm(e.text[int(s["start"]) : int(s["end"])]).lower()  # type: ignore[call-overload]
        for e in made["test"]
        for s in e.spans
        if not s["keep"]
    }
    made["dev"] += clinical_extra.generate(len(made["dev"]), test_values)
    for split, examples in made.items():
        write(examples, args.out / f"{split}.jsonl")
        clean = sum(1 for e in examples if not any(not s["keep"] for s in e.spans))
        print(
            f"{split}: {len(examples)} texts, {clean} with nothing to remove "
            f"({clean / len(examples):.0%}), {sum(len(e.spans) for e in examples)} spans"
        )


if __name__ == "__main__":
    main()
