"""Certificates with notAfter 99991231235959Z (RFC 5280: no well-defined expiry).

Such a date has no JST calendar date in range; every reader of certificates must represent it
and show "no expiry" instead of crashing. The certificates here are real ones, re-issued from
the simulated PKI with that notAfter and signed by the CA's own key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from jpki.certificate import NO_EXPIRY, CertificateInfo
from sim.factory.pki import CaKind, build_ca
from sim.factory.profiles import build_card_data
from sim.store import save_card_data

Jpki = Callable[..., Any]
FOREVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def reissue(
    certificate: x509.Certificate,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
) -> x509.Certificate:
    """*certificate* as it is, except for notAfter 99991231235959Z, signed by *key*."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(certificate.subject)
        .issuer_name(issuer)
        .public_key(certificate.public_key())
        .serial_number(certificate.serial_number)
        .not_valid_before(certificate.not_valid_before_utc)
        .not_valid_after(FOREVER)
    )
    for extension in certificate.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    return builder.sign(key, hashes.SHA256())


@pytest.fixture(scope="module")
def forever_card(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A card file whose certificates never expire, and a trust dir with its CA among others."""
    base = build_card_data("adult")
    directory = tmp_path_factory.mktemp("forever")
    certificates: dict[str, bytes] = {}
    for prefix in ("sign", "auth"):
        ca = x509.load_der_x509_certificate(getattr(base, f"{prefix}_ca_certificate"))
        leaf = x509.load_der_x509_certificate(getattr(base, f"{prefix}_certificate"))
        ca_key = _ca_key(prefix)
        new_ca = reissue(ca, ca.subject, ca_key)
        new_leaf = reissue(leaf, new_ca.subject, ca_key)
        certificates[f"{prefix}_ca_certificate"] = new_ca.public_bytes(serialization.Encoding.DER)
        certificates[f"{prefix}_certificate"] = new_leaf.public_bytes(serialization.Encoding.DER)
    card = directory / "card.json"
    save_card_data(replace(base, **certificates), card)
    trust = directory / "trust"
    trust.mkdir()
    (trust / "forever-sign-ca.der").write_bytes(certificates["sign_ca_certificate"])
    # Other anchors beside it: the ordinary simulated CAs.
    (trust / "sim-sign-ca.der").write_bytes(base.sign_ca_certificate or b"")
    (trust / "sim-auth-ca.der").write_bytes(base.auth_ca_certificate or b"")
    return card, trust


def _ca_key(prefix: str) -> rsa.RSAPrivateKey:
    """The simulated CA's (public test) private key."""
    return build_ca(CaKind(prefix)).private_key


def test_certificate_info_represents_no_expiry(forever_card: tuple[Path, Path]) -> None:
    card, _ = forever_card
    from sim.store import load_card_data

    der = load_card_data(card).sign_certificate
    assert der is not None
    info = CertificateInfo.from_der(der)
    assert info.no_expiry
    assert info.not_after == NO_EXPIRY
    assert info.expiry_date == date.max
    assert info.days_left(date(2026, 12, 3)) > 2_900_000
    document = info.to_json(today=date(2026, 12, 3))
    assert document["no_expiry"] is True and document["days_left"] is None


def test_cert_show(forever_card: tuple[Path, Path], jpki: Jpki, tmp_path: Path) -> None:
    card, trust = forever_card
    run = jpki("--card", str(card), "--lang", "en", "cert", "show", "sign-ca")
    assert run.code == 0, run.err
    assert "(no expiry)" in run.out
    file_run = jpki("--lang", "ja", "cert", "show", "--file", str(trust / "forever-sign-ca.der"))
    assert file_run.code == 0, file_run.err
    assert "有効期限なし" in file_run.out


def test_status(forever_card: tuple[Path, Path], jpki: Jpki) -> None:
    card, _ = forever_card
    run = jpki("--card", str(card), "--lang", "en", "status")
    assert run.code == 0, run.err
    assert "no expiry" in run.out
    assert "Traceback" not in run.err and "Overflow" not in run.err
    assert jpki("--card", str(card), "--json", "status").code == 0


def test_diagnose(forever_card: tuple[Path, Path], jpki: Jpki) -> None:
    card, _ = forever_card
    run = jpki("--card", str(card), "--lang", "en", "diagnose")
    assert run.code == 0, run.err
    assert "The user-authentication certificate is valid (no expiry)." in run.out
    assert "9999" not in run.out  # no date, no renewal window in the year 9999
    japanese = jpki("--card", str(card), "--lang", "ja", "diagnose")
    assert "利用者証明用電子証明書は有効です（有効期限なし）。" in japanese.out
    document = jpki("--card", str(card), "--json", "diagnose")
    assert document.code == 0, document.err
    assert '"no_expiry": true' in document.out


def test_sign_and_verify_with_one_anchor_among_many(
    forever_card: tuple[Path, Path],
    jpki: Jpki,
    tmp_path: Path,
    pins_env: Callable[..., None],
) -> None:
    card, trust = forever_card
    data = tmp_path / "data.txt"
    data.write_text("a document\n", encoding="utf-8")
    signature = tmp_path / "data.p7s"
    pins_env(sign="ABCD1234")
    signed = jpki(
        "--card",
        str(card),
        "--lang",
        "en",
        "sign",
        "sign",
        str(data),
        "--format",
        "cms",
        "-o",
        str(signature),
    )
    assert signed.code == 0, signed.err
    verified = jpki(
        "--lang",
        "en",
        "verify",
        str(data),
        str(signature),
        "--trust",
        str(trust),
        "--allow-non-production",
    )
    assert verified.code == 0, verified.err
    assert "Overflow" not in verified.err
