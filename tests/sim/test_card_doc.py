"""CARD.md sections 2-4, row by row, against the simulated card.

Each test names the row it checks. Known-answer vectors are the J-LIS test-card dumps quoted
in ``reference/peers.md`` section 5: the simulator must reproduce them byte for byte when
given the same holder data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from apdu.ber import iter_tlv, parse_header
from apdu.response import ResponseApdu
from sim.carddata import CardData, CardHolder, SexCode, TokenName, load_private_key
from sim.chip.applets.ids import Application
from sim.chip.card import SimulatedCard

Send = Callable[[str], ResponseApdu]

JPKI = Application.JPKI.value.hex().upper()
CARD_INFO = Application.CARD_INFO.value.hex().upper()
SURFACE = Application.SURFACE.value.hex().upper()
JUKI = Application.JUKI.value.hex().upper()
COMMON = Application.COMMON.value.hex().upper()

SHA256_PREFIX = "3031300D060960864801650304020105000420"


def select(aid_hex: str) -> str:
    return f"00A4040C{len(aid_hex) // 2:02X}{aid_hex}"


def select_ef(fid: int) -> str:
    return f"00A4020C02{fid:04X}"


def lc_data(value: bytes | str) -> str:
    raw = value.encode("ascii") if isinstance(value, str) else value
    return f"{len(raw):02X}{raw.hex().upper()}"


def read_file(send: Send) -> bytes:
    """The whole current EF, by 256-byte READ BINARY until the offset passes the end."""
    out = bytearray()
    while True:
        response = send(f"00B0{len(out):04X}00")
        if response.sw == 0x6B00:
            return bytes(out)
        assert response.sw == 0x9000
        out += response.data
        if len(response.data) < 256:
            return bytes(out)


def fresh(data: CardData) -> Send:
    """A powered card made from *data*, and a hex sender for it."""
    card = SimulatedCard(data)
    card.power_on()

    def _send(command_hex: str) -> ResponseApdu:
        return ResponseApdu.from_bytes(card.process(bytes.fromhex(command_hex)))

    return _send


# -- section 2: applications, SELECT ------------------------------------------------------


@pytest.mark.parametrize("aid", [JPKI, CARD_INFO, SURFACE, JUKI, COMMON])
def test_every_application_is_selected_by_full_aid_with_no_fci(
    send: Send, card: SimulatedCard, aid: str
) -> None:
    response = send(select(aid))
    assert (response.data, response.sw) == (b"", 0x9000)
    assert card.current_application == Application(bytes.fromhex(aid))


@pytest.mark.parametrize(
    "command",
    [
        select("D392F00026"),  # partial JPKI AID: JICSAP allows it, the simulator does not
        select("D392F00026010000000102"),  # one byte too many
        select("D392F000260100000002"),
        "00A4040C00",  # a lone 00 is Le: no AID at all
        "00A4040C",
        # The foreign AIDs OpenSC's other drivers probe with (PCSC.md 4.2).
        "00A4040007627601FF000000",
        "00A4040006A00000000101",
        "00A404000BE82B0601040181C31F020100",
        "00A4040C0FD23300000045737445494420763335",
        "00A4040009A0000003080000100000",
        "00A4040C07A000000116DB0000",
        "00A4040C07A000000079100000",
        "00A404000CF276A288BCFBA69D34F31001",
        "00A4040009A0000003974254465900",
        "00A4040006D2760001240100",
    ],
)
def test_unknown_partial_and_foreign_aids_are_not_found(
    send: Send, card: SimulatedCard, command: str
) -> None:
    send(select(JPKI))
    assert send(command).sw == 0x6A82
    assert card.current_application is Application.JPKI  # a failed SELECT changes nothing


def test_opensc_probe_get_data_finds_no_such_object(send: Send) -> None:
    # CARD.md 4a: GET DATA is implemented at the MF level; an absent object is 6A88.
    assert send("00CADF3005").sw == 0x6A88
    assert send("00CB3FFF035C017E08").sw == 0x6D00


def test_select_ef_answers_9000_without_fci_and_missing_ef_is_not_found(send: Send) -> None:
    send(select(JPKI))
    response = send(select_ef(0x000A))
    assert (response.data, response.sw) == (b"", 0x9000)
    assert send(select_ef(0x0003)).sw == 0x6A82
    assert send(select_ef(0x3F00)).sw == 0x6A82


def test_select_ef_before_any_application_is_not_found(send: Send) -> None:
    assert send(select_ef(0x000A)).sw == 0x6A82
    assert send("00B08A0004").sw == 0x6A82


def test_short_ef_identifiers_read_verify_and_sign_without_select_ef(
    send: Send, card_data: CardData
) -> None:
    send(select(JPKI))
    header = send("00B08A0004")  # READ BINARY, SFI 0A (auth certificate), offset 0
    assert header.sw == 0x9000 and header.data[:2] == b"\x30\x82"
    assert send("00B08A0204").data == card_data.auth_certificate[2:6]  # type: ignore[index]
    assert send("00200098").sw == 0x63C3  # VERIFY query, SFI 18
    assert send("00200098" + lc_data(card_data.auth_pin.value)).sw == 0x9000
    digest_info = SHA256_PREFIX + "11" * 32
    signed = send(f"802A0097{len(digest_info) // 2:02X}{digest_info}00")
    assert signed.sw == 0x9000 and len(signed.data) == 256


# -- section 3: JPKI application files ----------------------------------------------------


@pytest.mark.parametrize(
    ("fid", "field"),
    [
        (0x000A, "auth_certificate"),
        (0x000B, "auth_ca_certificate"),
        (0x0002, "sign_ca_certificate"),
    ],
)
def test_free_certificate_efs_hold_the_der_then_filler(
    send: Send, card_data: CardData, fid: int, field: str
) -> None:
    der: bytes = getattr(card_data, field)
    send(select(JPKI))
    send(select_ef(fid))
    content = read_file(send)
    assert content[:4] == b"\x30\x82" + (len(der) - 4).to_bytes(2, "big")
    assert content.startswith(der)
    assert len(content) > len(der)  # the EF is larger than the certificate
    assert set(content[len(der) :]) == {0xFF}


def test_sign_certificate_needs_the_sign_password(send: Send, card_data: CardData) -> None:
    send(select(JPKI))
    send(select_ef(0x0001))
    assert send("00B0000004").sw == 0x6982
    assert send("00B0810004").sw == 0x6982  # by SFI too
    assert send("0020009B" + lc_data(card_data.auth_pin.value)).sw == 0x63C4  # wrong PIN
    send(select_ef(0x001B))
    assert send("00200080" + lc_data(card_data.sign_password.value)).sw == 0x9000
    send(select_ef(0x0001))
    assert read_file(send).startswith(card_data.sign_certificate)  # type: ignore[arg-type]


def test_auth_certificate_is_free_on_a_card_but_needs_the_auth_pin_on_a_smartphone(
    card_data: CardData,
) -> None:
    phone = fresh(replace(card_data, token_name=TokenName.ANDROID.value, smartphone_token=True))
    phone(select(JPKI))
    assert phone("00B08A0004").sw == 0x6982
    assert phone("00200098" + lc_data(card_data.auth_pin.value)).sw == 0x9000
    assert phone("00B08A0004").data[:2] == b"\x30\x82"


def test_token_ef_is_160_bytes_with_a_space_padded_name(send: Send) -> None:
    send(select(JPKI))
    send(select_ef(0x0006))
    content = read_file(send)
    assert len(content) == 160
    assert content[:32] == b"JPKIAPICCTOKEN2" + b" " * 17


@pytest.mark.parametrize("name", list(TokenName))
def test_every_known_token_name(card_data: CardData, name: TokenName) -> None:
    other = fresh(replace(card_data, token_name=name.value))
    other(select(JPKI))
    other(select_ef(0x0006))
    assert other("00B0000020").data == name.value.encode().ljust(32, b" ")


def test_availability_ef_says_both_certificates_present(send: Send) -> None:
    send(select(JPKI))
    send(select_ef(0x0008))
    assert send("00B0000000").data == bytes.fromhex("8F8F00")


def test_card_without_sign_certificate_says_so_and_has_no_sign_cert_ef(
    card_data: CardData,
) -> None:
    young = fresh(replace(card_data, sign_certificate=None, sign_key=None))
    young(select(JPKI))
    assert young("00B0880000").data == bytes.fromhex("008F00")  # byte 0: sign cert absent
    assert young(select_ef(0x0001)).sw == 0x6A82
    assert young(select_ef(0x001A)).sw == 0x6A82


@pytest.mark.parametrize("fid", [0x0017, 0x001A, 0x0018, 0x001B])
def test_key_and_pin_efs_are_never_readable(send: Send, fid: int) -> None:
    send(select(JPKI))
    assert send(select_ef(fid)).sw == 0x9000
    assert send("00B0000001").sw == 0x6981


@pytest.mark.parametrize(("fid", "tries"), [(0x0018, 3), (0x001B, 5)])
def test_jpki_pins_have_3_and_5_tries(send: Send, fid: int, tries: int) -> None:
    send(select(JPKI))
    send(select_ef(fid))
    assert send("00200080").sw == 0x63C0 | tries


def test_key_efs_are_used_by_sign_after_their_own_pin(send: Send, card_data: CardData) -> None:
    digest_info = SHA256_PREFIX + "22" * 32
    sign = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    send(select(JPKI))
    send(select_ef(0x001A))
    assert send(sign).sw == 0x6982
    assert send("00200098" + lc_data(card_data.auth_pin.value)).sw == 0x9000
    assert send(sign).sw == 0x6982  # the auth PIN does not open the sign key
    send(select_ef(0x0017))
    assert send(sign).sw == 0x9000


# -- section 3: card-info (text) application --------------------------------------------

TEST_CARD_HOLDER = CardHolder(
    name="黒桐\u3000幹也",
    address="東京都清瀬市観布子南１２－７－２０２",
    birth_date=date(1980, 2, 17),
    sex=SexCode.MALE,
)
TEST_CARD_BASIC_INFO = bytes.fromhex(
    "ff2065df2108000e002000590064df220fe9bb92e6a190e38080e5b9b9e4b99f"
    "df2336e69db1e4baace983bde6b885e780ace5b882e8a6b3e5b883e5ad90e58d"
    "97efbc91efbc92efbc8defbc97efbc8defbc92efbc90efbc92df240831393830"
    "30323137df250131"
)


@pytest.fixture
def jlis_test_card(card_data: CardData) -> Send:
    """A card with the J-LIS test card's holder data (peers.md section 5)."""
    return fresh(
        replace(
            card_data,
            holder=TEST_CARD_HOLDER,
            my_number="537686677188",
            card_serial="400000012719843",
            municipality_code="13221",
            card_expiry=date(2035, 2, 17),
            basic_info_long_form=False,  # J-LIS test cards: FF 20 LL
        )
    )


