"""Readers: listing them with their cards, choosing one by name, waiting for a card."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .._value import FrozenValue
from ..errors import (
    AmbiguousReaderError,
    NoCardError,
    PcscUnavailableError,
    ReaderNotFoundError,
)
from ..lazylog import LazyLogger
from ._codes import (
    _E_NO_READERS_AVAILABLE,
    _E_TIMEOUT,
    _S_SUCCESS,
    _SCOPE_USER,
    _STATE_CHANGED,
    _STATE_MUTE,
    _STATE_PRESENT,
    _STATE_UNAWARE,
    _code,
    _pyscard_roots,
    error_for_code,
    pcsc_code_name,
    translate_exception,
)

logger = LazyLogger("apdu.pcsc")

#: The longest single blocking wait, so that Ctrl-C is honoured between waits.
_WAIT_SLICE = 0.5


class ReaderInfo(FrozenValue):
    """A PC/SC reader and whether a card is in it.

    :param name: the reader name as PC/SC reports it.
    :param card_present: whether a usable card is inserted (a mute card counts as none).
    :param atr: the card's answer to reset, or None without a card.
    """

    __slots__ = ("name", "card_present", "atr")

    name: str
    card_present: bool
    atr: bytes | None

    def __init__(self, name: str, card_present: bool, atr: bytes | None = None) -> None:
        self._set_fields(name, card_present, atr)

    def to_dict(self) -> dict[str, object]:
        """The JSON form: ``{"name", "card_present", "atr"}``, the ATR as upper-case hex."""
        return {
            "name": self.name,
            "card_present": self.card_present,
            "atr": None if self.atr is None else self.atr.hex().upper(),
        }


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
