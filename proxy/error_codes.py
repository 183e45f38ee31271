"""phi-proxy's own error codes: one catalog, served at ``/errors`` and written to docs/ERRORS.md.

Every refusal in Twilio's shape carries ``more_info``; for the codes below it points at this
catalog on the proxy itself (``<server.public_base_url>/errors/<code>``, which is the same page
as ``/errors#<code>``), so an integrator reads what the deployed version means, not twilio.com's
page for a code Twilio does not own. ``python -m proxy.error_codes > docs/ERRORS.md`` rewrites
the Markdown copy (a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiohttp import web


@dataclass(frozen=True)
class ErrorCode:
    code: str
    http: str
    title: str
    meaning: str
    fix: str


CODES: tuple[ErrorCode, ...] = (
    ErrorCode(
        "90001",
        "400",
        "Blocked by the PHI policy",
        "The text carries detail the policy blocks (or sends to the portal when the portal "
        "cannot take it). The message names the entity types found, never their values. "
        "Nothing was sent.",
        "Remove the detail from the text, or ask the privacy officer whether the policy should "
        "send it to the secure portal instead. The policy test bench in the admin console shows "
        "what a text would do.",
    ),
    ErrorCode(
        "90002",
        "502 / 503 / 504",
        "Could not inspect, audit or deliver",
        "503: the proxy could not inspect or audit the text in time, or is at capacity "
        "(Retry-After says when to retry); nothing was sent. 502: the provider could not be "
        "reached (nothing sent; already retried a little). 504: the provider did not answer in "
        "time; the message may have been sent.",
        "Retry with the same Idempotency-Key header: a retry of a send that went out is "
        "answered from the first result instead of sending twice.",
    ),
    ErrorCode(
        "90003",
        "400 / 408 / 409 / 413 / 422",
        "Request the proxy cannot accept",
        "Malformed request (content type, encoding, a field or route the proxy does not "
        "inspect: default deny), body too large (413) or too slow (408), an Idempotency-Key "
        "still in flight (409) or reused for a different request (422), or a portal send "
        "without what verification needs (the date of birth).",
        "The message names the field, route or setting. Fields and routes the proxy does not "
        "know are refused, never forwarded: see config/PROXY.md for the setting that allows one.",
    ),
    ErrorCode(
        "90004",
        "400",
        "Recipient opted out",
        "The recipient replied STOP (or an equivalent keyword) to this sender; the proxy keeps "
        "the opt-out and refuses further sends (providers without an opt-out code of their own).",
        "Do not retry. The recipient can opt back in with START; an administrator can clear an "
        "opt-out with phi-proxy optout.",
    ),
    ErrorCode(
        "21610",
        "400",
        "Recipient opted out (Twilio's code)",
        "As 90004, with Twilio's own code for an unsubscribed recipient so SDK error handling "
        "that already knows it keeps working.",
        "Do not retry; as 90004.",
    ),
    ErrorCode(
        "20429",
        "429",
        "Too many requests to the proxy",
        "This client sent more than the proxy's per-client rate allows (limits.* settings). "
        "Nothing was sent.",
        "Wait for the Retry-After seconds and retry.",
    ),
    ErrorCode(
        "21602",
        "400",
        "Message body is required (Twilio's code)",
        "The send had no Body, MediaUrl or ContentSid.",
        "Add the text.",
    ),
    ErrorCode(
        "21603",
        "400",
        "A 'From' phone number is required (Twilio's code)",
        "The send had neither From nor MessagingServiceSid.",
        "Add the sender.",
    ),
    ErrorCode(
        "21604",
        "400",
        "A 'To' phone number is required (Twilio's code)",
        "The send had no recipient.",
        "Add the recipient.",
    ),
)
BY_CODE = {c.code: c for c in CODES}


def more_info(base_url: str, code: str | int) -> str | None:
    """Where ``code`` is explained on this proxy, or None if it is not one of ours."""
    if str(code) not in BY_CODE:
        return None
    return f"{base_url.rstrip('/')}/errors/{code}"


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;"
    "line-height:1.5;color:#1a1a1a}h2{margin-top:2rem;font-size:1.25rem}"
    "dt{font-weight:700}dd{margin:0 0 .5rem}:target{background:#fff6d6}"
)


def html(selected: str = "") -> str:
    """The whole catalog as one plain page; ``selected`` (a code) is marked and scrolled to."""
    parts = []
    for c in CODES:
        mark = ' aria-current="true"' if c.code == selected else ""
        parts.append(
            f'<section id="{c.code}"{mark}><h2>{c.code}: {escape(c.title)}</h2><dl>'
            f"<dt>HTTP status</dt><dd>{escape(c.http)}</dd>"
            f"<dt>What happened</dt><dd>{escape(c.meaning)}</dd>"
            f"<dt>What to do</dt><dd>{escape(c.fix)}</dd></dl></section>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>phi-proxy error codes</title><style>{_CSS}</style></head><body><main>"
        "<h1>phi-proxy error codes</h1><p>The codes phi-proxy answers with when it refuses a "
        "send. Errors never contain message text or phone numbers.</p>"
        + "".join(parts)
        + "</main></body></html>\n"
    )


def markdown() -> str:
    lines = [
        "# phi-proxy error codes",
        "",
        "<!-- generated by `python -m proxy.error_codes > docs/ERRORS.md`; edit "
        "proxy/error_codes.py -->",
        "",
        "The codes phi-proxy answers with when it refuses a send (Twilio's shape: `code`, "
        "`message`, `more_info`, `status`; every other provider gets the same refusals in its own "
        "error shape). A running proxy serves this page at `/errors`, and each Twilio-shaped "
        "refusal's `more_info` is `<server.public_base_url>/errors/<code>`.",
        "",
    ]
    for c in CODES:
        lines += [
            f'<a id="{c.code}"></a>',
            f"## {c.code}: {c.title}",
            "",
            f"- **HTTP status:** {c.http}",
            f"- **What happened:** {c.meaning}",
            f"- **What to do:** {c.fix}",
            "",
        ]
    return "\n".join(lines)


async def _page(request: web.Request) -> web.Response:
    code = request.match_info.get("code", "")
    if code and code not in BY_CODE:
        raise web.HTTPNotFound(text="unknown phi-proxy error code\n")
    return web.Response(
        text=html(code),
        content_type="text/html",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def setup_error_docs(app: web.Application) -> None:
    app.router.add_get("/errors", _page)
    app.router.add_get("/errors/{code:[0-9]{5}}", _page)


if __name__ == "__main__":
    print(markdown(), end="")