def test_card_info_files_need_pin_0011(jlis_test_card: Send, card_data: CardData) -> None:
    jlis_test_card(select(CARD_INFO))
    for fid in (0x0001, 0x0002, 0x0003):
        jlis_test_card(select_ef(fid))
        assert jlis_test_card("00B0000004").sw == 0x6982
    assert jlis_test_card("00200091").sw == 0x63C3
    assert jlis_test_card("00200091" + lc_data(card_data.card_info_pin.value)).sw == 0x9000


def test_my_number_file_matches_the_test_card(jlis_test_card: Send, card_data: CardData) -> None:
    jlis_test_card(select(CARD_INFO))
    jlis_test_card("00200091" + lc_data(card_data.card_info_pin.value))
    jlis_test_card(select_ef(0x0001))
    assert read_file(jlis_test_card) == bytes.fromhex("FF100C") + b"537686677188" + b"\xff\xff"


def test_basic_info_file_matches_the_test_card(jlis_test_card: Send, card_data: CardData) -> None:
    jlis_test_card(select(CARD_INFO))
    jlis_test_card("00200091" + lc_data(card_data.card_info_pin.value))
    jlis_test_card(select_ef(0x0002))
    content = read_file(jlis_test_card)
    assert content.startswith(TEST_CARD_BASIC_INFO)
    assert set(content[len(TEST_CARD_BASIC_INFO) :]) == {0xFF}


