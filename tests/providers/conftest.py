"""Fixtures for the provider drop-in tests: a provider-answering upstream and the real proxy."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.providers.fakes import ProviderUpstream
from tests.proxy.conftest import default_policy, make_proxy  # noqa: F401 - shared fixtures

ADMIN = "Reminder: your appointment with Dr. Patel is on Tuesday at 3:15 PM. Call us to reschedule."
WITH_NAME = "Hi Maria Lopez, your appointment with Dr. Patel is on Tuesday at 3:15 PM."
REDACTED = "Hi [name], your appointment with Dr. Patel is on Tuesday at 3:15 PM."
CLINICAL = "Your biopsy results show cancer. Please call us."


@pytest.fixture
def provider_upstream() -> ProviderUpstream:
    return ProviderUpstream()


@pytest.fixture
async def provider_server(aiohttp_server: Any, provider_upstream: ProviderUpstream) -> TestServer:
    return await aiohttp_server(provider_upstream.app())


@pytest.fixture
async def proxy(make_proxy: Any, provider_server: TestServer) -> TestServer:  # noqa: F811
    return await make_proxy(str(provider_server.make_url("")))


def base(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (generated, never committed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "phi-proxy test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    d = tmp_path_factory.mktemp("tls")
    cert_path, key_path = d / "cert.pem", d / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def server_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*tls_files)
    return ctx


@pytest.fixture
async def broken_proxy(make_proxy: Any, provider_server: TestServer) -> TestServer:  # noqa: F811
    """A proxy whose detector fails: every inspected send must be refused as unavailable."""
    from tests.fakes import RaisingDetector

    return await make_proxy(str(provider_server.make_url("")), detector_=RaisingDetector())
