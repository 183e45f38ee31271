"""The portal's HTML: small, mobile-first, accessible pages with no scripts and no external assets.

Every word comes from :mod:`proxy.portal.strings` (one mapping per language), so a page here
only arranges strings; the sender's name, phone and time zone come in a :class:`Clinic`.

One stylesheet, inlined and allowed by its hash in the Content-Security-Policy (no scripts at
all). Every value put into a page is escaped. Contrast exceeds WCAG AA 4.5:1 everywhere: body
text 17.4:1, hints 8.9:1, buttons and links 8.4:1, errors 10.0:1, message box 16.3:1. The layout
works from 320px wide; every input has a visible label; errors are announced (role=alert).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from proxy.portal.strings import EN, ES

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
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{font-weight:700;padding:0;margin-bottom:.25rem}
.dob{display:flex;flex-wrap:wrap;gap:.75rem}
.dob div{flex:0 0 auto}
.dob label{font-weight:400}
.dob input{width:4.5rem}
.dob .year{width:6rem}
.once{border-left:5px solid #0b4f8a;padding:.5rem .75rem;background:#f4f8fc;margin:0 0 1rem}
.check{display:flex;gap:.6rem;align-items:flex-start;margin:0 0 .5rem}
.check input{width:1.6rem;height:1.6rem;min-width:1.6rem;margin:.1rem 0 0}
.check label{font-weight:400;margin:0}
dl{margin:0 0 1rem;display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem}
dt{font-weight:700}
dd{margin:0}
a{color:#0b4f8a;font-weight:700}
.call a{display:inline-block;min-height:44px;padding:.5rem 0}
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


@dataclass(frozen=True)
class Clinic:
    """Who sent the message, as the patient should see it: the organization's name, the phone
    number to call (``portal.phone``) and the time zone dates are shown in (``portal.timezone``)."""

    name: str = ""
    phone: str = ""
    timezone: str = "UTC"
    strings: Mapping[str, str] = field(default_factory=lambda: EN)

    def t(self, key: str, **values: object) -> str:
        return self.strings[key].format(**values) if values else self.strings[key]

    @property
    def who(self) -> str:
        return self.name or self.t("fallback.org")


def tel_href(phone: str) -> str:
    """``tel:`` target for a configured number: US 10-digit numbers get +1."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 10:
        return "tel:+1" + digits
    international = phone.strip().startswith("+") or len(digits) == 11
    return ("tel:+" if international else "tel:") + digits