def test_basic_info_offsets_point_at_each_field(send: Send, card_data: CardData) -> None:
    send(select(CARD_INFO))
    send("00200091" + lc_data(card_data.card_info_pin.value))
    content = send("00B0820000").data  # READ BINARY by SFI 2, Le 256
    outer = parse_header(content)
    table = content[outer.header_length + 3 : outer.header_length + 11]
    offsets = [int.from_bytes(table[i : i + 2], "big") for i in range(0, 8, 2)]
    tags = [content[offset : offset + 2].hex().upper() for offset in offsets]
    assert tags == ["DF22", "DF23", "DF24", "DF25"]
    name = next(iter_tlv(content[offsets[0] :]))
    assert name.value.decode("utf-8") == card_data.holder.name


def test_integrity_record_is_336_bytes_with_digests_and_a_valid_signature(
    send: Send, card_data: CardData
) -> None:
    send(select(CARD_INFO))
    send("00200091" + lc_data(card_data.card_info_pin.value))
    record = read_file_sfi(send, 0x03)
    assert len(record) == 336
    assert record[:5] == bytes.fromhex("FF3082014B")
    fields = {tlv.tag: tlv for tlv in iter_tlv(record[5:])}
    my_number_file = read_file_sfi(send, 0x01)
    basic = read_file_sfi(send, 0x02)
    basic_outer = parse_header(basic)
    basic_value = basic[basic_outer.header_length : basic_outer.total_length]
    table = parse_header(basic_value)
    assert fields[b"\xdf\x31"].value == hashlib.sha256(my_number_file).digest()
    assert fields[b"\xdf\x32"].value == hashlib.sha256(basic_value[table.total_length :]).digest()
    assert record[5 + 35 + 35 : 5 + 35 + 35 + 5] == bytes.fromhex("DF33820100")
    public_key = load_private_key(card_data.card_info_key).public_key()
    public_key.verify(
        fields[b"\xdf\x33"].value, record[5 : 5 + 70], padding.PKCS1v15(), hashes.SHA256()
    )


