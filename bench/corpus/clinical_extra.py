"""Dev-only examples of the clinical detail classes of issue #16 (appended to dev.jsonl).

Clinical words hidden by leetspeak ("c4nc3r"), spelt letter by letter ("H.I.V.", "S T D") or
misspelt ("diabeties"); a test named alone ("Your results are ready (urine drug screen)"); a result
a date away from its test ("Your CBC from 4/15 showed a mass"); ICD-10 codes after a diagnosis
cue; services whose name reveals a condition ("Planned Parenthood"); and administrative texts
that must stay as they are (codes, passwords, SKUs, everyday words one letter from a term).

They are appended after the generated dev examples with their own random stream, so the
generated dev examples and the whole test split are unchanged; any value that is also a must-go
value of the test split is drawn again (the splits stay disjoint).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.corpus import generate as G
from bench.corpus.textnorm import norm

SEED = 16_016
SIZE = 150
CLEAN_SHARE = 0.37

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
LEET_WORDS = ["cancer", "diabetes", "hiv", "chemo", "herpes", "hepatitis", "chlamydia", "asthma"]
ABBREVIATIONS = ["HIV", "STD", "STI", "HPV", "UTI", "COPD", "PTSD", "ADHD"]
MISSPELT = [
    "diabeties",
    "diabetis",
    "cancr",
    "canser",
    "chlamidya",
    "gonorea",
    "hepatitus",
    "pnemonia",
    "lukemia",
    "depresion",
    "chemotherpy",
    "colonscopy",
    "bronchitus",
    "hypertenshun",
]
TESTS = [
    "urine drug screen",
    "genetic test",
    "PSA",
    "HbA1c",
    "lipid panel",
    "hepatitis panel",
    "STD panel",
    "paternity test",
    "tox screen",
    "viral load",
]
GAP_TESTS = ["CBC", "PSA", "HbA1c", "mammogram", "CT scan", "urinalysis", "biopsy"]
FINDINGS = ["a mass", "a small nodule", "a shadow on the left side", "something we need to discuss"]
ICD_CODES = ["E11.9", "F32.1", "F41.1", "I10", "J45.909", "E78.5", "Z21", "F90.0", "N39.0"]
ICD_CUES = ["dx", "Dx:", "ICD-10", "diagnosis code", "DX"]
SERVICES = [
    "Planned Parenthood",
    "DaVita",
    "Fresenius Kidney Care",
    "Whitman-Walker",
    "Narcotics Anonymous",
    "Alcoholics Anonymous",
]

Piece = G.Piece
Make = Callable[[G.Composer, random.Random], list[Piece]]


def _leet(word: str, rng: random.Random) -> str:
    idx = [i for i, ch in enumerate(word) if ch in _LEET]
    chosen = rng.sample(idx, k=min(len(idx), rng.randint(1, 2)))
    return "".join(_LEET[ch] if i in chosen else ch for i, ch in enumerate(word))


def _spelled(abbr: str, rng: random.Random) -> str:
    sep = rng.choice([".", ". ", " ", "-"])
    out = sep.join(abbr)
    return out + "." if sep.startswith(".") and rng.random() < 0.7 else out


def _first(c: G.Composer) -> list[Piece]:
    return c.slot("first")


def leet(c: G.Composer, rng: random.Random) -> list[Piece]:
    word = _leet(rng.choice(LEET_WORDS), rng)
    if word.lower().startswith("h1v") or word == "hiv":
        word = word.upper()
    return [
        ("hey ", None, False),
        *_first(c),
        (rng.choice([", ur ", " - your ", ", the "]), None, False),
        (word, "CONDITION", False),
        (rng.choice([" f/u is ", " follow-up is ", " appt is "]), None, False),
        *c.slot("appt"),
    ]


def spelled(c: G.Composer, rng: random.Random) -> list[Piece]:
    return [
        (rng.choice(["Hi ", "Hello "]), None, False),
        *_first(c),
        (", your ", None, False),
        (_spelled(rng.choice(ABBREVIATIONS), rng), "CONDITION", False),
        (
            rng.choice([" results are in.", " follow-up notes are ready.", " screening is back."]),
            None,
            False,
        ),
    ]


def misspelt(c: G.Composer, rng: random.Random) -> list[Piece]:
    return [
        *_first(c),
        (rng.choice([" - the ", ", ur ", ", your "]), None, False),
        (rng.choice(MISSPELT), "CONDITION", False),
        (rng.choice([" came back", " check is due", " meds r ready", " appt is set"]), None, False),
        (rng.choice([".", "!", " :("]), None, False),
    ]


def test_alone(c: G.Composer, rng: random.Random) -> list[Piece]:
    test = rng.choice(TESTS)
    if rng.random() < 0.5:
        return [
            ("Your results are ready (", None, False),
            (test, "LAB_RESULT", False),
            ("). Log in to view them.", None, False),
        ]
    return [
        (rng.choice(["Hi ", "Hello "]), None, False),
        *_first(c),
        (", please call us about your ", None, False),
        (test, "LAB_RESULT", False),
        (".", None, False),
    ]


def result_gap(c: G.Composer, rng: random.Random) -> list[Piece]:
    date = c.slot("pdate")[0][0]
    value = f"{rng.choice(GAP_TESTS)} from {date} showed {rng.choice(FINDINGS)}"
    return [
        ("Your ", None, False),
        (value, "LAB_RESULT", False),
        (". Please call us.", None, False),
    ]


def icd(c: G.Composer, rng: random.Random) -> list[Piece]:
    return [
        ("Claim note for ", None, False),
        *c.slot("name"),
        (f": {rng.choice(ICD_CUES)} ", None, False),
        (rng.choice(ICD_CODES), "CONDITION", False),
        (" on file.", None, False),
    ]


def service(c: G.Composer, rng: random.Random) -> list[Piece]:
    return [
        ("Reminder: your visit at ", None, False),
        (rng.choice(SERVICES), "CLINICAL_DEPARTMENT", False),
        (" is ", None, False),
        *c.slot("appt"),
        (".", None, False),
    ]


def _code(rng: random.Random) -> str:
    letters = "ABCDEFGHJKMNPRTVWXY"
    return "".join(rng.choice(letters) + str(rng.randint(1, 9)) for _ in range(2))


CLEAN = [
    lambda rng: f"Use code {_code(rng)} to check in at the kiosk.",
    lambda rng: f"Your temporary portal code is {_code(rng)}{rng.randint(1, 9)}.",
    lambda rng: "Please cancel by phone if you can't make your visit.",
    lambda rng: f"Your order SKU F{rng.randint(10, 99)}.{rng.randint(1, 9)} shipped today.",
    lambda rng: f"Sensor {_code(rng)} in the lobby is offline; maintenance is on it.",
    lambda rng: "PSA: the office is closed for the holiday.",
    lambda rng: "Free cholesterol screenings in the lobby this month.",
    lambda rng: "Join our dance class for seniors in the community room.",
    lambda rng: "Dx codes are listed on your statement; call billing with questions.",
    lambda rng: "Flu season is here: walk-in flu shots at the pharmacy.",
]
MAKERS: list[tuple[str, Make]] = [
    ("informal", leet),
    ("informal", spelled),
    ("informal", misspelt),
    ("results", test_alone),
    ("results", result_gap),
    ("billing", icd),
    ("care_coordination", service),
]


def generate(start: int, test_values: set[str]) -> list[G.Example]:
    """The extra dev examples, numbered from ``start`` + 1."""
    rng = random.Random(SEED)
    comp = G.Composer(G.Pools("dev"), rng)
    out: list[G.Example] = []
    while len(out) < SIZE:
        comp.reset()
        if rng.random() < CLEAN_SHARE:
            category, pieces = "admin_only", [(rng.choice(CLEAN)(rng), None, False)]
        else:
            category, make = rng.choice(MAKERS)
            pieces = make(comp, rng)
        text, spans = G.assemble(pieces)
        if G.check(text, spans) is not None:
            continue
        values = {
            norm(text[int(s["start"]) : int(s["end"])]).lower()  # type: ignore[call-overload]
            for s in spans
            if not s["keep"]
        }
        if values & test_values:
            continue
        out.append(G.Example(f"dev-{start + len(out) + 1:05d}", category, text, spans))
    return out
