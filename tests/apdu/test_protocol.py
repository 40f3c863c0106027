"""The exchange protocol, pinned down by transcripts that fail on any unexpected command."""

from __future__ import annotations

import pytest

from apdu import (
    ApduError,
    ApduProtocol,
    BadResponseError,
    CardRemovedError,
    CommandApdu,
    ProtocolError,
    read_object_cost,
    select_application_command,
)
from apdu.testing import ScriptedConnection, ScriptMismatchError

JPKI_AID = bytes.fromhex("D392F000260100000001")


def der_object(body_length: int, filler: int = 0) -> bytes:
    """A DER SEQUENCE with a 2-byte long-form length, then *filler* FF bytes."""
    body = bytes(i % 251 for i in range(body_length))
    return b"\x30\x82" + body_length.to_bytes(2, "big") + body + b"\xff" * filler


def test_select_application_and_file() -> None:
    conn = ScriptedConnection(
        [("00A4040C0AD392F000260100000001", "9000"), ("00A4020C02000A", "9000")]
    )
    protocol = ApduProtocol(conn)
    protocol.select_application(JPKI_AID)
    protocol.select_file(0x000A)
    conn.assert_done()
    assert conn.apdu_count == 2


def test_select_unknown_application_raises_apdu_error() -> None:
    conn = ScriptedConnection([("00A4040C0AD392F000260100000001", "6A82")])
    with pytest.raises(ApduError) as caught:
        ApduProtocol(conn).select_application(JPKI_AID)
    assert caught.value.sw == 0x6A82


def test_get_response_chaining_is_followed() -> None:
    conn = ScriptedConnection(
        [
            ("00B0000004", "6104"),
            ("00C0000004", "AABBCCDD6102"),
            ("00C0000002", "EEFF9000"),
        ]
    )
    response = ApduProtocol(conn).send(CommandApdu(0, 0xB0, 0, 0, le=4))
    assert response.ok
    assert response.data == bytes.fromhex("AABBCCDDEEFF")
    conn.assert_done()


def test_get_response_chaining_is_bounded() -> None:
    script: list[tuple[str, str | BaseException]] = [("00B0000004", "6101")]
    script += [("00C0000001", "AA6101")] * 3
    conn = ScriptedConnection(script)
    with pytest.raises(ProtocolError, match="61xx after 3"):
        ApduProtocol(conn, max_get_response=3).send(CommandApdu(0, 0xB0, 0, 0, le=4))


def test_wrong_le_is_corrected_once() -> None:
    conn = ScriptedConnection([("00B0000000", "6C10"), ("00B0000010", "00" * 16 + "9000")])
    data = ApduProtocol(conn).read_binary(0, 256)
    assert data == bytes(16)
    conn.assert_done()


def test_wrong_le_corrections_are_bounded() -> None:
    conn = ScriptedConnection(
        [("00B0000000", "6C10"), ("00B0000010", "6C08"), ("00B0000008", "6C04")]
    )
    with pytest.raises(ProtocolError, match="different Le"):
        ApduProtocol(conn, max_le_corrections=2).read_binary(0, 256)


def test_read_object_short_apdus_first_chunk_is_the_probe() -> None:
    cert = der_object(1569, filler=300)  # 1573 bytes: the size of a real auth certificate
    total = 1573
    script: list[tuple[str, str | BaseException]] = [("00B08A0000", cert[:256].hex() + "9000")]
    offset = 256
    while offset < total:
        want = min(256, total - offset)
        le = "00" if want == 256 else f"{want:02X}"
        script.append((f"00B0{offset:04X}{le}", cert[offset : offset + want].hex() + "9000"))
        offset += want
    conn = ScriptedConnection(script)
    data = ApduProtocol(conn).read_object(sfi=0x0A)
    assert data == cert[:total]
    assert conn.apdu_count == 7  # ceil(1573 / 256): the floor of CARD.md section 6
    assert read_object_cost(total) == 7
    conn.assert_done()


@pytest.mark.parametrize(
    ("size", "max_length", "reads"),
    [(1, 256, 1), (256, 256, 1), (257, 256, 2), (1573, 256, 7), (1573, 65536, 1), (0, 256, 1)],
)
def test_read_object_cost_counts_the_probe(size: int, max_length: int, reads: int) -> None:
    assert read_object_cost(size, max_length) == reads