def read_file_sfi(send: Send, sfi: int) -> bytes:
    """Read a whole EF, first chunk by SFI (which selects it), then by offset."""
    first = send(f"00B0{0x80 | sfi:02X}0000")
    assert first.sw == 0x9000
    if len(first.data) < 256:
        return first.data
    return first.data + read_rest(send, 256)


def read_rest(send: Send, offset: int) -> bytes:
    out = bytearray()
    while True:
        response = send(f"00B0{offset + len(out):04X}00")
        if response.sw == 0x6B00:
            return bytes(out)
        out += response.data
        if len(response.data) < 256:
            return bytes(out)


def test_ap_info_file_is_free_with_a_non_minimal_length(send: Send) -> None:
    send(select(CARD_INFO))
    send(select_ef(0x0005))
    content = read_file(send)
    assert content[:5] == bytes.fromhex("FF4082009F")
    assert len(content) >= 256
    fields = {tlv.tag: tlv.value for tlv in iter_tlv(content[5 : 5 + 0x9F])}
    assert fields[b"\xdf\x41"] == bytes.fromhex("01030E01")
    assert len(fields[b"\xdf\x42"]) == 16
    assert len(fields[b"\xdf\x43"]) == 128


def test_card_info_pin_has_3_tries(send: Send) -> None:
    send(select(CARD_INFO))
    send(select_ef(0x0011))
    assert send("00200080").sw == 0x63C3


