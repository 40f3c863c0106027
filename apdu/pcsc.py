"""PC/SC readers through pyscard: the only module of the toolkit that imports ``smartcard``.

pyscard is imported on first use, so this module (its value types, the reader-matching rules
and the error translation) loads without it. The PC/SC API is used directly
(``smartcard.scard``): one context per connection, released by :meth:`PcscConnection.close`,
never by a finalizer. Every PC/SC failure becomes a :class:`~apdu.errors.TransportError`
subclass, whichever of pyscard's two exception roots (or plain return codes) it came from.

Things worth knowing about pcsc-lite (observed with pcscd 1.9.9):

* Connecting exclusively while any other program has the card open, or connecting at all
  while another program holds it exclusively, fails at once with
  ``SCARD_E_SHARING_VIOLATION``; there is no waiting.
* A command or a transaction started while another program holds a transaction on the card
  waits (the client library retries) until that transaction ends, however long that is.
* A card removed between commands answers the next command with ``SCARD_W_REMOVED_CARD``
  once pcscd has noticed; a card pulled during a command gives ``SCARD_E_NOT_TRANSACTED``
  (or an empty answer) first. Both are reported as :class:`~apdu.errors.CardRemovedError`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum, unique
from typing import Any

from .connection import Connection
from .errors import (
    AmbiguousReaderError,
    BadResponseError,
    CardRemovedError,
    NoCardError,
    PcscUnavailableError,
    ReaderBusyError,
    ReaderNotFoundError,
    TransportError,
)

__all__ = [
    "Disposition",
    "PcscConnection",
    "ReaderInfo",
    "choose_reader",
    "error_for_code",
    "list_readers",
    "match_readers",
    "open_reader",
    "pcsc_code_name",
    "translate_exception",
    "wait_for_card",
    "wait_for_card_removal",
]

logger = logging.getLogger(__name__)

# PC/SC constants (values from the PC/SC specification, as in pcsc-lite's headers).
_SCOPE_USER = 0
_SHARE_EXCLUSIVE = 1
_SHARE_SHARED = 2
_PROTOCOL_T0 = 1
_PROTOCOL_T1 = 2
_LEAVE_CARD = 0
_STATE_UNAWARE = 0x0000
_STATE_CHANGED = 0x0002
_STATE_PRESENT = 0x0020
_STATE_MUTE = 0x0200

_S_SUCCESS = 0x00000000
_E_INVALID_HANDLE = 0x80100003
_E_UNKNOWN_READER = 0x80100009
_E_TIMEOUT = 0x8010000A
_E_SHARING_VIOLATION = 0x8010000B
_E_NO_SMARTCARD = 0x8010000C
_F_COMM_ERROR = 0x80100013
_E_NOT_TRANSACTED = 0x80100016
_E_READER_UNAVAILABLE = 0x80100017
_E_NO_SERVICE = 0x8010001D
_E_SERVICE_STOPPED = 0x8010001E
_E_NO_READERS_AVAILABLE = 0x8010002E
_W_UNRESPONSIVE_CARD = 0x80100066
_W_UNPOWERED_CARD = 0x80100067
_W_RESET_CARD = 0x80100068
_W_REMOVED_CARD = 0x80100069

_CODE_NAMES: dict[int, str] = {
    _S_SUCCESS: "SCARD_S_SUCCESS",
    0x80100001: "SCARD_F_INTERNAL_ERROR",
    0x80100002: "SCARD_E_CANCELLED",
    _E_INVALID_HANDLE: "SCARD_E_INVALID_HANDLE",
    0x80100004: "SCARD_E_INVALID_PARAMETER",
    0x80100005: "SCARD_E_INVALID_TARGET",
    0x80100006: "SCARD_E_NO_MEMORY",
    0x80100007: "SCARD_F_WAITED_TOO_LONG",
    0x80100008: "SCARD_E_INSUFFICIENT_BUFFER",
    _E_UNKNOWN_READER: "SCARD_E_UNKNOWN_READER",
    _E_TIMEOUT: "SCARD_E_TIMEOUT",
    _E_SHARING_VIOLATION: "SCARD_E_SHARING_VIOLATION",
    _E_NO_SMARTCARD: "SCARD_E_NO_SMARTCARD",
    0x8010000D: "SCARD_E_UNKNOWN_CARD",
    0x8010000E: "SCARD_E_CANT_DISPOSE",
    0x8010000F: "SCARD_E_PROTO_MISMATCH",
    0x80100010: "SCARD_E_NOT_READY",
    0x80100011: "SCARD_E_INVALID_VALUE",
    0x80100012: "SCARD_E_SYSTEM_CANCELLED",
    _F_COMM_ERROR: "SCARD_F_COMM_ERROR",
    0x80100014: "SCARD_F_UNKNOWN_ERROR",
    0x80100015: "SCARD_E_INVALID_ATR",
    _E_NOT_TRANSACTED: "SCARD_E_NOT_TRANSACTED",
    _E_READER_UNAVAILABLE: "SCARD_E_READER_UNAVAILABLE",
    0x80100019: "SCARD_E_PCI_TOO_SMALL",
    0x8010001A: "SCARD_E_READER_UNSUPPORTED",
    0x8010001B: "SCARD_E_DUPLICATE_READER",
    0x8010001C: "SCARD_E_CARD_UNSUPPORTED",
    _E_NO_SERVICE: "SCARD_E_NO_SERVICE",
    _E_SERVICE_STOPPED: "SCARD_E_SERVICE_STOPPED",
    0x8010001F: "SCARD_E_UNSUPPORTED_FEATURE",
    _E_NO_READERS_AVAILABLE: "SCARD_E_NO_READERS_AVAILABLE",
    0x8010002F: "SCARD_E_COMM_DATA_LOST",
    0x80100031: "SCARD_E_SERVER_TOO_BUSY",
    0x80100065: "SCARD_W_UNSUPPORTED_CARD",
    _W_UNRESPONSIVE_CARD: "SCARD_W_UNRESPONSIVE_CARD",
    _W_UNPOWERED_CARD: "SCARD_W_UNPOWERED_CARD",
    _W_RESET_CARD: "SCARD_W_RESET_CARD",
    _W_REMOVED_CARD: "SCARD_W_REMOVED_CARD",
}

_SERVICE_GONE = frozenset({_E_NO_SERVICE, _E_SERVICE_STOPPED, _F_COMM_ERROR})
_CARD_GONE = frozenset({_E_NO_SMARTCARD, _W_REMOVED_CARD, _W_RESET_CARD, _W_UNPOWERED_CARD})
_READER_GONE = frozenset({_E_UNKNOWN_READER, _E_READER_UNAVAILABLE, _E_NO_READERS_AVAILABLE})
#: Failures of a command that may mean the card was pulled while it ran.
_MAYBE_PULLED = frozenset({_E_NOT_TRANSACTED, 0x8010002F, _W_UNRESPONSIVE_CARD})
#: How long to watch the reader after an ambiguous failure: pcscd polls vpcd every 0.4 s.
_REMOVAL_GRACE = 1.0
#: The longest single blocking wait, so that Ctrl-C is honoured between waits.
_WAIT_SLICE = 0.5


@unique
class Disposition(IntEnum):
    """What happens to the card when a connection closes (the PC/SC disposition).

    The card keeps a verified PIN until it loses power, across disconnects and reconnects,
    so the default, :attr:`UNPOWER`, powers it down and every verified PIN with it.
    """

    LEAVE = 0
    """Leave the card as it is: selections and verified PINs stay for the next program."""
    RESET = 1
    """Warm-reset the card: volatile state is cleared, the card stays powered."""
    UNPOWER = 2
    """Power the card down: volatile state, verified PINs included, is cleared."""


@dataclass(frozen=True, slots=True)
class ReaderInfo:
    """A PC/SC reader and whether a card is in it.

    :param name: the reader name as PC/SC reports it.
    :param card_present: whether a usable card is inserted (a mute card counts as none).
    :param atr: the card's answer to reset, or None without a card.
    """

    name: str
    card_present: bool
    atr: bytes | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON form: ``{"name", "card_present", "atr"}``, the ATR as upper-case hex."""
        return {
            "name": self.name,
            "card_present": self.card_present,
            "atr": None if self.atr is None else self.atr.hex().upper(),
        }


