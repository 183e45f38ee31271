"""Mount ``/webhooks/{provider}/{kind}`` and resolve the configured secrets at start-up."""

from __future__ import annotations

from aiohttp import web

from proxy.settings import Settings
from proxy.webhooks.handler import WEBHOOKS, Hook, WebhookRuntime, inbound
from proxy.webhooks.keywords import Classifier


def setup(app: web.Application, settings: Settings) -> None:
    """Add the webhook routes. A configured provider whose secret env var is unset raises
    ConfigError here, so the proxy does not start half-configured."""
    w = settings.webhooks
    hooks = {name: Hook(hook, hook.secret(settings.source)) for name, hook in w.providers.items()}
    app[WEBHOOKS] = WebhookRuntime(w, hooks, Classifier(w.keywords))
    for method in ("POST", "GET"):
        app.router.add_route(method, "/webhooks/{provider}/{kind}", inbound)
