"""The ISO 7816-4 exchange over a :class:`~apdu.connection.Connection`.

It turns :class:`CommandApdu` into :class:`ResponseApdu` and takes care of what T=0 readers
and drivers add: ``61xx`` (fetch the rest with GET RESPONSE) and ``6Cxx`` (send again with
the exact ``Le``), both bounded so a misbehaving card cannot loop forever. Extended APDUs are
optional; when the card or reader answers ``6700`` to one, the protocol falls back to short
APDUs for the rest of its life. Files are read with the fewest READ BINARY commands: the first
chunk doubles as the probe for the object's length.
"""

from __future__ import annotations

from .ber import BerError, parse_header
from .command import MAX_LE_EXTENDED, MAX_LE_SHORT, REFERENCE_DATA_INS, CommandApdu
from .connection import Connection
from .errors import ApduError, ProtocolError
from .ins import Ins
from .lazylog import LazyLogger
from .response import ResponseApdu
from .status import SW

__all__ = ["ApduProtocol"]

logger = LazyLogger(__name__)

_SW_EOF_WARNING = 0x6282
_MAX_OFFSET = 0x7FFF
_MAX_SFI = 30


def select_application_command(aid: bytes) -> CommandApdu:
    """SELECT of an application by its full AID, asking for no FCI (``00 A4 04 0C``)."""
    return CommandApdu(0x00, Ins.SELECT, 0x04, 0x0C, bytes(aid))