def _code(result: int) -> int:
    """A PC/SC return code as the unsigned 32-bit value (32-bit builds hand out negatives)."""
    return result & 0xFFFFFFFF


def pcsc_code_name(code: int) -> str:
    """The symbolic name of a PC/SC return code with its hex value, e.g. for messages."""
    code = _code(code)
    name = _CODE_NAMES.get(code, "unknown PC/SC error")
    return f"{name} 0x{code:08X}"


def error_for_code(
    code: int, action: str, *, reader: str | None = None, in_use: bool = False
) -> TransportError:
    """The toolkit error for a failed PC/SC call.

    :param code: the PC/SC return code (negative values from 32-bit builds are accepted).
    :param action: what was being done, for the message ("connecting", "sending a command").
    :param reader: the reader concerned, if any.
    :param in_use: True once a card connection is open: a missing card is then a card
        removed mid-operation (:class:`CardRemovedError`) rather than :class:`NoCardError`.
    """
    code = _code(code)
    where = f" '{reader}'" if reader else ""
    detail = pcsc_code_name(code)
    if code in _SERVICE_GONE:
        return PcscUnavailableError(
            f"the PC/SC service is not available (pcscd not running? {detail})"
        )
    if code == _E_SHARING_VIOLATION:
        return ReaderBusyError(
            f"reader{where} is in use by another program (held exclusively) ({detail})"
        )
    if code in _CARD_GONE:
        if not in_use:
            return NoCardError(f"no card in reader{where} ({detail})")
        if code == _W_RESET_CARD:
            return CardRemovedError(
                f"the card in reader{where} was reset by another program while {action} ({detail})"
            )
        return CardRemovedError(
            f"the card was removed from reader{where} while {action} ({detail})"
        )
    if code in _READER_GONE:
        if in_use:
            return CardRemovedError(f"reader{where} went away while {action} ({detail})")
        return ReaderNotFoundError(f"reader{where} is not available ({detail})")
    if code == _W_UNRESPONSIVE_CARD and not in_use:
        return NoCardError(f"the card in reader{where} does not answer (mute card?) ({detail})")
    if code == _E_TIMEOUT and not in_use:
        return NoCardError(f"no card in reader{where} in time ({detail})")
    if code == _E_INVALID_HANDLE:
        return TransportError(
            f"the PC/SC handle is no longer valid while {action} (pcscd restarted?) ({detail})"
        )
    return TransportError(f"PC/SC failed while {action}{' on' + where if where else ''}: {detail}")


