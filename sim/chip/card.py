"""The simulated My Number Card: the chip as a pure state machine, raw bytes in and out.

:class:`SimulatedCard` implements :class:`~sim.chip.model.CardModel`. It checks what every command
shares (CLA, INS, the length fields), keeps the power and selection state, injects the
configured :class:`~sim.chip.faults.Faults`, and hands the command to the selected application
(:mod:`sim.chip.applets`). It never raises on command bytes: whatever arrives gets a response with
a valid status word, as from a chip.

Answers for what CARD.md does not pin down, chosen to be ISO 7816-4 and to match the peers:

* CLA: ``00`` (ISO commands) and ``80`` (COMPUTE DIGITAL SIGNATURE, the last-command
  indicator ``80 FC``). Logical channel bits answer ``6881``, secure-messaging bits ``6882``,
  anything else ``6E00``; a known INS under the wrong one of ``00``/``80`` also ``6E00``.
* Command chaining (CLA bit ``10``) follows the ATR: a card with the newer ATR (whose
  historical bytes offer chaining) joins the chained commands' data and runs the last one
  (each earlier link answers ``9000``; a different command in the middle ``6883``); a card
  with the older ATR (no historical bytes, nothing offered) answers ``6884``.
* GET DATA (``00 CA P1 P2 Le``) answers at the MF level, before any application is selected:
  ``00F0`` municipality code, ``00F2`` card expiry, ``5F51`` the contact ATR without TS;
  any other object, or any object once an application is selected, ``6A88``. The values
  are the object's value bytes [inferred: the real encoding is not published].
* ``80 FC 00 00`` (the smartphone token's last-command indicator) answers ``6700`` on a card.
* A command while the card is unpowered answers ``6F00``: nothing in the protocol can carry
  "no answer", and the connection layer powers the card before use.
* READ BINARY by offset with no current EF answers ``6986``; reading a key or PIN EF
  ``6981``; GET RESPONSE with nothing pending ``6985``; GET CHALLENGE with an extended
  ``Le`` ``6985`` (as a peer saw on a card).
* A warm :meth:`~SimulatedCard.reset` clears the volatile state like a power cycle (the
  :class:`~sim.chip.model.CardModel` contract, and CARD.md: only power-off or a reset clears
  a verified PIN). SELECT does not clear it, re-selecting the same application included.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from enum import IntEnum, unique
from functools import lru_cache
from typing import Any

from apdu.command import MAX_LE_SHORT, CommandApdu, ReferenceDataIns, decode_command
from apdu.errors import MalformedApduError
from apdu.ins import Ins
from apdu.lazylog import LazyLogger
from apdu.trace import SECRET_INS
from sim.carddata import AtrKind, CardData

from .applets import Applet, Application, ChipFile, build_applets, sw
from .faults import Faults
from .model import Chip

# Readers and middleware send the same few commands over and over (SELECT, VERIFY queries,
# READ BINARY at the same offsets); decoding is most of the cost of answering them, and the
# decoded command is immutable, so it is shared. Commands with fresh data (SIGN) just miss.
_decode = lru_cache(maxsize=1024)(decode_command)

__all__ = ["DEFAULT_LOG_LIMIT", "SimulatedCard"]

logger = LazyLogger(__name__)

DEFAULT_LOG_LIMIT = 10_000
"""How many received commands the card remembers by default (oldest dropped first)."""

_CHAIN_BIT = 0x10
_MAX_CHAINED_DATA = 65535
_GET_RESPONSE_INS_BYTE = bytes((Ins.GET_RESPONSE,))
_SELECT_P2_ALLOWED = (0x00, 0x0C)  # 0C: no FCI; 00 is answered the same way (no FCI exists)
_REDACTED = 0x2A  # '*'


@unique
class _Cla(IntEnum):
    """The class bytes the card answers (chaining bit cleared)."""

    ISO = 0x00
    PROPRIETARY = 0x80


@unique
class _ChipIns(IntEnum):
    """Instructions the chip answers that the client never sends."""

    GET_DATA = 0xCA
    LAST_COMMAND = 0xFC
    """The smartphone token's last-command indicator."""


