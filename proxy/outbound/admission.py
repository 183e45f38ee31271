"""What a send must look like before detection spends anything on it (issue #18).

Refused with 400 in the provider's own error shape, before parse or right after it:

* a body that is not valid UTF-8 (JSON, form and text bodies; form values percent-decoded
  strictly), or JSON nested deeper than :data:`MAX_JSON_DEPTH` (measured by one linear scan, so
  20,000 levels cost microseconds and never reach a recursive parser);
* a text holding a lone surrogate (``"\\ud800"`` in JSON decodes to one: it cannot be encoded,
  so it would break detection or the forward);
* a text longer than the provider accepts: each adapter states ``max_text_chars`` (Twilio
  ``Body``: 1,600) and ``text_too_long_code`` (Twilio 21617), so the client gets the error the
  provider itself would have given, and detection cost per text is bounded.

A malformed request is the client's fault, so it is a 400 (not retried), never a 503.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from proxy.providers import BadRequest, Incoming, Parsed, Provider

MAX_JSON_DEPTH = 32

_TEXTUAL = ("application/json", "application/x-www-form-urlencoded", "text/plain")


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of a JSON document (strings skipped), stopping once past ``limit``."""
    depth = deepest = 0
    in_string = escaped = False
    for b in body:
        if in_string:
            if escaped:
                escaped = False
            elif b == 0x5C:  # backslash
                escaped = True
            elif b == 0x22:
                in_string = False
        elif b == 0x22:
            in_string = True
        elif b in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif b in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def precheck(provider: Provider, req: Incoming) -> None:
    """Raises :class:`BadRequest` for a body no provider could read as text."""
    ctype = req.content_type
    if not req.body or not (ctype in _TEXTUAL or _is_json(ctype)):
        return
    try:
        text = req.body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(
            "The request body is not valid UTF-8.", provider.bad_request_code
        ) from None
    if _is_json(ctype) and json_depth(req.body) > MAX_JSON_DEPTH:
        raise BadRequest(
            f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
            provider.bad_request_code,
        )
    if ctype == "application/x-www-form-urlencoded":
        try:
            parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise BadRequest(
                "A form value is not valid UTF-8 once percent-decoded.", provider.bad_request_code
            ) from None


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def check_texts(provider: Provider, parsed: Parsed) -> None:
    """Raises :class:`BadRequest` for a text the provider would not accept (too long) or that
    cannot be encoded (lone surrogate). Names the field, never the text."""
    limit = provider.max_text_chars
    for m in parsed.messages:
        if len(m.text) > limit:
            raise BadRequest(
                f"{m.field} exceeds the {limit} character limit.",
                provider.text_too_long_code,
                provider.text_too_long_status,
            )
        if _has_lone_surrogate(m.text):
            raise BadRequest(
                f"{m.field} holds an unpaired surrogate; it is not valid Unicode text.",
                provider.bad_request_code,
            )