def _pyscard_roots() -> tuple[type[BaseException], ...]:
    try:
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
    except ImportError:
        return ()
    return (SmartcardException, BaseSCardException)


def translate_exception(
    exc: BaseException, action: str, *, reader: str | None = None, in_use: bool = False
) -> TransportError:
    """The toolkit error for an exception from pyscard (either of its two exception roots).

    Exceptions that carry a PC/SC return code are translated as :func:`error_for_code`
    does; the others by their class. The caller raises the result ``from`` *exc*.
    """
    hresult = getattr(exc, "hresult", -1)
    if isinstance(hresult, int) and hresult not in (-1, 0):
        return error_for_code(hresult, action, reader=reader, in_use=in_use)
    kind = type(exc).__name__
    where = f" '{reader}'" if reader else ""
    if kind in ("CardServiceNotFoundException", "CardServiceStoppedException"):
        return PcscUnavailableError(
            f"the PC/SC service is not available (pcscd not running? {exc})"
        )
    if kind == "NoReadersException":
        return ReaderNotFoundError("no PC/SC reader found")
    if kind == "NoCardException":
        if in_use:
            return CardRemovedError(f"the card was removed from reader{where} while {action}")
        return NoCardError(f"no card in reader{where}")
    if kind == "InvalidReaderException":
        return ReaderNotFoundError(f"reader{where} is not available")
    return TransportError(f"PC/SC failed while {action}: {kind}: {exc}")


