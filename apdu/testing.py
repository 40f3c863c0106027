"""A scripted connection for transcript tests: it fails on any unexpected command.

Use it to pin down exactly which APDUs an operation sends::

    conn = ScriptedConnection([("00A4040C0AD392F000260100000001", "9000")])
    ApduProtocol(conn).select_application(bytes.fromhex("D392F000260100000001"))
    conn.assert_done()
"""

from __future__ import annotations

from collections.abc import Iterable

from .connection import OpenedConnection
from .trace import format_command

__all__ = ["ScriptMismatchError", "ScriptedConnection"]


def _norm(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text.replace(" ", ""))


class ScriptMismatchError(AssertionError):
    """The code under test sent a command the script did not expect (or sent too few)."""


class ScriptedConnection(OpenedConnection):
    """Answers a fixed list of ``(expected command hex, response hex)`` pairs, in order.

    A response may also be an exception instance, raised instead of answering (to simulate
    a transport failure at that point).
    """

    def __init__(
        self,
        script: Iterable[tuple[str, str | BaseException]],
        *,
        atr: bytes = bytes.fromhex("3BE000FF8131FE4514"),
        name: str = "scripted",
    ) -> None:
        super().__init__(name, atr)
        self._script = [(_norm(command), response) for command, response in script]
        self._position = 0

    def _exchange(self, command: bytes) -> bytes:
        if self._position >= len(self._script):
            raise ScriptMismatchError(f"unexpected extra command {format_command(command)}")
        expected, response = self._script[self._position]
        if command != expected:
            raise ScriptMismatchError(
                f"command #{self._position + 1}: expected {format_command(expected)}, "
                f"got {format_command(command)}"
            )
        self._position += 1
        if isinstance(response, BaseException):
            raise response
        return _norm(response)

    def assert_done(self) -> None:
        """Fail unless every scripted command was sent."""
        if self._position != len(self._script):
            missing = format_command(self._script[self._position][0])
            raise ScriptMismatchError(
                f"only {self._position} of {len(self._script)} commands sent; next: {missing}"
            )
