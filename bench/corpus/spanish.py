"""Generate the labelled Spanish and Spanglish clinic-SMS corpus:
``python -m bench.corpus.spanish [--out DIR]`` → ``es-dev.jsonl`` and ``es-test.jsonl``.

Same JSONL shape and labelling conventions as the English corpus (bench/corpus/README.md), so
``python -m bench.quality --corpus bench/corpus/es-dev.jsonl`` scores it. Names, streets and
places come from Faker's Spanish locales (es_MX, es_ES, es_CO, es_AR, es); numbers are
generated; clinical terms come from this module's own lists (written for the generator, not
copied from the detector's lexicons, though common terms are bound to be in both). Every value
and every template is assigned to dev or test by the same salted hash as the English corpus,
so the test split's values and phrasing never occur in dev. Needs ``pip install faker``
(the ``lexicons`` extra); the output is a pure function of the seed and Faker's version.

Categories: reminder, results, refill, billing, care_coordination, informal, mixed (Spanish
and English in one text), admin_only (nothing to remove); about a third of the texts have
nothing to remove.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.corpus.generate import SLOT_RE, SLOT_TYPES, Example, assemble, bucket, check, write

HERE = Path(__file__).resolve().parent
SIZES = {"dev": 900, "test": 450}
SEEDS = {"dev": 20261207, "test": 7120612}
LOCALES = ("es_MX", "es_ES", "es_CO", "es_AR", "es")
SLOT_TYPES_ES: dict[str, tuple[str, bool]] = {
    **SLOT_TYPES,
    "colonia": ("LOCATION", False),
    "hon": ("PERSON", False),  # the surname(s) after an honorific
}

# ------------------------------------------------------------------ clinical vocabulary
CONDITIONS = [
    "diabetes tipo 2",
    "hipertensión",
    "cáncer de mama",
    "VIH",
    "depresión",
    "ansiedad",
    "asma",
    "EPOC",
    "insuficiencia renal crónica",
    "hepatitis C",
    "artritis reumatoide",
    "epilepsia",
    "esquizofrenia",
    "trastorno bipolar",
    "cirrosis",
    "leucemia",
    "linfoma",
    "tuberculosis",
    "sífilis",
    "clamidia",
    "gonorrea",
    "herpes",
    "lupus",
    "osteoporosis",
    "anemia",
    "hipotiroidismo",
    "obesidad",
    "alcoholismo",
    "enfermedad de Parkinson",
    "demencia",
    "cáncer de próstata",
    "cáncer de colon",
    "insuficiencia cardiaca",
    "fibrilación auricular",
    "diabetes gestacional",
    "preeclampsia",
    "migraña",
    "neumonía",
    "pancreatitis",
    "colitis ulcerosa",
    "infección urinaria",
    "esclerosis múltiple",
    "autismo",
    "TDAH",
    "anorexia",
    "psoriasis",
    "glaucoma",
    "presión alta",
    "diabetis",
    "canser",
    "DIABETES",
    "hipertension",
    "VIH positivo",
    "hepatitis B",
]
MEDICATIONS = [
    "metformina",
    "insulina glargina",
    "atorvastatina",
    "losartán",
    "enalapril",
    "amlodipino",
    "sertralina",
    "fluoxetina",
    "escitalopram",
    "quetiapina",
    "risperidona",
    "litio",
    "levotiroxina",
    "omeprazol",
    "amoxicilina",
    "azitromicina",
    "prednisona",
    "warfarina",
    "clopidogrel",
    "gabapentina",
    "tramadol",
    "oxicodona",
    "buprenorfina",
    "metadona",
    "naloxona",
    "salbutamol",
    "montelukast",
    "furosemida",
    "espironolactona",
    "levetiracetam",
    "lamotrigina",
    "ácido valproico",
    "tamoxifeno",
    "letrozol",
    "metotrexato",
    "truvada",
    "sildenafilo",
    "alprazolam",
    "clonazepam",
    "lorazepam",
    "glibenclamida",
    "sitagliptina",
    "semaglutida",
    "ciprofloxacino",
    "doxiciclina",
    "valaciclovir",
    "aciclovir",
    "fluconazol",
    "misoprostol",
]
DOSES = ["500 mg", "10 mg", "20 mg", "50 mg", "100 mg", "1 mg", "40 mg", "25 mg", "5 mg", "2 mg"]
TESTS = [
    "prueba de VIH",
    "prueba de embarazo",
    "papanicolaou",
    "mamografía",
    "biopsia",
    "glucosa",
    "hemoglobina A1c",
    "colesterol",
    "carga viral",
    "PSA",
    "creatinina",
    "prueba de hepatitis",
    "cultivo de orina",
    "prueba de clamidia",
    "examen de sangre",
    "prueba de COVID",
    "TSH",
    "triglicéridos",
    "conteo de CD4",
    "análisis de orina",
]
RESULTS = [
    "salió positiva",
    "es positivo",
    "salió alto",
    "está elevada",
    "salió anormal",
    "muestra cáncer",
    "resultó positiva",
    "salió reactivo",
    "está alta",
    "es negativa",
    "salió baja",
    "muestra células anormales",
]
PROCEDURES = [
    "colonoscopia",
    "quimioterapia",
    "diálisis",
    "cirugía de cadera",
    "cesárea",
    "histerectomía",
    "mastectomía",
    "radioterapia",
    "endoscopia",
    "cateterismo",
    "biopsia de mama",
    "trasplante de riñón",
    "vasectomía",
    "cirugía bariátrica",
    "angioplastia",
    "resonancia magnética",
    "tomografía",
    "reemplazo de rodilla",
    "ligadura de trompas",
    "infusión de hierro",
]
DEPARTMENTS = [
    "Oncología",
    "Psiquiatría",
    "Clínica de VIH",
    "Salud Mental",
    "Cardiología",
    "Nefrología",
    "Unidad de Diálisis",
    "Planificación Familiar",
    "Ginecología",
    "Clínica del Dolor",
    "Centro de Cáncer",
    "Tratamiento de Adicciones",
    "Endocrinología",
    "Urología",
    "Neurología",
    "Infectología",
    "Hematología",
    "Cuidados Paliativos",
    "Reumatología",
    "Clínica de Diabetes",
]
FACILITIES = [
    "Hospital General de Zona",
    "Hospital San Rafael",
    "Clínica Santa Fe",
    "Hospital Universitario La Paz",
    "Centro de Salud Las Torres",
    "Hospital Ángeles",
    "Hospital Dr. Peset",
    "Sanatorio Guadalupe",
    "Clínica del Carmen",
    "Hospital Regional del Valle",
    "Centro Médico Nacional Siglo XXI",
    "Hospital Infantil Teletón",
    "Residencia Los Olivos",
    "Clínica San Judas",
    "Hospital Civil de Guadalajara",
    "Centro de Salud Delicias",
]
STREET_TYPES = [
    "Calle",
    "Avenida",
    "Av.",
    "C/",
    "Calzada",
    "Paseo",
    "Privada",
    "Blvd.",
    "Camino",
    "Callejón",
    "Cerrada",
    "Prolongación",
]

# ------------------------------------------------------------------ templates
OPENERS = [
    "Hola {first}, ",
    "Buenos días Sra. {hon}, ",
    "Estimado Sr. {hon}: ",
    "{first}, ",
    "Hola {name}. ",
    "Sra. {hon}, ",
    "Querida {first}: ",
    "Buenas tardes {name}, ",
    "Srta. {hon}, ",
    "Don {first}, ",
    "Doña {first}, ",
    "HOLA {first}, ",
    "Hola, ",
    "Buen día. ",
    "",
    "Aviso de {org}: ",
    "Estimado paciente: ",
]
CLOSERS = [
    "",
    " Gracias.",
    " Saludos, {org}.",
    " Dudas al {orgphone}.",
    " Responda SI para confirmar.",
    " Info: {orgweb}",
    " Atentamente, {prov}.",
    " Llámenos al {orgphone}.",
]
BODIES: dict[str, list[str]] = {
    "reminder": [
        "le recordamos su cita con {prov} {appt}.",
        "su cita es {appt} en {org}. Traiga su credencial.",
        "recuerde su cita de {dept} {appt}.",
        "tiene cita para {proc} {appt}. Venga en ayunas.",
        "su hijo {relname} tiene cita {appt} con {prov}.",
        "confirmamos su cita {appt}. Su expediente es {mrn}.",
        "su cita en {facility} quedó {appt}.",
        "le esperamos {appt} en {org}, piso 3.",
        "por favor llegue 15 minutos antes de su cita {appt}.",
        "su cita de seguimiento con {prov} es {appt}. Fecha de nacimiento registrada: {dob}.",
    ],
    "results": [
        "su {lab}. Llame a {prov} para hablar de los resultados.",
        "sus resultados están listos: {lab}.",
        "el doctor revisó su {lab} y quiere verle {appt}.",
        "la {lab}; le daremos seguimiento por {cond}.",
        "los resultados de {relname}: {lab}.",
        "sus análisis están listos en el portal {orgweb}.",
        "su {lab}. Su médico le llamará.",
        "su biopsia confirma {cond}. Hablemos {appt}.",
    ],
    "refill": [
        "su receta de {med} está lista para recoger.",
        "ya puede recoger su {med} en la farmacia.",
        "su surtido de {med} fue enviado a {addr}.",
        "su {med} y {med2} están listos.",
        "recuerde tomar su {med} todos los días.",
        "su receta está lista en la farmacia de {org}.",
        "la farmacia necesita autorización para su {med}. Póliza {member}.",
    ],
    "billing": [
        "su saldo de la cuenta {acct} es de $120.",
        "tiene un saldo pendiente. Factura {acct}. Pague en {orgweb}.",
        "su seguro Medicaid {member} venció. Actualice sus datos.",
        "su número de afiliado {member} no fue aceptado.",
        "su pago fue recibido. Gracias.",
        "enviamos su estado de cuenta a {addr}, {colonia}, CP {zip}.",
        "necesitamos su número de seguro social {ssn} para el trámite.",
        "su póliza {member} cubre la consulta {appt}.",
    ],
    "care_coordination": [
        "la enfermera visitará a {name} en {addr}, {city}.",
        "el transporte le recogerá en {addr} {appt}.",
        "su referencia a {dept} fue aprobada.",
        "{prov} le refirió a {facility} para {proc}.",
        "su mamá {relname} fue dada de alta el {pdate}.",
        "por favor llame al {phone} para coordinar su {proc}.",
        "su DNI {lic} y su tarjeta sanitaria {member} son necesarios.",
        "actualizamos su dirección: {addr}, {colonia}, {city}, C.P. {zip}.",
        "su expediente {mrn} fue enviado a {facility}.",
        "su esposo {relname} llamó desde el {phone}.",
        "envíe el formulario al fax {fax}.",
        "{name} tiene {age} años y necesita acompañante.",
    ],
    "informal": [
        "hola q tal, soy {first}, mi cel es {phone} xq no me llegó nada",
        "ya tengo mis resultados?? me dijeron q tengo {cond}",
        "ok gracias, mañana voy por mi {med}",
        "mi fecha de nacimiento es {dob} x si la necesitan",
        "me cambié a {addr}, {city}",
        "xfa manden mis papeles a {email}",
        "ok nos vemos, gracias!",
        "mi hija {relname} tiene fiebre, la pueden ver hoy?",
    ],
    "mixed": [
        "Hi {first}, su cita is confirmed {appt}.",
        "Reminder: su {proc} is scheduled {appt} with {prov}.",
        "Hi Sra. {hon}, your {lab}. Por favor llame al {orgphone}.",
        "Your refill of {med} está lista.",
        "Hola {first}! Your appointment is {appt}, please llegue temprano.",
        "Please call us, su seguro {member} was denied.",
        "Hi, su cita is confirmed {appt}. Gracias!",
        "Hello {name}, your DOB {dob} no coincide con el expediente {mrn}.",
        "Your bill is ready, su cuenta {acct}. Pay at {orgweb}.",
        "Hola, your lab results are ready en el portal.",
    ],
    "admin_only": [
        "Hola, la clínica estará cerrada el lunes por el día festivo.",
        "Recuerde vacunarse contra la gripe este otoño. Llame al {orgphone}.",
        "Su cita es {appt} con {prov}. Gracias.",
        "Estamos contratando enfermeras. Visite {orgweb}.",
        "{org} tiene nuevo horario: de lunes a viernes de 8 a 5.",
        "Su cita con {prov} fue confirmada para {appt}.",
        "Para reprogramar su cita llame al {orgphone}.",
        "Hi, la farmacia abre a las 9 a. m. mañana.",
        "Mayo es el mes de la salud. Hágase su chequeo anual.",
        "Gracias por visitar {org}. Conteste nuestra encuesta en {orgweb}.",
        "Le recordamos traer su identificación y su tarjeta del seguro a su cita {appt}.",
        "{prov} estará de vacaciones hasta el 15 de julio.",
        "Su cita {appt} está confirmada. Responda NO para cancelar.",
        "Buenos días, su cita de mañana a las 10:30 a. m. sigue en pie.",
        "La Dra. Paz Luna atenderá en el consultorio 4 desde el lunes.",
    ],
}
CATEGORIES = list(BODIES)
WEIGHTS = [0.15, 0.13, 0.12, 0.1, 0.14, 0.1, 0.12, 0.14]
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
WEEKDAYS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado"]


def _faker_pool(method: str, n: int = 1500) -> list[str]:
    from faker import Faker

    out: list[str] = []
    for loc in LOCALES:
        f = Faker(loc)
        f.seed_instance(1234)
        out.extend(str(getattr(f, method)()) for _ in range(n // len(LOCALES)))
    return sorted(set(out))


class Pools:
    def __init__(self, split: str) -> None:
        self.split = split
        keep = lambda xs: [x for x in xs if bucket(x) == split]  # noqa: E731
        self.firsts = keep(_faker_pool("first_name"))
        self.lasts = keep(
            [x for x in _faker_pool("last_name") if " " not in x and "-" not in x and len(x) > 2]
        )
        self.streets = keep(
            [x for x in _faker_pool("last_name") + _faker_pool("first_name") if " " not in x]
        )
        self.cities = keep([x for x in _faker_pool("city") if len(x) > 3])
        self.conditions = keep(CONDITIONS)
        self.medications = keep(MEDICATIONS)
        self.tests = keep(TESTS)
        self.procedures = keep(PROCEDURES)
        self.departments = keep(DEPARTMENTS)
        self.facilities = keep(FACILITIES)
        for name, pool in vars(self).items():
            if isinstance(pool, list) and not pool:
                raise ValueError(f"pool {name} has no {split} values")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


class Composer:
    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p, self.rng = pools, rng

    def value(self, slot: str) -> str:
        r, p = self.rng, self.p
        fns: dict[str, Callable[[], str]] = {
            "first": lambda: r.choice(p.firsts),
            "hon": lambda: (
                r.choice(p.lasts) + (" " + r.choice(p.lasts) if r.random() < 0.5 else "")
            ),
            "name": self.name,
            "relname": self.name,
            "prov": self.provider,
            "appt": self.appointment,
            "dob": lambda: self.date(1930, 2005),
            "pdate": lambda: self.date(2015, 2024),
            "age": lambda: str(r.randint(90, 104)),
            "phone": self.phone,
            "fax": self.phone,
            "email": lambda: (
                f"{fold_ascii(r.choice(p.firsts))}.{fold_ascii(r.choice(p.lasts))}"
                f"{r.randint(1, 99)}@example.com"
            ),
            "ssn": lambda: f"9{_digits(r, 2)}-{_digits(r, 2)}-{_digits(r, 4)}",
            "mrn": lambda: r.choice(["", "EXP-", "HC"]) + _digits(r, r.randint(6, 9)),
            "member": lambda: r.choice(["", "MX", "AF", "W"]) + _digits(r, r.randint(8, 11)),
            "acct": lambda: _digits(r, 4) + "-" + _digits(r, 5),
            "lic": lambda: _digits(r, 8) + r.choice("TRWAGMYFPDXBNJZSQVHLCKE"),
            "addr": self.address,
            "city": lambda: r.choice(p.cities),
            "colonia": lambda: "Col. " + r.choice(p.streets),
            "zip": lambda: _digits(r, 5),
            "cond": lambda: r.choice(p.conditions),
            "med": lambda: (
                r.choice(p.medications) + (" " + r.choice(DOSES) if r.random() < 0.6 else "")
            ),
            "med2": lambda: r.choice(p.medications),
            "lab": lambda: r.choice(p.tests) + " " + r.choice(RESULTS),
            "proc": lambda: r.choice(p.procedures),
            "dept": lambda: r.choice(p.departments),
            "facility": lambda: r.choice(p.facilities),
            "org": lambda: "Lakeview Health",
            "orgphone": lambda: r.choice(["(555) 010-4400", "555-010-4400", "555 010 4400"]),
            "orgweb": lambda: "lakeviewhealth.example",
        }
        return fns[slot]()

    def name(self) -> str:
        r, p = self.rng, self.p
        parts = [r.choice(p.firsts)]
        if r.random() < 0.25:
            parts.append(r.choice(p.firsts))
        parts.append(r.choice(p.lasts))
        if r.random() < 0.6:
            parts.append(
                r.choice(["", "de ", "del "])[: 0 if r.random() < 0.8 else 4] + r.choice(p.lasts)
            )
        return " ".join(parts)

    def provider(self) -> str:
        r, p = self.rng, self.p
        return r.choice(["Dr.", "Dra.", "Doctora", "Dr."]) + " " + r.choice(p.lasts)

    def appointment(self) -> str:
        r = self.rng
        day, month = r.randint(1, 28), r.choice(MONTHS)
        hour = f"{r.randint(1, 12)}:{r.choice(['00', '15', '30', '45'])}"
        ampm = r.choice([" a. m.", " p. m.", " pm", " am", " hrs", ""])
        return r.choice(
            [
                f"el {r.choice(WEEKDAYS)} {day} de {month} a las {hour}{ampm}",
                f"el {day} de {month} a las {hour}{ampm}",
                f"mañana a las {hour}{ampm}",
                f"el {r.choice(WEEKDAYS)} a las {hour}{ampm}",
                f"el {day} de {month} de 2027 a las {hour}",
            ]
        )

    def date(self, y0: int, y1: int) -> str:
        r = self.rng
        y, m, d = r.randint(y0, y1), r.randint(1, 12), r.randint(1, 28)
        return r.choice(
            [
                f"{d} de {MONTHS[m - 1]} de {y}",
                f"{d:02d}/{m:02d}/{y}",
                f"{d}/{m}/{y}",
                f"{d:02d}-{m:02d}-{y}",
                f"{m:02d}/{d:02d}/{y}",
            ]
        )

    def phone(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"55 {_digits(r, 4)} {_digits(r, 4)}",
                f"(33) {_digits(r, 4)}-{_digits(r, 4)}",
                f"+52 1 81 {_digits(r, 4)} {_digits(r, 4)}",
                f"6{_digits(r, 2)} {_digits(r, 2)} {_digits(r, 2)} {_digits(r, 2)}",
                f"+34 6{_digits(r, 2)} {_digits(r, 3)} {_digits(r, 3)}",
                f"(555) 01{_digits(r, 1)}-{_digits(r, 4)}",
                f"555-01{_digits(r, 2)}",
            ]
        )

    def address(self) -> str:
        r, p = self.rng, self.p
        n = str(r.randint(1, 4999))
        street = r.choice(p.streets)
        return r.choice(
            [
                f"{r.choice(STREET_TYPES)} {street} {n}",
                f"{r.choice(STREET_TYPES)} {street} #{n} Int. {r.randint(1, 40)}",
                f"C/ {street}, {r.randint(1, 99)}, {r.randint(1, 9)}º {r.choice('ABCD')}",
                f"{n} {street} St Apt {r.randint(1, 30)}",
                f"Avenida {street} {n}, Depto. {r.randint(1, 40)}",
            ]
        )

    def compose(
        self, category: str, templates: dict[str, list[str]]
    ) -> list[tuple[str, str | None, bool]]:
        r = self.rng
        body = r.choice(templates[category])
        if category in ("admin_only", "mixed"):
            frame = body
        else:
            opener = r.choice(templates["_openers"])
            closer = r.choice(templates["_closers"])
            text = body[0].upper() + body[1:] if not opener or opener.endswith(". ") else body
            frame = opener + text + closer
        pieces: list[tuple[str, str | None, bool]] = []
        pos = 0
        for m in SLOT_RE.finditer(frame):
            pieces.append((frame[pos : m.start()], None, False))
            slot = m.group(1)
            typ, keep = SLOT_TYPES_ES[slot]
            value = self.value(slot)
            if frame[: m.start()].endswith("HOLA "):
                value = value.upper()
            pieces.append((value, typ, keep))
            pos = m.end()
        pieces.append((frame[pos:], None, False))
        return [pc for pc in pieces if pc[0]]


def fold_ascii(s: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c)
    ).replace(" ", "")


def templates_for(split: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cat, items in [*BODIES.items(), ("_openers", OPENERS), ("_closers", CLOSERS)]:
        chosen = [t for t in items if bucket("es|" + t, 0.4) == split]
        out[cat] = chosen or items[:1]
    return out


def generate(split: str, n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    comp = Composer(Pools(split), rng)
    tpl = templates_for(split)
    out: list[Example] = []
    while len(out) < n:
        category = rng.choices(CATEGORIES, weights=WEIGHTS)[0]
        for _ in range(50):
            text, spans = assemble(comp.compose(category, tpl))
            if category == "admin_only" and any(not s["keep"] for s in spans):
                continue
            if check(text, spans) is None:
                out.append(Example(f"es-{split}-{len(out) + 1:05d}", category, text, spans))
                break
        else:
            raise RuntimeError("could not compose a valid example")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    for split, n in SIZES.items():
        examples = generate(split, n, SEEDS[split])
        write(examples, args.out / f"es-{split}.jsonl")
        clean = sum(1 for e in examples if not any(not s["keep"] for s in e.spans))
        print(f"es-{split}: {len(examples)} texts, {clean} with nothing to remove")


if __name__ == "__main__":
    main()
