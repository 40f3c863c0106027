"""The connection base: what every implementation inherits (close once, refuse when closed)."""

from __future__ import annotations

import pytest

from apdu import OpenedConnection, TransportError
from apdu.testing import ScriptedConnection


class _Counting(OpenedConnection):
    """Answers 9000 and counts what it received and how often it was released."""

    def __init__(self) -> None:
        super().__init__("counting", bytes.fromhex("3BE000FF8131FE4514"))
        self.received: list[bytes] = []
        self.releases = 0

    def _exchange(self, command: bytes) -> bytes:
        self.received.append(command)
        return bytes.fromhex("9000")

    def _release(self) -> None:
        self.releases += 1


def test_name_and_atr_are_those_given_at_open() -> None:
    connection = _Counting()
    assert (connection.name, connection.atr) == ("counting", bytes.fromhex("3BE000FF8131FE4514"))


def test_close_releases_once_however_often_it_is_called() -> None:
    connection = _Counting()
    assert not connection.closed
    connection.close()
    connection.close()
    assert connection.closed and connection.releases == 1


def test_the_context_manager_closes() -> None:
    with _Counting() as connection:
        connection.transmit(bytes.fromhex("00A4040C"))
    assert connection.closed and connection.releases == 1


def test_a_closed_connection_refuses_commands_before_they_reach_the_card() -> None:
    connection = _Counting()
    connection.close()
    with pytest.raises(TransportError, match="the connection to 'counting' is closed"):
        connection.transmit(bytes.fromhex("00A4040C"))
    assert connection.received == []
    assert connection.apdu_count == 0


def test_a_closed_scripted_connection_spends_no_scripted_command() -> None:
    connection = ScriptedConnection([("00A4040C", "9000")])
    connection.close()
    with pytest.raises(TransportError, match="closed"):
        connection.transmit(bytes.fromhex("00A4040C"))
    with pytest.raises(AssertionError, match="only 0 of 1 commands sent"):
        connection.assert_done()