def match_readers(names: Sequence[str], wanted: str | None) -> list[str]:
    """The reader names that *wanted* selects, in their original order.

    None selects every reader. A name equal to one reader's full name selects that reader
    alone; otherwise every reader whose name contains *wanted*, ignoring case.
    """
    if wanted is None:
        return list(names)
    if wanted in names:
        return [wanted]
    needle = wanted.casefold()
    return [name for name in names if needle in name.casefold()]


def choose_reader(readers: Sequence[ReaderInfo], wanted: str | None) -> ReaderInfo:
    """Pick the reader to open from the current reader list.

    With a name, the one reader that :func:`match_readers` selects, which must hold a card;
    without one, the single reader that holds a card.

    :raises ReaderNotFoundError: no reader at all, or none matches *wanted*.
    :raises AmbiguousReaderError: several readers match *wanted*, or, without a name, several
        readers hold a card.
    :raises NoCardError: the selected reader (or, without a name, every reader) is empty.
    """
    if not readers:
        raise ReaderNotFoundError("no PC/SC reader found (is the reader connected?)")
    by_name = {reader.name: reader for reader in readers}
    all_names = _quoted(by_name)
    if wanted is not None:
        matches = match_readers(list(by_name), wanted)
        if not matches:
            raise ReaderNotFoundError(f"no reader matches '{wanted}' (readers: {all_names})")
        if len(matches) > 1:
            raise AmbiguousReaderError(
                f"several readers match '{wanted}': {_quoted(matches)}; give more of the name"
            )
        chosen = by_name[matches[0]]
        if not chosen.card_present:
            raise NoCardError(f"no card in reader '{chosen.name}'")
        return chosen
    with_card = [reader for reader in readers if reader.card_present]
    if not with_card:
        raise NoCardError(f"no card in any reader (readers: {all_names})")
    if len(with_card) > 1:
        raise AmbiguousReaderError(
            f"cards are in several readers: {_quoted(r.name for r in with_card)}; "
            "choose one by name"
        )
    return with_card[0]


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


# --- the pyscard boundary ---------------------------------------------------------------


def _scard() -> Any:
    """pyscard's PC/SC module, imported on first use."""
    try:
        from smartcard import scard
    except ImportError as exc:
        raise PcscUnavailableError(
            "pyscard is not installed; install it (pip install pyscard) to use PC/SC readers"
        ) from exc
    return scard


def _call(
    action: str,
    func: Callable[..., Any],
    *args: Any,
    reader: str | None = None,
    in_use: bool = False,
) -> Any:
    """Call a pyscard function, turning its exceptions into toolkit errors."""
    try:
        return func(*args)
    except _pyscard_roots() as exc:
        raise translate_exception(exc, action, reader=reader, in_use=in_use) from exc


def _check(result: int, action: str, *, reader: str | None = None, in_use: bool = False) -> None:
    if result != _S_SUCCESS:
        raise error_for_code(result, action, reader=reader, in_use=in_use)


def _establish_context(scard: Any) -> Any:
    action = "connecting to the PC/SC service"
    result, context = _call(action, scard.SCardEstablishContext, _SCOPE_USER)
    _check(result, action)
    return context


def _release_context(scard: Any, context: Any) -> None:
    try:
        result = scard.SCardReleaseContext(context)
    except _pyscard_roots() as exc:
        logger.debug("releasing the PC/SC context failed: %s", exc)
        return
    if result != _S_SUCCESS:
        logger.debug("releasing the PC/SC context failed: %s", pcsc_code_name(result))


