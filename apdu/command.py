"""Command APDUs: a frozen value type with ISO 7816-4 short and extended encoding.

The four cases are kept apart exactly: a command with no data and no ``Le`` is case 1 and is
sent as its 4-byte header, never silently turned into case 2 (the My Number Card answers a PIN
counter query only in case 1, and ``6700`` to the same query with a trailing ``Le``).
"""

from __future__ import annotations

from enum import IntEnum, unique

from ._value import FrozenValue
from .errors import MalformedApduError

__all__ = [
    "MAX_LE_EXTENDED",
    "MAX_LE_SHORT",
    "REFERENCE_DATA_INS",
    "CommandApdu",
    "DecodedCommand",
    "ReferenceDataIns",
    "decode_command",
]

MAX_LE_SHORT = 256
MAX_LE_EXTENDED = 65536
_MAX_LC_SHORT = 255


@unique
class ReferenceDataIns(IntEnum):
    """The ISO 7816-4 instructions whose command data is reference data (a PIN, a password).

    Their data is never traced, logged, echoed or taken from a command line, and a command
    carrying it is never sent twice. This is the one definition the trace, the protocol, the
    command line and the simulated card share.
    """

    VERIFY = 0x20
    VERIFY_BER = 0x21
    CHANGE_REFERENCE_DATA = 0x24
    CHANGE_REFERENCE_DATA_BER = 0x25
    DISABLE_VERIFICATION_REQUIREMENT = 0x26
    ENABLE_VERIFICATION_REQUIREMENT = 0x28
    RESET_RETRY_COUNTER = 0x2C
    RESET_RETRY_COUNTER_BER = 0x2D


REFERENCE_DATA_INS: frozenset[int] = frozenset(int(ins) for ins in ReferenceDataIns)
"""The bytes of :class:`ReferenceDataIns`, for a fast membership test on a raw INS."""

_MAX_LC_EXTENDED = 65535


def _check_byte(name: str, value: int) -> None:
    if not 0 <= value <= 0xFF:
        raise MalformedApduError(f"{name} must be a byte (0-255), got {value}")


