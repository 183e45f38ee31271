"""Mount ``/webhooks/{provider}/{kind}`` and resolve the configured secrets at start-up."""

from __future__ import annotations

import functools

from aiohttp import web

from proxy.settings import Settings
from proxy.webhooks.config import HookSettings
from proxy.webhooks.handler import WEBHOOKS, Hook, WebhookRuntime, inbound
from proxy.webhooks.keywords import Classifier
from proxy.webhooks.signatures import SCHEMES, Verifier, verify_aws_sns


def setup(app: web.Application, settings: Settings) -> None:
    """Add the webhook routes. A configured provider whose secret env var is unset raises
    ConfigError here, so the proxy does not start half-configured."""
    w = settings.webhooks
    hooks = {
        name: Hook(hook, hook.secret(settings.source), _verifier(hook))
        for name, hook in w.providers.items()
    }
    app[WEBHOOKS] = WebhookRuntime(w, hooks, Classifier(w.keywords))
    for method in ("POST", "GET"):
        app.router.add_route(method, "/webhooks/{provider}/{kind}", inbound)
        # providers that sign nothing and authenticate with a random path token (auth: path_token)
        app.router.add_route(method, "/webhooks/{provider}/{kind}/{token}", inbound)


def _verifier(hook: HookSettings) -> Verifier:
    if hook.scheme == "aws-sns":
        return functools.partial(verify_aws_sns, topics=hook.topic_arns)
    return SCHEMES[hook.scheme].verify
