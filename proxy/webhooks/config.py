"""The ``webhooks:`` section of config/proxy.yaml: per-provider secrets (by env var name) and
customer URLs, the keyword lists and the replay window.

Secrets are never written in the file: ``secret_env`` names the environment variable that holds
the provider's auth token / signature secret / public key, read when the app is built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from proxy.webhooks.keywords import Classifier, KeywordConflict
from proxy.yamlfile import ConfigError, YamlDoc, check_keys

#: providers with an inbound reader; the signature scheme each one is verified with
SCHEMES: dict[str, str] = {
    "twilio": "twilio-hmac",
    "vonage": "vonage-jwt",
    "telnyx": "telnyx-ed25519",
    "plivo": "plivo-v3",
    "messagebird": "messagebird-jwt",
    "sinch": "unsigned",
    "aws": "aws-sns",
}

DEFAULT_OPT_OUT = ("STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "opt out")
DEFAULT_OPT_OUT_GLOBAL = ("STOPALL",)
DEFAULT_OPT_IN = ("START", "UNSTOP", "YES")
DEFAULT_HELP = ("HELP", "INFO")


@dataclass(frozen=True)
class KeywordSettings:
    opt_out: tuple[str, ...] = DEFAULT_OPT_OUT
    opt_out_global: tuple[str, ...] = DEFAULT_OPT_OUT_GLOBAL
    opt_in: tuple[str, ...] = DEFAULT_OPT_IN
    help: tuple[str, ...] = DEFAULT_HELP
    #: FCC 2025: also treat a short message that clearly asks to stop as an opt-out
    reasonable_opt_out: bool = True
    reasonable_max_words: int = 10


@dataclass(frozen=True)
class HookSettings:
    """One provider's webhook target. ``forward`` maps a route kind (``sms``, ``status``…) to
    the customer URL it is forwarded to; only configured kinds are routed."""

    provider: str
    forward: dict[str, str]
    secret_env: str = ""
    #: providers whose webhooks carry no verifiable signature must say so explicitly
    unsigned: bool = False
    #: aws: the SNS signing certificate (PEM file; pinned, never fetched) and accepted topics
    certificate_file: str = ""
    topic_arns: tuple[str, ...] = ()

    @property
    def scheme(self) -> str:
        return "unsigned" if self.unsigned else SCHEMES[self.provider]

    def secret(self, source: str) -> str:
        """The secret from the environment (for aws: the certificate file's PEM); a missing one
        stops the proxy from starting."""
        if self.scheme == "unsigned":
            return ""
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
        return value.strip()


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
    out = KeywordSettings(reasonable_opt_out=reasonable, reasonable_max_words=max_words, **lists)
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
        doc, where, raw, {"secret_env", "forward", "unsigned", "certificate_file", "topic_arns"}
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
    unsigned = body.get("unsigned", False)
    if not isinstance(unsigned, bool):
        raise doc.error(f"{where}.unsigned", "must be true or false")
    secret_env = body.get("secret_env", "")
    if name == "aws" and not unsigned:
        return _aws_hook(doc, where, body, dict(forward))
    if "certificate_file" in body or "topic_arns" in body:
        raise doc.error(where, "certificate_file / topic_arns are for aws (signed) only")
    if name == "aws":  # unsigned: true, explicitly
        return HookSettings(name, dict(forward), "", True)
    if SCHEMES[name] == "unsigned":
        if not unsigned:
            raise doc.error(
                where,
                f"{name} webhooks carry no signature phi-proxy can verify; set unsigned: true to"
                " accept them anyway (and restrict the route at your edge)",
            )
    else:
        if unsigned:
            raise doc.error(f"{where}.unsigned", f"{name} webhooks are signed; remove unsigned")
        if not isinstance(secret_env, str) or not secret_env.isidentifier():
            raise doc.error(
                f"{where}.secret_env", "must name the environment variable holding the secret"
            )
    return HookSettings(name, dict(forward), secret_env, unsigned)


def _aws_hook(
    doc: YamlDoc, where: str, body: dict[str, Any], forward: dict[str, str]
) -> HookSettings:
    cert = body.get("certificate_file")
    if not isinstance(cert, str) or not cert:
        raise doc.error(
            f"{where}.certificate_file",
            "the SNS signing certificate (PEM) to verify against, or set unsigned: true",
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
    return HookSettings("aws", forward, "", False, cert, tuple(topics))


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
