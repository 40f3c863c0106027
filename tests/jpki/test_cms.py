"""Detached CMS: built around a card-style signer, accepted by ``openssl cms -verify``, refused
when the message or signature is tampered with, and interoperable the other way round."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from jpki.certificate import JST, CertificateInfo, IssuerClass
from jpki.cms import (
    CmsVerification,
    cms_from_pem,
    cms_to_pem,
    sign_cms_detached,
    verify_cms_detached,
)
from jpki.digest import HashAlgorithm
from jpki.errors import ChainError, CmsError, SignatureInvalidError
from jpki.ids import CertKind
from sim.factory import pki, testkeys

MESSAGE = "申請書の本文\n".encode() * 20
SIGNING_TIME = datetime(2025, 6, 1, 9, 30, tzinfo=JST)
ATTIME = str(int(SIGNING_TIME.timestamp()))
OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")

CardSigner = Callable[[rsa.RSAPrivateKey], Callable[[bytes], bytes]]


@pytest.fixture(scope="module")
def signed(sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner) -> bytes:
    return sign_cms_detached(
        sim_sign_cert.der,
        MESSAGE,
        card_signer(sim_sign_cert.private_key),
        signing_time=SIGNING_TIME,
    )


@pytest.fixture(scope="module")
def sim_anchor(sim_sign_ca: pki.SimulatedCa) -> CertificateInfo:
    return CertificateInfo.from_der(sim_sign_ca.der)


def openssl_verify(
    tmp_path: Path, ca_der: bytes, cms_der: bytes, message: bytes, *, pem: bool = False
) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(_pem_certificate(ca_der))
    sig = tmp_path / ("sig.pem" if pem else "sig.p7s")
    sig.write_bytes(cms_to_pem(cms_der).encode() if pem else cms_der)
    msg = tmp_path / "msg.bin"
    msg.write_bytes(message)
    return subprocess.run(
        [
            OPENSSL,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "PEM" if pem else "DER",
            "-in",
            str(sig),
            "-content",
            str(msg),
            "-CAfile",
            str(ca_file),
            "-purpose",
            "any",
            "-attime",
            ATTIME,
            "-out",
            str(tmp_path / "out.bin"),
        ],
        capture_output=True,
        check=False,
        timeout=30,
    )


def _pem_certificate(der: bytes) -> str:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()


# --- signing -----------------------------------------------------------------------------------


def test_round_trip(signed: bytes, sim_sign_cert: pki.IssuedCertificate) -> None:
    result = verify_cms_detached(signed, MESSAGE)
    assert isinstance(result, CmsVerification)
    assert result.signer.der == sim_sign_cert.der
    assert result.signer.kind is CertKind.SIGN
    assert result.algorithm is HashAlgorithm.SHA256
    assert result.signing_time == SIGNING_TIME
    assert result.chain is None
    data = result.to_json()
    assert set(data) == {"signer", "algorithm", "message_digest", "signing_time", "chain"}
    assert data["signing_time"] == "2025-06-01T09:30:00+09:00"


def test_structure(signed: bytes) -> None:
    content_info = cms.ContentInfo.load(signed)
    assert content_info["content_type"].native == "signed_data"
    signed_data = content_info["content"]
    assert signed_data["encap_content_info"]["content"].native is None  # detached
    assert len(signed_data["certificates"]) == 1
    signer_info = signed_data["signer_infos"][0]
    names = [a["type"].native for a in signer_info["signed_attrs"]]
    assert sorted(names) == ["content_type", "message_digest", "signing_time"]
    assert signer_info["sid"].name == "issuer_and_serial_number"
    assert signer_info["signature_algorithm"]["algorithm"].native == "rsassa_pkcs1v15"
    # UTCTime, as RFC 5652 wants for years 1950-2049.
    (time_attr,) = [a for a in signer_info["signed_attrs"] if a["type"].native == "signing_time"]
    assert time_attr["values"][0].name == "utc_time"


@needs_openssl
def test_openssl_accepts(signed: bytes, sim_sign_ca: pki.SimulatedCa, tmp_path: Path) -> None:
    done = openssl_verify(tmp_path, sim_sign_ca.der, signed, MESSAGE)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Verification successful" in done.stderr
    assert (tmp_path / "out.bin").read_bytes() == MESSAGE


@needs_openssl
def test_openssl_accepts_pem(signed: bytes, sim_sign_ca: pki.SimulatedCa, tmp_path: Path) -> None:
    done = openssl_verify(tmp_path, sim_sign_ca.der, signed, MESSAGE, pem=True)
    assert done.returncode == 0, done.stderr.decode()


@needs_openssl
def test_tampered_message_is_refused_by_openssl_and_by_us(
    signed: bytes, sim_sign_ca: pki.SimulatedCa, tmp_path: Path
) -> None:
    tampered = MESSAGE[:-1] + b"?"
    done = openssl_verify(tmp_path, sim_sign_ca.der, signed, tampered)
    assert done.returncode != 0
    assert b"digest failure" in done.stderr.lower() or b"verification failure" in done.stderr
    with pytest.raises(SignatureInvalidError, match="messageDigest"):
        verify_cms_detached(signed, tampered)


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
def test_every_hash_algorithm(
    algorithm: HashAlgorithm, sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner
) -> None:
    seen: list[bytes] = []
    card = card_signer(sim_sign_cert.private_key)

    def sign(digest_info: bytes) -> bytes:
        seen.append(digest_info)
        return card(digest_info)

    der = sign_cms_detached(
        sim_sign_cert.certificate, MESSAGE, sign, algorithm=algorithm, signing_time=SIGNING_TIME
    )
    assert len(seen) == 1  # the card is asked exactly once
    assert len(seen[0]) == {20: 35, 32: 51, 48: 67, 64: 83}[algorithm.digest_size]
    assert verify_cms_detached(der, MESSAGE).algorithm is algorithm


def test_wrong_key_is_caught_before_returning(
    sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner
) -> None:
    other = card_signer(testkeys.pool_key(7))
    with pytest.raises(SignatureInvalidError):
        sign_cms_detached(sim_sign_cert.der, MESSAGE, other, signing_time=SIGNING_TIME)


def test_garbage_signature_is_caught(sim_sign_cert: pki.IssuedCertificate) -> None:
    with pytest.raises(SignatureInvalidError):
        sign_cms_detached(
            sim_sign_cert.der, MESSAGE, lambda _: b"\x00" * 256, signing_time=SIGNING_TIME
        )


def test_signer_errors_propagate(sim_sign_cert: pki.IssuedCertificate) -> None:
    class CardGoneError(Exception):
        pass

    def fail(_: bytes) -> bytes:
        raise CardGoneError

    with pytest.raises(CardGoneError):
        sign_cms_detached(sim_sign_cert.der, MESSAGE, fail, signing_time=SIGNING_TIME)


def test_signing_time_defaults_to_now(
    sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    der = sign_cms_detached(sim_sign_cert.der, MESSAGE, card_signer(sim_sign_cert.private_key))
    after = datetime.now(UTC)
    signing_time = verify_cms_detached(der, MESSAGE).signing_time
    assert signing_time is not None
    assert before <= signing_time <= after


def test_signing_time_must_be_aware(
    sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_cms_detached(
            sim_sign_cert.der,
            MESSAGE,
            card_signer(sim_sign_cert.private_key),
            signing_time=datetime(2025, 1, 1),
        )


def test_generalized_time_after_2049(
    sim_sign_cert: pki.IssuedCertificate, card_signer: CardSigner
) -> None:
    when = datetime(2050, 1, 1, tzinfo=UTC)
    der = sign_cms_detached(
        sim_sign_cert.der, MESSAGE, card_signer(sim_sign_cert.private_key), signing_time=when
    )
    assert verify_cms_detached(der, MESSAGE).signing_time == when
    assert b"\x18\x0f20500101000000Z" in der


def test_pem_helpers(signed: bytes) -> None:
    text = cms_to_pem(signed)
    assert text.startswith("-----BEGIN CMS-----\n")
    assert cms_from_pem(text) == signed
    assert cms_from_pem(text.replace("CMS-----", "PKCS7-----").encode()) == signed
    assert verify_cms_detached(text.encode(), MESSAGE).signing_time == SIGNING_TIME
    with pytest.raises(CmsError, match="CERTIFICATE"):
        cms_from_pem(text.replace("CMS-----", "CERTIFICATE-----"))
    with pytest.raises(CmsError, match="base64"):
        cms_from_pem("-----BEGIN CMS-----\nMII!!\n-----END CMS-----\n")
    with pytest.raises(CmsError, match="no PEM block"):
        cms_from_pem("hello")
    with pytest.raises(CmsError, match="empty"):
        cms_from_pem("-----BEGIN CMS-----\n-----END CMS-----\n")


# --- verification with trust anchors -------------------------------------------------------


def test_trust_simulated_anchor(signed: bytes, sim_anchor: CertificateInfo) -> None:
    with pytest.raises(ChainError, match="simulated"):
        verify_cms_detached(signed, MESSAGE, [sim_anchor])
    result = verify_cms_detached(signed, MESSAGE, [sim_anchor], require_production=False)
    assert result.chain is not None
    assert result.chain.valid
    assert result.chain.at == SIGNING_TIME  # no at= given: the signingTime
    assert result.chain.issuer_class is IssuerClass.SIMULATED
    late = datetime(2031, 1, 1, tzinfo=UTC)
    expired = verify_cms_detached(signed, MESSAGE, [sim_anchor], at=late, require_production=False)
    assert expired.chain is not None
    assert not expired.chain.valid
    assert expired.to_json()["chain"] is not None


def test_trust_wrong_anchor(signed: bytes, sim_auth_ca: pki.SimulatedCa) -> None:
    anchor = CertificateInfo.from_der(sim_auth_ca.der)
    with pytest.raises(ChainError):
        verify_cms_detached(signed, MESSAGE, [anchor], require_production=False)


# --- broken input ----------------------------------------------------------------------------


def _modify(der: bytes, change: Callable[[cms.ContentInfo], None]) -> bytes:
    content_info = cms.ContentInfo.load(der)
    change(content_info)
    return bytes(content_info.dump(force=True))


def test_tampered_signature(signed: bytes) -> None:
    def flip(ci: cms.ContentInfo) -> None:
        signer_info = ci["content"]["signer_infos"][0]
        signature = bytearray(signer_info["signature"].native)
        signature[10] ^= 0x01
        signer_info["signature"] = bytes(signature)

    with pytest.raises(SignatureInvalidError):
        verify_cms_detached(_modify(signed, flip), MESSAGE)


def test_tampered_signed_attributes(signed: bytes) -> None:
    # Change the signing time in place: the digest still matches, the signature does not.
    old = SIGNING_TIME.astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode()
    new = (SIGNING_TIME + timedelta(days=1)).astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode()
    assert signed.count(old) == 1
    with pytest.raises(SignatureInvalidError):
        verify_cms_detached(signed.replace(old, new), MESSAGE)


def test_signer_certificate_missing(signed: bytes) -> None:
    def drop(ci: cms.ContentInfo) -> None:
        ci["content"]["certificates"] = []

    with pytest.raises(CmsError, match="not in the CMS"):
        verify_cms_detached(_modify(signed, drop), MESSAGE)


def test_two_signers_refused(signed: bytes) -> None:
    def double(ci: cms.ContentInfo) -> None:
        signer_info = ci["content"]["signer_infos"][0]
        ci["content"]["signer_infos"] = [signer_info, signer_info.copy()]

    with pytest.raises(CmsError, match="2 signers"):
        verify_cms_detached(_modify(signed, double), MESSAGE)


def test_attached_content_refused(signed: bytes) -> None:
    def attach(ci: cms.ContentInfo) -> None:
        ci["content"]["encap_content_info"] = {"content_type": "data", "content": MESSAGE}

    with pytest.raises(CmsError, match="carries its content"):
        verify_cms_detached(_modify(signed, attach), MESSAGE)


def test_unsupported_algorithms(signed: bytes) -> None:
    def md5(ci: cms.ContentInfo) -> None:
        ci["content"]["signer_infos"][0]["digest_algorithm"] = {"algorithm": "md5"}

    with pytest.raises(CmsError, match="unsupported digest"):
        verify_cms_detached(_modify(signed, md5), MESSAGE)

    def pss(ci: cms.ContentInfo) -> None:
        ci["content"]["signer_infos"][0]["signature_algorithm"] = {"algorithm": "rsassa_pss"}

    with pytest.raises(CmsError, match="unsupported signature"):
        verify_cms_detached(_modify(signed, pss), MESSAGE)

    def mismatch(ci: cms.ContentInfo) -> None:
        ci["content"]["signer_infos"][0]["signature_algorithm"] = {"algorithm": "sha512_rsa"}

    with pytest.raises(CmsError, match="does not match"):
        verify_cms_detached(_modify(signed, mismatch), MESSAGE)


def test_not_signed_data() -> None:
    data = cms.ContentInfo({"content_type": "data", "content": b"x"}).dump()
    with pytest.raises(CmsError, match="not signed data"):
        verify_cms_detached(data, MESSAGE)


@pytest.mark.parametrize("cut", [0, 1, 10, 200, -1])
def test_truncated_or_garbage(signed: bytes, cut: int) -> None:
    with pytest.raises(CmsError):
        verify_cms_detached(signed[:cut], MESSAGE)
    with pytest.raises(CmsError):
        verify_cms_detached(b"\x30\x03\x02\x01\x01" + bytes(abs(cut)), MESSAGE)


def test_no_instant_for_the_chain(
    signed: bytes, sim_sign_cert: pki.IssuedCertificate, sim_anchor: CertificateInfo
) -> None:
    key = sim_sign_cert.private_key
    # Re-sign the attributes without signingTime, the way another tool could.
    content_info = cms.ContentInfo.load(signed)
    signer_info = content_info["content"]["signer_infos"][0]
    attrs = [a for a in signer_info["signed_attrs"] if a["type"].native != "signing_time"]
    signer_info["signed_attrs"] = attrs
    to_sign = b"\x31" + signer_info["signed_attrs"].dump(force=True)[1:]
    signer_info["signature"] = _lib_sign(key, to_sign)
    der = content_info.dump(force=True)
    assert verify_cms_detached(der, MESSAGE).signing_time is None
    with pytest.raises(CmsError, match="no instant"):
        verify_cms_detached(der, MESSAGE, [sim_anchor], require_production=False)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    result = verify_cms_detached(der, MESSAGE, [sim_anchor], at=at, require_production=False)
    assert result.chain is not None and result.chain.valid


def _lib_sign(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


# --- the other direction: openssl signs, we verify -------------------------------------------


@needs_openssl
@pytest.mark.parametrize("attributes", [True, False])
def test_openssl_signature_verifies_here(
    sim_sign_cert: pki.IssuedCertificate, tmp_path: Path, attributes: bool
) -> None:
    assert OPENSSL is not None
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        sim_sign_cert.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file = tmp_path / "cert.pem"
    cert_file.write_text(_pem_certificate(sim_sign_cert.der))
    msg = tmp_path / "msg.bin"
    msg.write_bytes(MESSAGE)
    out = tmp_path / "sig.p7s"
    command = [
        OPENSSL, "cms", "-sign", "-binary", "-in", str(msg), "-signer", str(cert_file),
        "-inkey", str(key_file), "-md", "sha256", "-outform", "DER", "-out", str(out),
    ]  # fmt: skip
    if not attributes:
        command.append("-noattr")
    done = subprocess.run(command, capture_output=True, check=False, timeout=30)
    assert done.returncode == 0, done.stderr.decode()
    result = verify_cms_detached(out.read_bytes(), MESSAGE)
    assert result.signer.der == sim_sign_cert.der
    assert result.algorithm is HashAlgorithm.SHA256
    with pytest.raises(SignatureInvalidError):
        verify_cms_detached(out.read_bytes(), MESSAGE + b"x")
