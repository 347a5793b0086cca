"""The client over https to a fundserver with a self-signed certificate made at test time.

The client trusts it only through the ca_bundle setting or REQUESTS_CA_BUNDLE — never by
turning verification off; without either the connection is refused as a TLS failure.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.errors import OfflineError
from app.services.context import AppServices
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fundserver test centre")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "centre.pem", folder / "centre.key"
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
def tls_server(tmp_path: Path) -> Iterator[tuple[FundServerProcess, Path]]:
    cert, key = _self_signed(tmp_path)
    server = FundServerProcess(tmp_path / "fundserver", tls=(cert, key))
    yield server, cert
    server.stop()


def test_login_and_sync_over_https_with_the_centres_certificate(
    services: AppServices,
    tls_server: tuple[FundServerProcess, Path],
    demo_credentials: DemoCredentials,
) -> None:
    server, cert = tls_server
    assert server.url.startswith("https://127.0.0.1:")
    services.settings.set("ca_bundle", str(cert))
    session = CentreSession(services)
    outcome = session.login(server.url, demo_credentials.unit_code, demo_credentials.password)
    with session.client(outcome.unit) as client:
        assert client.unit_profile().unit_code == demo_credentials.unit_code


def test_requests_ca_bundle_is_honoured(
    services: AppServices,
    tls_server: tuple[FundServerProcess, Path],
    demo_credentials: DemoCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    session = CentreSession(services)
    session.login(server.url, demo_credentials.unit_code, demo_credentials.password)


def test_an_untrusted_certificate_is_refused(
    services: AppServices,
    tls_server: tuple[FundServerProcess, Path],
    demo_credentials: DemoCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, _ = tls_server
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(OfflineError) as caught:
        CentreSession(services).login(
            server.url, demo_credentials.unit_code, demo_credentials.password
        )
    assert caught.value.code == "tls_error"
    assert "证书" in caught.value.message
