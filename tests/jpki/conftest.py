"""Shared fixtures of the offline JPKI tests: the real certificates and simulated PKIs.

The real certificates are the public ones in ``tests/data`` (the ``testdata_dir`` fixture of the
root conftest). Simulated certificates come from :mod:`sim.factory.pki` with the public test keys of
:mod:`sim.factory.testkeys`, so no key is generated for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from sim.factory import pki, testkeys
from tests.holders import HANAKO

AUTH_CA_NAMES = ("authca01", "authca02", "authca03")
SIGN_CA_NAMES = ("signca01", "signca02", "signca03")
HOLDER_PREFIX = "1.2.392.200149.8.5.5."


@pytest.fixture(scope="session")
def production_auth_pem(testdata_dir: Path) -> Path:
    """The real production user-authentication certificate (PEM)."""
    return testdata_dir / "real" / "auth-cert-production.pem"


@pytest.fixture(scope="session")
def jlis_ca_dir(testdata_dir: Path) -> Path:
    """The directory of the six J-LIS root CA certificates."""
    return testdata_dir / "jlis-ca"


@pytest.fixture(scope="session")
def testorg_sign_ca() -> pki.SimulatedCa:
    """A signature CA named like a J-LIS test CA (``O=JPKI-TEST``)."""
    return pki.build_ca(pki.CaKind.SIGN, organization=pki.TEST_ORGANIZATION)


_SIM_HOLDER = replace(HANAKO, birth_date=date(1990, 1, 2), address="東京都千代田区千代田１－１")

_SIM_ISSUED_AT = datetime(2024, 4, 1, 1, 2, 3, tzinfo=UTC)
_SIM_EXPIRES_ON = date(2030, 1, 2)


@pytest.fixture(scope="session")
def sim_holder() -> pki.Holder:
    """The holder of :func:`sim_sign_cert` and :func:`testorg_sign_cert`."""
    return _SIM_HOLDER


@pytest.fixture(scope="session")
def sim_sign_cert(sim_sign_ca: pki.SimulatedCa) -> pki.IssuedCertificate:
    """A simulated signature certificate for :func:`sim_holder`, key pool 0."""
    return _sign_certificate(sim_sign_ca, 0, "SIMSIGN0001")


@pytest.fixture(scope="session")
def sim_auth_cert(sim_auth_ca: pki.SimulatedCa) -> pki.IssuedCertificate:
    """A simulated user-authentication certificate, key pool 1."""
    return pki.issue_auth_certificate(
        sim_auth_ca,
        testkeys.pool_key(1),
        subject_id="SIMAUTH0001",
        issued_at=_SIM_ISSUED_AT,
        expires_on=_SIM_EXPIRES_ON,
    )


@pytest.fixture(scope="session")
def testorg_sign_cert(testorg_sign_ca: pki.SimulatedCa) -> pki.IssuedCertificate:
    """A signature certificate from the ``O=JPKI-TEST`` CA (test policy OID), key pool 2."""
    return _sign_certificate(testorg_sign_ca, 2, "TESTSIGN0001")


def _sign_certificate(ca: pki.SimulatedCa, key: int, subject_id: str) -> pki.IssuedCertificate:
    return pki.issue_sign_certificate(
        ca,
        testkeys.pool_key(key),
        holder=_SIM_HOLDER,
        subject_id=subject_id,
        issued_at=_SIM_ISSUED_AT,
        expires_on=_SIM_EXPIRES_ON,
    )


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    """The one non-RSA key of the session (for "not an RSA certificate" paths)."""
    return ec.generate_private_key(ec.SECP256R1())


def _raw_pkcs1_sign(key: rsa.RSAPrivateKey) -> Callable[[bytes], bytes]:
    """A stand-in for the card: PKCS#1 v1.5 type-1 padding of *any* DigestInfo, then raw RSA."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    size = (n.bit_length() + 7) // 8

    def sign(digest_info: bytes) -> bytes:
        padding_length = size - 3 - len(digest_info)
        block = b"\x00\x01" + b"\xff" * padding_length + b"\x00" + digest_info
        value = pow(int.from_bytes(block, "big"), numbers.d, n)
        return value.to_bytes(size, "big")

    return sign


