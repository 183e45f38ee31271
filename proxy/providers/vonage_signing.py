"""Vonage's request signature (``sig``) for the SMS API, as the Vonage SDKs compute it.

Parameters other than ``sig`` are sorted by name and joined as ``&name=value`` with ``&`` and
``=`` inside values replaced by ``_``. ``md5hash`` appends the secret and takes MD5; the HMAC
methods key an HMAC with the secret (vonage-http-client ``Auth.sign_params``; the legacy
``md5hash`` branch is the older vonage SDK's ``Client.signature``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signing_string(params: Mapping[str, object]) -> str:
    parts = []
    for key in sorted(params):
        if key == "sig":
            continue
        value = _value(params[key]).replace("&", "_").replace("=", "_")
        parts.append(f"&{key}={value}")
    return "".join(parts)


def sign(params: Mapping[str, object], secret: str, method: str) -> str:
    """The lower-case hex signature of ``params`` (``sig`` itself is ignored)."""
    base = signing_string(params).encode("utf-8")
    if method == "md5hash":
        return hashlib.md5(base + secret.encode("utf-8")).hexdigest()  # noqa: S324 - Vonage's
    return hmac.new(secret.encode("utf-8"), base, method).hexdigest()


def verify(params: Mapping[str, object], secret: str, method: str) -> bool:
    given = params.get("sig")
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.lower(), sign(params, secret, method))
