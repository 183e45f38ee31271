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
from proxy.providers.operations import Operation
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
    def operations(self) -> Sequence[Operation]: ...
    @property
    def namespaces(self) -> Sequence[str]: ...
    @property
    def mount(self) -> str: ...


@dataclass(frozen=True)
class Layout:
    name: str
    operations: Sequence[Operation]
    namespaces: Sequence[str]
    mount: str


def check_config_routes(config: ProvidersConfig) -> None:
    """:func:`check_routes` for a configuration, without building providers (no secrets read)."""
    layouts: list[Served] = [
        Layout(name, cls.operations, cls.namespaces, config.mounts.get(name, cls.mount))
        for name, cls in REGISTRY.items()
    ]
    for i, entry in enumerate(config.generic):
        try:
            layouts.append(Generic(entry))
        except ValueError as e:  # contradictory field paths
            raise RouteCollision(f"generic[{i}] ({entry.name}): {e}") from None
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
    """The provider's send operations as the proxy serves them (under its mount)."""
    return [
        Route(op.method, provider.mount + op.path)
        for op in provider.operations
        if op.kind == "send"
    ]


def mounted_namespaces(provider: Served) -> list[str]:
    """The path prefixes this provider answers for on the proxy (under its mount)."""
    return [provider.mount + n for n in provider.namespaces]


def _overlap(a: str, b: str) -> bool:
    a_, b_ = a.rstrip("/") + "/", b.rstrip("/") + "/"
    return a_.startswith(b_) or b_.startswith(a_)


def check_routes(providers: Iterable[Served]) -> None:
    """Refuse configurations where two providers would answer for the same paths."""
    owners: list[tuple[str, str]] = []
    for p in providers:
        for ns in mounted_namespaces(p):
            for other_ns, other in owners:
                if other != p.name and _overlap(ns, other_ns):
                    raise RouteCollision(f"{ns} of {p.name} overlaps {other_ns} of {other}")
            owners.append((ns, p.name))
        for op in p.operations:
            path = p.mount + op.path
            if not any(path.startswith(ns) for ns in mounted_namespaces(p)):
                raise RouteCollision(f"{op.method} {path} of {p.name} lies outside its namespaces")


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
    "mounted_namespaces",
    "mounted_routes",
]