def test_reference_0012_is_blocked_on_every_card(send: Send) -> None:
    send(select(CARD_INFO))
    send(select_ef(0x0012))
    assert send("00200080").sw == 0x63C0
    assert send("00200080" + lc_data("1234")).sw == 0x6984
    assert send("00200092").sw == 0x63C0


def test_juki_pin_001c_has_3_tries(send: Send, card_data: CardData) -> None:
    send(select(JUKI))
    send(select_ef(0x001C))
    assert send("00200080").sw == 0x63C3
    assert send("0020009C" + lc_data(card_data.juki_pin.value)).sw == 0x9000


def test_common_card_record_matches_the_test_card(jlis_test_card: Send) -> None:
    expected = bytes.fromhex("011C") + b"400000012719843" + b"13221" + b"20350217"
    jlis_test_card(select(COMMON))
    by_sfi = jlis_test_card("00B2010C00")
    assert (by_sfi.data, by_sfi.sw) == (expected, 0x9000)
    jlis_test_card(select(COMMON))
    jlis_test_card(select_ef(0x0001))
    assert jlis_test_card("00B2010400").data == expected
    assert jlis_test_card("00B2020400").sw == 0x6A83  # no record 2


def test_visual_ap_is_selectable_and_has_no_files(send: Send) -> None:
    assert send(select(SURFACE)).sw == 0x9000
    assert send(select_ef(0x0001)).sw == 0x6A82
    assert send("00B0810000").sw == 0x6A82


# -- section 4: commands and answers ----------------------------------------------------


def test_read_binary_returns_min_of_le_and_what_is_left(send: Send) -> None:
    send(select(JPKI))
    send(select_ef(0x0006))  # 160 bytes
    assert len(send("00B0000010").data) == 16
    assert len(send("00B0000000").data) == 160  # Le 00 = 256, short read
    tail = send("00B0009000")
    assert (len(tail.data), tail.sw) == (16, 0x9000)
    assert send("00B000A000").sw == 0x6B00  # offset == size
    assert send("00B07FFF01").sw == 0x6B00


def test_read_binary_accepts_extended_le(send: Send, card_data: CardData) -> None:
    der = card_data.auth_certificate
    assert der is not None
    send(select(JPKI))
    send(select_ef(0x000A))
    whole = send("00B00000000800")  # extended Le 2048
    assert whole.sw == 0x9000 and whole.data.startswith(der) and len(whole.data) == 2048
    assert len(send("00B00000000000").data) == 2048  # Le 0000 = 65536, short read


def test_read_binary_offset_is_15_bits(send: Send) -> None:
    send(select(JPKI))
    send(select_ef(0x000A))
    assert send("00B0010004").sw == 0x9000  # offset 256
    # P1 b8 set means SFI addressing; 0xE0 sets the RFU bits 6-7 too.
    assert send("00B0E00004").sw == 0x6A86


def test_verify_query_is_case_1_and_spends_no_try(send: Send) -> None:
    send(select(JPKI))
    send(select_ef(0x0018))
    for _ in range(5):
        assert send("00200080").sw == 0x63C3
    assert send("0020008000").sw == 0x6700  # a trailing Le makes it case 2
    assert send("00200080").sw == 0x63C3


def test_verify_counts_down_and_success_resets(send: Send, card_data: CardData) -> None:
    send(select(JPKI))
    send(select_ef(0x0018))
    assert send("00200080" + lc_data("0000")).sw == 0x63C2
    assert send("00200080" + lc_data(card_data.auth_pin.value)).sw == 0x9000
    assert send("00200080").sw == 0x9000  # query when verified: already verified
    send(select(JPKI))  # re-selecting keeps it verified (CARD.md section 4)
    assert send("00200098").sw == 0x9000
    assert send("00200098" + lc_data("0000")).sw == 0x63C2  # a wrong PIN un-verifies
    assert send("00200098" + lc_data(card_data.auth_pin.value)).sw == 0x9000
    assert send("00200098").sw == 0x9000


