"""The ``providers:`` section of config/proxy.yaml: mounts, signing secrets, generic adapters.

Secrets never live in the file: it names the environment variables that hold them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from proxy.providers.paths import PathError, parse_path
from proxy.yamlfile import YamlDoc, check_keys

VONAGE_METHODS = ("md5hash", "md5", "sha1", "sha256", "sha512")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MOUNT = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
DEFAULT_ERROR_BODY: dict[str, Any] = {"error": {"code": "$code", "message": "$message"}}


@dataclass(frozen=True)
class VonageSigning:
    """How the proxy re-signs Vonage SMS requests that carry ``sig`` (see README)."""

    signature_secret_env: str | None = None
    signature_method: str = "md5hash"


@dataclass(frozen=True)
class AwsConfig:
    """The proxy's OWN AWS identity: every forwarded AWS request is signed with it."""

    access_key_id: str | None = None
    secret_access_key_env: str = "PHI_PROXY_AWS_SECRET_ACCESS_KEY"
    session_token_env: str | None = None
    region: str = "us-east-1"


@dataclass(frozen=True)
class GenericEntry:
    """A provider the proxy does not ship, described by where its texts live."""

    name: str
    method: str
    path: str
    content_type: str  # "json" | "form"
    texts: tuple[str, ...]
    recipients: tuple[str, ...]
    upstream: str
    sender: str | None = None
    error_body: Any = field(default_factory=lambda: copy.deepcopy(DEFAULT_ERROR_BODY))
    codes: dict[str, str | int] = field(default_factory=dict)
    #: every other field the send may carry (path → kind, see GENERIC_KINDS); anything not
    #: declared here, in texts, recipients or sender is refused
    fields: dict[str, str] = field(default_factory=dict)
    #: declared reads: (method, path pattern, {query parameter: kind})
    reads: tuple[GenericRead, ...] = ()


# What a generic entry's ``fields`` and read ``query`` may classify a field as.
GENERIC_KINDS = (
    "text",
    "inspect",
    "token",
    "number",
    "boolean",
    "phone",
    "sender",
    "media_url",
    "callback_url",
)
GENERIC_QUERY_KINDS = ("token", "number", "boolean", "phone")


@dataclass(frozen=True)
class GenericRead:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProvidersConfig:
    mounts: dict[str, str] = field(default_factory=dict)
    vonage_sms: VonageSigning = field(default_factory=VonageSigning)
    aws: AwsConfig = field(default_factory=AwsConfig)
    generic: tuple[GenericEntry, ...] = ()
    #: hosts media URLs (MMS attachments) may point to; exact or "*.example.org"
    media_hosts: tuple[str, ...] = ()
    #: hosts status-callback / TwiML URLs may point to
    callback_hosts: tuple[str, ...] = ()
    #: optional operations switched on ("twilio.calls", ...; see README "What is inspected")
    enable: tuple[str, ...] = ()
    #: operator-classified fields per provider: name → "token" | "inspect"
    fields: dict[str, dict[str, str]] = field(default_factory=dict)


