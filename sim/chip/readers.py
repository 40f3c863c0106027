"""What the reader between the client and the card does to APDUs: chosen reader behaviours.

Real readers differ, and clients break on them. A :class:`ReaderPath` wraps any
:class:`~sim.chip.model.CardModel` and shows it to the client (in process or through vpcd)
the way one kind of reader would:

* :attr:`ReaderKind.CONTACT`: a contact reader speaking T=1 with extended APDUs (the default;
  the card as it is).
* :attr:`ReaderKind.NO_EXTENDED`: a reader without extended-length support. An extended APDU
  never reaches the card; the reader answers ``6700``, the failure CARD.md section 6 names
  for such paths (Android NFC, some contact readers), on which a client falls back to short
  READ BINARY.
* :attr:`ReaderKind.T0`: a T=0-style path. Short APDUs only (extended ones ``6700``); a command
  that sends data and expects data back is answered ``61xx`` and its data fetched with GET
  RESPONSE (``00 C0 00 00 xx``); a command that only expects data, with an ``Le`` that is not
  what the card has, is answered ``6Cxx`` (send it again with ``Le = xx``).
* :attr:`ReaderKind.NFC`: a contactless (ISO 14443 Type B) reader: it makes up its own ATR
  (PC/SC part 3), and the card's RSA is slow over the field: each signature is answered
  after :attr:`ReaderProfile.sign_delay_ms` milliseconds (hundreds on a real card).

The wrapper keeps the card's own behaviour otherwise; it is a transport, not a second card.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum, unique

from apdu.command import DecodedCommand, decode_command
from apdu.errors import MalformedApduError

from .applets import sw
from .model import CardModel, CardWrapper

__all__ = [
    "DEFAULT_NFC_SIGN_DELAY_MS",
    "NFC_ATR",
    "ReaderKind",
    "ReaderPath",
    "ReaderProfile",
]

DEFAULT_NFC_SIGN_DELAY_MS = 600
"""How long a signature takes over NFC unless told otherwise (real cards: hundreds of ms)."""


def _with_tck(atr_without_tck: bytes) -> bytes:
    check = 0
    for byte in atr_without_tck[1:]:
        check ^= byte
    return atr_without_tck + bytes((check,))


NFC_ATR = _with_tck(bytes.fromhex("3B888001") + bytes.fromhex("0000000000817100"))
"""The ATR a PC/SC contactless reader makes up for a Type B card: ``3B 88 80 01``, eight
historical bytes (ATQB application data, protocol info, MBLI/CID), and the check byte."""

_INS_SIGN = 0x2A
_INS_GET_RESPONSE = 0xC0
_MAX_SHORT = 256
_OK = b"\x90\x00"


@unique
class ReaderKind(StrEnum):
    """The reader behaviours a served card can sit behind (``--reader-profile``)."""

    CONTACT = "contact"
    NO_EXTENDED = "no-extended"
    T0 = "t0"
    NFC = "nfc"

    @property
    def extended(self) -> bool:
        """Whether extended-length APDUs pass this reader."""
        return _TRAITS[self].extended


@dataclass(frozen=True, slots=True)
class _Traits:
    """What one kind of reader does to the card's traffic, apart from T=0's own exchange."""

    extended: bool
    """Extended-length APDUs pass."""
    atr: bytes | None = None
    """The ATR the reader makes up instead of the card's (None: the card's)."""
    sign_delay_ms: int = 0
    """Milliseconds a signature takes through the reader unless a profile says otherwise."""


_TRAITS = {
    ReaderKind.CONTACT: _Traits(extended=True),
    ReaderKind.NO_EXTENDED: _Traits(extended=False),
    ReaderKind.T0: _Traits(extended=False),
    ReaderKind.NFC: _Traits(extended=True, atr=NFC_ATR, sign_delay_ms=DEFAULT_NFC_SIGN_DELAY_MS),
}


@dataclass(frozen=True, slots=True)
class ReaderProfile:
    """A reader behaviour and its setting.

    :param kind: which behaviour.
    :param sign_delay_ms: milliseconds added to each successful COMPUTE DIGITAL SIGNATURE
        (None: :data:`DEFAULT_NFC_SIGN_DELAY_MS` for NFC, 0 otherwise).
    """

    kind: ReaderKind = ReaderKind.CONTACT
    sign_delay_ms: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, ReaderKind):
            raise TypeError("kind must be a ReaderKind")
        if self.sign_delay_ms is not None and not 0 <= self.sign_delay_ms <= 60_000:
            raise ValueError("the signature delay is 0 to 60000 ms")

    @property
    def sign_delay(self) -> float:
        """Seconds added to each signature."""
        delay_ms = self.sign_delay_ms
        if delay_ms is None:
            delay_ms = _TRAITS[self.kind].sign_delay_ms
        return delay_ms / 1000


class ReaderPath(CardWrapper[CardModel]):
    """A :class:`~sim.chip.model.CardModel`: *card* as seen through a reader of *profile*.

    :param card: the card in the reader.
    :param profile: the reader's behaviour (default: a contact reader, nothing changed).
    """

    def __init__(self, card: CardModel, profile: ReaderProfile | None = None) -> None:
        super().__init__(card)
        self._profile = ReaderProfile() if profile is None else profile
        self._pending = b""
        self._pending_sw = _OK

    def __repr__(self) -> str:
        return f"ReaderPath({self._profile.kind.value}, {self._card!r})"

    @property
    def profile(self) -> ReaderProfile:
        """The reader's behaviour."""
        return self._profile

    @property
    def atr(self) -> bytes:
        """The card's ATR, or the one a contactless reader makes up."""
        made_up = _TRAITS[self._profile.kind].atr
        return self._card.atr if made_up is None else made_up

    def power_on(self) -> None:
        """Power the card up (a pending answer is dropped)."""
        self._pending = b""
        super().power_on()

    def power_off(self) -> None:
        """Power the card down (a pending answer is dropped)."""
        self._pending = b""
        super().power_off()

    def reset(self) -> None:
        """Reset the card (a pending answer is dropped)."""
        self._pending = b""
        super().reset()

    def process(self, command: bytes) -> bytes:
        """Pass *command* through the reader to the card and the answer back."""
        kind = self._profile.kind
        try:
            decoded = decode_command(bytes(command))
        except MalformedApduError:
            decoded = None
        if decoded is not None and decoded.extended and not kind.extended:
            self._pending = b""
            return sw.WRONG_LENGTH  # the reader cannot carry it; the card never sees it
        if kind is ReaderKind.T0:
            return self._t0(command, decoded)
        response = self._card.process(command)
        delay = self._profile.sign_delay
        if delay and len(command) > 1 and command[1] == _INS_SIGN and response.endswith(_OK):
            time.sleep(delay)
        return response

    def _t0(self, command: bytes, decoded: DecodedCommand | None) -> bytes:
        apdu = None if decoded is None else decoded.apdu
        if apdu is not None and apdu.ins == _INS_GET_RESPONSE and apdu.cla == 0x00:
            if self._pending:
                return self._get_response(apdu.le or _MAX_SHORT)
        self._pending = b""
        response = self._card.process(command)
        data, status = response[:-2], response[-2:]
        if apdu is None or not data:
            return response
        if apdu.data:
            # Case 4: T=0 carries the data in, the answer comes with GET RESPONSE.
            self._pending, self._pending_sw = data, status
            return sw.more_data(min(len(data), _MAX_SHORT))
        le = apdu.le or _MAX_SHORT
        if le != len(data) and len(data) <= _MAX_SHORT:
            return sw.wrong_le(len(data))
        if len(data) > _MAX_SHORT:
            self._pending, self._pending_sw = data, status
            return self._get_response(_MAX_SHORT)
        return response

    def _get_response(self, le: int) -> bytes:
        piece, rest = self._pending[:le], self._pending[le:]
        self._pending = rest
        if rest:
            return piece + sw.more_data(min(len(rest), _MAX_SHORT))
        return piece + self._pending_sw
