"""What tests share: real parts standing in for the outside world — a recording upstream and
misbehaving detectors (fakes), a provider upstream that checks signatures (provider_upstream),
the SQLite/PostgreSQL store each test gets (storage), self-signed certificates (tls_certs), and
the providers' webhook signing (webhook_signing)."""