def _layout(c: Clinic, title: str, body: str, heading: str = "") -> str:
    heading = heading or escape(title)
    org_line = f'<p class="org">{escape(c.name)}</p>' if c.name else ""
    return (
        f'<!doctype html>\n<html lang="{escape(c.t("lang"))}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n<header>{org_line}<h1>{heading}</h1></header>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def _page(c: Clinic, status: int, title_key: str, body: str) -> Page:
    title = c.t(title_key)
    return Page(status, title, _layout(c, title, body))


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>\n"


def _error(message: str) -> str:
    return f'<p class="error" id="answer-error" role="alert">{escape(message)}</p>\n'


def _attempts(c: Clinic, left: int) -> str:
    return c.t("attempts.one") if left == 1 else c.t("attempts.many", n=left)


def _csrf(csrf: str) -> str:
    return f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'


def _once_warning(c: Clinic) -> str:
    """The view-once warning, shown before the reader verifies (nothing is shown yet)."""
    return (
        f'<div class="once" id="once-warning"><p><strong>{escape(c.t("once.warning"))}</strong> '
        f"{escape(c.t('once.detail'))}</p></div>\n"
    )


def _once_check(c: Clinic, invalid: bool) -> str:
    attr = ' aria-invalid="true" aria-describedby="answer-error"' if invalid else ""
    return (
        '<div class="check"><input type="checkbox" id="once" name="once" value="yes" required'
        f'{attr}><label for="once">{escape(c.t("once.confirm"))}</label></div>\n'
    )


def _call(c: Clinic, key: str) -> str:
    """ "Questions? Call Lakeview Health at (555) 010-4400", the number a tap-to-call link."""
    if not c.phone:
        return ""
    return (
        f'<p class="call">{escape(c.t(key, org=c.who))} '
        f'<a href="{escape(tel_href(c.phone))}">{escape(c.phone)}</a></p>\n'
    )


def when(c: Clinic, at: float, with_time: bool = True) -> str:
    """A US-style date ("December 7, 2026"), with the time ("at 3:15 PM CST") if asked."""
    try:
        zone = ZoneInfo(c.timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    d = datetime.fromtimestamp(at, zone)
    day = c.t("date", month=c.t("months").split()[d.month - 1], day=d.day, year=d.year)
    if not with_time:
        return day
    hour = d.hour % 12 or 12
    clock = f"{hour}:{d.minute:02d} {c.t('am') if d.hour < 12 else c.t('pm')}"
    return c.t("datetime", date=day, time=clock, zone=d.tzname() or "")


def dob_form(
    action: str,
    csrf: str,
    c: Clinic,
    error: str = "",
    attempts_left: int = 0,
    view_once: bool = False,
) -> Page:
    """Three labelled fields (month, day, year): what older patients get right first time."""
    messages = {
        "wrong": c.t("dob.wrong", attempts=_attempts(c, attempts_left)),
        "format": c.t("dob.format"),
        "once": c.t("once.missing"),
    }
    err = _error(messages[error]) if error in messages else ""
    bad_date = error in ("wrong", "format")
    invalid = ' aria-invalid="true"' if bad_date else ""
    described = "dob-hint answer-error" if bad_date else "dob-hint"

    def box(name: str, autocomplete: str, size: int, cls: str = "") -> str:
        klass = f' class="{cls}"' if cls else ""
        return (
            f'<div><label for="dob-{name}">{escape(c.t("dob." + name))}</label>'
            f'<input id="dob-{name}" name="{name}"{klass} type="text" inputmode="numeric" '
            f'autocomplete="{autocomplete}" required maxlength="{size}" '
            f'aria-describedby="{described}"{invalid}></div>\n'
        )

    boxes = {
        "month": box("month", "bday-month", 10),
        "day": box("day", "bday-day", 4),
        "year": box("year", "bday-year", 4, "year"),
    }
    body = (
        _p(c.t("dob.intro"))
        + (_once_warning(c) if view_once else "")
        + err
        + f'<form method="post" action="{escape(action)}">\n'
        + _csrf(csrf)
        + f'<fieldset>\n<legend id="dob-legend">{escape(c.t("dob.legend"))}</legend>\n'
        + f'<p class="hint" id="dob-hint">{escape(c.t("dob.hint"))}</p>\n'
        + '<div class="dob">\n'
        + "".join(boxes[name] for name in c.t("dob.order").split())
        + "</div>\n</fieldset>\n"
        + (_once_check(c, error == "once") if view_once else "")
        + f'<div><button type="submit">{escape(c.t("button.show"))}</button></div>\n</form>'
    )
    return _page(c, 200, "title.verify", body)


def code_start(action: str, csrf: str, c: Clinic, error: str = "", view_once: bool = False) -> Page:
    body = (
        _p(c.t("code.intro"))
        + (_once_warning(c) if view_once else "")
        + (_error(c.t("code.failed")) if error else "")
        + f'<form method="post" action="{escape(action)}">\n'
        + _csrf(csrf)
        + f'<button type="submit">{escape(c.t("code.button"))}</button>\n</form>'
    )
    return _page(c, 200, "title.verify", body)


def code_form(
    action: str,
    resend_action: str,
    csrf: str,
    c: Clinic,
    error: str = "",
    attempts_left: int = 0,
    view_once: bool = False,
) -> Page:
    messages = {
        "wrong": c.t("code.wrong", attempts=_attempts(c, attempts_left)),
        "code_limit": c.t("code.limit"),
        "code_wait": c.t("code.wait"),
        "once": c.t("once.missing"),
    }
    err = _error(messages[error]) if error in messages else ""
    described = "answer-hint answer-error" if error == "wrong" else "answer-hint"
    invalid = ' aria-invalid="true"' if error == "wrong" else ""
    body = (
        _p(c.t("code.sent"))
        + (_once_warning(c) if view_once else "")
        + err
        + f'<form method="post" action="{escape(action)}">\n'
        + _csrf(csrf)
        + f'<label for="answer">{escape(c.t("code.label"))}</label>\n'
        + f'<p class="hint" id="answer-hint">{escape(c.t("code.hint"))}</p>\n'
        + '<input id="answer" name="answer" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="8" '
        f'aria-describedby="{described}"{invalid}>\n'
        + (_once_check(c, error == "once") if view_once else "")
        + f'<div><button type="submit">{escape(c.t("button.show"))}</button></div>\n</form>\n'
        + f'<form method="post" action="{escape(resend_action)}">\n'
        + _csrf(csrf)
        + f'<button type="submit" class="secondary">{escape(c.t("code.resend"))}</button>\n'
        "</form>"
    )
    return _page(c, 200, "title.code", body)


def confirm(action: str, csrf: str, c: Clinic, error: str = "", view_once: bool = False) -> Page:
    body = (
        _p(c.t("confirm.intro"))
        + (_once_warning(c) if view_once else "")
        + (_error(c.t("once.missing")) if error == "once" else "")
        + f'<form method="post" action="{escape(action)}">\n'
        + _csrf(csrf)
        + '<input type="hidden" name="answer" value="">\n'
        + (_once_check(c, error == "once") if view_once else "")
        + f'<button type="submit">{escape(c.t("button.show"))}</button>\n</form>'
    )
    return _page(c, 200, "title.confirm", body)


def message(text: str, c: Clinic, view_once: bool, sent_at: float, expires_at: float) -> Page:
    """The original, with who sent it and when, how long the link works, and whom to call."""
    meta = (
        "<dl>\n"
        f'<dt>{escape(c.t("message.from"))}</dt><dd id="sender">{escape(c.who)}</dd>\n'
        f"<dt>{escape(c.t('message.sent'))}</dt>"
        f'<dd id="sent">{escape(when(c, sent_at, with_time=False))}</dd>\n'
        "</dl>\n"
    )
    after = (
        f'<p id="expiry"><strong>{escape(c.t("once.after"))}</strong></p>\n'
        if view_once
        else f'<p id="expiry">{escape(c.t("message.expires", when=when(c, expires_at), org=c.who))}'
        "</p>\n"
    )
    body = (
        meta + f'<div class="msg" tabindex="0" aria-label="{escape(c.t("message.label"))}">'
        f"{escape(text)}</div>\n" + after + _call(c, "call") + _p(c.t("message.not_saved"), "note")
    )
    return _page(c, 200, "title.message", body)


def _neutral(c: Clinic, status: int, title_key: str, paragraphs: list[tuple[str, str]]) -> Page:
    """One page in English then Spanish, the Spanish marked ``lang="es"`` for screen readers:
    the pages that must not tell links apart (nor their language) are the same for all.
    ``paragraphs`` are (key, call key) pairs: with a phone number configured, the call key's
    sentence and a tap-to-call link replace the key's sentence."""
    en, es = (Clinic(c.name, c.phone, c.timezone, strings) for strings in (EN, ES))

    def part(x: Clinic) -> str:
        return "".join(
            (_call(x, call) if call else "") or _p(x.t(key, org=x.who)) for key, call in paragraphs
        )

    title = f"{en.t(title_key)} / {es.t(title_key)}"
    heading = f'{escape(en.t(title_key))} / <span lang="es">{escape(es.t(title_key))}</span>'
    body = f'{part(en)}<div lang="es">\n{part(es)}</div>'
    return Page(status, title, _layout(en, title, body, heading))


def unavailable(c: Clinic) -> Page:
    """Unknown, expired and purged links: one page, byte for byte, whatever the cause (so the
    clinic shown is the current policy's, never the link's, and it is bilingual whatever the
    link's language)."""
    return _neutral(
        c,
        404,
        "title.unavailable",
        [("unavailable.body", ""), ("unavailable.contact", "unavailable.call")],
    )


def locked(c: Clinic) -> Page:
    body = _p(c.t("locked.body")) + _p(c.t("locked.contact", org=c.who)) + _call(c, "call")
    return _page(c, 403, "title.locked", body)


def viewed(c: Clinic) -> Page:
    body = _p(c.t("viewed.body")) + _p(c.t("viewed.contact", org=c.who)) + _call(c, "call")
    return _page(c, 410, "title.viewed", body)


def rate_limited(c: Clinic) -> Page:
    return _neutral(c, 429, "title.wait", [("wait.body", "")])


def bad_form(c: Clinic) -> Page:
    return _neutral(c, 400, "title.retry", [("retry.body", "")])


def error(c: Clinic) -> Page:
    return _neutral(c, 503, "title.later", [("later.body", "")])