@unique
class _SelectBy(IntEnum):
    """SELECT's P1: what the command's data names."""

    MF = 0x00
    EF = 0x02
    NAME = 0x04


@unique
class _DataObject(IntEnum):
    """The objects GET DATA answers at the MF level, by P1 P2."""

    MUNICIPALITY = 0x00F0
    EXPIRY = 0x00F2
    ATR = 0x5F51


class _StoreFailedError(Exception):
    """The card's persistent-memory write (:attr:`SimulatedCard.on_store`) failed."""


# Which CardData field each PIN is stored in, for the persistent snapshot.
_PIN_FIELDS: tuple[tuple[str, ChipFile], ...] = (
    ("auth_pin", ChipFile.JPKI_AUTH_PIN),
    ("sign_password", ChipFile.JPKI_SIGN_PIN),
    ("card_info_pin", ChipFile.CARD_INFO_PIN),
    ("juki_pin", ChipFile.JUKI_PIN),
)


def _cla_error(cla: int) -> bytes | None:
    """The answer to a CLA the card refuses, or None for ``00`` and ``80``."""
    if cla & 0x60 == 0x00:  # 0x00-0x1F interindustry, 0x80-0x9F proprietary, same layout
        if cla & 0x03:
            return sw.CHANNEL_NOT_SUPPORTED
        if cla & 0x0C:
            return sw.SECURE_MESSAGING_NOT_SUPPORTED
        return None  # with or without the chaining bit: the card decides (its ATR)
    if cla & 0xC0 == 0x40:  # 0x40-0x7F: further interindustry, logical channels 4-19
        return sw.CHANNEL_NOT_SUPPORTED
    return sw.CLA_NOT_SUPPORTED


_CLA_ERRORS = tuple(_cla_error(cla) for cla in range(256))


def _redact(command: bytes) -> bytes:
    """*command* with the data of a PIN-carrying command masked (``2A`` bytes)."""
    if len(command) > 5 and command[1] in SECRET_INS:
        return command[:5] + bytes((_REDACTED,)) * (len(command) - 5)
    return command


