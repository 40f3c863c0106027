"""Certificates the PDF tests make for themselves (the time-stamp service, a legacy signer), and
their form for pyHanko and certomancer, which take asn1crypto objects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_DER = serialization.Encoding.DER


def issue(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    serial: int,
    valid: tuple[datetime, datetime],
    extensions: Iterable[x509.ExtensionType],
    *,
    issuer: tuple[x509.Name, rsa.RSAPrivateKey] | None = None,
) -> x509.Certificate:
    """A certificate for *subject*'s *key*, valid from the first to the second time of *valid*,
    with *extensions* (all critical), signed with SHA-256 by *issuer* (its name and key), or by
    *key* itself when there is none."""
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """*certificate* as asn1crypto's."""
    return asn1_x509.Certificate.load(certificate.public_bytes(_DER))


def asn1_private_key(key: rsa.RSAPrivateKey) -> keys.PrivateKeyInfo:
    """*key* as asn1crypto's PKCS#8 structure."""
    return keys.PrivateKeyInfo.load(
        key.private_bytes(_DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