def test_change_reference_data_needs_a_verified_pin(send: Send, card_data: CardData) -> None:
    send(select(JPKI))
    send(select_ef(0x0018))
    assert send("00240180" + lc_data("5678")).sw == 0x6982
    send("00200080" + lc_data(card_data.auth_pin.value))
    assert send("00240180" + lc_data("5678")).sw == 0x9000
    send(select(JPKI))
    assert send("00200098" + lc_data("5678")).sw == 0x9000


def test_compute_digital_signature_rows(send: Send, card_data: CardData) -> None:
    digest_info = SHA256_PREFIX + "33" * 32
    body = f"{len(digest_info) // 2:02X}{digest_info}00"
    send(select(JPKI))
    assert send("802A0097" + body).sw == 0x6982  # PIN not verified
    send("00200098" + lc_data(card_data.auth_pin.value))
    assert send("802A0680" + body).sw == 0x6A86  # P1 outside 00-05
    assert send("802A0080" + body).sw == 0x6985  # no key EF selected
    for p1 in range(6):
        data = "44" * 32
        response = send(f"802A{p1:02X}97 20{data} 00")
        assert (len(response.data), response.sw) == (256, 0x9000)
    too_long = "55" * 246
    assert send(f"802A0097F6{too_long}00").sw == 0x6700  # more than k - 11
    assert send("802A00970100").sw == 0x9000  # 1 byte is still padded and signed
    assert send("802A0097 1F" + "66" * 31 + "00").sw == 0x9000
    assert send("802A0297 1F" + "66" * 31 + "00").sw == 0x6700  # P1 02 takes 32 bytes


def test_read_record_and_missing_record(send: Send) -> None:
    send(select(COMMON))
    assert send("00B2010C00").sw == 0x9000
    assert send("00B2050C00").sw == 0x6A83
    assert send("00B2000C00").sw == 0x6A83


def test_get_challenge_returns_le_random_bytes(send: Send) -> None:
    first = send("0084000008")
    second = send("0084000008")
    assert len(first.data) == len(second.data) == 8 and first.sw == 0x9000
    assert first.data != second.data
    assert len(send("0084000000").data) == 256


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        ("00FF0000", 0x6D00),  # unknown INS
        ("80A4040C0AD392F000260100000001", 0x6E00),  # ISO INS under CLA 80
        ("002A00800100", 0x6E00),  # SIGN under CLA 00
        ("A0A4040C0AD392F000260100000001", 0x6E00),
        ("01A4040C0AD392F000260100000001", 0x6881),  # logical channel 1
        ("41A4040C0AD392F000260100000001", 0x6881),
        ("0CA4040C0AD392F000260100000001", 0x6882),  # secure messaging
        ("08B0000004", 0x6882),
        ("00A4050C0AD392F000260100000001", 0x6A86),  # wrong P1
        ("00A4040A0AD392F000260100000001", 0x6A86),  # wrong P2 on a known AID
        ("0020010080", 0x6A86),
        ("00A4040C0BD392F000260100000001", 0x6700),  # Lc longer than the data
        ("00B000", 0x6700),
        ("00", 0x6700),
    ],
)
def test_unknown_ins_cla_wrong_p1p2_and_malformed_length(send: Send, command: str, sw: int) -> None:
    assert send(command).sw == sw