@contextlib.contextmanager
def _context() -> Iterator[tuple[Any, Any]]:
    scard = _scard()
    context = _establish_context(scard)
    try:
        yield scard, context
    finally:
        _release_context(scard, context)


def _reader_names(scard: Any, context: Any) -> list[str]:
    result, names = _call("listing readers", scard.SCardListReaders, context, [])
    if _code(result) == _E_NO_READERS_AVAILABLE:
        return []
    _check(result, "listing readers")
    return list(names)


def _info(name: str, event_state: int, atr: Sequence[int]) -> ReaderInfo:
    present = bool(event_state & _STATE_PRESENT) and not event_state & _STATE_MUTE
    return ReaderInfo(name, present, bytes(atr) if present and atr else None)


def _status_change(
    scard: Any, context: Any, states: dict[str, int], timeout: float
) -> dict[str, tuple[int, ReaderInfo]] | None:
    """One SCardGetStatusChange: the new states, or None on timeout."""
    milliseconds = max(0, int(timeout * 1000))
    result, changed = _call(
        "reading reader states",
        scard.SCardGetStatusChange,
        context,
        milliseconds,
        [(name, state) for name, state in states.items()],
    )
    if _code(result) == _E_TIMEOUT:
        return None
    _check(result, "reading reader states")
    return {
        name: (event_state & ~_STATE_CHANGED, _info(name, event_state, atr))
        for name, event_state, atr in changed
    }


