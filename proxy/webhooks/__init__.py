"""Inbound webhooks: the proxy as the provider's webhook target.

``/webhooks/{provider}/{kind}`` verifies the provider's signature (:mod:`.signatures`), reads the
inbound message (:mod:`.inbound`), records opt-out / opt-in / help keywords (:mod:`.keywords`,
:mod:`proxy.optout`) and forwards the webhook to the customer's URL, re-signed where the scheme
allows (:mod:`.forward`). Routes are added by :func:`proxy.webhooks.routes.setup`. See README.md
in this folder for the rules and each signature scheme.
"""
