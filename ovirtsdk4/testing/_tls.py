"""TLS material made on the fly for tests: CAs and server certificates as PEM files.

``make_tls_material(directory)`` writes, in ``directory``:

* ``ca.pem`` / ``ca.key``: a self-made root CA;
* ``server.pem`` / ``server.key``: a server certificate issued by that CA for ``localhost``,
  ``127.0.0.1`` and ``::1`` (subjectAltName), plus any extra names asked for;
* ``cn-only.pem`` / ``cn-only.key``: a server certificate issued by the same CA whose subject
  has only ``CN=localhost`` and which has **no** subjectAltName (API.md H-5: libcurl must fall
  back to the CN);
* ``other-ca.pem`` / ``other-ca.key``: a second, unrelated CA, for "wrong CA" tests.

Keys are ECDSA P-256 (fast to make). The certificates are valid from one day ago to one year
ahead. Needs the ``cryptography`` package (the ``testing`` extra).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["TlsMaterial", "make_tls_material"]


@dataclass(frozen=True)
class TlsMaterial:
    """Paths of the PEM files written by :func:`make_tls_material`."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    cn_only_cert: Path
    cn_only_key: Path
    other_ca_cert: Path
    other_ca_key: Path


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ovirtsdk4-fast tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _validity(builder):
    now = datetime.datetime.now(datetime.timezone.utc)
    return builder.not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(
        now + datetime.timedelta(days=365)
    )


def _make_ca(common_name):
    key = _key()
    name = _name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
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
    cert = _validity(builder).sign(key, hashes.SHA256())
    return cert, key


def _make_leaf(ca_cert, ca_key, common_name, alt_names):
    key = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    cert = _validity(builder).sign(ca_key, hashes.SHA256())
    return cert, key


def _write(directory, stem, cert, key):
    cert_path = directory / f"{stem}.pem"
    key_path = directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def make_tls_material(directory, *, extra_names=()) -> TlsMaterial:
    """Make two CAs and two server certificates and write them as PEM files in ``directory``
    (created if missing). ``extra_names`` adds DNS names or IP addresses (strings) to the
    subjectAltName of ``server.pem``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    ca_cert, ca_key = _make_ca("ovirtsdk4-fast test CA")
    other_cert, other_key = _make_ca("ovirtsdk4-fast unrelated CA")

    alt_names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    for name in extra_names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    server_cert, server_key = _make_leaf(ca_cert, ca_key, "localhost", alt_names)
    cn_cert, cn_key = _make_leaf(ca_cert, ca_key, "localhost", None)

    ca_paths = _write(directory, "ca", ca_cert, ca_key)
    server_paths = _write(directory, "server", server_cert, server_key)
    cn_paths = _write(directory, "cn-only", cn_cert, cn_key)
    other_paths = _write(directory, "other-ca", other_cert, other_key)
    return TlsMaterial(directory, *ca_paths, *server_paths, *cn_paths, *other_paths)