class SimulatedCard(Chip):
    """A software My Number Card.

    :param data: the card's contents (default: a card with no certificates or keys).
    :param faults: the misbehaviours to inject (default none).
    :param log_limit: how many received commands :attr:`received` keeps; None for all.
    """

    def __init__(
        self,
        data: CardData | None = None,
        *,
        faults: Faults | None = None,
        log_limit: int | None = DEFAULT_LOG_LIMIT,
    ) -> None:
        self._data = CardData() if data is None else data
        applets = build_applets(self._data)
        self._by_aid: dict[bytes, Applet] = {
            applet.application.value: applet for applet in applets if applet.application is not None
        }
        self._applets = applets
        self._master = Applet(None, ())  # the MF level: nothing selected, no files
        self._current = self._master
        super().__init__(self._data.atr.atr)
        self._present = True
        self._fresh = False
        self._pending = b""
        self._pending_sw = sw.OK
        self._extended = False  # whether the command being processed used extended lengths
        self._chaining = self._data.atr is AtrKind.NEW  # what the ATR's historical bytes offer
        self._chain_head: tuple[int, int, int, int] | None = None
        self._chain_data = b""
        self._log: deque[bytes] = deque(maxlen=log_limit)
        self._internal_errors = 0
        self._on_store: Callable[[CardData], None] | None = None
        self._faults = Faults()
        self._faulty = False
        self._commands_since_faults = 0
        if faults is not None:
            self.faults = faults
        self._routes: dict[int, tuple[int, Callable[[CommandApdu], bytes]]] = {
            Ins.SELECT: (_Cla.ISO, self._select),
            Ins.READ_BINARY: (_Cla.ISO, self._read_binary),
            Ins.READ_RECORD: (_Cla.ISO, self._read_record),
            ReferenceDataIns.VERIFY: (_Cla.ISO, self._verify),
            ReferenceDataIns.CHANGE_REFERENCE_DATA: (_Cla.ISO, self._change_reference_data),
            Ins.GET_CHALLENGE: (_Cla.ISO, self._get_challenge),
            Ins.GET_RESPONSE: (_Cla.ISO, self._get_response),
            Ins.PERFORM_SECURITY_OPERATION: (_Cla.PROPRIETARY, self._compute_signature),
            _ChipIns.GET_DATA: (_Cla.ISO, self._get_data),
            _ChipIns.LAST_COMMAND: (_Cla.PROPRIETARY, self._last_command),
        }

    def __repr__(self) -> str:
        state = "powered" if self._powered else "unpowered"
        return f"SimulatedCard({self._data.token_name}, {state})"

    # -- CardModel --------------------------------------------------------------------------

    def power_on(self) -> None:
        """Cold reset: volatile state starts afresh (a removed card stays unpowered)."""
        if not self._present:
            return
        self._drop_volatile_state()
        super().power_on()
        self._fresh = self._faults.fail_first_after_power_on

    def power_off(self) -> None:
        """Power down: selected application and EF, verified PINs, pending data are lost."""
        super().power_off()
        self._drop_volatile_state()

    def process(self, command: bytes) -> bytes:
        """Answer one command APDU; never raises, always data + SW1 SW2."""
        try:
            return self._process(command)
        except _StoreFailedError as exc:
            # Nothing about the PIN is answered: its new state could not be stored.
            logger.info("the simulated card could not store its state: %s", exc.__cause__)
            return sw.MEMORY_FAILURE
        except Exception:  # noqa: BLE001 - a chip answers whatever happens inside it
            self._internal_errors += 1
            logger.exception("the simulated card failed on a command; answering 6F00")
            return sw.NO_PRECISE_DIAGNOSIS

    # -- state for tests and servers -------------------------------------------------------

    @property
    def present(self) -> bool:
        """Whether the card is in the reader (False after a ``remove_after`` fault fired)."""
        return self._present

    def insert(self) -> None:
        """Put a removed card back (unpowered); the removal countdown starts again."""
        self._present = True
        self._commands_since_faults = 0

    @property
    def faults(self) -> Faults:
        """The faults being injected; assign a new :class:`Faults` to change them."""
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._faults = faults
        self._faulty = faults.any
        self._commands_since_faults = 0

    @property
    def received(self) -> list[bytes]:
        """The commands the card received, oldest first; PIN data masked with ``2A`` bytes."""
        return list(self._log)

    def clear_received(self) -> None:
        """Forget the received commands."""
        self._log.clear()

    @property
    def internal_errors(self) -> int:
        """How many commands hit a bug in the simulator (answered ``6F00``); should be 0."""
        return self._internal_errors

    @property
    def current_application(self) -> Application | None:
        """The selected application, or None at the MF level."""
        return self._current.application

    def applet(self, application: Application) -> Applet:
        """The simulated application with this AID (to inspect files and PINs in tests)."""
        return self._by_aid[application.value]

    @property
    def card_data(self) -> CardData:
        """The card data with the persistent state as it is now (PIN values, tries left)."""
        changes: dict[str, Any] = {}
        for field_name, pin_file in _PIN_FIELDS:
            changes[field_name] = self.applet(pin_file.application).pin(pin_file.fid).setting
        return replace(self._data, **changes)

    @property
    def on_store(self) -> Callable[[CardData], None] | None:
        """The card's persistent memory: called with :attr:`card_data` after each change of a
        PIN's counter or value, before the card answers anything that depends on it.

        If it raises, the change is undone and the command is answered ``6581`` (memory
        failure): a try that cannot be stored is never answered. None (the default) keeps
        the state in this object only.
        """
        return self._on_store

    @on_store.setter
    def on_store(self, hook: Callable[[CardData], None] | None) -> None:
        self._on_store = hook
        for _, pin_file in _PIN_FIELDS:
            self.applet(pin_file.application).pin(pin_file.fid).on_store = (
                None if hook is None else self._store
            )

    def _store(self) -> None:
        hook = self._on_store
        if hook is not None:
            try:
                hook(self.card_data)
            except Exception as exc:
                raise _StoreFailedError from exc

    # -- command processing ------------------------------------------------------------------

    def _drop_volatile_state(self) -> None:
        self._current = self._master
        self._pending = b""
        self._pending_sw = sw.OK
        self._fresh = False
        self._chain_head = None
        self._chain_data = b""
        for applet in self._applets:
            applet.on_power_off()

    def _process(self, command: bytes) -> bytes:
        if not self._powered:
            return sw.NO_PRECISE_DIAGNOSIS
        command = bytes(command)  # no copy for bytes; a bytearray must not change in the log
        if self._faulty and not self._before_command():
            return sw.NO_PRECISE_DIAGNOSIS
        self._log.append(_redact(command))
        if self._pending and command[1:2] != _GET_RESPONSE_INS_BYTE:
            self._pending = b""  # any other command ends a chained response
        if self._fresh:
            self._fresh = False
            return sw.NO_PRECISE_DIAGNOSIS
        if len(command) < 4:
            return sw.WRONG_LENGTH
        cla, ins = command[0], command[1]
        refused = _CLA_ERRORS[cla]
        if refused is not None:
            return refused
        chained = bool(cla & _CHAIN_BIT)
        if chained:
            cla &= ~_CHAIN_BIT
            command = bytes((cla,)) + command[1:]
        route = self._routes.get(ins)
        if route is None:
            return self._drop_chain(sw.INS_NOT_SUPPORTED)
        if route[0] != cla:
            return self._drop_chain(sw.CLA_NOT_SUPPORTED)
        try:
            decoded = _decode(command)
        except MalformedApduError:
            return self._drop_chain(sw.WRONG_LENGTH)
        self._extended = decoded.extended
        if decoded.extended and self._faults.refuse_extended:
            return self._drop_chain(sw.WRONG_LENGTH)
        apdu = decoded.apdu
        if chained or self._chain_head is not None:
            linked = self._link(apdu, chained=chained)
            if isinstance(linked, bytes):
                return linked
            apdu = linked
        response = route[1](apdu)
        if self._faulty and ins != Ins.GET_RESPONSE:
            response = self._after_command(ins, response)
        return response

    def _drop_chain(self, answer: bytes) -> bytes:
        self._chain_head = None
        self._chain_data = b""
        return answer

    def _link(self, apdu: CommandApdu, *, chained: bool) -> CommandApdu | bytes:
        """One command of a chain: keep its data (answer), or the whole command to run."""
        if not self._chaining:
            return self._drop_chain(sw.CHAINING_NOT_SUPPORTED)
        head = (apdu.cla, apdu.ins, apdu.p1, apdu.p2)
        if self._chain_head is not None and self._chain_head != head:
            return self._drop_chain(sw.LAST_COMMAND_EXPECTED)
        data = self._chain_data + apdu.data
        if len(data) > _MAX_CHAINED_DATA:
            return self._drop_chain(sw.WRONG_LENGTH)
        if chained:
            if apdu.le is not None or not apdu.data:
                return self._drop_chain(sw.WRONG_LENGTH)  # a link carries data, no Le
            self._chain_head, self._chain_data = head, data
            return sw.OK
        self._drop_chain(sw.OK)
        return CommandApdu(apdu.cla, apdu.ins, apdu.p1, apdu.p2, data, apdu.le)

    def _before_command(self) -> bool:
        """Apply removal and latency; False when the card has just left the reader."""
        faults = self._faults
        if faults.remove_after is not None:
            if self._commands_since_faults >= faults.remove_after:
                logger.info("simulated card removed after %d commands", faults.remove_after)
                self._present = False
                self.power_off()
                return False
            self._commands_since_faults += 1
        if faults.latency:
            time.sleep(faults.latency)
        return True

    def _after_command(self, ins: int, response: bytes) -> bytes:
        faults = self._faults
        if (
            faults.sign_latency
            and ins == Ins.PERFORM_SECURITY_OPERATION
            and response.endswith(sw.OK)
        ):
            time.sleep(faults.sign_latency)
        chunk = faults.get_response_chunk
        if chunk is not None and len(response) - 2 > chunk:
            return self._chain(response[:-2], response[-2:], chunk)
        return response

    def _chain(self, data: bytes, final_sw: bytes, first: int) -> bytes:
        """Answer *first* bytes of *data*; keep the rest for GET RESPONSE behind ``61xx``."""
        piece, rest = data[:first], data[first:]
        if not rest:
            return piece + final_sw
        self._pending, self._pending_sw = rest, final_sw
        chunk = self._faults.get_response_chunk or MAX_LE_SHORT
        return piece + sw.more_data(min(len(rest), chunk))

    def _select(self, command: CommandApdu) -> bytes:
        p1 = command.p1
        if p1 == _SelectBy.NAME:
            # Only a full AID matches: partial names and foreign AIDs are "not found".
            applet = self._by_aid.get(command.data)
            if applet is None:
                return sw.FILE_NOT_FOUND
            if command.p2 not in _SELECT_P2_ALLOWED:
                return sw.INCORRECT_P1P2
            self._current = applet
            applet.on_select()
            return sw.OK
        if p1 == _SelectBy.EF:
            if command.p2 not in _SELECT_P2_ALLOWED:
                return sw.INCORRECT_P1P2
            if len(command.data) != 2:
                return sw.WRONG_LENGTH
            return self._current.select_file(int.from_bytes(command.data, "big"))
        if p1 == _SelectBy.MF:
            # As a peer saw: 00 A4 00 00 keeps the current application, and is refused at
            # the MF level; a file ID (3F00 included) is not found.
            if command.data:
                return sw.FILE_NOT_FOUND
            return sw.INCORRECT_P1P2 if self._current is self._master else sw.OK
        return sw.INCORRECT_P1P2

    def _read_binary(self, command: CommandApdu) -> bytes:
        # 6Cxx can only name a short Le.
        exact_le = self._faults.exact_le and not self._extended
        return self._current.read_binary(command, exact_le=exact_le)

    def _read_record(self, command: CommandApdu) -> bytes:
        return self._current.read_record(command)

    def _verify(self, command: CommandApdu) -> bytes:
        return self._current.verify(command)

    def _change_reference_data(self, command: CommandApdu) -> bytes:
        return self._current.change_reference_data(command)

    def _compute_signature(self, command: CommandApdu) -> bytes:
        return self._current.compute_signature(command)

    def _get_challenge(self, command: CommandApdu) -> bytes:
        if command.p1 or command.p2:
            return sw.INCORRECT_P1P2
        le = command.le
        if le is None or command.data:
            return sw.WRONG_LENGTH
        if self._extended:
            return sw.CONDITIONS_NOT_SATISFIED  # short Le only, as on a real card
        return secrets.token_bytes(le) + sw.OK

    def _get_data(self, command: CommandApdu) -> bytes:
        le = command.le
        if le is None or command.data:
            return sw.WRONG_LENGTH
        if self._current is not self._master:
            return sw.DATA_NOT_FOUND
        value = self._data_objects().get((command.p1 << 8) | command.p2)
        if value is None:
            return sw.DATA_NOT_FOUND
        if le < len(value):
            return sw.WRONG_LENGTH  # as a peer saw for large objects and a short Le
        return value + sw.OK

    def _data_objects(self) -> dict[int, bytes]:
        data = self._data
        return {
            _DataObject.MUNICIPALITY: data.municipality_code.encode("ascii"),
            _DataObject.EXPIRY: data.card_expiry.strftime("%Y%m%d").encode("ascii"),
            _DataObject.ATR: self._atr[1:],
        }

    def _last_command(self, command: CommandApdu) -> bytes:
        # Known to the chip (the smartphone token uses it); a physical card answers 6700.
        return sw.WRONG_LENGTH

    def _get_response(self, command: CommandApdu) -> bytes:
        pending, self._pending = self._pending, b""
        if command.p1 or command.p2:
            return sw.INCORRECT_P1P2
        le = command.le
        if le is None or command.data:
            return sw.WRONG_LENGTH
        if not pending:
            return sw.CONDITIONS_NOT_SATISFIED
        return self._chain(pending, self._pending_sw, le)
