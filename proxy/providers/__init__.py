"""Provider adapters, one module each, registered here by name."""

from __future__ import annotations

from proxy.providers.base import BadRequest, Incoming, Message, Parsed, Provider, Route
from proxy.providers.twilio import Twilio

REGISTRY: dict[str, type[Provider]] = {
    "twilio": Twilio,
}

__all__ = ["REGISTRY", "BadRequest", "Incoming", "Message", "Parsed", "Provider", "Route"]