def _str(doc: YamlDoc, key: str, value: Any, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise doc.error(key, "must be a non-empty string")
    return value


def _str_list(doc: YamlDoc, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise doc.error(key, "must be a string or a list of strings")
    return tuple(value)


def parse_providers(doc: YamlDoc, raw: Any, known: set[str]) -> ProvidersConfig:
    """Validate ``providers:``; ``known`` are the built-in provider names."""
    top = check_keys(
        doc,
        "providers",
        raw,
        {
            "mounts",
            "vonage_sms",
            "aws",
            "generic",
            "media_hosts",
            "callback_hosts",
            "enable",
            "fields",
        },
    )
    mounts = _mounts(doc, top.get("mounts"), known)
    v = check_keys(
        doc,
        "providers.vonage_sms",
        top.get("vonage_sms"),
        {"signature_secret_env", "signature_method"},
    )
    method = v.get("signature_method", "md5hash")
    if method not in VONAGE_METHODS:
        raise doc.error(
            "providers.vonage_sms.signature_method", f"must be one of {', '.join(VONAGE_METHODS)}"
        )
    vonage = VonageSigning(
        _str(doc, "providers.vonage_sms.signature_secret_env", v.get("signature_secret_env"), True),
        method,
    )
    a = check_keys(
        doc,
        "providers.aws",
        top.get("aws"),
        {"access_key_id", "secret_access_key_env", "session_token_env", "region"},
    )
    defaults = AwsConfig()
    aws = AwsConfig(
        access_key_id=_str(doc, "providers.aws.access_key_id", a.get("access_key_id"), True),
        secret_access_key_env=_str(
            doc,
            "providers.aws.secret_access_key_env",
            a.get("secret_access_key_env", defaults.secret_access_key_env),
        )
        or defaults.secret_access_key_env,
        session_token_env=_str(
            doc, "providers.aws.session_token_env", a.get("session_token_env"), True
        ),
        region=_str(doc, "providers.aws.region", a.get("region", defaults.region))
        or defaults.region,
    )
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", aws.region):
        raise doc.error("providers.aws.region", f"not an AWS region name: {aws.region!r}")
    raw_generic = top.get("generic") or []
    if not isinstance(raw_generic, list):
        raise doc.error("providers.generic", "must be a list of provider entries")
    generic = tuple(
        _generic(doc, f"providers.generic[{i}]", item, known) for i, item in enumerate(raw_generic)
    )
    names = [g.name for g in generic]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise doc.error(f"providers.generic[{i}].name", f"duplicate provider name {name!r}")
    hosts = {
        key: _hosts(doc, f"providers.{key}", top.get(key, []))
        for key in ("media_hosts", "callback_hosts")
    }
    enable = _str_list(doc, "providers.enable", top.get("enable", []))
    for i, name in enumerate(enable):
        if name not in OPTIONAL_OPERATIONS:
            raise doc.error(
                f"providers.enable[{i}]",
                f"unknown operation (known: {', '.join(sorted(OPTIONAL_OPERATIONS))})",
            )
    fields = _fields(doc, top.get("fields"), known | {g.name for g in generic})
    return ProvidersConfig(
        mounts,
        vonage,
        aws,
        generic,
        media_hosts=hosts["media_hosts"],
        callback_hosts=hosts["callback_hosts"],
        enable=enable,
        fields=fields,
    )


# Operations that are off unless listed in providers.enable (they deliver text another way).
OPTIONAL_OPERATIONS = frozenset({"twilio.calls"})
_HOST = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^127\.0\.0\.1$")


def _hosts(doc: YamlDoc, key: str, raw: Any) -> tuple[str, ...]:
    hosts = _str_list(doc, key, raw) if raw else ()
    for h in hosts:
        if not _HOST.match(h.lower()):
            raise doc.error(key, f"not a host name (or *.domain): {h!r}")
    return tuple(h.lower() for h in hosts)


def _fields(doc: YamlDoc, raw: Any, known: set[str]) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.error("providers.fields", "must map provider names to {field: kind}")
    out: dict[str, dict[str, str]] = {}
    for name, entries in raw.items():
        key = f"providers.fields.{name}"
        if name not in known:
            raise doc.error(key, f"unknown provider (known: {', '.join(sorted(known))})")
        if not isinstance(entries, dict):
            raise doc.error(key, "must map field names to token or inspect")
        for fname, kind in entries.items():
            if kind not in ("token", "inspect"):
                raise doc.error(f"{key}.{fname}", "must be token or inspect")
        out[str(name)] = {str(k): str(v) for k, v in entries.items()}
    return out


def _mounts(doc: YamlDoc, raw: Any, known: set[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.error("providers.mounts", "must map provider names to path prefixes")
    out: dict[str, str] = {}
    for name, mount in raw.items():
        key = f"providers.mounts.{name}"
        if name not in known:
            raise doc.error(key, f"unknown provider (known: {', '.join(sorted(known))})")
        if mount in ("", None, "/"):
            out[name] = ""
            continue
        if not isinstance(mount, str) or not _MOUNT.match(mount):
            raise doc.error(key, "must be a path prefix like /vonage (no trailing slash)")
        out[name] = mount
    return out


def _generic(doc: YamlDoc, key: str, raw: Any, known: set[str]) -> GenericEntry:
    allowed = {
        "name",
        "method",
        "path",
        "content_type",
        "texts",
        "recipients",
        "sender",
        "upstream",
        "passthrough",
        "error",
        "fields",
        "reads",
    }
    e = check_keys(doc, key, raw, allowed)
    for required in ("name", "path", "content_type", "texts", "upstream"):
        if required not in e:
            raise doc.error(f"{key}.{required}", "is required")
    name = _str(doc, f"{key}.name", e["name"]) or ""
    if not _NAME.match(name) or name in known:
        raise doc.error(
            f"{key}.name", "must be a new lower-case name (letters, digits, _), not a built-in"
        )
    method = (_str(doc, f"{key}.method", e.get("method", "POST")) or "POST").upper()
    if method not in ("POST", "PUT", "PATCH"):
        raise doc.error(f"{key}.method", "must be POST, PUT or PATCH")
    path = _str(doc, f"{key}.path", e["path"]) or ""
    if not path.startswith("/"):
        raise doc.error(f"{key}.path", "must start with /")
    ctype = e["content_type"]
    if ctype not in ("json", "form"):
        raise doc.error(f"{key}.content_type", "must be json or form")
    texts = _str_list(doc, f"{key}.texts", e["texts"])
    recipients = _str_list(doc, f"{key}.recipients", e.get("recipients", []))
    sender = _str(doc, f"{key}.sender", e.get("sender"), True)
    if ctype == "json":
        for what, paths in (("texts", texts), ("recipients", recipients), ("sender", (sender,))):
            for p in paths:
                if p is None:
                    continue
                try:
                    parse_path(p)
                except PathError as err:
                    raise doc.error(f"{key}.{what}", str(err)) from None
    upstream = _str(doc, f"{key}.upstream", e["upstream"]) or ""
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise doc.error(f"{key}.upstream", f"not an http(s) URL: {upstream!r}")
    if "passthrough" in e:
        raise doc.error(
            f"{key}.passthrough",
            "removed: a pass-through prefix forwarded any method, path and field uninspected. "
            "Declare each text-free call under reads: [{method: GET, path: /x/{id}}] and every "
            "other send field under fields: (see README, 'Generic providers')",
        )
    fields = _generic_fields(doc, f"{key}.fields", e.get("fields"), ctype, GENERIC_KINDS)
    for k, kind in fields.items():
        if kind == "text":
            raise doc.error(f"{key}.fields.{k}", "list text fields under texts")
    reads = _generic_reads(doc, f"{key}.reads", e.get("reads"))
    error = check_keys(doc, f"{key}.error", e.get("error"), {"body", "codes"})
    codes = check_keys(
        doc,
        f"{key}.error.codes",
        error.get("codes"),
        {"blocked", "unavailable", "bad_request", "opted_out"},
    )
    for k, c in codes.items():
        if isinstance(c, bool) or not isinstance(c, str | int):
            raise doc.error(f"{key}.error.codes.{k}", "must be a string or an integer")
    body = error.get("body", copy.deepcopy(DEFAULT_ERROR_BODY))
    if not isinstance(body, dict | list):
        raise doc.error(f"{key}.error.body", "must be a mapping or list (a JSON template)")
    return GenericEntry(
        name=name,
        method=method,
        path=path,
        content_type=ctype,
        texts=texts,
        recipients=recipients,
        upstream=upstream,
        sender=sender,
        error_body=body,
        codes=dict(codes),
        fields=fields,
        reads=reads,
    )


def _generic_fields(
    doc: YamlDoc, key: str, raw: Any, ctype: str, kinds: tuple[str, ...]
) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.error(key, "must map field paths to kinds")
    out: dict[str, str] = {}
    for path, kind in raw.items():
        if not isinstance(path, str) or not path:
            raise doc.error(key, "field paths must be non-empty strings")
        if kind not in kinds:
            raise doc.error(f"{key}.{path}", f"must be one of {', '.join(kinds)}")
        if ctype == "json":
            try:
                parse_path(path)
            except PathError as err:
                raise doc.error(f"{key}.{path}", str(err)) from None
        out[path] = kind
    return out


def _generic_reads(doc: YamlDoc, key: str, raw: Any) -> tuple[GenericRead, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(key, "must be a list of {method, path, query}")
    out: list[GenericRead] = []
    for i, item in enumerate(raw):
        k = f"{key}[{i}]"
        r = check_keys(doc, k, item, {"method", "path", "query"})
        method = str(r.get("method", "GET")).upper()
        if method not in ("GET", "DELETE"):
            raise doc.error(f"{k}.method", "a read is GET or DELETE (it carries no body)")
        path = _str(doc, f"{k}.path", r.get("path")) or ""
        if not path.startswith("/"):
            raise doc.error(f"{k}.path", "must start with /")
        query = _generic_fields(doc, f"{k}.query", r.get("query"), "form", GENERIC_QUERY_KINDS)
        out.append(GenericRead(method, path, query))
    return tuple(out)