@pytest.mark.parametrize(
    ("name", "prefix", "length"),
    [
        ("SHA-1", "3021300906052B0E03021A05000414", 20),
        ("SHA-256", SHA256_PREFIX, 32),
        ("SHA-384", "3041300D060960864801650304020205000430", 48),
        ("SHA-512", "3051300D060960864801650304020305000440", 64),
    ],
)
def test_any_digest_info_is_accepted_with_p1_00(
    send: Send, card_data: CardData, name: str, prefix: str, length: int
) -> None:
    digest_info = prefix + "77" * length
    send(select(JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    response = send(f"802A0097{len(digest_info) // 2:02X}{digest_info}00")
    assert (len(response.data), response.sw) == (256, 0x9000), name


def test_tries_count_across_power_cycles(card: SimulatedCard, send: Send) -> None:
    send(select(JPKI))
    assert send("00200098" + lc_data("9999")).sw == 0x63C2
    card.power_off()
    card.power_on()
    send(select(JPKI))
    assert send("00200098").sw == 0x63C2


def test_security_state_survives_selects_but_not_power_off(
    card_data: CardData,
) -> None:
    card = SimulatedCard(replace(card_data, clear_verified_on_select=False))
    card.power_on()

    def run(command: str) -> int:
        return int.from_bytes(card.process(bytes.fromhex(command))[-2:], "big")

    run(select(JPKI))
    assert run("00200098" + lc_data(card_data.auth_pin.value)) == 0x9000
    run(select(CARD_INFO))
    run(select(JPKI))
    assert run("00200098") == 0x9000  # still verified: "already verified"
    card.power_off()
    card.power_on()
    run(select(JPKI))
    assert run("00200098") == 0x63C3


@pytest.mark.parametrize(
    ("clear_verified_on_select", "after_reselect"),
    [
        # Real cards: re-selecting an application keeps every verified state.
        (False, 0x9000),
        # The old behaviour, named as not observed on real cards: re-selecting an application
        # clears its own verified PINs, and only its own.
        (True, 0x63C3),
    ],
)
def test_reselecting_an_application(
    card_data: CardData, clear_verified_on_select: bool, after_reselect: int
) -> None:
    send = fresh(replace(card_data, clear_verified_on_select=clear_verified_on_select))
    send(select(JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    send(select(CARD_INFO))
    send("00200091" + lc_data(card_data.card_info_pin.value))
    send(select(JPKI))
    assert send("00200098").sw == after_reselect  # JPKI re-selected
    send(select_ef(0x0001))
    send(select(CARD_INFO))
    assert send("00200091").sw == after_reselect  # CARD_INFO re-selected


# -- section 5: every status word the card itself sends ----------------------------------


def test_every_listed_status_word_is_produced(send: Send, card_data: CardData) -> None:
    """CARD.md section 5, except 6983 (never sent by the card) and 61xx/6Cxx (fault modes)."""
    seen = {
        send(select(JPKI)).sw,  # 9000
        send("00200098").sw & 0xFFF0,  # 63Cx
        send("0020009B" + lc_data("X")).sw & 0xFFF0,
        send("00B0810004").sw,  # 6982
        send("802A0080" + "01AA00").sw,  # 6985
        send("0020009800").sw,  # 6700
        send(select_ef(0x0009)).sw,  # 6A82
        send("0020017F").sw,  # 6A86
        send("00200099").sw,  # 6A88
        send(select_ef(0x0006)).sw,
        send("00B0100000").sw,  # 6B00
        send("01B0000000").sw,  # 6881
        send("0CB0000000").sw,  # 6882
        send("00110000").sw,  # 6D00
        send("20B0000000").sw,  # 6E00
    }
    send(select(CARD_INFO))
    seen.add(send("00200092" + lc_data("1234")).sw)  # 6984
    send(select(COMMON))
    seen.add(send("00B2090C00").sw)  # 6A83
    card = SimulatedCard(card_data)
    seen.add(int.from_bytes(card.process(bytes.fromhex(select(JPKI)))[-2:], "big"))  # 6F00
    listed = {
        0x9000, 0x63C0, 0x6984, 0x6982, 0x6985, 0x6700, 0x6A82, 0x6A83, 0x6A86, 0x6A88,
        0x6B00, 0x6881, 0x6882, 0x6D00, 0x6E00, 0x6F00,
    }  # fmt: skip
    assert listed <= seen
