"""Every word the portal shows a patient, in one place: US English (``EN``) and Spanish (``ES``).

Pages (:mod:`proxy.portal.pages`) only arrange these strings; a translation is another mapping
with the same keys (``STRINGS``, by ISO 639-1 code; a test holds the key sets equal). Spanish is
written for patients (usted), in plain words. Values are plain text with ``{name}`` fields; the
pages escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

EN: Mapping[str, str] = MappingProxyType(
    {
        "lang": "en",
        # the date-of-birth fields' order on the page (labelled, so either order is unambiguous)
        "dob.order": "month day year",
        # titles
        "title.verify": "Confirm it's you",
        "title.code": "Enter your code",
        "title.confirm": "You have a secure message",
        "title.message": "Your secure message",
        "title.unavailable": "This link is not available",
        "title.locked": "This link is locked",
        "title.viewed": "This message was already viewed",
        "title.wait": "Please wait",
        "title.retry": "Please try again",
        "title.later": "Please try again later",
        # verification by date of birth
        "dob.intro": "To keep your information private, please confirm your date of birth before "
        "we show your message.",
        "dob.legend": "Date of birth",
        "dob.hint": "Month, day and year, for example 7 2 1950 for July 2, 1950. A two-digit year "
        "is fine.",
        "dob.month": "Month",
        "dob.day": "Day",
        "dob.year": "Year",
        "dob.wrong": "That date of birth does not match our records. {attempts}",
        "dob.format": "We could not read that date. Please type the month, day and year as "
        "numbers, for example 7 2 1950 for July 2, 1950. This did not count as an attempt.",
        "attempts.one": "You have 1 attempt left.",
        "attempts.many": "You have {n} attempts left.",
        "button.show": "Show my message",
        # view once: warned and confirmed before anything is shown
        "once.warning": "This message can be viewed only once.",
        "once.detail": "After you open it and leave the page, it cannot be opened again. Make sure "
        "you are somewhere private and have time to read it.",
        "once.confirm": "I understand I can view this message only once",
        "once.missing": "Please check the box to confirm you understand this message can be viewed "
        "only once. This did not count as an attempt.",
        "once.after": "This message can be viewed only once. It will not be available again after "
        "you leave this page.",
        # verification by text message code
        "code.intro": "To keep your information private, we will text a 6-digit code to the phone "
        "number this message was sent to.",
        "code.failed": "We could not send a code just now. Please try again later.",
        "code.button": "Text me a code",
        "code.sent": "We sent a 6-digit code by text message. It expires in 10 minutes.",
        "code.label": "6-digit code",
        "code.hint": "The code from the text we just sent you",
        "code.wrong": "That code is not right or has expired. {attempts}",
        "code.limit": "No more codes can be sent for this message. Use the last one we sent.",
        "code.wait": "A code was sent moments ago. Please wait a little before asking again.",
        "code.resend": "Send a new code",
        # no verification
        "confirm.intro": "You have a secure message.",
        # the message
        "message.label": "Your message",
        "message.from": "From",
        "message.sent": "Sent",
        "message.expires": "This link works until {when}. After that, please contact {org}.",
        "message.not_saved": "This page is not saved on your device. Close it when you are done.",
        "call": "Questions? Call {org} at",
        # when the message cannot be shown
        "unavailable.body": "This link has expired or is not valid.",
        "unavailable.contact": "If you were expecting a message, please contact {org}.",
        "unavailable.call": "If you were expecting a message, please call {org} at",
        "locked.body": "For your protection this link is locked after too many incorrect attempts.",
        "locked.contact": "Please contact {org} to get your message.",
        "viewed.body": "For your privacy this message could be viewed only once, and it has "
        "already been opened.",
        "viewed.contact": "If you need it again, please contact {org}.",
        "wait.body": "There have been too many attempts. Please wait a few minutes and try again.",
        "retry.body": "This page expired before it was sent. Please open the link from your text "
        "message again.",
        "later.body": "Something went wrong on our side. Please try again later.",
        # dates: "December 7, 2026" and "3:15 PM"
        "date": "{month} {day}, {year}",
        "datetime": "{date} at {time} {zone}",
        "months": "January February March April May June July August September October November "
        "December",
        "am": "AM",
        "pm": "PM",
        "fallback.org": "the organization that sent you the link",
    }
)


ES: Mapping[str, str] = MappingProxyType(
    {
        "lang": "es",
        "dob.order": "day month year",
        # titles
        "title.verify": "Confirme que es usted",
        "title.code": "Escriba su código",
        "title.confirm": "Tiene un mensaje seguro",
        "title.message": "Su mensaje seguro",
        "title.unavailable": "Este enlace no está disponible",
        "title.locked": "Este enlace está bloqueado",
        "title.viewed": "Este mensaje ya se vio",
        "title.wait": "Espere, por favor",
        "title.retry": "Inténtelo de nuevo",
        "title.later": "Inténtelo más tarde",
        # verification by date of birth
        "dob.intro": "Para proteger su información, confirme su fecha de nacimiento antes de que "
        "le mostremos su mensaje.",
        "dob.legend": "Fecha de nacimiento",
        "dob.hint": "Día, mes y año, por ejemplo 2 7 1950 para el 2 de julio de 1950. Puede "
        "escribir el año con dos cifras y el mes con su nombre.",
        "dob.month": "Mes",
        "dob.day": "Día",
        "dob.year": "Año",
        "dob.wrong": "Esa fecha de nacimiento no coincide con nuestros registros. {attempts}",
        "dob.format": "No pudimos leer esa fecha. Escriba el día, el mes y el año con números, "
        "por ejemplo 2 7 1950 para el 2 de julio de 1950. Esto no contó como un intento.",
        "attempts.one": "Le queda 1 intento.",
        "attempts.many": "Le quedan {n} intentos.",
        "button.show": "Ver mi mensaje",
        # view once
        "once.warning": "Este mensaje solo se puede ver una vez.",
        "once.detail": "Después de abrirlo y salir de la página, no se podrá abrir de nuevo. "
        "Asegúrese de estar en un lugar privado y de tener tiempo para leerlo.",
        "once.confirm": "Entiendo que solo puedo ver este mensaje una vez",
        "once.missing": "Marque la casilla para confirmar que entiende que este mensaje solo se "
        "puede ver una vez. Esto no contó como un intento.",
        "once.after": "Este mensaje solo se puede ver una vez. No estará disponible después de "
        "que salga de esta página.",
        # verification by text message code
        "code.intro": "Para proteger su información, enviaremos un código de 6 dígitos por "
        "mensaje de texto al número al que se envió este mensaje.",
        "code.failed": "No pudimos enviar un código en este momento. Inténtelo más tarde.",
        "code.button": "Envíenme un código",
        "code.sent": "Le enviamos un código de 6 dígitos por mensaje de texto. Vence en 10 "
        "minutos.",
        "code.label": "Código de 6 dígitos",
        "code.hint": "El código del mensaje de texto que le acabamos de enviar",
        "code.wrong": "Ese código no es correcto o ya venció. {attempts}",
        "code.limit": "No se pueden enviar más códigos para este mensaje. Use el último que le "
        "enviamos.",
        "code.wait": "Acabamos de enviarle un código. Espere un momento antes de pedir otro.",
        "code.resend": "Enviar un código nuevo",
        # no verification
        "confirm.intro": "Tiene un mensaje seguro.",
        # the message
        "message.label": "Su mensaje",
        "message.from": "De",
        "message.sent": "Enviado",
        "message.expires": "Este enlace funciona hasta el {when}. Después, comuníquese con {org}.",
        "message.not_saved": "Esta página no se guarda en su dispositivo. Ciérrela cuando termine.",
        "call": "¿Preguntas? Llame a {org} al",
        # when the message cannot be shown
        "unavailable.body": "Este enlace venció o no es válido.",
        "unavailable.contact": "Si esperaba un mensaje, comuníquese con {org}.",
        "unavailable.call": "Si esperaba un mensaje, llame a {org} al",
        "locked.body": "Para su protección, este enlace se bloqueó después de demasiados "
        "intentos incorrectos.",
        "locked.contact": "Comuníquese con {org} para recibir su mensaje.",
        "viewed.body": "Para proteger su privacidad, este mensaje solo se podía ver una vez y ya "
        "se abrió.",
        "viewed.contact": "Si lo necesita de nuevo, comuníquese con {org}.",
        "wait.body": "Hubo demasiados intentos. Espere unos minutos y vuelva a intentarlo.",
        "retry.body": "Esta página venció antes de enviarse. Vuelva a abrir el enlace de su "
        "mensaje de texto.",
        "later.body": "Algo salió mal de nuestro lado. Inténtelo más tarde.",
        # dates: "7 de diciembre de 2026" and "3:15 p. m."
        "date": "{day} de {month} de {year}",
        "datetime": "{date} a las {time} {zone}",
        "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre "
        "noviembre diciembre",
        "am": "a. m.",
        "pm": "p. m.",
        "fallback.org": "la organización que le envió el enlace",
    }
)

STRINGS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": EN, "es": ES})


def strings_for(language: str) -> Mapping[str, str]:
    """The strings for ``language`` (English when the language has no pages of its own)."""
    return STRINGS.get(language, EN)