class CommandApdu(FrozenValue):
    """One command APDU.

    :param cla: class byte.
    :param ins: instruction byte.
    :param p1: parameter 1.
    :param p2: parameter 2.
    :param data: command data (``Lc`` is its length); empty for cases 1 and 2.
    :param le: expected response length, 1-65536, or ``None`` when no ``Le`` is sent.
        256 is encoded as ``00`` in short form, 65536 as ``0000`` in extended form.
    """

    __slots__ = ("cla", "ins", "p1", "p2", "data", "le")

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None

    def __init__(
        self, cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None
    ) -> None:
        _check_byte("CLA", cla)
        _check_byte("INS", ins)
        _check_byte("P1", p1)
        _check_byte("P2", p2)
        if not isinstance(data, bytes):
            raise MalformedApduError("command data must be bytes")
        if len(data) > _MAX_LC_EXTENDED:
            raise MalformedApduError(
                f"command data is {len(data)} bytes, more than the 65535 an APDU can carry"
            )
        if le is not None and not 1 <= le <= MAX_LE_EXTENDED:
            raise MalformedApduError(f"Le must be 1-65536 or absent, got {le}")
        self._set_fields(cla, ins, p1, p2, data, le)

    @property
    def case(self) -> int:
        """The ISO 7816-3 case: 1 (no data, no Le), 2 (Le), 3 (data), 4 (data and Le)."""
        if self.data:
            return 4 if self.le is not None else 3
        return 2 if self.le is not None else 1

    @property
    def header(self) -> bytes:
        """The 4-byte header ``CLA INS P1 P2``."""
        return bytes((self.cla, self.ins, self.p1, self.p2))

    @property
    def needs_extended(self) -> bool:
        """Whether the command cannot be written in short form."""
        return len(self.data) > _MAX_LC_SHORT or (self.le or 0) > MAX_LE_SHORT

    def with_le(self, le: int | None) -> CommandApdu:
        """The same command with another ``Le``."""
        return CommandApdu(self.cla, self.ins, self.p1, self.p2, self.data, le)

    def to_bytes(self, extended: bool | None = None) -> bytes:
        """Encode the command.

        :param extended: ``True`` forces extended length fields, ``False`` forces short ones
            (an error if the command does not fit), ``None`` uses extended only when needed.
        """
        if extended is None:
            extended = self.needs_extended
        elif not extended and self.needs_extended:
            raise MalformedApduError(
                "command needs extended length fields (data over 255 bytes or Le over 256)"
            )
        out = bytearray(self.header)
        if self.case == 1:
            return bytes(out)
        if extended:
            out.append(0x00)
            if self.data:
                out += len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                out += (self.le % MAX_LE_EXTENDED).to_bytes(2, "big")
        else:
            if self.data:
                out.append(len(self.data))
                out += self.data
            if self.le is not None:
                out.append(self.le % MAX_LE_SHORT)
        return bytes(out)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Parse raw bytes strictly; raise :class:`MalformedApduError` saying what is wrong."""
        return decode_command(raw).apdu

    def __bytes__(self) -> bytes:
        return self.to_bytes()

    def __repr__(self) -> str:
        # The data of PIN-carrying commands never appears in a repr (logs, test failures).
        if self.ins in REFERENCE_DATA_INS and self.data:
            data = f"<{len(self.data)} bytes redacted>"
        else:
            data = repr(self.data)
        return (
            f"CommandApdu(cla=0x{self.cla:02X}, ins=0x{self.ins:02X}, p1=0x{self.p1:02X}, "
            f"p2=0x{self.p2:02X}, data={data}, le={self.le})"
        )


class DecodedCommand(FrozenValue):
    """A parsed command and whether it came with extended length fields."""

    __slots__ = ("apdu", "extended")

    apdu: CommandApdu
    extended: bool

    def __init__(self, apdu: CommandApdu, extended: bool) -> None:
        self._set_fields(apdu, extended)


def decode_command(raw: bytes) -> DecodedCommand:
    """Parse raw command bytes strictly (ISO 7816-3 cases 1-4, short and extended).

    :raises MalformedApduError: with a message that says what is wrong, such as
        ``"Lc says 10 bytes, 7 follow"``.
    """
    raw = bytes(raw)
    n = len(raw)
    if n < 4:
        raise MalformedApduError(f"a command APDU needs a 4-byte header, got {n} bytes")
    cla, ins, p1, p2 = raw[:4]
    body = raw[4:]
    if not body:
        return DecodedCommand(CommandApdu(cla, ins, p1, p2), extended=False)
    if len(body) == 1:
        return DecodedCommand(CommandApdu(cla, ins, p1, p2, le=body[0] or 256), extended=False)
    if body[0] != 0x00:
        lc = body[0]
        follow = len(body) - 1
        if follow == lc:
            return DecodedCommand(CommandApdu(cla, ins, p1, p2, body[1:]), extended=False)
        if follow == lc + 1:
            data, le = body[1:-1], body[-1] or 256
            return DecodedCommand(CommandApdu(cla, ins, p1, p2, data, le), extended=False)
        raise MalformedApduError(f"Lc says {lc} bytes, {follow} follow")
    if len(body) < 3:
        raise MalformedApduError(
            f"extended length field needs 3 bytes after the header, got {len(body)}"
        )
    if len(body) == 3:
        le = int.from_bytes(body[1:3], "big") or MAX_LE_EXTENDED
        return DecodedCommand(CommandApdu(cla, ins, p1, p2, le=le), extended=True)
    lc = int.from_bytes(body[1:3], "big")
    if lc == 0:
        raise MalformedApduError("extended Lc is 0 but bytes follow it")
    follow = len(body) - 3
    if follow == lc:
        return DecodedCommand(CommandApdu(cla, ins, p1, p2, body[3:]), extended=True)
    if follow == lc + 2:
        le = int.from_bytes(body[-2:], "big") or MAX_LE_EXTENDED
        return DecodedCommand(CommandApdu(cla, ins, p1, p2, body[3:-2], le), extended=True)
    raise MalformedApduError(f"extended Lc says {lc} bytes, {follow} follow")
