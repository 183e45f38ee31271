"""The portal's HTML: small, mobile-first, accessible pages with no scripts and no external assets.

One stylesheet, inlined and allowed by its hash in the Content-Security-Policy (no scripts at
all). Every value put into a page is escaped. Contrast exceeds WCAG AA 4.5:1 everywhere: body
text 17.4:1, hints 8.9:1, buttons and links 8.4:1, errors 10.0:1, message box 16.3:1. The layout
works from 320px wide; every input has a visible label; errors are announced (role=alert).
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


def _layout(title: str, org: str, body: str) -> str:
    org_line = f'<p class="org">{escape(org)}</p>' if org else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n<header>{org_line}<h1>{escape(title)}</h1></header>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def _error(message: str) -> str:
    return f'<p class="error" id="answer-error" role="alert">{escape(message)}</p>'


def _attempts(left: int) -> str:
    return f"You have {left} attempt{'s' if left != 1 else ''} left."


def dob_form(action: str, csrf: str, org: str, error: str = "", attempts_left: int = 0) -> Page:
    err = ""
    if error == "wrong":
        err = _error(f"That date of birth does not match our records. {_attempts(attempts_left)}")
    described = "answer-hint answer-error" if err else "answer-hint"
    invalid = ' aria-invalid="true"' if err else ""
    body = (
        "<p>To keep your information private, please confirm your date of birth before we "
        "show your message.</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<label for="answer">Date of birth</label>\n'
        '<p class="hint" id="answer-hint">Month, day and year, for example 07/04/1985</p>\n'
        '<input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="bday" '
        f'required maxlength="20" aria-describedby="{described}"'
        f"{invalid}>\n"
        '<div><button type="submit">Show my message</button></div>\n</form>'
    )
    return Page(200, "Confirm it's you", _layout("Confirm it's you", org, body))


def code_start(action: str, csrf: str, org: str, error: str = "") -> Page:
    err = _error("We could not send a code just now. Please try again later.") if error else ""
    body = (
        "<p>To keep your information private, we will text a 6-digit code to the phone number "
        "this message was sent to.</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<button type="submit">Text me a code</button>\n</form>'
    )
    return Page(200, "Confirm it's you", _layout("Confirm it's you", org, body))


def code_form(
    action: str,
    resend_action: str,
    csrf: str,
    org: str,
    error: str = "",
    attempts_left: int = 0,
) -> Page:
    messages = {
        "wrong": f"That code is not right or has expired. {_attempts(attempts_left)}",
        "code_limit": "No more codes can be sent for this message. Use the last one we sent.",
        "code_wait": "A code was sent moments ago. Please wait a little before asking again.",
    }
    err = _error(messages[error]) if error in messages else ""
    described = "answer-hint answer-error" if err else "answer-hint"
    invalid = ' aria-invalid="true"' if error == "wrong" else ""
    body = (
        "<p>We sent a 6-digit code by text message. It expires in 10 minutes.</p>\n"
        f"{err}"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<label for="answer">6-digit code</label>\n'
        '<p class="hint" id="answer-hint">The code from the text we just sent you</p>\n'
        '<input id="answer" name="answer" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="8" '
        f'aria-describedby="{described}"{invalid}>\n'
        '<div><button type="submit">Show my message</button></div>\n</form>\n'
        f'<form method="post" action="{escape(resend_action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<button type="submit" class="secondary">Send a new code</button>\n</form>'
    )
    return Page(200, "Enter your code", _layout("Enter your code", org, body))


def confirm(action: str, csrf: str, org: str) -> Page:
    body = (
        "<p>You have a secure message.</p>\n"
        f'<form method="post" action="{escape(action)}">\n'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">\n'
        '<input type="hidden" name="answer" value="">\n'
        '<button type="submit">Show my message</button>\n</form>'
    )
    return Page(200, "You have a secure message", _layout("You have a secure message", org, body))


def message(text: str, org: str, view_once: bool) -> Page:
    once = (
        "<p><strong>This message can be viewed only once.</strong> It will not be available "
        "again after you leave this page.</p>\n"
        if view_once
        else ""
    )
    body = (
        f'<div class="msg" tabindex="0" aria-label="Your message">{escape(text)}</div>\n'
        f"{once}"
        '<p class="note">This page is not saved on your device. Close it when you are done.</p>'
    )
    return Page(200, "Your secure message", _layout("Your secure message", org, body))


def unavailable() -> Page:
    """Unknown, expired and purged links: one page, byte for byte, whatever the cause."""
    body = (
        "<p>This link has expired or is not valid.</p>\n"
        "<p>If you were expecting a message, please contact the organisation that sent you the "
        "link.</p>"
    )
    return Page(404, "This link is not available", _layout("This link is not available", "", body))


def locked(org: str) -> Page:
    body = (
        "<p>For your protection this link is locked after too many incorrect attempts.</p>\n"
        f"<p>Please contact {escape(org)} to get your message.</p>"
    )
    return Page(403, "This link is locked", _layout("This link is locked", org, body))


def viewed(org: str) -> Page:
    body = (
        "<p>For your privacy this message could be viewed only once, and it has already been "
        "opened.</p>\n"
        f"<p>If you need it again, please contact {escape(org)}.</p>"
    )
    title = "This message was already viewed"
    return Page(410, title, _layout(title, org, body))


def rate_limited() -> Page:
    body = "<p>There have been too many attempts. Please wait a few minutes and try again.</p>"
    return Page(429, "Please wait", _layout("Please wait", "", body))


def bad_form() -> Page:
    body = (
        "<p>This page expired before it was sent. Please open the link from your text message "
        "again.</p>"
    )
    return Page(400, "Please try again", _layout("Please try again", "", body))


def error() -> Page:
    body = "<p>Something went wrong on our side. Please try again later.</p>"
    return Page(503, "Please try again later", _layout("Please try again later", "", body))
