"""Crypto: local secrets from the environment or a key file (local_secrets), keys every instance
sharing a store must share, checked against it (shared_keys), the vault's data keys wrapped by a
KEK (vault_keys), the vault's sealed records and their re-encryption (vault), and the ``keys``
command (cli).

Core: imports no feature package (portal, admin, analytics, webhooks).
"""