def test_select_application_command_is_the_one_select_by_aid() -> None:
    command = select_application_command(JPKI_AID)
    assert command.to_bytes().hex().upper() == "00A4040C0AD392F000260100000001"


def test_read_object_extended_reads_the_file_in_one_go() -> None:
    cert = der_object(1569, filler=300)
    conn = ScriptedConnection([("00B08A00000000", cert.hex() + "9000")])
    data = ApduProtocol(conn, extended=True).read_object(sfi=0x0A)
    assert data == cert[:1573]
    assert conn.apdu_count == 1


def test_extended_refused_with_6700_falls_back_to_short_for_good() -> None:
    obj = der_object(300)
    conn = ScriptedConnection(
        [
            ("00B08A00000000", "6700"),
            ("00B08A0000", obj[:256].hex() + "9000"),
            ("00B0010030", obj[256:].hex() + "9000"),
        ]
    )
    protocol = ApduProtocol(conn, extended=True)
    assert protocol.read_object(sfi=0x0A) == obj
    assert protocol.extended is False
    conn.assert_done()


def test_non_minimal_length_and_small_objects() -> None:
    content = b"\xff\x40\x82\x00\x03abc" + b"\xff" * 10
    conn = ScriptedConnection([("00B0000000", content.hex() + "9000")])
    assert ApduProtocol(conn).read_object() == b"\xff\x40\x82\x00\x03abc"


def test_file_shorter_than_its_object_is_a_protocol_error() -> None:
    obj = der_object(600)
    conn = ScriptedConnection(
        [
            ("00B0000000", obj[:256].hex() + "9000"),
            ("00B0010000", obj[256:300].hex() + "9000"),
            ("00B0012C00", "6B00"),
        ]
    )
    with pytest.raises(ProtocolError, match="file ends at 300 bytes but its object says 604"):
        ApduProtocol(conn).read_object()


def test_file_without_an_object_is_a_protocol_error() -> None:
    conn = ScriptedConnection([("00B0000000", "30829000")])
    with pytest.raises(ProtocolError, match="does not start with a BER object"):
        ApduProtocol(conn).read_object()


def test_security_status_error_is_raised_not_parsed() -> None:
    conn = ScriptedConnection([("00B0810000", "6982")])
    with pytest.raises(ApduError) as caught:
        ApduProtocol(conn).read_object(sfi=0x01)
    assert caught.value.sw == 0x6982


def test_garbage_response_is_a_clear_error() -> None:
    conn = ScriptedConnection([("00B0000000", "12")])
    with pytest.raises(BadResponseError, match="at least the 2 status bytes"):
        ApduProtocol(conn).read_object()


def test_card_removed_mid_read_returns_nothing_partial() -> None:
    obj = der_object(600)
    conn = ScriptedConnection(
        [("00B0000000", obj[:256].hex() + "9000"), ("00B0010000", CardRemovedError("gone"))]
    )
    with pytest.raises(CardRemovedError):
        ApduProtocol(conn).read_object()


def test_read_record_by_sfi() -> None:
    conn = ScriptedConnection([("00B2010C00", "011C" + "31" * 28 + "9000")])
    record = ApduProtocol(conn).read_record(1, sfi=1)
    assert record[:2] == b"\x01\x1c"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.read_binary(0, 10, sfi=31), "short EF identifier is 1-30"),
        (lambda p: p.read_binary(256, 10, sfi=1), "offset is 0-255"),
        (lambda p: p.read_binary(0x8000, 10), "offset is 0-32767"),
        (lambda p: p.select_file(0x10000), "2 bytes"),
        (lambda p: p.read_record(0), "record number"),
    ],
)
def test_bad_arguments_are_refused_before_sending(call: object, message: str) -> None:
    conn = ScriptedConnection([])
    with pytest.raises(ValueError, match=message):
        call(ApduProtocol(conn))  # type: ignore[operator]
    assert conn.apdu_count == 0


def test_scripted_connection_fails_on_unexpected_commands() -> None:
    conn = ScriptedConnection([("00A4040C0AD392F000260100000001", "9000")])
    with pytest.raises(ScriptMismatchError, match="expected 00 A4 04 0C"):
        conn.transmit(bytes.fromhex("00B0000000"))
    with pytest.raises(ScriptMismatchError, match="only 0 of 1"):
        conn.assert_done()
