"""The ``webhooks:`` section of config/proxy.yaml: per-provider secrets (by env var name) and
customer URLs, the keyword lists and the replay window.

Secrets are never written in the file: ``secret_env`` names the environment variable that holds
the provider's auth token / signature secret / public key, read when the app is built.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from proxy.webhooks.keywords import Classifier, KeywordConflict
from proxy.yamlfile import ConfigError, YamlDoc, check_keys

#: providers with an inbound reader; the signature scheme each one is verified with
#: (``shared-secret``: the provider signs nothing we can verify, so the webhook must carry a
#: secret we gave it: HTTP basic credentials or a random path token, see ``auth``)
SCHEMES: dict[str, str] = {
    "twilio": "twilio-hmac",
    "vonage": "vonage-jwt",
    "telnyx": "telnyx-ed25519",
    "plivo": "plivo-v3",
    "messagebird": "messagebird-jwt",
    "sinch": "shared-secret",
    "aws": "aws-sns",
}

#: how a provider without a signature scheme proves a webhook is its own
SharedAuth = Literal["basic", "path_token"]
SHARED_AUTH: dict[str, str] = {"basic": "basic-auth", "path_token": "path-token"}
#: a path token must be long and random; basic passwords as well
MIN_SECRET_CHARS = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")

UNSIGNED_REMOVED = (
    "unsigned webhooks are no longer accepted (issue #18: an unsigned webhook let anyone change"
    " any patient's opt-outs). Remove `unsigned: true` and {fix}"
)
_SHARED_FIX = (
    "set `auth: basic` with `secret_env` naming an environment variable that holds"
    " `user:password` (password of 32+ random characters; give Sinch the callback URL"
    " https://user:password@<public host>/webhooks/sinch/<kind>), or `auth: path_token` with"
    " `secret_env` holding a random token of 32+ characters [A-Za-z0-9_-] (callback URL"
    " <public_base_url>/webhooks/sinch/<kind>/<token>)"
)
_AWS_FIX = (
    "set `certificate_file` (the pinned SNS signing certificate, PEM) and `topic_arns` (the"
    " topics whose messages are accepted)"
)

DEFAULT_OPT_OUT = ("STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "opt out")
DEFAULT_OPT_OUT_GLOBAL = ("STOPALL",)
DEFAULT_OPT_IN = ("START", "UNSTOP", "YES")
DEFAULT_HELP = ("HELP", "INFO")
# Spanish (webhooks.keywords.es): the words US carriers' and CTIA's Spanish programmes use and
# Spanish speakers write to stop (FCC 2024 revocation order: any reasonable means, in any
# language). "SI" is not an opt-in: it answers "Responda SI para confirmar" (consent is never
# inferred); "PARA" alone is an opt-out, "para" in a sentence is not (whole-message rule).
DEFAULT_ES_OPT_OUT = (
    "ALTO",
    "PARAR",
    "PARE",
    "PARA",
    "DETENER",
    "CANCELAR",
    "BAJA",
    "DARME DE BAJA",
    "DAR DE BAJA",
    "NO MAS",
    "NO MAS MENSAJES",
    "NO MANDAR",
    "SALIR",
    "BASTA",
    "ELIMINAR",
    "TERMINAR",
    "FIN",
)
DEFAULT_ES_OPT_OUT_GLOBAL = ("ALTO TODO", "PARAR TODO", "CANCELAR TODO")
DEFAULT_ES_OPT_IN = ("INICIAR", "COMENZAR", "REANUDAR", "ALTA", "EMPEZAR", "ACTIVAR")
DEFAULT_ES_HELP = ("AYUDA", "INFORMACION")


@dataclass(frozen=True)
class LanguageKeywords:
    """One more language's keywords (``webhooks.keywords.<lang>``); a match is answered in
    that language (the forwarded webhook says which, see proxy/webhooks/README.md)."""

    opt_out: tuple[str, ...] = ()
    opt_out_global: tuple[str, ...] = ()
    opt_in: tuple[str, ...] = ()
    help: tuple[str, ...] = ()


SPANISH = LanguageKeywords(
    DEFAULT_ES_OPT_OUT, DEFAULT_ES_OPT_OUT_GLOBAL, DEFAULT_ES_OPT_IN, DEFAULT_ES_HELP
)
#: languages with keyword lists besides English, by ISO 639-1 code
KEYWORD_LANGUAGES = ("es",)


@dataclass(frozen=True)
class KeywordSettings:
    opt_out: tuple[str, ...] = DEFAULT_OPT_OUT
    opt_out_global: tuple[str, ...] = DEFAULT_OPT_OUT_GLOBAL
    opt_in: tuple[str, ...] = DEFAULT_OPT_IN
    help: tuple[str, ...] = DEFAULT_HELP
    #: FCC 2025: also treat a short message that clearly asks to stop as an opt-out
    reasonable_opt_out: bool = True
    reasonable_max_words: int = 10
    #: other languages' keyword lists (English is the four lists above)
    languages: dict[str, LanguageKeywords] = field(default_factory=lambda: {"es": SPANISH})


@dataclass(frozen=True)
class HookSettings:
    """One provider's webhook target. ``forward`` maps a route kind (``sms``, ``status``…) to
    the customer URL it is forwarded to; only configured kinds are routed."""

    provider: str
    forward: dict[str, str]
    secret_env: str = ""
    #: providers without a signature scheme (sinch): how the shared secret travels
    auth: SharedAuth | None = None
    #: aws: the SNS signing certificate (PEM file; pinned, never fetched) and accepted topics
    certificate_file: str = ""
    topic_arns: tuple[str, ...] = ()

    @property
    def scheme(self) -> str:
        if SCHEMES[self.provider] == "shared-secret":
            return SHARED_AUTH[self.auth or "basic"]
        return SCHEMES[self.provider]

    def secret(self, source: str) -> str:
        """The secret from the environment (for aws: the certificate file's PEM); a missing or
        weak one stops the proxy from starting."""
        if self.scheme == "aws-sns":
            try:
                return Path(self.certificate_file).read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as e:
                raise ConfigError(
                    source,
                    f"webhooks.providers.{self.provider}.certificate_file",
                    f"cannot read {self.certificate_file}: {type(e).__name__}",
                ) from None
        value = os.environ.get(self.secret_env, "")
        if not value.strip():
            raise ConfigError(
                source,
                f"webhooks.providers.{self.provider}.secret_env",
                f"environment variable {self.secret_env} is not set",
            )
        value = value.strip()
        where = f"webhooks.providers.{self.provider}.secret_env"
        if self.scheme == "path-token" and (
            len(value) < MIN_SECRET_CHARS or not _TOKEN.fullmatch(value)
        ):
            raise ConfigError(
                source,
                where,
                f"environment variable {self.secret_env} must hold a random path token of"
                f" {MIN_SECRET_CHARS}+ characters [A-Za-z0-9_-]",
            )
        if self.scheme == "basic-auth":
            user, sep, password = value.partition(":")
            if not sep or not user or len(password) < MIN_SECRET_CHARS:
                raise ConfigError(
                    source,
                    where,
                    f"environment variable {self.secret_env} must hold user:password with a"
                    f" random password of {MIN_SECRET_CHARS}+ characters",
                )
        return value


@dataclass(frozen=True)
class WebhookSettings:
    tolerance_seconds: int = 300
    forward_timeout_seconds: float = 10.0
    #: FCC rule: one confirmation text may follow an opt-out within 5 minutes; 0 = none
    confirmation_window_seconds: int = 0
    keywords: KeywordSettings = field(default_factory=KeywordSettings)
    providers: dict[str, HookSettings] = field(default_factory=dict)


def _words(doc: YamlDoc, where: str, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, list) and any(isinstance(w, bool) for w in raw):
        raise doc.error(
            where, 'quote keywords such as "YES" / "NO" (YAML reads them as true/false)'
        )
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w for w in raw):
        raise doc.error(where, "must be a non-empty list of keywords")
    return tuple(raw)


def _keywords(doc: YamlDoc, raw: Any) -> KeywordSettings:
    fields = {
        "opt_out",
        "opt_out_global",
        "opt_in",
        "help",
        "reasonable_opt_out",
        "reasonable_max_words",
        *KEYWORD_LANGUAGES,
    }
    body = check_keys(doc, "webhooks.keywords", raw, fields)
    d = KeywordSettings()
    lists = {
        k: _words(doc, f"webhooks.keywords.{k}", body[k]) if k in body else getattr(d, k)
        for k in ("opt_out", "opt_out_global", "opt_in", "help")
    }
    reasonable = body.get("reasonable_opt_out", d.reasonable_opt_out)
    if not isinstance(reasonable, bool):
        raise doc.error("webhooks.keywords.reasonable_opt_out", "must be true or false")
    max_words = body.get("reasonable_max_words", d.reasonable_max_words)
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
        raise doc.error("webhooks.keywords.reasonable_max_words", "must be a positive integer")
    languages = dict(d.languages)
    for code in KEYWORD_LANGUAGES:
        if code not in body:
            continue
        where = f"webhooks.keywords.{code}"
        lang_body = check_keys(
            doc, where, body[code], {"opt_out", "opt_out_global", "opt_in", "help"}
        )
        base = languages.get(code, LanguageKeywords())
        languages[code] = LanguageKeywords(
            **{
                k: _words(doc, f"{where}.{k}", lang_body[k]) if k in lang_body else getattr(base, k)
                for k in ("opt_out", "opt_out_global", "opt_in", "help")
            }
        )
    out = KeywordSettings(
        reasonable_opt_out=reasonable,
        reasonable_max_words=max_words,
        languages=languages,
        **lists,
    )
    try:
        Classifier(out)
    except KeywordConflict as e:
        raise doc.error("webhooks.keywords", str(e)) from None
    return out


def _hook(doc: YamlDoc, name: str, raw: Any) -> HookSettings:
    where = f"webhooks.providers.{name}"
    if name not in SCHEMES:
        raise doc.error(where, f"unknown provider (known: {', '.join(sorted(SCHEMES))})")
    body = check_keys(
        doc,
        where,
        raw,
        {"secret_env", "forward", "unsigned", "auth", "certificate_file", "topic_arns"},
    )
    forward = body.get("forward")
    if not isinstance(forward, dict) or not forward:
        raise doc.error(f"{where}.forward", "must map a route kind (e.g. sms) to a customer URL")
    for kind, url in forward.items():
        if not isinstance(kind, str) or not kind.isidentifier():
            raise doc.error(f"{where}.forward", f"route kind {kind!r} must be a plain word")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise doc.error(f"{where}.forward.{kind}", f"not an http(s) URL: {url!r}")
    shared = SCHEMES[name] == "shared-secret"
    if "unsigned" in body:
        fix = _SHARED_FIX if shared else _AWS_FIX if name == "aws" else "configure secret_env"
        raise doc.error(f"{where}.unsigned", UNSIGNED_REMOVED.format(fix=fix))
    secret_env = body.get("secret_env", "")
    if name == "aws":
        if "auth" in body:
            raise doc.error(f"{where}.auth", "aws webhooks are signed; remove auth")
        return _aws_hook(doc, where, body, dict(forward))
    if "certificate_file" in body or "topic_arns" in body:
        raise doc.error(where, "certificate_file / topic_arns are for aws only")
    auth = body.get("auth")
    if shared:
        if auth not in SHARED_AUTH:
            raise doc.error(
                f"{where}.auth",
                f"{name} webhooks carry no signature phi-proxy can verify: {_SHARED_FIX}",
            )
    elif auth is not None:
        raise doc.error(f"{where}.auth", f"{name} webhooks are signed; remove auth")
    if not isinstance(secret_env, str) or not secret_env.isidentifier():
        raise doc.error(
            f"{where}.secret_env", "must name the environment variable holding the secret"
        )
    return HookSettings(name, dict(forward), secret_env, auth if shared else None)


def _aws_hook(
    doc: YamlDoc, where: str, body: dict[str, Any], forward: dict[str, str]
) -> HookSettings:
    cert = body.get("certificate_file")
    if not isinstance(cert, str) or not cert:
        raise doc.error(
            f"{where}.certificate_file",
            "the SNS signing certificate (PEM) to verify against",
        )
    if not Path(cert).is_absolute():
        cert = str(Path(doc.file).resolve().parent / cert)
    topics = body.get("topic_arns")
    if (
        not isinstance(topics, list)
        or not topics
        or not all(isinstance(t, str) and t.startswith("arn:") for t in topics)
    ):
        raise doc.error(
            f"{where}.topic_arns", "must list the SNS topic ARNs whose messages are accepted"
        )
    return HookSettings("aws", forward, "", None, cert, tuple(topics))


def parse_webhooks(doc: YamlDoc, raw: Any) -> WebhookSettings:
    body = check_keys(
        doc,
        "webhooks",
        raw,
        {
            "tolerance_seconds",
            "forward_timeout_seconds",
            "confirmation_window_seconds",
            "keywords",
            "providers",
        },
    )
    d = WebhookSettings()
    tolerance = body.get("tolerance_seconds", d.tolerance_seconds)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance <= 0:
        raise doc.error("webhooks.tolerance_seconds", "must be a positive integer")
    timeout = body.get("forward_timeout_seconds", d.forward_timeout_seconds)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise doc.error("webhooks.forward_timeout_seconds", "must be a positive number")
    window = body.get("confirmation_window_seconds", d.confirmation_window_seconds)
    if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 300:
        raise doc.error(
            "webhooks.confirmation_window_seconds",
            "must be 0 (off) to 300: the FCC allows one confirmation within five minutes",
        )
    providers_raw = body.get("providers") or {}
    if not isinstance(providers_raw, dict):
        raise doc.error("webhooks.providers", "must be a mapping of provider name to settings")
    providers = {str(k): _hook(doc, str(k), v) for k, v in providers_raw.items()}
    return WebhookSettings(
        tolerance_seconds=tolerance,
        forward_timeout_seconds=float(timeout),
        confirmation_window_seconds=window,
        keywords=_keywords(doc, body.get("keywords")),
        providers=providers,
    )
