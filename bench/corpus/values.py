"""Synthetic values for every entity type, each with a canonical key used to split dev from test.

A generator returns ``(key, text)``. ``key`` identifies the underlying value independent of its
format (the digits of a phone number, the ISO form of a date, the synonym group of a drug), so the
dev/test split by key keeps the *same* value out of both splits even when it is written differently.
All identifiers are obviously fake: phones are 555-01xx / (555) 0xx-xxxx, SSNs start with 9,
domains end in .example, IPs are in documentation ranges.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from bench.corpus import vocab

Gen = Callable[[random.Random], tuple[str, str]]

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MON3 = [m[:3] for m in MONTHS]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WD_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WD_ABBR2 = ["Mon", "Tues", "Weds", "Thurs", "Fri", "Sat", "Sun"]
AREA_CODES = [
    "212",
    "312",
    "415",
    "503",
    "617",
    "702",
    "808",
    "919",
    "206",
    "303",
    "404",
    "512",
    "602",
    "713",
    "813",
    "907",
    "215",
    "313",
    "414",
    "505",
    "614",
    "704",
    "801",
    "916",
    "210",
    "305",
    "406",
    "509",
    "608",
    "719",
    "828",
]
ORG_DIGITS = "5550104400"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _ordinal(d: int) -> str:
    suffix = "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


# ---------------------------------------------------------------- phones
def phone_digits(rng: random.Random) -> str:
    """Ten digits in a fictional range: NPA-555-01xx or 555-0xx-xxxx."""
    while True:
        if rng.random() < 0.5:
            area = rng.choice([a for a in AREA_CODES if a.isdigit()])
            d = area + "55501" + _digits(rng, 2)
        else:
            d = "5550" + _digits(rng, 6)
        if d != ORG_DIGITS and not d.startswith("555010"):
            return d


def format_phone(rng: random.Random, d: str) -> str:
    a, b, c = d[:3], d[3:6], d[6:]
    forms = [
        f"({a}) {b}-{c}",
        f"{a}-{b}-{c}",
        f"{a}.{b}.{c}",
        f"+1 {a} {b} {c}",
        d,
        f"1-{a}-{b}-{c}",
        f"+1 ({a}) {b}-{c}",
        f"{a} {b} {c}",
        f"({a}){b}-{c}",
        f"+1{d}",
        f"{a}/{b}-{c}",
    ]
    return rng.choice(forms)


def phone(rng: random.Random) -> tuple[str, str]:
    d = phone_digits(rng)
    return d, format_phone(rng, d)


# ---------------------------------------------------------------- dates
def _date_parts(rng: random.Random, y0: int, y1: int) -> tuple[int, int, int]:
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return y, m, d


def format_full_date(rng: random.Random, y: int, m: int, d: int) -> str:
    yy = f"{y % 100:02d}"
    forms = [
        f"{m:02d}/{d:02d}/{y}",
        f"{m}/{d}/{y}",
        f"{m}-{d}-{yy}",
        f"{m}/{d}/{yy}",
        f"{MONTHS[m - 1]} {d}, {y}",
        f"{d} {MON3[m - 1]} {y}",
        f"{y}-{m:02d}-{d:02d}",
        f"{MON3[m - 1]}. {_ordinal(d)} {y}",
        f"{MON3[m - 1]} {d} {y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{m:02d}-{d:02d}-{y}",
        f"{MONTHS[m - 1]} {_ordinal(d)}, {y}",
        f"{d}-{MON3[m - 1]}-{yy}",
        f"{m:02d}{d:02d}{y}",
    ]
    return rng.choice(forms)


def dob(rng: random.Random) -> tuple[str, str]:
    y, m, d = _date_parts(rng, 1926, 2019)
    return f"{y}-{m:02d}-{d:02d}", format_full_date(rng, y, m, d)


def person_date(rng: random.Random) -> tuple[str, str]:
    """Admission / discharge / test date: recent, sometimes without the year."""
    y, m, d = _date_parts(rng, 2023, 2026)
    if rng.random() < 0.4:
        short = [
            f"{m}/{d}",
            f"{MON3[m - 1]} {d}",
            f"{MONTHS[m - 1]} {_ordinal(d)}",
            f"{m:02d}/{d:02d}",
            f"{MON3[m - 1]}. {d}",
        ]
        return f"md:{m:02d}-{d:02d}", rng.choice(short)
    return f"pd:{y}-{m:02d}-{d:02d}", format_full_date(rng, y, m, d)


def _time(rng: random.Random) -> str:
    h = rng.randint(7, 17)
    mi = rng.choice([0, 0, 0, 15, 30, 30, 45, 10, 20, 40, 50])
    h12 = h if h <= 12 else h - 12
    ap = "AM" if h < 12 else "PM"
    forms = [
        f"{h12}:{mi:02d} {ap}",
        f"{h12}:{mi:02d}{ap.lower()}",
        f"{h12}:{mi:02d} {ap.lower()}",
        f"{h12}:{mi:02d}",
        f"{h12}:{mi:02d}{ap[0].lower()}",
        f"{h12}:{mi:02d} {ap[0]}.{ap[1]}.",
    ]
    if mi == 0:
        forms += [f"{h12}{ap.lower()}", f"{h12} {ap}", f"{h12} o'clock", f"{h12}"]
    if h == 12 and mi == 0:
        forms.append("noon")
    return rng.choice(forms)


def appointment(rng: random.Random) -> tuple[str, str]:
    """An appointment date/time phrase; the whole phrase is one keep:true span."""
    _, m, d = _date_parts(rng, 2026, 2027)
    wd = rng.randrange(7)
    t = _time(rng)
    at = rng.choice([" at ", " at ", " @ ", ", ", " ", " at "])
    forms = [
        f"{WEEKDAYS[wd]}, {MONTHS[m - 1]} {d}{at}{t}",
        f"{WD_SHORT[wd]} {m}/{d}{at}{t}",
        f"{MONTHS[m - 1]} {d}{at}{t}",
        f"{m}/{d}{at}{t}",
        f"tomorrow{at}{t}",
        f"today{at}{t}",
        f"{WEEKDAYS[wd]}{at}{t}",
        f"{WD_ABBR2[wd]} {m}/{d} {t}",
        f"{MON3[m - 1]} {d}{at}{t}",
        f"{m:02d}/{d:02d}{at}{t}",
        f"{WEEKDAYS[wd]} the {_ordinal(d)}{at}{t}",
        f"{t} on {WEEKDAYS[wd]}",
        f"{t} {WD_SHORT[wd]} {MON3[m - 1]} {d}",
        f"Tomorrow{at}{t}",
        f"next {WEEKDAYS[wd]}{at}{t}",
        f"{WD_ABBR2[wd].lower()} {m}/{d} {t}",
        f"tmrw{at}{t}",
        f"{WEEKDAYS[wd]} {MON3[m - 1]}. {_ordinal(d)}{at}{t}",
        f"{d} {MONTHS[m - 1]}{at}{t}",
    ]
    text = rng.choice(forms)
    return "ap:" + text.lower(), text


def age_over_89(rng: random.Random) -> tuple[str, str]:
    a = str(rng.randint(90, 104))
    return "age:" + a, a


# ---------------------------------------------------------------- identifiers
def ssn(rng: random.Random) -> tuple[str, str]:
    d = "9" + _digits(rng, 2) + str(rng.randint(10, 99)) + str(rng.randint(1000, 9999))
    sep = rng.choice(["-", "-", "-", " ", "", "."])
    return d, f"{d[:3]}{sep}{d[3:5]}{sep}{d[5:]}"


def mrn(rng: random.Random) -> tuple[str, str]:
    forms = [
        lambda: _digits(rng, 8),
        lambda: "00" + _digits(rng, 6),
        lambda: _digits(rng, 7),
        lambda: rng.choice("ABEGKMRTZ") + "-" + _digits(rng, 5),
        lambda: rng.choice("ABEGKMRTZ") + _digits(rng, 7),
        lambda: "E" + _digits(rng, 9),
        lambda: _digits(rng, 3) + "-" + _digits(rng, 3) + "-" + _digits(rng, 3),
        lambda: "LH" + _digits(rng, 7),
    ]
    text = rng.choice(forms)()
    return "mrn:" + text.replace("-", ""), text


def member_id(rng: random.Random) -> tuple[str, str]:
    letters = "".join(rng.choice("BCDFGHJKLMNPRSTVWXYZ") for _ in range(3))
    forms = [
        lambda: letters + _digits(rng, 9),
        lambda: rng.choice("WHMQ") + _digits(rng, 9),
        lambda: _digits(rng, 8) + rng.choice("ABCDEF"),
        lambda: letters + "-" + _digits(rng, 6) + "-" + _digits(rng, 2),
        lambda: "1EG4-TE5-MK" + _digits(rng, 2),
        lambda: letters[:2] + _digits(rng, 11),
        lambda: _digits(rng, 11) + "01",
    ]
    text = rng.choice(forms)()
    return "hp:" + text.replace("-", ""), text


def account(rng: random.Random) -> tuple[str, str]:
    forms = [
        lambda: "00" + _digits(rng, 7),
        lambda: _digits(rng, 4) + "-" + _digits(rng, 4) + "-" + _digits(rng, 2),
        lambda: _digits(rng, 10),
        lambda: "LH-" + _digits(rng, 8),
        lambda: "G" + _digits(rng, 8),
        lambda: _digits(rng, 6),
    ]
    text = rng.choice(forms)()
    return "acct:" + text.replace("-", ""), text


def license_no(rng: random.Random) -> tuple[str, str]:
    forms = [
        lambda: rng.choice("ABCDEFGHJKLMNPRSTWY") + _digits(rng, 7),
        lambda: rng.choice(["1", "2"]) + _digits(rng, 9),  # NPI-shaped
        lambda: "".join(rng.choice("ABFMR") for _ in range(2)) + _digits(rng, 7),  # DEA-shaped
        lambda: rng.choice(["RN", "LPN", "MD", "CDL"]) + _digits(rng, 6),
        lambda: _digits(rng, 3) + "-" + _digits(rng, 3) + "-" + _digits(rng, 3),
        lambda: (
            rng.choice("ABCDEFGH") + _digits(rng, 3) + "-" + _digits(rng, 4) + "-" + _digits(rng, 4)
        ),
    ]
    text = rng.choice(forms)()
    return "lic:" + text.replace("-", ""), text


VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin(rng: random.Random) -> tuple[str, str]:
    text = "".join(rng.choice(VIN_CHARS) for _ in range(17))
    return "vin:" + text, text


def plate(rng: random.Random) -> tuple[str, str]:
    L = "ABCDEFGHJKLMNPRSTUVWXYZ"
    forms = [
        lambda: str(rng.randint(1, 9)) + "".join(rng.choice(L) for _ in range(3)) + _digits(rng, 3),
        lambda: "".join(rng.choice(L) for _ in range(3)) + "-" + _digits(rng, 4),
        lambda: "".join(rng.choice(L) for _ in range(3)) + " " + _digits(rng, 4),
        lambda: _digits(rng, 3) + " " + "".join(rng.choice(L) for _ in range(3)),
    ]
    text = rng.choice(forms)()
    return "plate:" + text.replace("-", "").replace(" ", ""), text


def device(rng: random.Random) -> tuple[str, str]:
    A = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    forms = [
        lambda: (
            "".join(rng.choice("PMDXKQ") for _ in range(2))
            + "-"
            + _digits(rng, 5)
            + "-"
            + rng.choice("XNRK")
        ),
        lambda: "".join(rng.choice(A) for _ in range(8)),
        lambda: _digits(rng, 2) + "-" + _digits(rng, 4) + "-" + _digits(rng, 4),
        lambda: "SN" + _digits(rng, 9),
        lambda: "".join(rng.choice(A) for _ in range(6)),
        lambda: "RNJ" + _digits(rng, 6) + "H",
        lambda: "G7" + "".join(rng.choice(A) for _ in range(4)),
    ]
    text = rng.choice(forms)()
    return "dev:" + text.replace("-", ""), text


def ip(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.15:
        text = f"2001:db8:{rng.randint(1, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"
    else:
        net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
        text = f"{net}.{rng.randint(1, 254)}"
    return "ip:" + text, text


# ---------------------------------------------------------------- places
def street_address(rng: random.Random, street: str) -> tuple[str, str]:
    num = str(rng.choice([rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 99999)]))
    pre = rng.choice(["", "", "", "N ", "S. ", "E ", "West ", "NW "])
    suffix = rng.choice(vocab.STREET_SUFFIXES)
    abbrev = suffix in ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Pl")
    dot = "." if abbrev and rng.random() < 0.2 else ""
    text = f"{num} {pre}{street} {suffix}{dot}"
    if rng.random() < 0.35:
        text += rng.choice([", ", " "]) + rng.choice(vocab.UNITS)
    if rng.random() < 0.1:
        text = f"PO Box {rng.randint(10, 9999)}"
    return "addr:" + text.lower(), text


def zip_code(rng: random.Random) -> tuple[str, str]:
    z = _digits(rng, 5)
    text = z + ("-" + _digits(rng, 4) if rng.random() < 0.15 else "")
    return "zip:" + z, text


def email(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    f, lname = first.lower().replace("'", ""), last.lower().replace("'", "")
    n = str(rng.randint(1, 99))
    user = rng.choice(
        [
            f"{f}.{lname}",
            f"{f[0]}{lname}{n}",
            f"{f}{n}",
            f"{lname}.{f[0]}",
            f"{f}_{lname}",
            f"{f}{lname[:3]}{n}",
        ]
    )
    text = f"{user}@{rng.choice(vocab.EMAIL_DOMAINS)}"
    if rng.random() < 0.1:
        text = text.upper() if rng.random() < 0.5 else text.capitalize()
    return "em:" + text.lower(), text


def personal_url(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    f, lname = first.lower().replace("'", ""), last.lower().replace("'", "")
    host = rng.choice(vocab.URL_HOSTS)
    path = rng.choice(
        [
            f"/u/{f}{lname}",
            f"/{f}-{lname}-{rng.randint(1, 99)}",
            f"/p/{lname}{f[0]}",
            f"/help-{f}-{lname}",
            f"/@{f}{rng.randint(10, 99)}",
        ]
    )
    scheme = rng.choice(["https://", "http://", "", "https://www."])
    text = scheme + host + path
    return "url:" + (host + path).lower(), text
