"""Lenient BER reading: private tags, non-minimal lengths, filler; clear errors otherwise."""

from __future__ import annotations

import pytest

from apdu import BerError, Tlv, iter_tlv, parse_header


@pytest.mark.parametrize(
    ("raw_hex", "tag", "header_length", "value_length"),
    [
        ("3082062100", "30", 4, 0x0621),
        ("FF1000", "FF10", 3, 0),
        ("FF4082009F", "FF40", 5, 0x9F),
        ("DF2108", "DF21", 3, 8),
        ("0481FF", "04", 3, 255),
        ("9F7F0101", "9F7F", 3, 1),
    ],
)
def test_headers(raw_hex: str, tag: str, header_length: int, value_length: int) -> None:
    header = parse_header(bytes.fromhex(raw_hex))
    assert header.tag == bytes.fromhex(tag)
    assert (header.header_length, header.value_length) == (header_length, value_length)
    assert header.total_length == header_length + value_length


@pytest.mark.parametrize(
    ("raw_hex", "message"),
    [
        ("", "ends before a tag"),
        ("FF", "tag is truncated"),
        ("30", "has no length byte"),
        ("3080", "indefinite"),
        ("3085FFFFFFFFFF", "too large"),
        ("308201", "length is truncated"),
    ],
)
def test_broken_headers(raw_hex: str, message: str) -> None:
    with pytest.raises(BerError, match=message):
        parse_header(bytes.fromhex(raw_hex))


def test_iter_tlv_skips_filler_and_reads_long_forms() -> None:
    data = bytes.fromhex("DF22024142DF23810143FFFF")
    assert list(iter_tlv(data)) == [
        Tlv(bytes.fromhex("DF22"), b"AB"),
        Tlv(bytes.fromhex("DF23"), b"C"),
    ]


def test_iter_tlv_refuses_an_overrunning_value() -> None:
    with pytest.raises(BerError, match="says 5 bytes, 2 follow"):
        list(iter_tlv(bytes.fromhex("DF2205AABB")))
