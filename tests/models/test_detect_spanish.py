"""Spanish and Spanglish texts: the language decision, and every Spanish identifier family with
the same entity types and the same administrative exceptions as English."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import language
from models.detector import Detector
from models.recognizers.es.clinical import sound
from tests.models.detect_helpers import covered, phi, spans


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Su biopsia muestra cáncer", "es"),
        ("Sra. García, fecha de nacimiento 14/03/1962", "es"),
        ("Hi Sra. García, su cita is confirmed", "mixed"),
        ("Your refill is ready at the pharmacy.", "en"),
        ("Hola Agnieszka", "mixed"),  # one Spanish word: both languages' recognizers
        ("Hi José, your appointment is on Tuesday at 3 PM.", "en"),  # a name's accent
        ("Gracias! Your bill is ready, please pay online.", "en"),
        ("", "mixed"),  # no evidence either way: both
        ("DNI 12345678Z", "mixed"),
    ],
)
def test_language(text: str, expected: str) -> None:
    assert language.detect(text) == expected


def test_the_word_lists_share_no_word() -> None:
    assert {"doctor"} >= language.SPANISH_WORDS & language.ENGLISH_WORDS


def test_primary_language_of_a_mixed_text() -> None:
    assert language.primary("Hi Sra. García, su cita is confirmed") == "es"
    assert language.primary("Reminder: your visit is tomorrow, gracias") == "en"


@settings(max_examples=200, derandomize=True)
@given(st.text(max_size=200))
def test_language_never_fails(text: str) -> None:
    assert language.detect(text) in language.LANGUAGES
    assert language.primary(text) in ("en", "es")


def test_language_is_cheap() -> None:
    texts = [f"Hola María {i}, su cita es el martes a las 3:15 p. m. Gracias." for i in range(2000)]
    t0 = time.perf_counter()
    for t in texts:
        language.scores(t)
    assert (time.perf_counter() - t0) / len(texts) < 0.001  # well under a millisecond a text


@pytest.mark.parametrize(
    "text,value",
    [
        ("Hola María José Hernández López, su cita es mañana.", "María José Hernández López"),
        (
            "Sra. María de la Luz Ortiz y Pino, su receta está lista.",
            "María de la Luz Ortiz y Pino",
        ),
        ("Sr. Juan de la Cruz Pérez, llame a la clínica.", "Juan de la Cruz Pérez"),
        ("Srta. Valdivia, su pago fue recibido.", "Valdivia"),
        ("Dña. Remedios, le esperamos el lunes.", "Remedios"),
        ("Don Aurelio, su cita se cambió.", "Aurelio"),
        ("su hija Ximena tiene fiebre", "Ximena"),
        ("Estimado Sr. Quispe Mamani: su expediente está listo.", "Quispe Mamani"),
        ("buenos dias ivan, su cita es hoy", "ivan"),  # lower case after a greeting
        ("SRA. GUADALUPE TREVIÑO, SU CITA ES MAÑANA", "GUADALUPE TREVIÑO"),  # all caps
        ("HOLA MARINA, su receta está lista.", "MARINA"),  # a name in capitals after HOLA
        ("Hi Iván, su cita is confirmed", "Iván"),  # the English greeting of a mixed text
        ("la enfermera visitará a Silvia Silva Sedano mañana", "Silvia Silva Sedano"),
        ("Benjamín Ezequiel, necesitamos sus datos.", "Benjamín Ezequiel"),
        ("Carlos Ramírez Soto tiene cita el lunes.", "Carlos Ramírez Soto"),
        ("Apellidos: Rivera Bueno.\nNombre: Ernesto.", "Rivera Bueno"),
    ],
)
def test_spanish_patient_names(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text,provider",
    [
        ("Su cita con la Dra. Ramírez es el martes.", "Dra. Ramírez"),
        ("El Dr. Juan Beltrán le llamará.", "Dr. Juan Beltrán"),
        ("Su enfermera, Enf. Lucía Paredes, le visitará.", "Enf. Lucía Paredes"),
    ],
)
def test_titled_clinicians_are_administrative(detector: Detector, text: str, provider: str) -> None:
    assert ("PROVIDER_NAME", provider) in spans(detector, text)
    assert not [v for t, v in phi(detector, text) if v in provider]


@pytest.mark.parametrize(
    "text,place",
    [
        (
            "Fue atendido en el Hospital Universitario Doctor Peset de Valencia.",
            "Hospital Universitario Doctor Peset",
        ),
        ("Ingresó en el Hospital Militar Dr. Carlos Arvelo.", "Hospital Militar Dr. Carlos Arvelo"),
    ],
)
def test_a_hospital_named_after_a_doctor_is_a_place(
    detector: Detector, text: str, place: str
) -> None:
    assert covered(detector, text, place)
    assert not any(t == "PROVIDER_NAME" for t, _ in spans(detector, text))


def test_a_name_seen_as_a_patient_is_removed_where_it_is_titled(detector: Detector) -> None:
    text = (
        "Médico: María Merino Viveros NºCol: 28 28 35489.\nRemitido por: Dra. María Merino Viveros"
    )
    assert covered(detector, text, "María Merino Viveros")
    second = text.rindex("María Merino Viveros")
    assert any(f.start <= second < f.end and f.type == "PERSON" for f in detector.detect([text])[0])


@pytest.mark.parametrize(
    "text,value,typ",
    [
        ("Fecha de nacimiento: 14 de marzo de 1962.", "14 de marzo de 1962", "DATE_OF_BIRTH"),
        ("Nació el 3 de abril de 1950.", "3 de abril de 1950", "DATE_OF_BIRTH"),
        ("f. nac. 14/03/1962", "14/03/1962", "DATE_OF_BIRTH"),
        ("fecha de nacimiento 03/14/1962", "03/14/1962", "DATE_OF_BIRTH"),  # month first
        ("Ingresó el 5 de mayo de 2023 por una caída.", "5 de mayo de 2023", "DATE"),
        ("Fue dada de alta el 12/11/2024.", "12/11/2024", "DATE"),
        ("La paciente tiene 93 años.", "93", "AGE_OVER_89"),
    ],
)
def test_spanish_person_dates(detector: Detector, text: str, value: str, typ: str) -> None:
    assert any(t == typ and value in v for t, v in spans(detector, text)), spans(detector, text)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Su cita es el martes 5 de mayo a las 3:15 p. m.", "el martes 5 de mayo a las 3:15 p. m."),
        ("Le recordamos su cita el 14 de marzo de 2027 a las 10:00.", "14 de marzo de 2027"),
        ("Le esperamos mañana a las 9:30 a. m.", "mañana a las 9:30 a. m."),
        ("Su cirugía es el 3 de octubre a las 7:00 hrs.", "3 de octubre a las 7:00 hrs"),
    ],
)
def test_spanish_appointments_stay(detector: Detector, text: str, value: str) -> None:
    found = spans(detector, text)
    assert any(t == "APPOINTMENT_DATETIME" and value in v for t, v in found), found
    assert not [v for _, v in phi(detector, text) if any(ch.isdigit() for ch in v)]


@pytest.mark.parametrize(
    "text,value,typ",
    [
        ("Llame al 55 1234 5678 para confirmar.", "55 1234 5678", "PHONE_NUMBER"),
        ("mi cel es (33) 3456-7890", "(33) 3456-7890", "PHONE_NUMBER"),
        ("Tel. +34 612 345 678", "+34 612 345 678", "PHONE_NUMBER"),
        ("whatsapp 612 34 56 78", "612 34 56 78", "PHONE_NUMBER"),
        ("envíe el formulario al fax 55 8765 4321", "55 8765 4321", "FAX_NUMBER"),
        ("Su expediente 4482913 está listo.", "4482913", "MEDICAL_RECORD_NUMBER"),
        ("NHC: 368503.", "368503", "MEDICAL_RECORD_NUMBER"),
        ("Su número de afiliado es ABC123456789.", "ABC123456789", "HEALTH_PLAN_ID"),
        ("póliza 99887766", "99887766", "HEALTH_PLAN_ID"),
        ("Medicaid 9876543A", "9876543A", "HEALTH_PLAN_ID"),
        ("NSS 281234567840", "281234567840", "HEALTH_PLAN_ID"),
        ("número de seguro social 923-45-6789", "923-45-6789", "US_SSN"),
        ("DNI 12345678Z", "12345678Z", "LICENSE_NUMBER"),
        ("NIE X1234567L", "X1234567L", "LICENSE_NUMBER"),
        ("Factura 4471-99812 pendiente", "4471-99812", "ACCOUNT_NUMBER"),
    ],
)
def test_spanish_numbers_and_ids(detector: Detector, text: str, value: str, typ: str) -> None:
    assert covered(detector, text, value), spans(detector, text)
    assert any(t == typ for t, v in spans(detector, text) if value in v or v in value)


@pytest.mark.parametrize(
    "text,values",
    [
        (
            "Su dirección: Calle Morelos 123, Col. Centro, CP 06000, Ciudad de México",
            ["Calle Morelos 123", "Centro", "06000", "Ciudad de México"],
        ),
        ("Enviamos su receta a C/ Mayor, 5, 3º B, Valencia", ["C/ Mayor, 5, 3º B", "Valencia"]),
        ("vive en Av. Insurgentes Sur 1457 Int. 3", ["Av. Insurgentes Sur 1457 Int. 3"]),
        ("Domicilio: calle monforte de lemos 129, 8C", ["calle monforte de lemos 129, 8C"]),
        ("me cambié a 4521 Oak St Apt 2, Houston TX 77002", ["4521 Oak St", "77002"]),
        ("Vive en Getafe con su madre.", ["Getafe"]),
        ("Vivo en el 4521 de la calle Oak, apto. 2", ["4521 de la calle Oak"]),
        ("Domicilio: Calle Dr. Joaquín Aznar Molina 2, 3F.", ["Calle Dr. Joaquín Aznar Molina 2"]),
        ("Vive en Calle del Dr. Esquerdo, 46.", ["Calle del Dr. Esquerdo, 46"]),
        ("Fue trasladado al Hospital San Rafael.", ["Hospital San Rafael"]),
    ],
)
def test_spanish_addresses_and_places(detector: Detector, text: str, values: list[str]) -> None:
    for v in values:
        assert covered(detector, text, v), (v, spans(detector, text))


@pytest.mark.parametrize(
    "text,value",
    [
        ("Su biopsia muestra cáncer.", "cáncer"),
        ("sus resultados de VIH son positivos", "VIH"),
        ("Tiene diabetis y presion alta xq no toma su medicina", "diabetis"),
        ("me dijeron q tengo canser", "canser"),
        ("TIENE DIABETES TIPO 2", "DIABETES TIPO 2"),
        ("Le recordamos tomar su metformina 500 mg", "metformina 500 mg"),
        ("su receta de sertralina está lista", "sertralina"),
        ("su cita de quimioterapia es mañana", "quimioterapia"),
        ("su referencia a Oncología fue aprobada", "Oncología"),
        ("su prueba de embarazo salió positiva", "prueba de embarazo salió positiva"),
        ("su glucosa salió alta", "glucosa salió alta"),
        ("Le diagnosticaron insuficiencia renal crónica", "insuficiencia renal crónica"),
    ],
)
def test_spanish_clinical_detail(detector: Detector, text: str, value: str) -> None:
    assert covered(detector, text, value), spans(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hola, la clínica estará cerrada el lunes por el día festivo.",
        "Su cita es el martes a las 3:15 p. m. con la Dra. Paz. Gracias.",
        "Mayo es el mes de la salud. Hágase su chequeo anual.",
        "Recuerde traer su identificación y su tarjeta del seguro.",
        "Para reprogramar su cita llame a la clínica.",
        "Su pago fue recibido. Gracias por su visita.",
        "Hi, la farmacia abre a las 9 a. m. mañana.",
        "Responda SI para confirmar o NO para cancelar.",
        "Its hours changed; su receta esta lista para recoger.",  # "its" is not ITS
        "Tome su medicina por vía oral con agua.",
        "Recuerde vacunarse contra la gripe este otoño.",
        "Ya empezó la temporada de gripe: vacúnese en la farmacia.",
    ],
)
def test_spanish_administrative_texts_are_left_alone(detector: Detector, text: str) -> None:
    assert phi(detector, text) == set(), spans(detector, text)


def test_spanish_sound_key_folds_texting_spellings() -> None:
    assert sound("canser") == sound("cáncer")
    assert sound("diavetes") == sound("diabetes")
    assert sound("ipertension") == sound("hipertensión")


def test_english_texts_do_not_run_the_spanish_recognizers(detector: Detector) -> None:
    text = "Reminder: your appointment with Dr. Paz is tomorrow at 10 AM."
    assert not [f for f in detector.detect([text])[0] if f.source.startswith("Spanish")]
