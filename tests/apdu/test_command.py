"""Command APDU encoding and strict parsing: every case, both length forms, the boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apdu import CommandApdu, MalformedApduError, decode_command

SELECT_JPKI = "00A4040C0AD392F000260100000001"


@pytest.mark.parametrize(
    ("apdu", "short_hex", "extended_hex"),
    [
        (CommandApdu(0x00, 0x20, 0x00, 0x80), "00200080", "00200080"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=1), "00B0000001", "00B00000000001"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=255), "00B00000FF", "00B000000000FF"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=256), "00B0000000", "00B00000000100"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=65536), None, "00B00000000000"),
        (CommandApdu(0x00, 0xA4, 0x02, 0x0C, b"\x00\x0a"), "00A4020C02000A", "00A4020C000002000A"),
        (
            CommandApdu(0x80, 0x2A, 0x00, 0x80, b"\x01\x02", le=256),
            "802A0080020102" + "00",
            "802A008000000201020100",
        ),
    ],
)
def test_known_encodings(apdu: CommandApdu, short_hex: str | None, extended_hex: str) -> None:
    if short_hex is None:
        with pytest.raises(MalformedApduError, match="extended"):
            apdu.to_bytes(extended=False)
    else:
        assert apdu.to_bytes(extended=False).hex().upper() == short_hex
        assert CommandApdu.from_bytes(bytes.fromhex(short_hex)) == apdu
    assert apdu.to_bytes(extended=True).hex().upper() == extended_hex
    decoded = decode_command(bytes.fromhex(extended_hex))
    assert decoded.apdu == apdu
    assert decoded.extended is (apdu.case != 1)


def test_case_one_is_never_turned_into_case_two() -> None:
    query = CommandApdu(0x00, 0x20, 0x00, 0x80)
    assert query.case == 1
    assert bytes(query) == bytes.fromhex("00200080")


def test_cases_are_reported() -> None:
    assert CommandApdu(0, 0xB0, 0, 0, le=4).case == 2
    assert CommandApdu.from_bytes(bytes.fromhex(SELECT_JPKI)).case == 3
    assert CommandApdu(0x80, 0x2A, 0, 0x80, b"x", le=256).case == 4


def test_automatic_encoding_uses_extended_only_when_needed() -> None:
    assert len(CommandApdu(0, 0xB0, 0, 0, le=256).to_bytes()) == 5
    assert len(CommandApdu(0, 0xB0, 0, 0, le=257).to_bytes()) == 7
    assert len(CommandApdu(0, 0xD6, 0, 0, bytes(256)).to_bytes()) == 4 + 3 + 256


@pytest.mark.parametrize(
    ("raw_hex", "message"),
    [
        ("", "4-byte header, got 0 bytes"),
        ("00A404", "4-byte header, got 3 bytes"),
        ("00A4040C0AD392F0002601", "Lc says 10 bytes, 6 follow"),
        ("00A4040C0AD392F000260100000001AABB", "Lc says 10 bytes, 12 follow"),
        ("00B0000000FF", "extended length field needs 3 bytes"),
        ("00D60000000000AA", "extended Lc is 0"),
        ("00D6000000000AAABB", "extended Lc says 10 bytes, 2 follow"),
    ],
)
def test_malformed_bytes_say_what_is_wrong(raw_hex: str, message: str) -> None:
    with pytest.raises(MalformedApduError, match=message):
        CommandApdu.from_bytes(bytes.fromhex(raw_hex))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cla": 256}, "CLA must be a byte"),
        ({"ins": -1}, "INS must be a byte"),
        ({"le": 0}, "Le must be 1-65536"),
        ({"le": 65537}, "Le must be 1-65536"),
        ({"data": bytes(65536)}, "more than the 65535"),
    ],
)
def test_fields_out_of_range_are_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"cla": 0, "ins": 0xB0, "p1": 0, "p2": 0}
    fields.update(kwargs)
    with pytest.raises(MalformedApduError, match=message):
        CommandApdu(**fields)  # type: ignore[arg-type]


byte = st.integers(min_value=0, max_value=255)
commands = st.builds(
    CommandApdu,
    cla=byte,
    ins=byte,
    p1=byte,
    p2=byte,
    data=st.binary(max_size=600),
    le=st.none() | st.integers(min_value=1, max_value=65536),
)


@given(commands, st.booleans())
def test_round_trip(apdu: CommandApdu, prefer_extended: bool) -> None:
    extended = prefer_extended or apdu.needs_extended
    raw = apdu.to_bytes(extended=extended)
    decoded = decode_command(raw)
    assert decoded.apdu == apdu
    assert decoded.extended is (extended and apdu.case != 1)


@given(st.binary(max_size=300))
def test_parsing_arbitrary_bytes_either_succeeds_or_says_why(raw: bytes) -> None:
    try:
        decoded = decode_command(raw)
    except MalformedApduError as exc:
        assert str(exc)
    else:
        assert decoded.apdu.to_bytes(extended=decoded.extended) == raw
