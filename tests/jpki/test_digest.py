"""DigestInfo known answers (RFC 8017 §9.2 note 1) and PKCS#1 v1.5 signature checks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from jpki.certificate import CertificateInfo
from jpki.digest import HashAlgorithm, digest_info, parse_digest_info, verify_pkcs1_signature
from jpki.errors import SignatureInvalidError
from sim.factory import pki, testkeys

# The DER prefixes RFC 8017 lists (§9.2, note 1); the digest follows them.
PREFIXES = {
    HashAlgorithm.SHA1: "3021300906052b0e03021a05000414",
    HashAlgorithm.SHA256: "3031300d060960864801650304020105000420",
    HashAlgorithm.SHA384: "3041300d060960864801650304020205000430",
    HashAlgorithm.SHA512: "3051300d060960864801650304020305000440",
}
MESSAGE = "署名する文書".encode()


def test_sha256_prefix_is_the_one_the_card_documents() -> None:
    prefix = bytes.fromhex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")
    info = digest_info(HashAlgorithm.SHA256, b"abc")
    assert info == prefix + hashlib.sha256(b"abc").digest()
    assert len(info) == 51


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
def test_digest_info_known_prefixes(algorithm: HashAlgorithm) -> None:
    expected_digest = hashlib.new(algorithm.value, MESSAGE).digest()
    expected = bytes.fromhex(PREFIXES[algorithm]) + expected_digest
    assert digest_info(algorithm, MESSAGE) == expected
    assert digest_info(algorithm, digest=expected_digest) == expected
    assert digest_info(algorithm.value, message=MESSAGE) == expected  # type: ignore[arg-type]
    assert algorithm.digest_size == len(expected_digest)
    assert algorithm.hash(MESSAGE) == expected_digest
    assert parse_digest_info(expected) == (algorithm, expected_digest)
    assert HashAlgorithm.from_oid(algorithm.oid) is algorithm


def test_empty_message_is_a_message() -> None:
    assert digest_info(HashAlgorithm.SHA256, b"").endswith(hashlib.sha256(b"").digest())


def test_digest_info_argument_errors() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        digest_info(HashAlgorithm.SHA256)
    with pytest.raises(ValueError, match="exactly one"):
        digest_info(HashAlgorithm.SHA256, b"m", b"\x00" * 32)
    with pytest.raises(ValueError, match="32 bytes, got 20"):
        digest_info(HashAlgorithm.SHA256, digest=b"\x00" * 20)
    with pytest.raises(ValueError):
        digest_info("md5", b"m")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x30\x00",
        bytes.fromhex(PREFIXES[HashAlgorithm.SHA256]) + b"\x00" * 31,  # truncated digest
        bytes.fromhex(PREFIXES[HashAlgorithm.SHA256]) + b"\x00" * 33,  # trailing byte
        # An MD5 DigestInfo: well formed, but not an algorithm the card is given.
        bytes.fromhex("3020300c06082a864886f70d020505000410") + b"\x00" * 16,
        # SHA-256 OID with a 12-byte digest.
        bytes.fromhex("301d300d06096086480165030402010500040c") + b"\x00" * 12,
    ],
)
def test_parse_digest_info_refuses(data: bytes) -> None:
    with pytest.raises(ValueError):
        parse_digest_info(data)


@pytest.fixture(scope="module")
def signer(sim_auth_cert: pki.IssuedCertificate) -> tuple[CertificateInfo, rsa.RSAPrivateKey]:
    return CertificateInfo.from_der(sim_auth_cert.der), sim_auth_cert.private_key


@pytest.fixture(scope="module")
def signature(signer: tuple[CertificateInfo, rsa.RSAPrivateKey]) -> bytes:
    """The signer's PKCS#1 v1.5 signature of :data:`MESSAGE` with SHA-256, made by the library."""
    return signer[1].sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
def test_card_style_signature_verifies(
    algorithm: HashAlgorithm,
    signer: tuple[CertificateInfo, rsa.RSAPrivateKey],
    card_signer: Callable[[rsa.RSAPrivateKey], Callable[[bytes], bytes]],
) -> None:
    info, key = signer
    signature = card_signer(key)(digest_info(algorithm, MESSAGE))
    # Same bytes as a library PKCS#1 v1.5 signature: the DigestInfo is the standard one.
    assert signature == key.sign(MESSAGE, padding.PKCS1v15(), algorithm.new_hash())
    verify_pkcs1_signature(info, MESSAGE, signature, algorithm)
    verify_pkcs1_signature(info.certificate, MESSAGE, signature, algorithm)
    verify_pkcs1_signature(info, algorithm.hash(MESSAGE), signature, algorithm, prehashed=True)


def test_tampered_message_or_signature_is_refused(
    signer: tuple[CertificateInfo, rsa.RSAPrivateKey], signature: bytes
) -> None:
    info = signer[0]
    with pytest.raises(SignatureInvalidError, match="does not verify"):
        verify_pkcs1_signature(info, MESSAGE + b"!", signature)
    broken = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(SignatureInvalidError):
        verify_pkcs1_signature(info, MESSAGE, broken)
    with pytest.raises(SignatureInvalidError):
        verify_pkcs1_signature(info, MESSAGE, signature[:-1])
    with pytest.raises(SignatureInvalidError):
        verify_pkcs1_signature(info, MESSAGE, signature, HashAlgorithm.SHA512)
    with pytest.raises(SignatureInvalidError):
        verify_pkcs1_signature(info, hashlib.sha256(b"x").digest(), signature, prehashed=True)


def test_signature_by_another_key_is_refused(
    signer: tuple[CertificateInfo, rsa.RSAPrivateKey],
) -> None:
    info, _ = signer
    other = testkeys.pool_key(9)
    signature = other.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(SignatureInvalidError):
        verify_pkcs1_signature(info, MESSAGE, signature)


def test_prehashed_digest_of_wrong_length(
    signer: tuple[CertificateInfo, rsa.RSAPrivateKey], signature: bytes
) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        verify_pkcs1_signature(signer[0], b"\x00" * 31, signature, prehashed=True)


def test_non_rsa_certificate_is_refused(ec_key: ec.EllipticCurvePrivateKey) -> None:
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "ec")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .serial_number(7)
        .not_valid_before(pki.CA_NOT_BEFORE)
        .not_valid_after(pki.CA_NOT_AFTER)
        .public_key(ec_key.public_key())
        .sign(ec_key, hashes.SHA256())
    )
    with pytest.raises(SignatureInvalidError, match="not RSA"):
        verify_pkcs1_signature(certificate, MESSAGE, b"\x00" * 64)