@dataclass(frozen=True)
class CustomCertificate:
    """A hand-made certificate for edge cases, and the key it was issued for."""

    certificate: x509.Certificate
    der: bytes
    key: rsa.RSAPrivateKey


def _make_certificate(
    *,
    issuer: Sequence[tuple[x509.ObjectIdentifier, str]] = ((NameOID.COMMON_NAME, "Edge CA"),),
    subject: Sequence[tuple[x509.ObjectIdentifier, str]] = ((NameOID.COMMON_NAME, "edge"),),
    policies: Sequence[str] = (),
    other_names: Sequence[tuple[str, bytes]] = (),
    ca: bool | None = None,
    key_usage: dict[str, bool] | None = None,
    signer: rsa.RSAPrivateKey | None = None,
    key_index: int = 3,
    serial: int = 0x1234,
) -> CustomCertificate:
    """Build a certificate with exactly the extensions asked for, signed by a pool key."""
    key = testkeys.pool_key(key_index)
    signing_key = signer if signer is not None else testkeys.pool_key(4)
    builder = (
        x509.CertificateBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(oid, value) for oid, value in issuer]))
        .subject_name(x509.Name([x509.NameAttribute(oid, value) for oid, value in subject]))
        .serial_number(serial)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2030, 1, 1, 14, 59, 59, tzinfo=UTC))
        .public_key(key.public_key())
    )
    if policies:
        infos = [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in policies]
        builder = builder.add_extension(x509.CertificatePolicies(infos), critical=True)
    if other_names:
        names: list[x509.GeneralName] = [
            x509.OtherName(x509.ObjectIdentifier(oid), value) for oid, value in other_names
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
    if key_usage is not None:
        bits = {
            "digital_signature": False,
            "content_commitment": False,
            "key_encipherment": False,
            "data_encipherment": False,
            "key_agreement": False,
            "key_cert_sign": False,
            "crl_sign": False,
            "encipher_only": False,
            "decipher_only": False,
        }
        bits.update(key_usage)
        builder = builder.add_extension(x509.KeyUsage(**bits), critical=True)
    certificate = builder.sign(signing_key, hashes.SHA256())
    return CustomCertificate(certificate, certificate.public_bytes(Encoding.DER), key)


def _utf8(text: str) -> bytes:
    """DER UTF8String of *text* (short form; test values are short)."""
    body = text.encode("utf-8")
    assert len(body) < 0x80
    return b"\x0c" + bytes([len(body)]) + body


def _holder_names(
    name: str = "佐藤\u3000一郎",
    sex: str = "1",
    birth: str = "319800217",
    address: str = "大阪府大阪市北区",
    *,
    drop: Sequence[int] = (),
) -> list[tuple[str, bytes]]:
    """The six holder otherNames (suffix ``.1``..``.6``), minus the suffixes in ``drop``."""
    values = {
        1: _utf8(name),
        2: _utf8("0" * len(name)),
        3: _utf8(sex),
        4: _utf8(birth),
        5: _utf8(address),
        6: _utf8("0" * len(address)),
    }
    return [(f"{HOLDER_PREFIX}{i}", v) for i, v in values.items() if i not in drop]


@pytest.fixture(scope="session")
def card_signer() -> Callable[[rsa.RSAPrivateKey], Callable[[bytes], bytes]]:
    """Factory: ``card_signer(key)`` signs a DigestInfo the way the card does (raw PKCS#1)."""
    return _raw_pkcs1_sign


@pytest.fixture(scope="session")
def make_cert() -> Callable[..., CustomCertificate]:
    """Factory for hand-made edge-case certificates (see ``_make_certificate``)."""
    return _make_certificate


@pytest.fixture(scope="session")
def holder_names() -> Callable[..., list[tuple[str, bytes]]]:
    """Factory for the six holder otherNames (see ``_holder_names``)."""
    return _holder_names


@pytest.fixture(scope="session")
def utf8() -> Callable[[str], bytes]:
    """Factory: the DER UTF8String of a short text."""
    return _utf8
