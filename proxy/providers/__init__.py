"""Provider adapters, one module each, registered here by name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from proxy.providers.aws_sms import AwsSms
from proxy.providers.aws_sns import AwsSns
from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.config import ProvidersConfig
from proxy.providers.generic import Generic
from proxy.providers.messagebird import MessageBird
from proxy.providers.plivo import Plivo
from proxy.providers.sinch import Sinch
from proxy.providers.telnyx import Telnyx
from proxy.providers.twilio import Twilio
from proxy.providers.vonage_messages import VonageMessages
from proxy.providers.vonage_sms import VonageSms

REGISTRY: dict[str, type[Provider]] = {
    "twilio": Twilio,
    "vonage_sms": VonageSms,
    "vonage_messages": VonageMessages,
    "plivo": Plivo,
    "telnyx": Telnyx,
    "messagebird": MessageBird,
    "sinch": Sinch,
    "aws_sns": AwsSns,
    "aws_sms": AwsSms,
}


class RouteCollision(ValueError):
    """Two providers would answer the same path; the proxy refuses to start."""


class Served(Protocol):
    """What decides where a provider is served: a provider, or its layout before it is built."""

    @property
    def name(self) -> str: ...
    @property
    def routes(self) -> Sequence[Route]: ...
    @property
    def prefixes(self) -> Sequence[str]: ...
    @property
    def mount(self) -> str: ...


@dataclass(frozen=True)
class Layout:
    name: str
    routes: Sequence[Route]
    prefixes: Sequence[str]
    mount: str


def check_config_routes(config: ProvidersConfig) -> None:
    """:func:`check_routes` for a configuration, without building providers (no secrets read)."""
    layouts: list[Served] = [
        Layout(name, cls.routes, cls.prefixes, config.mounts.get(name, cls.mount))
        for name, cls in REGISTRY.items()
    ]
    layouts.extend(Generic(entry) for entry in config.generic)
    check_routes(layouts)


def build_providers(
    config: ProvidersConfig, urls: Mapping[str, str] | None = None, public_base_url: str = ""
) -> dict[str, Provider]:
    """Every built-in provider plus the configured generic ones, mounted and pointed upstream;
    their refusals link to the error-code page at ``public_base_url``."""
    urls = urls or {}
    providers: dict[str, Provider] = {}
    for name, cls in REGISTRY.items():
        p = cls.from_config(config)
        p.mount = config.mounts.get(name, cls.mount)
        providers[name] = p
    for entry in config.generic:
        providers[entry.name] = Generic(entry)
    for name, p in providers.items():
        p.upstream = urls.get(name) or p.default_upstream
        p.error_docs = public_base_url.rstrip("/")
    check_routes(providers.values())
    return providers


def mounted_routes(provider: Served) -> list[Route]:
    """The provider's inspected routes as the proxy serves them (under its mount)."""
    out: list[Route] = []
    for r in provider.routes:
        path = provider.mount + r.path
        # With and without a trailing slash: a provider that ignores it must not receive a
        # send through a pass-through prefix ("/v1/messages/" under "/v1/messages/").
        for variant in (path, path.rstrip("/") or "/", path.rstrip("/") + "/"):
            if Route(r.method, variant) not in out:
                out.append(Route(r.method, variant))
    return out


def mounted_prefixes(provider: Served) -> list[str]:
    return [provider.mount + p for p in provider.prefixes]


def check_routes(providers: Iterable[Served]) -> None:
    """Refuse configurations where one provider's route or prefix would shadow another's."""
    routes: dict[tuple[str, str], str] = {}
    prefixes: dict[str, str] = {}
    for p in providers:
        for r in mounted_routes(p):
            key = (r.method, r.path)
            if key in routes and routes[key] != p.name:
                raise RouteCollision(f"{r.method} {r.path}: both {routes[key]} and {p.name}")
            routes[key] = p.name
        for prefix in mounted_prefixes(p):
            if prefix in prefixes and prefixes[prefix] != p.name:
                raise RouteCollision(f"prefix {prefix}: both {prefixes[prefix]} and {p.name}")
            prefixes[prefix] = p.name
    for (method, path), owner in routes.items():
        for prefix, other in prefixes.items():
            if other != owner and path.startswith(prefix):
                raise RouteCollision(
                    f"{method} {path} of {owner} lies under {other}'s pass-through prefix {prefix}"
                )


__all__ = [
    "REGISTRY",
    "BadRequest",
    "Incoming",
    "Message",
    "Parsed",
    "Provider",
    "Route",
    "RouteCollision",
    "build_providers",
    "check_config_routes",
    "mounted_prefixes",
    "mounted_routes",
]
