"""Service settings: ``config/proxy.yaml`` → frozen, validated :class:`Settings`.

The proxy refuses to start on any error here; the message names the file, key, line and reason.
Privacy decisions do not live here: they are the policy file's (:mod:`proxy.policy.model`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from models.spacy_model import DEFAULT_MODEL
from proxy.providers import REGISTRY, RouteCollision, check_config_routes
from proxy.providers.config import ProvidersConfig, parse_providers
from proxy.webhooks.config import WebhookSettings, parse_webhooks
from proxy.yamlfile import ConfigError, YamlDoc, bounds, check_keys, load_yaml, parse_yaml, section


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = 64 * 1024
    public_base_url: str = "http://127.0.0.1:8080"
    # Request line and each header line / field (aiohttp max_line_size, max_field_size): 431/400.
    max_line_bytes: int = 8190
    max_header_bytes: int = 8190
    # A client must deliver its whole body within this (slowloris): else 408, nothing forwarded.
    body_read_timeout_seconds: float = 10.0
    # An idle connection, or one whose headers never complete, is closed after this.
    keepalive_timeout_seconds: float = 15.0
    # Sends in flight at once; past it new ones get a provider-shaped 503 (no unbounded queue).
    max_concurrent_requests: int = 256
    # TLS termination: both or neither; minimum TLS 1.2.
    tls_cert: str = ""
    tls_key: str = ""


@dataclass(frozen=True)
class DetectionSettings:
    model: str = DEFAULT_MODEL
    deadline_seconds: float = 5.0
    batch_size: int = 64
    max_batch_wait_ms: float = field(default=0.0, metadata=bounds(0))  # 0: no waiting
    # run the detector in a child process per serving process (see proxy.detection.isolated)
    isolate: bool = True


@dataclass(frozen=True)
class UpstreamSettings:
    timeout_seconds: float = 15.0
    verify_tls: bool = True
    urls: dict[str, str] = field(default_factory=dict)
    # verify_tls: false is refused unless this is also true; every start then warns loudly.
    allow_insecure_upstream_for_testing: bool = False
    # Retries only when the connection itself failed (nothing can have been sent).
    retries: int = field(default=2, metadata=bounds(0, 5))
    retry_backoff_ms: float = field(default=100.0, metadata=bounds(0, 5000))

    def url_for(self, provider: str) -> str:
        return self.urls.get(provider) or REGISTRY[provider].default_upstream


@dataclass(frozen=True)
class StorageSettings:
    url: str = "sqlite:///var/phi-proxy.sqlite3"
    data_dir: str = "var"  # generated local keys (mode 0600); never commit it
    kek_file: str = ""  # vault key-encryption key (hex, mode 0600); default: <data_dir>/kek.key


@dataclass(frozen=True)
class LimitSettings:
    """Per-client token bucket (keyed by credential hash, else client IP): 429 + Retry-After."""

    rate_limit_enabled: bool = True
    requests_per_second: float = 50.0
    burst: int = 100
    max_clients_tracked: int = 100_000
    # Penalty (tarpit): a client with more than ``bad_request_penalty_threshold`` malformed
    # requests (400-class bad requests, never policy blocks) within the window has its further
    # refusals answered only after ``bad_request_penalty_delay_seconds`` (issue #18).
    bad_request_penalty_enabled: bool = True
    bad_request_penalty_threshold: int = field(default=20, metadata=bounds(1))
    bad_request_penalty_window_seconds: float = 10.0
    bad_request_penalty_delay_seconds: float = field(default=0.5, metadata=bounds(0, 5))
    bad_request_penalty_max_clients: int = field(default=10_000, metadata=bounds(1))


@dataclass(frozen=True)
class IdempotencySettings:
    """``Idempotency-Key`` / ``I-Twilio-Idempotency-Token`` handling (see README)."""

    ttl_seconds: float = 24 * 3600.0
    # A duplicate arriving while the first is in flight waits this long for it, then gets 409.
    wait_seconds: float = 10.0


@dataclass(frozen=True)
class AuditSettings:
    """Signed checkpoints and retention of the hash-chained audit log."""

    # Ed25519 seed (hex) file; else env PHI_PROXY_AUDIT_SIGNING_KEY; else generated in data_dir.
    signing_key_file: str = ""
    checkpoint_every_records: int = 1000
    checkpoint_every_seconds: float = 300.0
    retention_days: int = 2192  # six years (HIPAA documentation retention)


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
    limits: LimitSettings = field(default_factory=LimitSettings)
    idempotency: IdempotencySettings = field(default_factory=IdempotencySettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    providers: ProvidersConfig = field(default_factory=ProvidersConfig)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    policy_path: str | None = None
    source: str = "<defaults>"
    # dotted keys the configuration file set (e.g. "server.public_base_url"), for start-up checks
    configured: frozenset[str] = frozenset()

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
    "limits": LimitSettings,
    "idempotency": IdempotencySettings,
    "audit": AuditSettings,
    "admin": AdminSettings,
}


def _check_provider(name: str, where: str) -> None:
    if name not in REGISTRY:
        raise ConfigError(where, name, f"unknown provider (known: {', '.join(sorted(REGISTRY))})")


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(where, "", f"not an http(s) URL: {url!r}")


def _check_server(doc: YamlDoc, server: ServerSettings) -> ServerSettings:
    """TLS files exist (relative to the config file) and come in pairs; header limits sane."""
    if bool(server.tls_cert) != bool(server.tls_key):
        raise doc.error("server.tls_cert", "tls_cert and tls_key must be given together")
    paths = {}
    for key in ("tls_cert", "tls_key"):
        path = getattr(server, key)
        if path and not Path(path).is_absolute():
            path = str(Path(doc.file).resolve().parent / path)
        if path and not Path(path).is_file():
            raise doc.error(f"server.{key}", f"no such file: {path}")
        paths[key] = path
    for key in ("max_line_bytes", "max_header_bytes"):
        if getattr(server, key) < 1024:
            raise doc.error(f"server.{key}", "below 1024 bytes breaks ordinary clients")
    return replace(server, **paths)


def parse_settings(doc: YamlDoc) -> Settings:
    top = check_keys(doc, "", doc.data, {*_SECTIONS, "upstream", "providers", "policy", "webhooks"})
    sections: dict[str, Any] = {k: section(doc, k, cls, top.get(k)) for k, cls in _SECTIONS.items()}
    sections["server"] = _check_server(doc, sections["server"])
    upstream = section(doc, "upstream", UpstreamSettings, top.get("upstream"))
    for name, url in upstream.urls.items():
        if name not in REGISTRY:
            raise doc.error(
                f"upstream.urls.{name}", f"unknown provider (known: {', '.join(sorted(REGISTRY))})"
            )
        if not isinstance(url, str):
            raise doc.error(f"upstream.urls.{name}", "must be a URL string")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise doc.error(f"upstream.urls.{name}", f"not an http(s) URL: {url!r}")
    if not upstream.verify_tls and not upstream.allow_insecure_upstream_for_testing:
        raise doc.error(
            "upstream.verify_tls",
            "false disables certificate checks for the https provider APIs; refused unless "
            "upstream.allow_insecure_upstream_for_testing: true is also set (testing only)",
        )
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
        upstream=replace(upstream, urls=dict(upstream.urls)),
        providers=providers,
        webhooks=parse_webhooks(doc, top.get("webhooks")),
        policy_path=policy,
        source=doc.file,
        configured=frozenset(
            f"{name}.{key}" for name, body in top.items() if isinstance(body, dict) for key in body
        ),
        **sections,
    )


def load_settings(path: str | Path | None) -> Settings:
    """Settings from a file, or the embedded defaults when ``path`` is None."""
    if path is None:
        return Settings()
    return parse_settings(load_yaml(path))


def settings_from_text(text: str, file: str = "<settings>") -> Settings:
    return parse_settings(parse_yaml(text, file))
