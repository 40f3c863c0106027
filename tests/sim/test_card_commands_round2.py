"""Files and commands that independent clients showed the simulator had wrong (CARD.md 3, 4a).

The basic-info EF's header in both forms (and the client reading both), the text AP's
card-verifiable certificate, GET DATA at the MF level, ``80 FC``, GET CHALLENGE with an
extended ``Le``, command chaining as the ATR advertises it, and the number of READ BINARY a
read-until-``6B00`` client spends on a certificate EF.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from apdu.ber import iter_tlv, parse_header
from apdu.response import ResponseApdu
from jpki.cardinfo import parse_basic_info
from jpki.ids import PinKind
from jpki.session import JpkiSession
from sim.carddata import AtrKind, CardData, load_private_key
from sim.chip.applets.jpki import CERTIFICATE_EF_SIZE
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection

CARD_INFO = "00A4040C0AD3921000310001010408"
JPKI = "00A4040C0AD392F000260100000001"


def _card(data: CardData) -> SimulatedCard:
    card = SimulatedCard(data)
    card.power_on()
    return card


def _send(card: SimulatedCard, command_hex: str) -> ResponseApdu:
    return ResponseApdu.from_bytes(card.process(bytes.fromhex(command_hex.replace(" ", ""))))


def _basic_info(card: SimulatedCard, pin: str) -> bytes:
    _send(card, CARD_INFO)
    assert _send(card, f"00200091{len(pin):02X}{pin.encode().hex()}").sw == 0x9000
    response = _send(card, "00B0820000")  # by SFI 2, 256 bytes
    assert response.sw == 0x9000
    return response.data


# -- EF 0002: both headers, offsets that follow them, the client reads both ------------------


@pytest.mark.parametrize(("long_form", "header_length"), [(True, 5), (False, 3)])
def test_basic_info_header_and_offsets(
    card_data: CardData, long_form: bool, header_length: int
) -> None:
    data = replace(card_data, basic_info_long_form=long_form)
    content = _basic_info(_card(data), data.card_info_pin.value)
    outer = parse_header(content)
    assert outer.header_length == header_length
    if long_form:
        assert content[:3] == bytes.fromhex("FF2082")  # even though one octet would do
    else:
        assert content[:2] == bytes.fromhex("FF20") and content[2] < 0x80
    table = next(iter_tlv(content[header_length:]))
    assert table.tag == bytes.fromhex("DF21")
    offsets = [int.from_bytes(table.value[i : i + 2], "big") for i in range(0, 8, 2)]
    assert [content[o : o + 2].hex().upper() for o in offsets] == ["DF22", "DF23", "DF24", "DF25"]
    # A client that reads the offsets at fixed places (9/11/13/15, one-based) fits only the
    # long form, as on production cards.
    fixed = [int.from_bytes(content[i - 1 : i + 1], "big") for i in (9, 11, 13, 15)]
    assert (fixed == offsets) is long_form


@pytest.mark.parametrize("long_form", [True, False])
def test_the_client_reads_both_headers(card_data: CardData, long_form: bool) -> None:
    data = replace(card_data, basic_info_long_form=long_form)
    content = _basic_info(_card(data), data.card_info_pin.value)
    basic = parse_basic_info(content)
    assert basic.name == data.holder.name and basic.address == data.holder.address
    assert basic.birth_date == data.holder.birth_date and basic.sex_code == data.holder.sex.value
    with SimConnection(SimulatedCard(data)) as connection:
        session = JpkiSession(connection)
        session.verify_pin(PinKind.CARD_INFO, data.card_info_pin.value)
        info = session.read_card_info()
    assert info.basic == basic and info.my_number == data.my_number


# -- EF 0004: the card-verifiable certificate -------------------------------------------------


def _read_whole(card: SimulatedCard) -> bytes:
    content = b""
    while True:
        response = _send(card, f"00B0{len(content):04X}00")
        if response.sw == 0x6B00:
            return content
        assert response.sw == 0x9000
        content += response.data


def test_cv_certificate_is_568_free_bytes_signed_by_the_issuer(card_data: CardData) -> None:
    card = _card(card_data)
    _send(card, CARD_INFO)
    assert _send(card, "00A4020C020004").sw == 0x9000
    content = _read_whole(card)  # no PIN verified
    assert len(content) == 568
    assert _send(card, "00B0023800").sw == 0x6B00  # offset 568: past the end
    assert content[:5] == bytes.fromhex("7F21820233")
    outer = next(iter_tlv(content))
    body, signature = list(iter_tlv(outer.value))
    assert (body.tag, signature.tag) == (bytes.fromhex("5F4E"), bytes.fromhex("5F37"))
    assert len(body.value) == 0x129 and len(signature.value) == 256
    assert content[5:10] == bytes.fromhex("5F4E820129")
    issuer_id, subject_id = body.value[:16], body.value[16:32]
    assert issuer_id != subject_id
    modulus, exponent = list(iter_tlv(body.value[32:]))
    assert (modulus.tag, exponent.tag) == (b"\x90", b"\x91")
    subject_key = load_private_key(card_data.card_info_key).public_key().public_numbers()
    assert int.from_bytes(modulus.value, "big") == subject_key.n
    assert int.from_bytes(exponent.value, "big") == subject_key.e
    issuer = load_private_key(card_data.card_info_issuer_key).public_key()
    assert isinstance(issuer, rsa.RSAPublicKey)
    signed = content[5 : 5 + 5 + 0x129]
    issuer.verify(signature.value, signed, padding.PKCS1v15(), hashes.SHA256())
    # The subject ID is the AP's key ID of EF 0005.
    _send(card, "00A4020C020005")
    assert subject_id in _send(card, "00B0000000").data


def test_the_integrity_record_verifies_with_the_cv_certificate_key(card_data: CardData) -> None:
    card = _card(card_data)
    _send(card, CARD_INFO)
    _send(card, "00A4020C020004")
    cv = _read_whole(card)
    modulus = next(iter_tlv(next(iter_tlv(next(iter_tlv(cv)).value)).value[32:]))
    key = rsa.RSAPublicNumbers(65537, int.from_bytes(modulus.value, "big")).public_key()
    pin = card_data.card_info_pin.value
    assert _send(card, f"0020009104{pin.encode().hex()}").sw == 0x9000
    _send(card, "00A4020C020003")
    record = _read_whole(card)
    signed_part, signature = record[5:75], next(iter_tlv(record[75:])).value
    key.verify(signature, signed_part, padding.PKCS1v15(), hashes.SHA256())


# -- GET DATA, 80 FC, GET CHALLENGE --------------------------------------------------------


def test_get_data_at_the_mf_level(card_data: CardData) -> None:
    card = _card(card_data)
    assert _send(card, "00CA00F000").data == card_data.municipality_code.encode()
    assert _send(card, "00CA00F200").data == card_data.card_expiry.strftime("%Y%m%d").encode()
    atr = _send(card, "00CA5F5100")
    assert (atr.data, atr.sw) == (card.atr[1:], 0x9000)
    assert _send(card, "00CA004200").sw == 0x6A88  # absent object
    assert _send(card, "00CA00F003").sw == 0x6700  # Le shorter than the object
    assert _send(card, "00CA00F0").sw == 0x6700  # no Le
    _send(card, JPKI)
    assert _send(card, "00CA00F000").sw == 0x6A88  # only before an application is selected
    card.reset()
    assert _send(card, "00CA00F000").sw == 0x9000


def test_last_command_indicator_is_a_wrong_length_on_a_card(card_data: CardData) -> None:
    card = _card(card_data)
    assert _send(card, "80FC0000").sw == 0x6700
    _send(card, JPKI)
    assert _send(card, "80FC0000").sw == 0x6700
    assert _send(card, "00FC0000").sw == 0x6E00


def test_get_challenge_takes_short_le_only(card_data: CardData) -> None:
    card = _card(card_data)
    short = _send(card, "0084000008")
    assert short.sw == 0x9000 and len(short.data) == 8
    assert len(_send(card, "0084000000").data) == 256
    assert _send(card, "00840000000008").sw == 0x6985


# -- command chaining, as the ATR says ------------------------------------------------------


def _chained_verify(card: SimulatedCard, pin: str) -> tuple[int, int]:
    raw = pin.encode()
    head, tail = raw[:2], raw[2:]
    first = _send(card, f"1020009B{len(head):02X}{head.hex()}")
    last = _send(card, f"0020009B{len(tail):02X}{tail.hex()}")
    return first.sw, last.sw


def test_the_newer_atr_chains(card_data: CardData) -> None:
    card = _card(replace(card_data, atr=AtrKind.NEW))
    _send(card, JPKI)
    assert _chained_verify(card, card_data.sign_password.value) == (0x9000, 0x9000)
    assert _send(card, "0020009B").sw == 0x9000  # the joined PIN verified it
    # A link with Le, or another command in the middle of a chain, breaks it.
    assert _send(card, "1020009B02414200").sw == 0x6700
    assert _send(card, "1020009B024142").sw == 0x9000
    assert _send(card, "00B0810004").sw == 0x6883
    assert _send(card, "0020009B").sw == 0x9000  # nothing was verified or spent meanwhile


def test_a_wrong_chained_pin_spends_one_try(card_data: CardData) -> None:
    card = _card(replace(card_data, atr=AtrKind.NEW))
    _send(card, JPKI)
    assert _chained_verify(card, "WRONG123") == (0x9000, 0x63C4)


def test_the_older_atr_refuses_chaining(card_data: CardData) -> None:
    card = _card(replace(card_data, atr=AtrKind.OLD))
    _send(card, JPKI)
    assert _send(card, "1020009B024142").sw == 0x6884
    assert _send(card, "902A009702AABB").sw == 0x6884  # whatever the command
    assert _send(card, "0020009B").sw == 0x63C5  # nothing verified, no try spent


# -- certificate EF sizes: what a read-until-6B00 client spends --------------------------------


@pytest.mark.parametrize(("le", "reads"), [(0xFF, 10), (0x00, 9)])
def test_read_until_6b00_counts(card_data: CardData, le: int, reads: int) -> None:
    # docs/simulator.md: a 2048-byte certificate EF; 9 data reads + 6B00 with Le FF,
    # 8 + 6B00 with Le 00 (256).
    assert CERTIFICATE_EF_SIZE == 2048
    card = _card(card_data)
    _send(card, JPKI)
    _send(card, "00A4020C02000A")
    offset, count, content = 0, 0, b""
    while True:
        response = _send(card, f"00B0{offset:04X}{le:02X}")
        count += 1
        if response.sw == 0x6B00:
            break
        assert response.sw == 0x9000
        content += response.data
        offset += len(response.data)
    assert count == reads
    assert len(content) == CERTIFICATE_EF_SIZE
    assert content.startswith(card_data.auth_certificate or b"?")
    assert set(content[len(card_data.auth_certificate or b"") :]) == {0xFF}
