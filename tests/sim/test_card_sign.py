"""COMPUTE DIGITAL SIGNATURE on the simulated card, checked with ``cryptography``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from apdu.response import ResponseApdu
from sim.carddata import CardData
from sim.chip.applets.ids import Application
from sim.chip.applets.keys import RsaSigner, SignScheme
from sim.chip.card import SimulatedCard
from sim.factory import testkeys

Send = Callable[[str], ResponseApdu]

DIGEST_INFO_PREFIXES: dict[str, bytes] = {
    "sha1": bytes.fromhex("3021300906052B0E03021A05000414"),
    "sha256": bytes.fromhex("3031300D060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300D060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300D060960864801650304020305000440"),
}
HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha1": hashes.SHA1(),  # noqa: S303 - the card signs SHA-1 DigestInfos too
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}
MESSAGE = b"The simulated card signs what it is given."
KEYS = [
    pytest.param(0x97, "auth_pin", "auth_certificate", id="auth-key"),
    pytest.param(0x9A, "sign_password", "sign_certificate", id="sign-key"),
]


def sign_command(p1: int, p2: int, data: bytes, le: str = "00") -> str:
    if len(data) > 255:
        return f"802A{p1:02X}{p2:02X}00{len(data):04X}{data.hex()}0000"
    return f"802A{p1:02X}{p2:02X}{len(data):02X}{data.hex()}{le}"


def unlock(send: Send, card_data: CardData, pin_field: str) -> None:
    send(f"00A4040C0A{Application.JPKI.value.hex()}")
    value = getattr(card_data, pin_field).value.encode()
    pin_sfi = 0x98 if pin_field == "auth_pin" else 0x9B
    assert send(f"002000{pin_sfi:02X}{len(value):02X}{value.hex()}").sw == 0x9000


def public_key_of(card_data: CardData, cert_field: str) -> rsa.RSAPublicKey:
    key = x509.load_der_x509_certificate(getattr(card_data, cert_field)).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


@pytest.mark.parametrize("hash_name", list(DIGEST_INFO_PREFIXES))
@pytest.mark.parametrize(("p2", "pin_field", "cert_field"), KEYS)
def test_p1_00_signs_any_digest_info_verifiably(
    send: Send, card_data: CardData, hash_name: str, p2: int, pin_field: str, cert_field: str
) -> None:
    unlock(send, card_data, pin_field)
    digest = hashlib.new(hash_name, MESSAGE).digest()
    response = send(sign_command(0x00, p2, DIGEST_INFO_PREFIXES[hash_name] + digest))
    assert response.sw == 0x9000 and len(response.data) == 256
    public_key_of(card_data, cert_field).verify(
        response.data, MESSAGE, padding.PKCS1v15(), HASHES[hash_name]
    )


def test_raw_rsa_matches_the_library_signature_byte_for_byte(
    send: Send, card_data: CardData
) -> None:
    unlock(send, card_data, "auth_pin")
    digest_info = DIGEST_INFO_PREFIXES["sha256"] + hashlib.sha256(MESSAGE).digest()
    card_signature = send(sign_command(0x00, 0x97, digest_info)).data
    expected = testkeys.pool_key(0).sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    assert card_signature == expected


def test_selected_key_ef_and_sfi_give_the_same_signature(send: Send, card_data: CardData) -> None:
    unlock(send, card_data, "sign_password")
    digest_info = DIGEST_INFO_PREFIXES["sha256"] + hashlib.sha256(MESSAGE).digest()
    by_sfi = send(sign_command(0x00, 0x9A, digest_info)).data
    send("00A4020C02001A")
    by_selection = send(sign_command(0x00, 0x80, digest_info)).data
    assert by_sfi == by_selection and len(by_sfi) == 256


def test_on_card_schemes(send: Send, card_data: CardData) -> None:
    unlock(send, card_data, "auth_pin")
    key = public_key_of(card_data, "auth_certificate")
    digest = hashlib.sha256(MESSAGE).digest()

    bare = send(sign_command(0x01, 0x97, MESSAGE)).data
    assert key.recover_data_from_signature(bare, padding.PKCS1v15(), None) == digest

    prehashed = send(sign_command(0x02, 0x97, digest)).data
    key.verify(prehashed, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))

    hashed = send(sign_command(0x03, 0x97, MESSAGE)).data
    key.verify(hashed, MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    assert hashed == prehashed

    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    pss_prehashed = send(sign_command(0x04, 0x97, digest)).data
    key.verify(pss_prehashed, digest, pss, utils.Prehashed(hashes.SHA256()))
    pss_hashed = send(sign_command(0x05, 0x97, MESSAGE)).data
    key.verify(pss_hashed, MESSAGE, pss, hashes.SHA256())
    assert pss_hashed != send(sign_command(0x05, 0x97, MESSAGE)).data  # random salt


def test_on_card_hashing_takes_an_extended_message(send: Send, card_data: CardData) -> None:
    unlock(send, card_data, "auth_pin")
    long_message = bytes(range(256)) * 2
    response = send(sign_command(0x03, 0x97, long_message))
    assert response.sw == 0x9000
    public_key_of(card_data, "auth_certificate").verify(
        response.data, long_message, padding.PKCS1v15(), hashes.SHA256()
    )


def test_a_signature_does_not_verify_for_another_message(send: Send, card_data: CardData) -> None:
    unlock(send, card_data, "auth_pin")
    digest_info = DIGEST_INFO_PREFIXES["sha256"] + hashlib.sha256(MESSAGE).digest()
    signature = send(sign_command(0x00, 0x97, digest_info)).data
    with pytest.raises(InvalidSignature):
        public_key_of(card_data, "auth_certificate").verify(
            signature, MESSAGE + b".", padding.PKCS1v15(), hashes.SHA256()
        )


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        ("802A00970000", 0x6700),  # a 2-byte body is neither short nor extended
        ("802A0097", 0x6700),  # no data
        ("802A009700", 0x6700),  # Le only
        (sign_command(0x00, 0x97, bytes(246)), 0x6700),  # over k - 11
        (sign_command(0x02, 0x97, bytes(31)), 0x6700),  # P1 02 takes one SHA-256
        (sign_command(0x04, 0x97, bytes(33)), 0x6700),  # P1 04 too
        (sign_command(0x00, 0x97, bytes(51), le="80"), 0x6700),  # Le shorter than 256
        (sign_command(0x06, 0x97, bytes(51)), 0x6A86),
        (sign_command(0xFF, 0x97, bytes(51)), 0x6A86),
        (sign_command(0x00, 0x00, bytes(51)), 0x6A86),  # P2 00 names no key here
        (sign_command(0x00, 0x9F, bytes(51)), 0x6A86),
        (sign_command(0x00, 0x98, bytes(51)), 0x6A88),  # a PIN is not a key
        (sign_command(0x00, 0x8A, bytes(51)), 0x6A88),  # nor is a certificate
        (sign_command(0x00, 0x80, bytes(51)), 0x6985),  # no key EF selected
    ],
)
def test_bad_sign_commands(send: Send, card_data: CardData, command: str, sw: int) -> None:
    unlock(send, card_data, "auth_pin")
    assert send(command).sw == sw


def test_sign_needs_the_key_pin_again_after_power_off(
    send: Send, card: SimulatedCard, card_data: CardData
) -> None:
    unlock(send, card_data, "auth_pin")
    command = sign_command(0x00, 0x97, bytes(51))
    assert send(command).sw == 0x9000
    card.power_off()
    card.power_on()
    send(f"00A4040C0A{Application.JPKI.value.hex()}")
    assert send(command).sw == 0x6982


def test_no_key_outside_the_jpki_application(send: Send) -> None:
    send(f"00A4040C0A{Application.CARD_INFO.value.hex()}")
    assert send(sign_command(0x00, 0x80, bytes(51))).sw == 0x6985
    assert send(sign_command(0x00, 0x97, bytes(51))).sw == 0x6A88


def test_signer_refuses_payloads_pkcs1_cannot_pad() -> None:
    signer = RsaSigner(testkeys.pool_key(2))
    assert signer.max_payload == 245 and signer.signature_length == 256
    with pytest.raises(ValueError, match="1-245"):
        signer.sign_pkcs1(b"")
    with pytest.raises(ValueError, match="1-245"):
        signer.sign_pkcs1(bytes(246))
    assert not SignScheme.PKCS1_AS_GIVEN.accepts(b"", signer.max_payload)
    assert SignScheme.PKCS1_SHA256.accepts(bytes(1000), signer.max_payload)
