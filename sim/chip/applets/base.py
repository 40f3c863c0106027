"""One application of the simulated chip: its files, and the commands that act on them.

The ISO commands below SELECT by AID (SELECT EF, READ BINARY, READ RECORD, VERIFY, CHANGE
REFERENCE DATA, COMPUTE DIGITAL SIGNATURE) behave the same in every application of the card;
only the files differ. The card routes a command here after checking CLA, INS and the length
fields, so every method takes a parsed :class:`~apdu.command.CommandApdu` and returns the raw
response (data + status word).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from apdu.command import CommandApdu

from . import sw
from .files import BinaryFile, DeferredBinaryFile, ElementaryFile, KeyFile, RecordFile
from .ids import Application
from .keys import SignScheme
from .pins import Pin

__all__ = ["Applet"]

_SFI_FLAG = 0x80
_MAX_SFI = 0x1E
_READ_RECORD_P1 = 0x04
_READ_RECORDS_FORWARD = 0x05
_READ_RECORDS_BACKWARD = 0x06
_SCHEMES = {scheme.value: scheme for scheme in SignScheme}


class Applet:
    """An application: AID, files and the volatile "current EF".

    :param application: which application (its AID); None for the MF level, where the card
        is before any application is selected (it has no files).
    :param files: the application's EFs, PINs included.
    :param clear_verified_on_select: selecting the application clears its PINs' verified
        state. Not observed on real cards, which keep it until power-off or reset; OpenSC
        logs out by re-selecting, so this option reproduces what it expects.
    """

    __slots__ = ("_files", "_pins", "application", "clear_verified_on_select", "current")

    def __init__(
        self,
        application: Application | None,
        files: Iterable[ElementaryFile],
        *,
        clear_verified_on_select: bool = False,
    ) -> None:
        table: dict[int, ElementaryFile] = {}
        for ef in files:
            if ef.fid in table:
                raise ValueError(f"two files {ef.fid:04X} in one application")
            table[ef.fid] = ef
        for ef in table.values():
            if isinstance(ef, KeyFile) and not isinstance(table.get(ef.pin), Pin):
                raise ValueError(f"key {ef.fid:04X} names PIN {ef.pin:04X}, which is not a PIN")
        self.application = application
        self.clear_verified_on_select = clear_verified_on_select
        self._files = table
        self._pins = tuple(ef for ef in table.values() if isinstance(ef, Pin))
        self.current: ElementaryFile | None = None

    def __repr__(self) -> str:
        name = "MF" if self.application is None else self.application.name
        return f"Applet({name}, {len(self._files)} files)"

    @property
    def files(self) -> Mapping[int, ElementaryFile]:
        """The files by file ID (read-only view)."""
        return MappingProxyType(self._files)

    @property
    def pins(self) -> tuple[Pin, ...]:
        """The application's PINs."""
        return self._pins

    def pin(self, fid: int) -> Pin:
        """The PIN with file ID *fid*; KeyError if there is none."""
        ef = self._files[fid]
        if not isinstance(ef, Pin):
            raise KeyError(fid)
        return ef

    # -- volatile state -------------------------------------------------------------------

    def on_select(self) -> None:
        """The application was selected: no current EF; verified PINs stay verified
        (unless the not-observed :attr:`clear_verified_on_select` option is on)."""
        self.current = None
        if self.clear_verified_on_select:
            for pin in self._pins:
                pin.verified = False

    def on_power_off(self) -> None:
        """Power went away: forget everything volatile."""
        self.current = None
        for pin in self._pins:
            pin.verified = False

    # -- helpers --------------------------------------------------------------------------

    def _by_sfi(self, sfi: int) -> ElementaryFile | None:
        # A file ID of this card is its short EF identifier (all are 0001-001E).
        if 1 <= sfi <= _MAX_SFI:
            return self._files.get(sfi)
        return None

    def _allowed(self, pins: frozenset[int]) -> bool:
        for fid in pins:
            ef = self._files.get(fid)
            if isinstance(ef, Pin) and ef.verified:
                return True
        return False

    def _reference(self, p2: int) -> ElementaryFile | bytes | None:
        """The EF a P2 of ``80`` (current EF) or ``80|SFI`` names, or an error answer."""
        if p2 == _SFI_FLAG:
            return self.current
        if _SFI_FLAG < p2 <= _SFI_FLAG | _MAX_SFI:
            return self._files.get(p2 & 0x1F)
        return sw.INCORRECT_P1P2

    def _pin_reference(self, command: CommandApdu, p1: int) -> Pin | bytes:
        """The PIN a VERIFY or CHANGE REFERENCE DATA names in P2, or the status to answer
        (P1 other than *p1*, no such PIN)."""
        if command.p1 != p1:
            return sw.INCORRECT_P1P2
        ef = self._reference(command.p2)
        if isinstance(ef, bytes):
            return ef
        if not isinstance(ef, Pin):
            return sw.REFERENCE_NOT_FOUND
        return ef

    # -- commands -------------------------------------------------------------------------

    def select_file(self, fid: int) -> bytes:
        """SELECT EF by file ID (P1 ``02``): ``9000`` without FCI, or ``6A82``."""
        ef = self._files.get(fid)
        if ef is None:
            return sw.FILE_NOT_FOUND
        self.current = ef
        return sw.OK

    def read_binary(self, command: CommandApdu, *, exact_le: bool = False) -> bytes:
        """READ BINARY by offset (P1 b8 = 0) or by short EF identifier (P1 = ``80|SFI``).

        :param exact_le: answer ``6Cxx`` instead of a short read when ``Le`` asks for more
            than the file has left (a fault mode; the real card reads short).
        """
        le = command.le
        if le is None or command.data:
            return sw.WRONG_LENGTH
        p1 = command.p1
        if p1 & _SFI_FLAG:
            if p1 & 0x60:
                return sw.INCORRECT_P1P2
            ef = self._by_sfi(p1 & 0x1F)
            if ef is None:
                return sw.FILE_NOT_FOUND
            self.current = ef
            offset = command.p2
        else:
            ef = self.current
            if ef is None:
                return sw.NO_CURRENT_EF
            offset = (p1 << 8) | command.p2
        if not isinstance(ef, BinaryFile | DeferredBinaryFile):
            return sw.INCOMPATIBLE_FILE
        if ef.read_pins and not self._allowed(ef.read_pins):
            return sw.SECURITY_NOT_SATISFIED
        content = ef.content
        left = len(content) - offset
        if left <= 0:
            return sw.OFFSET_OUTSIDE_FILE
        if exact_le and le > left:
            return sw.wrong_le(left)
        return content[offset : offset + le] + sw.OK

    def read_record(self, command: CommandApdu) -> bytes:
        """READ RECORD of one record (P2 low bits ``100``), current EF or by SFI."""
        le = command.le
        if le is None or command.data:
            return sw.WRONG_LENGTH
        p2 = command.p2
        mode = p2 & 0x07
        if mode != _READ_RECORD_P1:
            if mode in (_READ_RECORDS_FORWARD, _READ_RECORDS_BACKWARD):
                return sw.FUNCTION_NOT_SUPPORTED
            return sw.INCORRECT_P1P2
        sfi = p2 >> 3
        if sfi:
            if sfi > _MAX_SFI:
                return sw.INCORRECT_P1P2
            ef = self._by_sfi(sfi)
            if ef is None:
                return sw.FILE_NOT_FOUND
            self.current = ef
        else:
            ef = self.current
            if ef is None:
                return sw.NO_CURRENT_EF
        if not isinstance(ef, RecordFile):
            return sw.INCOMPATIBLE_FILE
        if ef.read_pins and not self._allowed(ef.read_pins):
            return sw.SECURITY_NOT_SATISFIED
        number = command.p1
        # Record 0 would be "the current record": no record pointer is kept, so none is.
        if not 1 <= number <= len(ef.records):
            return sw.RECORD_NOT_FOUND
        return ef.records[number - 1][:le] + sw.OK

    def verify(self, command: CommandApdu) -> bytes:
        """VERIFY: case 1 queries the counter, case 3 presents a PIN; a ``Le`` is ``6700``."""
        pin = self._pin_reference(command, 0x00)
        if isinstance(pin, bytes):
            return pin
        if command.le is not None:
            return sw.WRONG_LENGTH
        if not command.data:
            return pin.query()
        return pin.verify(command.data)

    def change_reference_data(self, command: CommandApdu) -> bytes:
        """CHANGE REFERENCE DATA with P1 ``01`` (new value only, after VERIFY)."""
        # P1 00 (old and new value in one command) is not offered by the card [inferred].
        pin = self._pin_reference(command, 0x01)
        if isinstance(pin, bytes):
            return pin
        if not command.data or command.le is not None:
            return sw.WRONG_LENGTH
        return pin.change(command.data)

    def compute_signature(self, command: CommandApdu) -> bytes:
        """COMPUTE DIGITAL SIGNATURE with the current key EF (P2 ``80``) or ``80|SFI``."""
        scheme = _SCHEMES.get(command.p1)
        if scheme is None:
            return sw.INCORRECT_P1P2
        ef = self._reference(command.p2)
        if isinstance(ef, bytes):
            return ef
        if not isinstance(ef, KeyFile):
            # P2 80 with no key EF current is a state problem; a P2 naming a non-key is not.
            return (
                sw.CONDITIONS_NOT_SATISFIED if command.p2 == _SFI_FLAG else sw.REFERENCE_NOT_FOUND
            )
        pin = self._files[ef.pin]
        if not (isinstance(pin, Pin) and pin.verified):
            return sw.SECURITY_NOT_SATISFIED
        signer = ef.signer
        short_le = command.le is not None and command.le < signer.signature_length
        if short_le or not scheme.accepts(command.data, signer.max_payload):
            return sw.WRONG_LENGTH
        return signer.sign(scheme, command.data) + sw.OK