def read_object_cost(size: int, max_response_length: int = MAX_LE_SHORT) -> int:
    """READ BINARY commands :meth:`ApduProtocol.read_object` sends for a *size*-byte object.

    The first read is the length probe and carries as much as one answer can, so a file costs
    ``ceil(size / max_response_length)`` reads, and never fewer than one.
    """
    return max(1, -(-size // max_response_length))


class ApduProtocol:
    """Send commands, follow ``61xx``/``6Cxx``, read whole files.

    :param connection: the card; the protocol does not own or close it.
    :param extended: allow extended length fields (falls back to short on ``6700``).
    :param max_get_response: the most GET RESPONSE commands one command may need.
    :param max_le_corrections: the most ``6Cxx`` re-sends one command may need.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        extended: bool = False,
        max_get_response: int = 64,
        max_le_corrections: int = 2,
    ) -> None:
        self._connection = connection
        self._extended = extended
        self._max_get_response = max_get_response
        self._max_le_corrections = max_le_corrections

    @property
    def connection(self) -> Connection:
        """The connection the protocol talks through."""
        return self._connection

    @property
    def extended(self) -> bool:
        """Whether extended APDUs are still in use (False after a fallback)."""
        return self._extended

    @property
    def max_response_length(self) -> int:
        """The largest ``Le`` this protocol asks for."""
        return MAX_LE_EXTENDED if self._extended else MAX_LE_SHORT

    def _exchange(self, command: CommandApdu) -> ResponseApdu:
        raw = self._connection.transmit(command.to_bytes(extended=command.needs_extended))
        return ResponseApdu.from_bytes(raw)

    def send(self, command: CommandApdu) -> ResponseApdu:
        """Send *command* and return the final response, whatever its status word.

        ``6Cxx`` is answered by sending the command again with the right ``Le``, and a
        ``6700`` to an extended command by sending it short, except for commands that carry
        reference data (:class:`~apdu.command.ReferenceDataIns` with data): those are never
        sent twice.
        """
        if command.needs_extended and not self._extended:
            if len(command.data) > 255:
                raise ProtocolError("command data over 255 bytes needs extended APDUs")
            command = command.with_le(MAX_LE_SHORT)
        response = self._exchange(command)
        if command.ins in REFERENCE_DATA_INS and command.data:
            # A command carrying a PIN is sent exactly once: a re-send after 6Cxx or 6700
            # would submit the PIN again and could spend a second try.
            return self._follow_get_response(response)
        if command.needs_extended and response.sw == SW.WRONG_LENGTH:
            logger.info("extended APDU refused with 6700; falling back to short APDUs")
            self._extended = False
            if len(command.data) > 255:
                return response
            command = command.with_le(MAX_LE_SHORT if command.le is not None else None)
            response = self._exchange(command)
        corrections = 0
        while response.sw1 == 0x6C:
            corrections += 1
            if corrections > self._max_le_corrections:
                raise ProtocolError(
                    f"card asked for a different Le more than {self._max_le_corrections} times"
                )
            command = command.with_le(response.sw2 or MAX_LE_SHORT)
            response = self._exchange(command)
        return self._follow_get_response(response)

    def _follow_get_response(self, response: ResponseApdu) -> ResponseApdu:
        if response.sw1 != 0x61:
            return response
        data = bytearray(response.data)
        for _ in range(self._max_get_response):
            get_response = CommandApdu(0x00, Ins.GET_RESPONSE, 0x00, 0x00, le=response.sw2 or 256)
            response = self._exchange(get_response)
            data += response.data
            if response.sw1 != 0x61:
                return ResponseApdu(bytes(data), response.sw)
        raise ProtocolError(
            f"card kept answering 61xx after {self._max_get_response} GET RESPONSE commands"
        )

    def call(self, command: CommandApdu) -> bytes:
        """Send *command*; return its data on ``9000``, else raise :class:`ApduError`."""
        return self.send(command).check()

    def select_application(self, aid: bytes) -> None:
        """SELECT an application by its full AID, asking for no FCI (``P2=0C``)."""
        self.call(select_application_command(aid))

    def select_file(self, fid: int) -> None:
        """SELECT an elementary file by its 2-byte file ID, asking for no FCI."""
        if not 0 <= fid <= 0xFFFF:
            raise ValueError(f"file ID must fit in 2 bytes, got {fid}")
        self.call(CommandApdu(0x00, Ins.SELECT, 0x02, 0x0C, fid.to_bytes(2, "big")))

    def read_binary(self, offset: int, length: int, *, sfi: int | None = None) -> bytes:
        """READ BINARY up to *length* bytes at *offset* of the current EF (or of *sfi*).

        A short EF identifier addresses the file without a SELECT and makes it the current
        EF; its offset is then limited to one byte.
        """
        if sfi is not None:
            if not 1 <= sfi <= _MAX_SFI:
                raise ValueError(f"a short EF identifier is 1-30, got {sfi}")
            if not 0 <= offset <= 0xFF:
                raise ValueError(f"with a short EF identifier the offset is 0-255, got {offset}")
            p1, p2 = 0x80 | sfi, offset
        else:
            if not 0 <= offset <= _MAX_OFFSET:
                raise ValueError(f"READ BINARY offset is 0-32767, got {offset}")
            p1, p2 = offset >> 8, offset & 0xFF
        response = self.send(CommandApdu(0x00, Ins.READ_BINARY, p1, p2, le=length))
        if response.sw == _SW_EOF_WARNING:
            return response.data
        return response.check()

    def read_object(self, *, sfi: int | None = None) -> bytes:
        """Read the BER/DER object at the start of the current EF (or of *sfi*), exactly.

        The first READ BINARY asks for as much as one APDU can carry and doubles as the
        length probe; further chunks are read by offset, the last one with the exact
        remaining length. Filler after the object is dropped.

        :raises ProtocolError: the file is shorter than its object says, or holds no object.
        """
        data = bytearray(self.read_binary(0, self.max_response_length, sfi=sfi))
        try:
            total = parse_header(bytes(data)).total_length
        except BerError as exc:
            raise ProtocolError(f"file does not start with a BER object: {exc}") from exc
        if total - 1 > _MAX_OFFSET + MAX_LE_EXTENDED:
            raise ProtocolError(f"object of {total} bytes is larger than a file can be read")
        while len(data) < total:
            offset = len(data)
            if offset > _MAX_OFFSET:
                raise ProtocolError(f"object of {total} bytes runs past the last READ offset")
            try:
                chunk = self.read_binary(offset, min(total - offset, self.max_response_length))
            except ApduError as exc:
                if exc.sw == SW.WRONG_P1P2_OFFSET:
                    raise ProtocolError(
                        f"file ends at {offset} bytes but its object says {total}"
                    ) from exc
                raise
            if not chunk:
                raise ProtocolError(f"file ends at {offset} bytes but its object says {total}")
            data += chunk
        return bytes(data[:total])

    def read_record(self, record: int, *, sfi: int | None = None) -> bytes:
        """READ RECORD *record* of the current EF (or of *sfi*), the whole record."""
        if not 1 <= record <= 0xFE:
            raise ValueError(f"record number is 1-254, got {record}")
        p2 = 0x04 if sfi is None else (sfi << 3) | 0x04
        return self.call(CommandApdu(0x00, Ins.READ_RECORD, record, p2, le=MAX_LE_SHORT))
