"""The signing path: what a raw signature costs, when the card's signature is checked against
its certificate, and the DigestInfo built without an ASN.1 library.

The card used for the failing checks holds the real production auth certificate beside the
simulator's own auth key: it signs happily, and its signatures do not verify with the
certificate it holds. That is exactly what the self-check is there to catch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import algos, core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from jpki.digest import HashAlgorithm, digest_info, parse_digest_info
from jpki.errors import SignatureInvalidError
from jpki.ids import CertKind, KeyKind, PinKind
from jpki.pem import certificate_pem
from jpki.session import JpkiSession
from sim.carddata import CardData
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection
from sim.factory.profiles import DEFAULT_PROFILE, build_card_data
from sim.store import save_card_data

MESSAGE = b"sign me"


@pytest.fixture(scope="module")
def good_card() -> CardData:
    """The default card: its auth key matches its auth certificate."""
    return build_card_data(DEFAULT_PROFILE)


@pytest.fixture(scope="module")
def mismatched_card(good_card: CardData, testdata_dir: Path) -> CardData:
    """A card whose auth certificate (the real production one) is not its auth key's."""
    pem = (testdata_dir / "real" / "auth-cert-production.pem").read_bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    return replace(good_card, auth_certificate=der)


def _session(data: CardData) -> tuple[SimConnection, JpkiSession]:
    connection = SimConnection(SimulatedCard(data))
    session = JpkiSession(connection)
    session.verify_pin(PinKind.AUTH, data.auth_pin.value)
    return connection, session


def _read_binary_count(connection: SimConnection) -> int:
    card = connection.card
    assert isinstance(card, SimulatedCard)
    return sum(1 for command in card.received if command[1] == 0xB0)


def test_a_raw_signature_reads_no_certificate(good_card: CardData) -> None:
    connection, session = _session(good_card)
    with connection:
        before = connection.apdu_count
        signature = session.sign(KeyKind.AUTH, MESSAGE)
        assert connection.apdu_count - before == 1
        assert _read_binary_count(connection) == 0
    # The signature is the card's, over the DigestInfo of the message.
    public_key = x509.load_der_x509_certificate(good_card.auth_certificate or b"").public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    recovered = public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
    assert recovered == digest_info(HashAlgorithm.SHA256, message=MESSAGE)


def test_the_self_check_catches_a_signature_the_certificate_refutes(
    mismatched_card: CardData,
) -> None:
    connection, session = _session(mismatched_card)
    with connection, pytest.raises(SignatureInvalidError, match="does not verify"):
        session.sign(KeyKind.AUTH, MESSAGE, check=True)


def test_without_the_self_check_the_mismatch_goes_unnoticed(mismatched_card: CardData) -> None:
    # What the default gives up, stated as behaviour: nothing is read, nothing is checked.
    connection, session = _session(mismatched_card)
    with connection:
        assert len(session.sign(KeyKind.AUTH, MESSAGE)) == 256
        assert len(session.sign(KeyKind.AUTH, MESSAGE, check=False)) == 256
        assert _read_binary_count(connection) == 0


def test_a_certificate_already_read_is_used_for_the_check(mismatched_card: CardData) -> None:
    connection, session = _session(mismatched_card)
    with connection:
        session.read_certificate(CertKind.AUTH)
        before = connection.apdu_count
        with pytest.raises(SignatureInvalidError):
            session.sign(KeyKind.AUTH, MESSAGE)
        assert connection.apdu_count - before == 1  # the SIGN alone
        # ...unless the caller says not to.
        assert len(session.sign(KeyKind.AUTH, MESSAGE, check=False)) == 256


def test_sign_check_option_on_the_command_line(
    jpki: Callable[..., Any],
    pins_env: Callable[..., None],
    tmp_path: Path,
    mismatched_card: CardData,
) -> None:
    card = tmp_path / "card.json"
    save_card_data(mismatched_card, card)
    message = tmp_path / "m.txt"
    message.write_bytes(MESSAGE)
    pins_env(auth=mismatched_card.auth_pin.value)
    checked = tmp_path / "checked.sig"
    run = jpki(
        "--card",
        str(card),
        "--lang",
        "en",
        "sign",
        "auth",
        str(message),
        "--check",
        "-o",
        str(checked),
    )
    assert run.code == 6, run.err
    assert "does not verify" in run.err
    assert not checked.exists()  # nothing written
    unchecked = tmp_path / "unchecked.sig"
    run = jpki("--card", str(card), "sign", "auth", str(message), "-o", str(unchecked))
    assert run.code == 0, run.err
    assert len(unchecked.read_bytes()) == 256


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
def test_digest_info_is_the_der_an_asn1_library_builds(algorithm: HashAlgorithm) -> None:
    digest = algorithm.hash(MESSAGE)
    expected = algos.DigestInfo(
        {
            "digest_algorithm": {"algorithm": algorithm.value, "parameters": core.Null()},
            "digest": digest,
        }
    ).dump(force=True)
    assert digest_info(algorithm, message=MESSAGE) == expected
    assert digest_info(algorithm, digest=digest) == expected
    assert parse_digest_info(expected) == (algorithm, digest)


def test_certificate_pem_is_what_cryptography_writes(good_card: CardData) -> None:
    der = good_card.auth_certificate or b""
    pem = certificate_pem(der)
    certificate = x509.load_der_x509_certificate(der)
    assert pem == certificate.public_bytes(Encoding.PEM)
    assert x509.load_pem_x509_certificate(pem) == certificate
