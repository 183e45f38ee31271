"""The portal's HTML: small, mobile-first, accessible pages with no scripts and no external assets.

One stylesheet, inlined and allowed by its hash in the Content-Security-Policy (no scripts at
all). Every value put into a page is escaped. Contrast exceeds WCAG AA 4.5:1 everywhere: body
text 17.4:1, hints 8.9:1, buttons and links 8.4:1, errors 10.0:1, message box 16.3:1. The layout
works from 320px wide; every input has a visible label; errors are announced (role=alert).

Languages: a link's pages are in its notice's language (``<html lang="en|es">``, the same
markup and accessibility in each). The pages that must not reveal whether a link exists or
which language it was (not found/expired, too many requests, expired form, error) are one
bilingual page, byte for byte, the Spanish part marked ``lang="es"`` for screen readers.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape

CSS = """
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
font-size:1.125rem;line-height:1.5;color:#1a1a1a;background:#ffffff}
main{max-width:36rem;margin:0 auto;padding:1.25rem 1rem 3rem}
header{border-bottom:4px solid #0b4f8a;margin-bottom:1.25rem;padding-bottom:.5rem}
.org{font-weight:700;color:#0b4f8a;margin:0}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
p{margin:0 0 1rem}
label{display:block;font-weight:700;margin-bottom:.25rem}
.hint{color:#4a4a4a;margin:0 0 .5rem;font-size:1rem}
input{font:inherit;width:100%;max-width:16rem;padding:.6rem .75rem;border:2px solid #1a1a1a;
border-radius:4px;background:#fff;color:#1a1a1a}
input:focus,button:focus{outline:3px solid #f0b400;outline-offset:2px}
button{font:inherit;font-weight:700;min-height:44px;padding:.6rem 1.25rem;margin-top:1rem;
border:0;border-radius:4px;background:#0b4f8a;color:#ffffff;cursor:pointer}
button.secondary{background:#ffffff;color:#0b4f8a;border:2px solid #0b4f8a}
.error{border-left:5px solid #b00020;padding:.5rem .75rem;background:#fdeced;color:#7a0016;
margin:0 0 1rem}
.msg{white-space:pre-wrap;overflow-wrap:anywhere;border:2px solid #0b4f8a;border-radius:4px;
padding:1rem;margin:0 0 1rem;background:#f4f8fc}
.note{font-size:1rem;color:#4a4a4a}
form{margin:0 0 1rem}
"""

STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()

CSP = (
    "default-src 'none'; "
    f"style-src '{STYLE_HASH}'; "
    "img-src 'none'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    html: str


LANGUAGES = ("en", "es")

# Every sentence a page says, per language. Spanish written for patients (usted), plain words.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "confirm_title": "Confirm it's you",
        "dob_intro": "To keep your information private, please confirm your date of birth "
        "before we show your message.",
        "dob_wrong": "That date of birth does not match our records.",
        "dob_label": "Date of birth",
        "dob_hint": "Month, day and year, for example 07/04/1985",
        "show": "Show my message",
        "code_intro": "To keep your information private, we will text a 6-digit code to the "
        "phone number this message was sent to.",
        "code_failed": "We could not send a code just now. Please try again later.",
        "code_send": "Text me a code",
        "code_title": "Enter your code",
        "code_sent": "We sent a 6-digit code by text message. It expires in 10 minutes.",
        "code_wrong": "That code is not right or has expired.",
        "code_limit": "No more codes can be sent for this message. Use the last one we sent.",
        "code_wait": "A code was sent moments ago. Please wait a little before asking again.",
        "code_label": "6-digit code",
        "code_hint": "The code from the text we just sent you",
        "code_resend": "Send a new code",
        "secure_title": "You have a secure message",
        "secure": "You have a secure message.",
        "message_title": "Your secure message",
        "message_label": "Your message",
        "once": "<strong>This message can be viewed only once.</strong> It will not be "
        "available again after you leave this page.",
        "not_saved": "This page is not saved on your device. Close it when you are done.",
        "locked_title": "This link is locked",
        "locked": "For your protection this link is locked after too many incorrect attempts.",
        "contact": "Please contact {org} to get your message.",
        "viewed_title": "This message was already viewed",
        "viewed": "For your privacy this message could be viewed only once, and it has "
        "already been opened.",
        "viewed_contact": "If you need it again, please contact {org}.",
        "attempts_1": "You have 1 attempt left.",
        "attempts_n": "You have {n} attempts left.",
        "unavailable_title": "This link is not available",
        "unavailable": "This link has expired or is not valid.",
        "unavailable_contact": "If you were expecting a message, please contact the "
        "organisation that sent you the link.",
        "wait_title": "Please wait",
        "wait": "There have been too many attempts. Please wait a few minutes and try again.",
        "retry_title": "Please try again",
        "retry": "This page expired before it was sent. Please open the link from your text "
        "message again.",
        "error_title": "Please try again later",
        "error": "Something went wrong on our side. Please try again later.",
    },
    "es": {
        "confirm_title": "Confirme que es usted",
        "dob_intro": "Para proteger su información, confirme su fecha de nacimiento antes de "
        "que le mostremos su mensaje.",
        "dob_wrong": "Esa fecha de nacimiento no coincide con nuestros registros.",
        "dob_label": "Fecha de nacimiento",
        "dob_hint": "Día, mes y año, por ejemplo 04/07/1985 (4 de julio de 1985)",
        "show": "Ver mi mensaje",
        "code_intro": "Para proteger su información, enviaremos un código de 6 dígitos por "
        "mensaje de texto al número al que se envió este mensaje.",
        "code_failed": "No pudimos enviar un código en este momento. Inténtelo más tarde.",
        "code_send": "Envíenme un código",
        "code_title": "Escriba su código",
        "code_sent": "Le enviamos un código de 6 dígitos por mensaje de texto. Vence en 10 "
        "minutos.",
        "code_wrong": "Ese código no es correcto o ya venció.",
        "code_limit": "No se pueden enviar más códigos para este mensaje. Use el último que "
        "le enviamos.",
        "code_wait": "Acabamos de enviarle un código. Espere un momento antes de pedir otro.",
        "code_label": "Código de 6 dígitos",
        "code_hint": "El código del mensaje de texto que le acabamos de enviar",
        "code_resend": "Enviar un código nuevo",
        "secure_title": "Tiene un mensaje seguro",
        "secure": "Tiene un mensaje seguro.",
        "message_title": "Su mensaje seguro",
        "message_label": "Su mensaje",
        "once": "<strong>Este mensaje solo se puede ver una vez.</strong> No estará disponible "
        "después de que salga de esta página.",
        "not_saved": "Esta página no se guarda en su dispositivo. Ciérrela cuando termine.",
        "locked_title": "Este enlace está bloqueado",
        "locked": "Para su protección, este enlace se bloqueó después de demasiados intentos "
        "incorrectos.",
        "contact": "Comuníquese con {org} para recibir su mensaje.",
        "viewed_title": "Este mensaje ya se vio",
        "viewed": "Para proteger su privacidad, este mensaje solo se podía ver una vez y ya "
        "se abrió.",
        "viewed_contact": "Si lo necesita de nuevo, comuníquese con {org}.",
        "attempts_1": "Le queda 1 intento.",
        "attempts_n": "Le quedan {n} intentos.",
        "unavailable_title": "Este enlace no está disponible",
        "unavailable": "Este enlace venció o no es válido.",
        "unavailable_contact": "Si esperaba un mensaje, comuníquese con la organización que "
        "le envió el enlace.",
        "wait_title": "Espere, por favor",
        "wait": "Hubo demasiados intentos. Espere unos minutos y vuelva a intentarlo.",
        "retry_title": "Inténtelo de nuevo",
        "retry": "Esta página venció antes de enviarse. Vuelva a abrir el enlace de su "
        "mensaje de texto.",
        "error_title": "Inténtelo más tarde",
        "error": "Algo salió mal de nuestro lado. Inténtelo más tarde.",
    },
}


def _t(lang: str, key: str, **values: object) -> str:
    """One sentence in ``lang`` (English when the language is unknown), HTML-escaped except
    for the markup the text itself carries (``once``)."""
    text = TEXT.get(lang, TEXT["en"])[key]
    if values:
        text = text.format(**{k: escape(str(v)) for k, v in values.items()})
    return text if key == "once" or values else escape(text)


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _layout(title: str, org: str, body: str, lang: str = "en", heading: str = "") -> str:
    org_line = f'<p class="org">{escape(org)}</p>' if org else ""
    heading = heading or escape(title)
    return (
        f'<!doctype html>\n<html lang="{_lang(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n<header>{org_line}<h1>{heading}</h1></header>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def _error(message: str) -> str:
    return f'<p class="error" id="answer-error" role="alert">{message}</p>'


def _attempts(left: int, lang: str = "en") -> str:
    return _t(lang, "attempts_1") if left == 1 else _t(lang, "attempts_n", n=left)


def dob_form(
    action: str, csrf: str, org: str, error: str = "", attempts_left: int = 0, lang: str = "en"
) -> Page:
    err = ""
    if error == "wrong":
        err = _error(f"{_t(lang, 'dob_wrong')} {_attempts(attempts_left, lang)}")
    described = "answer-hint answer-error" if err else "answer-hint"
    invalid = ' aria-invalid="true"' if err else ""
    body = (
        f"<p>{_t(lang, 'dob_intro')}</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        f'<label for="answer">{_t(lang, "dob_label")}</label>\n'
        f'<p class="hint" id="answer-hint">{_t(lang, "dob_hint")}</p>\n'
        '<input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="bday" '
        f'required maxlength="20" aria-describedby="{described}"'
        f"{invalid}>\n"
        f'<div><button type="submit">{_t(lang, "show")}</button></div>\n</form>'
    )
    title = TEXT[_lang(lang)]["confirm_title"]
    return Page(200, title, _layout(title, org, body, lang))


def code_start(action: str, csrf: str, org: str, error: str = "", lang: str = "en") -> Page:
    err = _error(_t(lang, "code_failed")) if error else ""
    body = (
        f"<p>{_t(lang, 'code_intro')}</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        f'<button type="submit">{_t(lang, "code_send")}</button>\n</form>'
    )
    title = TEXT[_lang(lang)]["confirm_title"]
    return Page(200, title, _layout(title, org, body, lang))


def code_form(
    action: str,
    resend_action: str,
    csrf: str,
    org: str,
    error: str = "",
    attempts_left: int = 0,
    lang: str = "en",
) -> Page:
    messages = {
        "wrong": f"{_t(lang, 'code_wrong')} {_attempts(attempts_left, lang)}",
        "code_limit": _t(lang, "code_limit"),
        "code_wait": _t(lang, "code_wait"),
    }
    err = _error(messages[error]) if error in messages else ""
    described = "answer-hint answer-error" if err else "answer-hint"
    invalid = ' aria-invalid="true"' if error == "wrong" else ""
    body = (
        f"<p>{_t(lang, 'code_sent')}</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        f'<label for="answer">{_t(lang, "code_label")}</label>\n'
        f'<p class="hint" id="answer-hint">{_t(lang, "code_hint")}</p>\n'
        '<input id="answer" name="answer" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="8" '
        f'aria-describedby="{described}"{invalid}>\n'
        f'<div><button type="submit">{_t(lang, "show")}</button></div>\n</form>\n'
        f'<form method="post" action="{escape(resend_action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        f'<button type="submit" class="secondary">{_t(lang, "code_resend")}</button>\n</form>'
    )
    title = TEXT[_lang(lang)]["code_title"]
    return Page(200, title, _layout(title, org, body, lang))


def confirm(action: str, csrf: str, org: str, lang: str = "en") -> Page:
    body = (
        f"<p>{_t(lang, 'secure')}</p>\n"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<input type="hidden" name="answer" value="">\n'
        f'<button type="submit">{_t(lang, "show")}</button>\n</form>'
    )
    title = TEXT[_lang(lang)]["secure_title"]
    return Page(200, title, _layout(title, org, body, lang))


def message(text: str, org: str, view_once: bool, lang: str = "en") -> Page:
    once = f"<p>{_t(lang, 'once')}</p>\n" if view_once else ""
    body = (
        f'<div class="msg" tabindex="0" aria-label="{_t(lang, "message_label")}">'
        f"{escape(text)}</div>\n"
        f"{once}"
        f'<p class="note">{_t(lang, "not_saved")}</p>'
    )
    title = TEXT[_lang(lang)]["message_title"]
    return Page(200, title, _layout(title, org, body, lang))


def _neutral(status: int, key: str, *paragraphs: str) -> Page:
    """One page in English then Spanish, the Spanish marked ``lang="es"`` for screen readers."""
    title = f"{TEXT['en'][key + '_title']} / {TEXT['es'][key + '_title']}"
    heading = f'{_t("en", key + "_title")} / <span lang="es">{_t("es", key + "_title")}</span>'
    en = "".join(f"<p>{_t('en', k)}</p>\n" for k in paragraphs)
    es = "".join(f"<p>{_t('es', k)}</p>\n" for k in paragraphs)
    body = f'{en}<div lang="es">\n{es}</div>'
    return Page(status, title, _layout(title, "", body, "en", heading))


def unavailable() -> Page:
    """Unknown, expired and purged links: one page, byte for byte, whatever the cause (and
    whatever the link's language: it is bilingual)."""
    return _neutral(404, "unavailable", "unavailable", "unavailable_contact")


def locked(org: str, lang: str = "en") -> Page:
    body = f"<p>{_t(lang, 'locked')}</p>\n<p>{_t(lang, 'contact', org=org)}</p>"
    title = TEXT[_lang(lang)]["locked_title"]
    return Page(403, title, _layout(title, org, body, lang))


def viewed(org: str, lang: str = "en") -> Page:
    body = f"<p>{_t(lang, 'viewed')}</p>\n<p>{_t(lang, 'viewed_contact', org=org)}</p>"
    title = TEXT[_lang(lang)]["viewed_title"]
    return Page(410, title, _layout(title, org, body, lang))


def rate_limited() -> Page:
    return _neutral(429, "wait", "wait")


def bad_form() -> Page:
    return _neutral(400, "retry", "retry")


def error() -> Page:
    return _neutral(503, "error", "error")
