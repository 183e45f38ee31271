"""Inbound webhooks: the proxy as the provider's webhook target.

``/webhooks/{provider}/{kind}`` verifies the provider's signature (:mod:`.signatures`), reads the
inbound message (:mod:`.inbound`), records opt-out / opt-in / help keywords (:mod:`.keywords`,
:mod:`proxy.optout`) and forwards the webhook to the customer's URL, re-signed where the scheme
allows (:mod:`.forward`). Routes are added by :func:`setup`. See README.md
in this folder for the rules and each signature scheme.
"""

from __future__ import annotations

import functools

from aiohttp import web

from proxy import appkeys
from proxy.webhooks.config import HookSettings
from proxy.webhooks.handler import WEBHOOKS, Hook, WebhookRuntime, inbound
from proxy.webhooks.keywords import Classifier
from proxy.webhooks.signatures import SCHEMES, Verifier, verify_aws_sns


def setup(app: web.Application) -> None:
    """Mount ``/webhooks/{provider}/{kind}`` and resolve the configured secrets. A configured
    provider whose secret env var is unset raises ConfigError here, so the proxy does not start
    half-configured."""
    settings = app[appkeys.SETTINGS]
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
