"""Parsing the card-info AP files (EF 0001 My Number, EF 0002 basic four attributes) leniently
about BER form and strictly about content."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jpki.cardinfo import (
    BasicInfo,
    CardInfo,
    CardInfoTag,
    parse_basic_info,
    parse_card_info,
    parse_my_number,
)
from jpki.certificate import Sex
from jpki.errors import CardInfoError, MyNumberError
from jpki.mynumber import make_my_number

NUMBER = make_my_number("12345678901")  # 123456789018
NAME = "番号\u3000花子"
ADDRESS = "東京都千代田区霞が関２丁目１－２"


def tlv(tag: bytes, value: bytes, *, long_form: int = 0) -> bytes:
    """One BER object; ``long_form`` forces that many length octets (non-minimal, as cards do)."""
    if long_form:
        length = bytes([0x80 | long_form]) + len(value).to_bytes(long_form, "big")
    elif len(value) < 0x80:
        length = bytes([len(value)])
    else:
        width = (len(value).bit_length() + 7) // 8
        length = bytes([0x80 | width]) + len(value).to_bytes(width, "big")
    return tag + length + value


def my_number_file(number: bytes = NUMBER.encode(), *, filler: bytes = b"\xff\xff") -> bytes:
    return tlv(b"\xff\x10", number) + filler


def basic_fields(
    *,
    name: bytes = NAME.encode(),
    address: bytes = ADDRESS.encode(),
    birth: bytes = b"19850704",
    sex: bytes = b"2",
    omit: tuple[bytes, ...] = (),
    extra: bytes = b"",
) -> bytes:
    fields = {
        b"\xdf\x21": bytes(8),  # offsets: not needed to parse, kept as the card has them
        b"\xdf\x22": name,
        b"\xdf\x23": address,
        b"\xdf\x24": birth,
        b"\xdf\x25": sex,
    }
    return b"".join(tlv(t, v) for t, v in fields.items() if t not in omit) + extra


def basic_file(fields: bytes | None = None, *, long_form: int = 0, filler: int = 40) -> bytes:
    body = basic_fields() if fields is None else fields
    return tlv(b"\xff\x20", body, long_form=long_form) + b"\xff" * filler


# --- EF 0001 -----------------------------------------------------------------------------------


def test_my_number_physical_layout() -> None:
    data = my_number_file()
    assert data[:3] == bytes.fromhex("FF100C")
    assert len(data) == 17
    assert parse_my_number(data) == NUMBER


@pytest.mark.parametrize(
    "data",
    [
        my_number_file(filler=b""),
        my_number_file(filler=b"\x00" * 10),
        tlv(b"\xff\x10", NUMBER.encode(), long_form=1) + b"\xff\xff",
        tlv(b"\xff\x10", NUMBER.encode(), long_form=2),
    ],
)
def test_my_number_lenient_forms(data: bytes) -> None:
    assert parse_my_number(data) == NUMBER


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"\xff\xff\xff", "empty"),
        (b"\xff\x10", "not readable BER"),
        (bytes.fromhex("FF100C") + b"12345", "not readable BER"),  # truncated value
        (tlv(b"\xff\x20", NUMBER.encode()), "expected FF10"),
        (tlv(b"\x04", NUMBER.encode()), "tag 04"),
        (tlv(b"\xff\x10", NUMBER.encode()[:11]), "holds 11 bytes"),
        (tlv(b"\xff\x10", NUMBER.encode() + b"0"), "holds 13 bytes"),
        (tlv(b"\xff\x10", b"12345678901a"), "not ASCII digits"),
        (tlv(b"\xff\x10", "１２３４".encode()), "not ASCII digits"),  # 4 full-width = 12 bytes
        (bytes.fromhex("FF1080"), "indefinite"),
    ],
)
def test_my_number_broken(data: bytes, match: str) -> None:
    with pytest.raises(CardInfoError, match=match):
        parse_my_number(data)


def test_my_number_bad_check_digit_is_masked() -> None:
    wrong = NUMBER[:-1] + "7"
    with pytest.raises(MyNumberError, match="check digit") as info:
        parse_my_number(my_number_file(wrong.encode()))
    assert wrong not in str(info.value)
    assert NUMBER[:8] not in str(info.value)
    assert isinstance(info.value, CardInfoError)


def test_not_bytes() -> None:
    with pytest.raises(CardInfoError, match="must be bytes"):
        parse_my_number("FF100C")  # type: ignore[arg-type]


# --- EF 0002 -----------------------------------------------------------------------------------


def test_basic_info() -> None:
    info = parse_basic_info(basic_file())
    assert info == BasicInfo(
        name=NAME, address=ADDRESS, birth_date=date(1985, 7, 4), sex=Sex.FEMALE, sex_code="2"
    )
    assert info.name_parts == ("番号", "花子")


@pytest.mark.parametrize("long_form", [1, 2, 3])
def test_basic_info_long_form_lengths(long_form: int) -> None:
    data = basic_file(long_form=long_form)
    if long_form == 2:
        assert data[:3] == bytes.fromhex("FF2082")  # like the card's FF 20 82 00 xx
    assert parse_basic_info(data).name == NAME


def test_basic_info_field_with_long_form_and_unknown_tag() -> None:
    fields = (
        tlv(b"\xdf\x22", NAME.encode(), long_form=2)
        + tlv(b"\xdf\x23", ADDRESS.encode())
        + tlv(b"\xdf\x26", b"future field")
        + tlv(b"\xdf\x24", b"20000229")
        + tlv(b"\xdf\x25", b"1")
    )
    info = parse_basic_info(basic_file(fields, filler=0))
    assert info.birth_date == date(2000, 2, 29)
    assert info.sex is Sex.MALE


def test_basic_info_filler_inside_the_outer_object() -> None:
    assert parse_basic_info(basic_file(basic_fields(extra=b"\xff" * 5))).address == ADDRESS


@pytest.mark.parametrize(
    ("code", "sex"),
    [("1", Sex.MALE), ("2", Sex.FEMALE), ("9", Sex.NOT_APPLICABLE), ("0", Sex.UNKNOWN)],
)
def test_sex_codes(code: str, sex: Sex) -> None:
    info = parse_basic_info(basic_file(basic_fields(sex=code.encode())))
    assert info.sex is sex
    assert info.sex_code == code


def test_long_address() -> None:
    address = "北海道" + "一丁目" * 60
    info = parse_basic_info(basic_file(basic_fields(address=address.encode())))
    assert info.address == address


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (tlv(b"\xff\x10", basic_fields()), "expected FF20"),
        (basic_file()[:60], "not readable BER"),
        (basic_file(basic_fields()[:-2], filler=0), "contents are not readable BER"),
        (basic_file(basic_fields(omit=(b"\xdf\x22",))), "no name"),
        (basic_file(basic_fields(omit=(b"\xdf\x23",))), "no address"),
        (basic_file(basic_fields(omit=(b"\xdf\x24",))), "no birth date"),
        (basic_file(basic_fields(omit=(b"\xdf\x25",))), "no sex"),
        (basic_file(basic_fields(name=b"\xff\xfe")), "name .* not UTF-8"),
        (basic_file(basic_fields(address=b"\xe6\x9d")), "address .* not UTF-8"),
        (basic_file(basic_fields(birth=b"1985074")), "not eight digits"),
        (basic_file(basic_fields(birth=b"1985-7-4")), "not eight digits"),
        (basic_file(basic_fields(birth=b"19850230")), "not a date"),
        (basic_file(basic_fields(birth=b"19851304")), "not a date"),
        (basic_file(basic_fields(sex=b"3")), "sex code '3'"),
        (basic_file(basic_fields(sex=b"")), "sex code ''"),
        (basic_file(basic_fields(extra=tlv(b"\xdf\x22", b"x"))), "DF22 twice"),
    ],
)
def test_basic_info_broken(data: bytes, match: str) -> None:
    with pytest.raises(CardInfoError, match=match):
        parse_basic_info(data)


# --- both ------------------------------------------------------------------------------------


def test_card_info_json() -> None:
    card = parse_card_info(my_number_file(), basic_file())
    assert isinstance(card, CardInfo)
    data = card.to_json()
    assert set(data) == {"my_number", "name", "address", "birth_date", "sex", "sex_code"}
    assert data == {
        "my_number": NUMBER,
        "name": NAME,
        "address": ADDRESS,
        "birth_date": "1985-07-04",
        "sex": "female",
        "sex_code": "2",
    }
    json.dumps(data, ensure_ascii=False)
    assert NUMBER not in repr(card)  # logging the object does not log the number


def test_tags_enum() -> None:
    assert CardInfoTag.MY_NUMBER.value == b"\xff\x10"
    assert CardInfoTag.BASIC_INFO.value == b"\xff\x20"


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_raise_only_card_info_error(data: bytes) -> None:
    for parse in (parse_my_number, parse_basic_info):
        try:
            parse(data)
        except CardInfoError:
            pass
