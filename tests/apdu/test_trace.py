"""The APDU trace shows every command and response and never a PIN."""

from __future__ import annotations

import logging

import pytest

from apdu import TRAFFIC, ApduProtocol, CommandApdu
from apdu.testing import ScriptedConnection
from apdu.trace import format_command, format_response

PIN_BYTES = b"9753"
PASSWORD_BYTES = b"SECRETPW42"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (b"\x00\x20\x00\x80\x04" + PIN_BYTES, "00 20 00 80 04 <4 bytes redacted>"),
        (b"\x00\x20\x00\x9b\x0a" + PASSWORD_BYTES, "00 20 00 9B 0A <10 bytes redacted>"),
        (b"\x00\x24\x01\x80\x04" + PIN_BYTES, "00 24 01 80 04 <4 bytes redacted>"),
        (b"\x00\x2c\x00\x80\x04" + PIN_BYTES, "00 2C 00 80 04 <4 bytes redacted>"),
        (b"\x00\x20\x00\x80\x04" + PIN_BYTES + b"\x00", "00 20 00 80 04 <4 bytes redacted> 00"),
        (b"\x00\x20\x00\x80" + PIN_BYTES, "00 20 00 80 <4 bytes redacted>"),
        (b"\x00\x20\x00\x80\x00\x00\x04" + PIN_BYTES, "00 20 00 80 <7 bytes redacted>"),
        (b"\x00\x20\x00\x80", "00 20 00 80"),
        (b"\x00\xb0\x00\x00\x04", "00 B0 00 00 04"),
    ],
)
def test_secret_commands_are_redacted(command: bytes, expected: str) -> None:
    assert format_command(command) == expected


def test_response_format() -> None:
    assert format_response(bytes.fromhex("AABB9000")) == "AA BB SW=9000"
    assert format_response(bytes.fromhex("63C2")) == "SW=63C2"
    assert format_response(b"\x90") == "90 (truncated)"


def test_no_pin_reaches_any_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRAFFIC)
    verify = CommandApdu(0x00, 0x20, 0x00, 0x80, PIN_BYTES)
    change = CommandApdu(0x00, 0x24, 0x01, 0x80, PASSWORD_BYTES)
    conn = ScriptedConnection(
        [(verify.to_bytes().hex(), "63C2"), (change.to_bytes().hex(), "9000")]
    )
    protocol = ApduProtocol(conn)
    protocol.send(verify)
    protocol.send(change)
    text = caplog.text
    assert "00 20 00 80 04 <4 bytes redacted>" in text
    assert "SW=63C2" in text
    assert "ms)" in text
    for secret in (PIN_BYTES, PASSWORD_BYTES):
        assert secret.hex() not in text.lower().replace(" ", "")
        assert secret.decode() not in text
    assert all(record.levelno == TRAFFIC for record in caplog.records)
    assert logging.getLevelName(TRAFFIC) == "TRAFFIC"


def test_trace_is_silent_unless_enabled(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    conn = ScriptedConnection([("00B0000004", "000000009000")])
    ApduProtocol(conn).read_binary(0, 4)
    assert caplog.text == ""
