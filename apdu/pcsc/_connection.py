"""A connection to the card in a PC/SC reader, and opening one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum, unique
from typing import Any

from ..connection import OpenedConnection
from ..errors import (
    BadResponseError,
    CardRemovedError,
    NoCardError,
    ReaderBusyError,
    TransportError,
)
from ..lazylog import LazyLogger
from ._codes import (
    _CARD_GONE,
    _E_SHARING_VIOLATION,
    _LEAVE_CARD,
    _MAYBE_PULLED,
    _PROTOCOL_T0,
    _PROTOCOL_T1,
    _READER_GONE,
    _S_SUCCESS,
    _SHARE_EXCLUSIVE,
    _SHARE_SHARED,
    _code,
    _pyscard_roots,
    error_for_code,
    pcsc_code_name,
)
from ._readers import (
    ReaderInfo,
    _call,
    _check,
    _context,
    _establish_context,
    _reader_names,
    _release_context,
    _scard,
    _snapshot,
    _wait_for,
    choose_reader,
    match_readers,
)

logger = LazyLogger("apdu.pcsc")

#: How long to watch the reader after an ambiguous failure: pcscd polls vpcd every 0.4 s.
_REMOVAL_GRACE = 1.0


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


class _Handles:
    __slots__ = ("card", "context", "scard")

    def __init__(self, scard: Any, context: Any, card: Any) -> None:
        self.scard = scard
        self.context = context
        self.card = card


class PcscConnection(OpenedConnection):
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
        super().__init__(reader, atr)
        self._handles: _Handles | None = handles
        self._reader = reader
        self._protocol = protocol
        self._exclusive = exclusive
        self._shared_fallback = shared_fallback
        self._disposition = disposition
        self._transaction_depth = 0

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

    def _release(self) -> None:
        """Disconnect with :attr:`disposition` and release the PC/SC context.

        Failures are logged, not raised: a card that is gone is also unpowered.
        """
        handles = self._open_handles()
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
