"""CardData: validation, serialisation, the card's snapshot; the building blocks of the files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from sim.carddata import CardData, CardHolder, PinSetting, SexCode, load_private_key
from sim.chip.applets.base import Applet
from sim.chip.applets.files import BinaryFile, KeyFile, RecordFile, padded
from sim.chip.applets.ids import Application
from sim.chip.applets.jpki import CERTIFICATE_EF_SIZE, certificate_file, token_info
from sim.chip.applets.keys import RsaSigner
from sim.chip.applets.pins import Pin, PinFormat
from sim.chip.applets.tlv import encode_length, tlv
from sim.chip.card import SimulatedCard
from sim.factory import testkeys


def test_card_data_round_trips_through_json(card_data: CardData) -> None:
    text = json.dumps(card_data.to_dict(), ensure_ascii=False)
    assert CardData.from_dict(json.loads(text)) == card_data
    assert CardData.from_dict({}) == CardData()


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="pin_code"):
        CardData.from_dict({"pin_code": "1234"})


@pytest.mark.parametrize(
    "changes",
    [
        {"my_number": "12345678901"},
        {"my_number": "12345678901X"},
        {"card_serial": "1234"},
        {"municipality_code": "1310"},
        {"token_name": ""},
        {"token_name": "X" * 33},
        {"token_name": "トークン"},
        {"availability": b"\x8f\x8f"},
        {"auth_key": testkeys.POOL_SIZE},
        {"sign_key": -1},
        {"card_info_key": True},
    ],
)
def test_malformed_card_data_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CardData(**changes)


@pytest.mark.parametrize(
    "changes",
    [{"atr": "old"}, {"card_expiry": "2035-01-01"}],
)
def test_wrongly_typed_card_data_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        CardData(**changes)


def test_malformed_pin_settings_and_holders_are_refused() -> None:
    for bad in ("", "X" * 17, "暗証"):
        with pytest.raises(ValueError):
            PinSetting(bad)
    with pytest.raises(ValueError):
        PinSetting("1234", tries_left=16)
    with pytest.raises(ValueError):
        CardHolder("", "address", date(2000, 1, 1), SexCode.MALE)
    with pytest.raises(TypeError):
        CardHolder("name", "address", date(2000, 1, 1), "1")  # type: ignore[arg-type]


def test_snapshot_carries_changed_pins_and_spent_tries(
    card: SimulatedCard, card_data: CardData
) -> None:
    assert card.card_data == card_data
    card.process(bytes.fromhex(f"00A4040C0A{Application.JPKI.value.hex()}"))
    card.process(bytes.fromhex("0020009B0130"))  # wrong: 4 left
    old = card_data.sign_password.value.encode()
    card.process(bytes.fromhex(f"0020009B{len(old):02X}{old.hex()}"))
    card.process(bytes.fromhex("0020009B0130"))
    card.process(bytes.fromhex(f"0020009B{len(old):02X}{old.hex()}"))
    card.process(bytes.fromhex("0024019B08") + b"NEWPASS9")
    card.process(bytes.fromhex("002000980130"))
    snapshot = card.card_data
    assert snapshot.sign_password == PinSetting("NEWPASS9", None)
    assert snapshot.auth_pin == PinSetting(card_data.auth_pin.value, 2)
    assert snapshot.card_info_pin == card_data.card_info_pin


def test_availability_can_be_given_explicitly(card_data: CardData) -> None:
    assert card_data.availability_bytes == bytes.fromhex("8F8F00")
    assert CardData().availability_bytes == bytes(3)
    odd = replace(card_data, availability=bytes.fromhex("8F0000"))
    assert odd.availability_bytes == bytes.fromhex("8F0000")


def test_a_key_can_be_given_as_pem(card_data: CardData) -> None:
    key = testkeys.pool_key(3)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    card = SimulatedCard(replace(card_data, auth_key=pem))
    card.power_on()
    card.process(bytes.fromhex(f"00A4040C0A{Application.JPKI.value.hex()}"))
    pin = card_data.auth_pin.value.encode()
    card.process(bytes.fromhex(f"0020009804{pin.hex()}"))
    digest_info = bytes.fromhex("3031300D060960864801650304020105000420") + bytes(32)
    response = card.process(bytes.fromhex("802A009733") + digest_info + b"\x00")
    assert response[-2:] == b"\x90\x00"
    expected = key.sign(bytes(32), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    assert response[:-2] == expected


def test_a_pem_that_is_not_rsa_is_refused() -> None:
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ValueError, match="RSA"):
        load_private_key(pem)


def test_token_info_is_a_ck_token_info(card_data: CardData) -> None:
    info = token_info(card_data)
    assert len(info) == 160
    assert info[32:64].rstrip(b" ") == b"JPKI-SIM"
    assert info[80:96] == card_data.card_serial.encode() + b" "
    assert int.from_bytes(info[96:100], "big") == 0x40D
    assert int.from_bytes(info[116:120], "big") == 16  # max PIN length
    assert int.from_bytes(info[120:124], "big") == 4  # min PIN length
    assert info[140:144] == b"0301"


def test_certificate_ef_size_grows_in_256_byte_steps() -> None:
    assert len(certificate_file(b"\x30" * 100)) == CERTIFICATE_EF_SIZE
    assert len(certificate_file(b"\x30" * 2049)) == 2304
    assert len(certificate_file(b"\x30" * 2304)) == 2304
    assert padded(b"\x01\x02", 1) == b"\x01\x02"


def test_ber_lengths() -> None:
    assert encode_length(0x7F) == b"\x7f"
    assert encode_length(0x80) == b"\x81\x80"
    assert encode_length(0x14B) == b"\x82\x01\x4b"
    assert encode_length(0x9F, octets=2) == b"\x82\x00\x9f"
    assert tlv(b"\xdf\x25", b"1") == b"\xdf\x25\x01\x31"
    for length, octets in ((-1, None), (256, 1), (1, 5)):
        with pytest.raises(ValueError):
            encode_length(length, octets=octets)


def test_applets_and_files_refuse_inconsistent_layouts() -> None:
    signer = RsaSigner(testkeys.pool_key(0))
    pin = Pin(0x18, "1234", max_tries=3)
    with pytest.raises(ValueError, match="two files"):
        Applet(Application.JPKI, (pin, BinaryFile(0x18, b"\x00")))
    with pytest.raises(ValueError, match="not a PIN"):
        Applet(Application.JPKI, (BinaryFile(0x18, b"\x00"), KeyFile(0x17, signer, 0x18)))
    with pytest.raises(ValueError):
        BinaryFile(0x0001, b"")
    with pytest.raises(ValueError):
        RecordFile(0x0000, ())
    with pytest.raises(ValueError):
        Pin(0x18, "1234", max_tries=0)
    with pytest.raises(ValueError):
        Pin(0x18, "1234", max_tries=3, tries=4)
    applet = Applet(Application.JPKI, (pin,))
    with pytest.raises(KeyError):
        applet.pin(0x17)
    assert "1234" not in repr(applet.pins) and "JPKI" in repr(applet)
    assert not PinFormat.NOT_SETTABLE.accepts(b"1234")


def test_the_log_keeps_the_latest_commands(card_data: CardData) -> None:
    card = SimulatedCard(card_data, log_limit=3)
    card.power_on()
    for p2 in range(5):
        card.process(bytes((0x00, 0x84, 0x00, p2, 0x01)))
    assert [command[3] for command in card.received] == [2, 3, 4]
    card.clear_received()
    assert card.received == []
    buffer = bytearray(b"\x00\x84\x00\x00\x01")
    card.process(buffer)  # type: ignore[arg-type]  # a caller may hand over its buffer
    buffer[3] = 0xFF
    assert card.received == [b"\x00\x84\x00\x00\x01"]


def test_mf_level_select(send: Any, card: SimulatedCard) -> None:
    assert send("00A40000").sw == 0x6A86  # nothing selected yet
    send(f"00A4040C0A{Application.JUKI.value.hex()}")
    assert send("00A40000").sw == 0x9000
    assert card.current_application is Application.JUKI  # unchanged
    assert send("00A40000023F00").sw == 0x6A82
    assert send("00A4090C023F00").sw == 0x6A86
    assert send("00A4020C0300010203").sw == 0x6700
    assert send("00A4020402000A").sw == 0x6A86
