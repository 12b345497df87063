"""A throw-away certificate authority, the certificates it signs, and a browser that trusts it.

Chromium on Linux trusts the certificate authorities of the NSS database in
``$HOME/.pki/nssdb``; a temporary ``HOME`` with such a database makes it trust
this one authority, and nothing is changed on the machine.
"""

import datetime
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERTUTIL = shutil.which("certutil")


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    path: Path  # the certificate, PEM


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _validity(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return builder.not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(
        now + datetime.timedelta(days=2)
    )


def authority_create(*, directory: Path, name: str = "Deployment test CA") -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    certificate = _validity(builder).sign(key, hashes.SHA256())
    path = directory / "ca.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return Authority(certificate=certificate, key=key, path=path)


def certificate_issue(authority: Authority, *, hostnames: list[str], directory: Path) -> None:
    """Writes ``fullchain.pem`` and ``privkey.pem`` into ``directory``, as certbot names them."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(hostnames[0]))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in hostnames]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
    )
    certificate = _validity(builder).sign(authority.key, hashes.SHA256())
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "fullchain.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + authority.certificate.public_bytes(serialization.Encoding.PEM)
    )
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / "privkey.pem").chmod(0o600)


def browser_home_trusting(authority: Authority, *, home: Path) -> Path:
    """A HOME whose NSS database trusts ``authority`` to identify web sites."""
    database = home / ".pki" / "nssdb"
    database.mkdir(parents=True)
    for args in (
        ["-N", "--empty-password"],
        ["-A", "-n", "deployment-test-ca", "-t", "C,,", "-i", str(authority.path)],
    ):
        subprocess.run(
            [CERTUTIL, "-d", f"sql:{database}", *args], check=True, capture_output=True, timeout=30
        )
    return home
