"""phi-proxy: what to do about PHI in outbound SMS, and how the text travels (``models`` finds it).

Modules: app (composes the application) · appkeys (core aiohttp keys) · errors (Refusal, refuse)
· settings (config/proxy.yaml) · yamlfile (YAML with file/key/line errors) · tasks (background
work) · metrics (Prometheus) · logs (logger names: ``phi_proxy.`` + the module) · cli (collects
each package's ``register``).

Core packages (they never import a feature package; tests/test_architecture.py):
  policy/     the officer's rules: model, parse, custom recognizers, decide, holder, notice
  detection/  detection off the event loop (service), in a child process (isolated), scrubber
  audit/      hash-chained log, signed checkpoints, auditors' queries
  crypto/     local secrets, keys shared through the store, the vault's keys and re-encryption
  store/      the Database interface, SQLite and PostgreSQL, migrations, failure counts
The request path:
  outbound/   the send path (handler), perimeter (default deny), forward, idempotency, limits
  optout/     the TCPA opt-out registry and its enforcement
  providers/  one module per provider API: operation table + field map, parse, rebuild, errors
  server/     serve, workers, TLS, log safety
  sandbox/    a local stand-in for every provider's API
Features:
  portal/     secure links for clinical detail: issue, verify, pages, delivery
  admin/      routes (the declared table), access, auth, roles; api/ and console/ by area
  analytics/  de-identified copies, exports, summaries
  webhooks/   inbound webhooks: signatures, opt-out keywords, forwarding
Each package's cli.py has ``register(subparsers)``; a package the running app needs has
``setup(app)`` in its ``__init__`` (portal, detection, admin, analytics, webhooks).
"""