def _wait_for(
    scard: Any,
    context: Any,
    names: Sequence[str],
    satisfied: Callable[[list[ReaderInfo]], bool],
    timeout: float,
) -> list[ReaderInfo] | None:
    """Wait until the states of *names* satisfy a condition, or None after *timeout*.

    The waiting happens in pcscd (``SCardGetStatusChange`` returns on a change), in slices of
    at most :data:`_WAIT_SLICE` so that Ctrl-C is honoured in between.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    states = dict.fromkeys(names, _STATE_UNAWARE)
    first = True
    while True:
        remaining = deadline - time.monotonic()
        if not first and remaining <= 0:
            return None
        new = _status_change(scard, context, states, 0 if first else min(remaining, _WAIT_SLICE))
        first = False
        if new is None:
            continue
        states = {name: state for name, (state, _) in new.items()}
        infos = [info for _, info in new.values()]
        if satisfied(infos):
            return infos


def list_readers() -> list[ReaderInfo]:
    """Every PC/SC reader with its card state; an empty list when there are none.

    :raises PcscUnavailableError: the PC/SC service (pcscd) is not running, or pyscard is
        missing.
    """
    with _context() as (scard, context):
        return _snapshot(scard, context, _reader_names(scard, context))


def _snapshot(scard: Any, context: Any, names: Sequence[str]) -> list[ReaderInfo]:
    """The current state of the readers *names*, without waiting."""
    if not names:
        return []
    now = _status_change(scard, context, dict.fromkeys(names, _STATE_UNAWARE), 0)
    if now is None:  # not expected: an unaware caller always sees a change
        return [ReaderInfo(name, False) for name in names]
    return [info for _, info in now.values()]


def _resolve(scard: Any, context: Any, wanted: str | None) -> list[str]:
    names = _reader_names(scard, context)
    if not names:
        raise ReaderNotFoundError("no PC/SC reader found (is the reader connected?)")
    matches = match_readers(names, wanted)
    if not matches:
        raise ReaderNotFoundError(f"no reader matches '{wanted}' (readers: {_quoted(names)})")
    if wanted is not None and len(matches) > 1:
        raise AmbiguousReaderError(
            f"several readers match '{wanted}': {_quoted(matches)}; give more of the name"
        )
    return matches


def wait_for_card(name: str | None, timeout: float) -> ReaderInfo:
    """Wait up to *timeout* seconds until a card is in the reader *name* selects.

    Without a name, any reader will do; the first one holding a card is returned. The wait
    blocks in pcscd (``SCardGetStatusChange``); nothing polls.

    :raises NoCardError: no card arrived in time.
    :raises ReaderNotFoundError: no reader, or none matching *name*.
    :raises AmbiguousReaderError: several readers match *name*.
    """
    with _context() as (scard, context):
        names = _resolve(scard, context, name)
        infos = _wait_for(
            scard, context, names, lambda now: any(i.card_present for i in now), timeout
        )
    if infos is None:
        where = f"reader '{names[0]}'" if name is not None else "any reader"
        raise NoCardError(f"no card in {where} after {timeout:g} s")
    return next(info for info in infos if info.card_present)


def wait_for_card_removal(name: str, timeout: float) -> bool:
    """Wait up to *timeout* seconds until the reader *name* selects is empty.

    :returns: True once the reader is empty, False if a card is still in it after *timeout*.
    :raises ReaderNotFoundError: no reader matches *name*.
    :raises AmbiguousReaderError: several readers match *name*.
    """
    with _context() as (scard, context):
        names = _resolve(scard, context, name)
        infos = _wait_for(
            scard, context, names, lambda now: not any(i.card_present for i in now), timeout
        )
    return infos is not None


# --- the connection ---------------------------------------------------------------------


@dataclass(slots=True)
class _Handles:
    scard: Any
    context: Any
    card: Any


class PcscConnection(Connection):
    """An open connection to the card in a PC/SC reader; made by :func:`open_reader`.

    Bytes go to pyscard as ``list[int]`` and come back as :class:`bytes`, here and nowhere
    else. :meth:`close` disconnects with :attr:`disposition` and releases the PC/SC context;
    it is idempotent, and nothing relies on the garbage collector to do it.
    """

    def __init__(
        self,
        handles: _Handles,
        *,
        reader: str,
        atr: bytes,
        protocol: int,
        exclusive: bool,
        shared_fallback: bool,
        disposition: Disposition = Disposition.UNPOWER,
    ) -> None:
        super().__init__()
        self._handles: _Handles | None = handles
        self._reader = reader
        self._atr = atr
        self._protocol = protocol
        self._exclusive = exclusive
        self._shared_fallback = shared_fallback
        self._disposition = disposition
        self._transaction_depth = 0

    @property
    def name(self) -> str:
        """The reader's PC/SC name."""
        return self._reader

    @property
    def atr(self) -> bytes:
        """The card's answer to reset, as read when the connection opened."""
        return self._atr

    @property
    def protocol(self) -> str:
        """The transmission protocol in use: ``"T=1"`` or ``"T=0"``."""
        return "T=1" if self._protocol == _PROTOCOL_T1 else "T=0"

    @property
    def exclusive(self) -> bool:
        """Whether this connection holds the card exclusively."""
        return self._exclusive

    @property
    def shared_fallback(self) -> bool:
        """Whether exclusive access was asked for but only shared access was granted.

        Another program had the card open (shared). Commands may then interleave with that
        program's, so a verified PIN could be used by it.
        """
        return self._shared_fallback

    @property
    def disposition(self) -> Disposition:
        """What :meth:`close` does to the card; settable until then."""
        return self._disposition

    @disposition.setter
    def disposition(self, value: Disposition) -> None:
        self._disposition = Disposition(value)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._handles is None

    def _open_handles(self) -> _Handles:
        if self._handles is None:
            raise TransportError(f"the connection to '{self._reader}' is closed")
        return self._handles

    def _exchange(self, command: bytes) -> bytes:
        handles = self._open_handles()
        action = "sending a command"
        result, response = _call(
            action,
            handles.scard.SCardTransmit,
            handles.card,
            self._protocol,
            list(command),
            reader=self._reader,
            in_use=True,
        )
        if result != _S_SUCCESS:
            raise self._failure(handles, result, action)
        answer = bytes(response)
        if len(answer) < 2:
            if self._card_vanished(handles):
                raise CardRemovedError(
                    f"the card was removed from reader '{self._reader}' while {action}"
                )
            raise BadResponseError(
                f"reader '{self._reader}' returned {len(answer)} byte(s), not a response APDU"
            )
        return answer

    def _failure(self, handles: _Handles, code: int, action: str) -> TransportError:
        code = _code(code)
        if code in _MAYBE_PULLED and self._card_vanished(handles):
            return CardRemovedError(
                f"the card was removed from reader '{self._reader}' while {action} "
                f"({pcsc_code_name(code)})"
            )
        return error_for_code(code, action, reader=self._reader, in_use=True)

    def _card_vanished(self, handles: _Handles) -> bool:
        """After an ambiguous failure: did the card go away (watching briefly for pcscd)?"""
        expected: tuple[type[BaseException], ...] = (TransportError, *_pyscard_roots())
        try:
            status = handles.scard.SCardStatus(handles.card)
            if _code(status[0]) in _CARD_GONE | _READER_GONE:
                return True
            with _context() as (scard, context):
                gone = _wait_for(
                    scard,
                    context,
                    [self._reader],
                    lambda now: not now[0].card_present,
                    _REMOVAL_GRACE,
                )
        except expected as exc:
            logger.debug("could not check whether the card is still there: %s", exc)
            return False
        return gone is not None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the card for a sequence of commands (SCardBeginTransaction/EndTransaction).

        Other programs' commands wait until the block ends. Nested blocks share the outer
        transaction.
        """
        handles = self._open_handles()
        if self._transaction_depth:
            self._transaction_depth += 1
            try:
                yield
            finally:
                self._transaction_depth -= 1
            return
        action = "starting a transaction"
        result = _call(
            action,
            handles.scard.SCardBeginTransaction,
            handles.card,
            reader=self._reader,
            in_use=True,
        )
        _check(result, action, reader=self._reader, in_use=True)
        self._transaction_depth = 1
        try:
            yield
        except BaseException:
            self._transaction_depth = 0
            self._end_transaction(handles, quiet=True)
            raise
        self._transaction_depth = 0
        self._end_transaction(handles, quiet=False)

    def _end_transaction(self, handles: _Handles, *, quiet: bool) -> None:
        if self._handles is None:
            return  # closed inside the block: disconnecting ended the transaction
        action = "ending a transaction"
        try:
            result = _call(
                action,
                handles.scard.SCardEndTransaction,
                handles.card,
                _LEAVE_CARD,
                reader=self._reader,
                in_use=True,
            )
            _check(result, action, reader=self._reader, in_use=True)
        except TransportError as exc:
            if not quiet:
                raise
            logger.debug("%s failed after an error: %s", action, exc)

    def close(self) -> None:
        """Disconnect with :attr:`disposition` and release the PC/SC context (idempotent).

        Failures are logged, not raised: a card that is gone is also unpowered.
        """
        handles = self._handles
        if handles is None:
            return
        self._handles = None
        try:
            result = handles.scard.SCardDisconnect(handles.card, int(self._disposition))
            code = _code(result)
            if code in _CARD_GONE | _READER_GONE:
                logger.debug("card already gone from '%s' at disconnect", self._reader)
            elif code != _S_SUCCESS:
                logger.warning(
                    "disconnecting from '%s' (%s) failed: %s",
                    self._reader,
                    self._disposition.name,
                    pcsc_code_name(code),
                )
        except _pyscard_roots() as exc:
            logger.warning("disconnecting from '%s' failed: %s", self._reader, exc)
        finally:
            _release_context(handles.scard, handles.context)

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("exclusive" if self._exclusive else "shared")
        return f"PcscConnection({self._reader!r}, {state})"


def _connect(scard: Any, context: Any, reader: str, exclusive: bool) -> tuple[Any, int, bool]:
    """Connect to the card: (card handle, protocol, fell back to shared)."""
    protocols = _PROTOCOL_T1 | _PROTOCOL_T0
    action = "connecting to the card"
    modes = [_SHARE_EXCLUSIVE, _SHARE_SHARED] if exclusive else [_SHARE_SHARED]
    for mode in modes:
        result, card, protocol = _call(
            action, scard.SCardConnect, context, reader, mode, protocols, reader=reader
        )
        if _code(result) == _E_SHARING_VIOLATION and mode == _SHARE_EXCLUSIVE:
            logger.debug("exclusive access to '%s' refused; trying shared", reader)
            continue
        if _code(result) == _E_SHARING_VIOLATION:
            raise ReaderBusyError(
                f"reader '{reader}' is held exclusively by another program "
                f"({pcsc_code_name(result)}); close that program and try again"
            )
        _check(result, action, reader=reader)
        return card, int(protocol), exclusive and mode == _SHARE_SHARED
    raise AssertionError("unreachable")  # pragma: no cover


def open_reader(
    name: str | None = None,
    *,
    exclusive: bool = True,
    wait_seconds: float = 0.0,
    disposition: Disposition = Disposition.UNPOWER,
) -> PcscConnection:
    """Open the card in a PC/SC reader.

    :param name: a part of the reader's name (case-insensitive; a full name wins over
        partial matches). None takes the single reader that holds a card.
    :param exclusive: ask for exclusive access. If another program has the card open
        shared, the connection falls back to shared access, logs a warning and says so in
        :attr:`PcscConnection.shared_fallback`.
    :param wait_seconds: how long to wait for a card when the reader is empty (0: no wait).
    :param disposition: what closing the connection does to the card (default: power it
        down, which clears verified PINs).
    :raises PcscUnavailableError: pcscd is not running (or pyscard is missing).
    :raises ReaderNotFoundError: no reader, or none matches *name*.
    :raises AmbiguousReaderError: several readers match, or several hold a card.
    :raises NoCardError: no card (in time).
    :raises ReaderBusyError: another program holds the card exclusively.

    The ATR is not checked: whether this is a My Number Card is decided by SELECT.
    """
    scard = _scard()
    context = _establish_context(scard)
    try:
        names = _reader_names(scard, context)
        try:
            chosen = choose_reader(_snapshot(scard, context, names), name)
        except NoCardError:
            if wait_seconds <= 0:
                raise
            candidates = match_readers(names, name)
            logger.info("waiting up to %g s for a card", wait_seconds)
            arrived = _wait_for(
                scard,
                context,
                candidates,
                lambda now: any(info.card_present for info in now),
                wait_seconds,
            )
            if arrived is None:
                where = f"reader '{candidates[0]}'" if name is not None else "any reader"
                raise NoCardError(f"no card in {where} after {wait_seconds:g} s") from None
            chosen = choose_reader(arrived, name)
        card, protocol, fell_back = _connect(scard, context, chosen.name, exclusive)
        handles = _Handles(scard, context, card)
        connection = PcscConnection(
            handles,
            reader=chosen.name,
            atr=_card_atr(handles, chosen),
            protocol=protocol,
            exclusive=exclusive and not fell_back,
            shared_fallback=fell_back,
            disposition=disposition,
        )
    except BaseException:
        _release_context(scard, context)
        raise
    if fell_back:
        logger.warning(
            "reader '%s' is in use by another program: opened shared, not exclusively",
            chosen.name,
        )
    logger.info(
        "opened '%s' (%s, %s)",
        chosen.name,
        connection.protocol,
        "exclusive" if connection.exclusive else "shared",
    )
    return connection


def _card_atr(handles: _Handles, chosen: ReaderInfo) -> bytes:
    action = "reading the card status"
    try:
        result, _, _, _, atr = _call(
            action, handles.scard.SCardStatus, handles.card, reader=chosen.name, in_use=True
        )
        _check(result, action, reader=chosen.name, in_use=True)
    except TransportError:
        with contextlib.suppress(Exception):
            handles.scard.SCardDisconnect(handles.card, _LEAVE_CARD)
        raise
    return bytes(atr) if atr else (chosen.atr or b"")
