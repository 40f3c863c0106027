"""Watching every reader at once: readers plugged in or out, cards put on or taken away.

:class:`ReaderWatcher` blocks in pcscd (``SCardGetStatusChange``) on all readers and on the
``\\\\?PnP?\\Notification`` pseudo-reader, so nothing polls: a call returns when pcscd reports a
change, when its timeout ends (callers use it only to notice a shutdown) or when another
thread calls :meth:`ReaderWatcher.cancel` (``SCardCancel``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import PcscUnavailableError
from ._codes import _E_NO_READERS_AVAILABLE, _E_TIMEOUT, _E_UNKNOWN_READER, _STATE_CHANGED, _code
from ._readers import (
    ReaderInfo,
    _call,
    _check,
    _establish_context,
    _info,
    _reader_names,
    _release_context,
    _scard,
)

__all__ = ["PNP_NOTIFICATION", "ReaderSnapshot", "ReaderWatcher"]

logger = logging.getLogger("apdu.pcsc")

PNP_NOTIFICATION = "\\\\?PnP?\\Notification"
"""The pseudo-reader whose state changes when a reader is added or removed (pcsc-lite)."""

_E_CANCELLED = 0x80100002
_E_READER_UNAVAILABLE = 0x80100017
_STATE_UNAWARE = 0x0000


@dataclass(frozen=True, slots=True)
class ReaderSnapshot:
    """One reader as pcscd last reported it.

    :param info: the reader's name, whether a card is in it and its ATR.
    :param events: pcsc-lite's count of card insertions and removals in this reader (the
        upper 16 bits of the event state); it tells a quick swap (card out and another in
        between two waits) from no change.
    """

    info: ReaderInfo
    events: int


class ReaderWatcher:
    """Every PC/SC reader and its card, updated by blocking waits in pcscd.

    Use it as a context manager (it owns one PC/SC context). :meth:`wait` is called from one
    thread; :meth:`cancel` may be called from any thread to end a wait early.

    :raises PcscUnavailableError: on entry, when pcscd is not running or pyscard is missing.
    """

    def __init__(self) -> None:
        self._scard: Any = None
        self._context: Any = None
        self._states: dict[str, int] = {}
        self._pnp_state = _STATE_UNAWARE
        self._last: dict[str, ReaderSnapshot] = {}
        self._listed = False
        self._lock = threading.Lock()

    def __enter__(self) -> ReaderWatcher:
        self._scard = _scard()
        self._context = _establish_context(self._scard)
        # A watcher opened again (after pcscd came back) starts from what pcscd says now.
        self._states, self._last, self._listed = {}, {}, False
        self._pnp_state = _STATE_UNAWARE
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the PC/SC context (a wait in progress in another thread ends)."""
        with self._lock:
            context, self._context = self._context, None
        if context is not None:
            _release_context(self._scard, context)

    def cancel(self) -> None:
        """End a :meth:`wait` in progress in another thread; it then returns None."""
        with self._lock:
            context = self._context
        if context is None:
            return
        try:
            self._scard.SCardCancel(context)
        except Exception as exc:  # noqa: BLE001 - cancelling is best effort; the wait times out
            logger.debug("cancelling the PC/SC wait failed: %s", exc)

    def snapshot(self) -> tuple[ReaderSnapshot, ...]:
        """The readers now, without waiting (the first call also learns their states)."""
        self._refresh_names()
        return self._wait(0.0) or self._current()

    def wait(self, timeout: float) -> tuple[ReaderSnapshot, ...] | None:
        """Block until a reader or a card changes, up to *timeout* seconds.

        :returns: every reader after the change, or None after the timeout or a cancel.
        :raises PcscUnavailableError: pcscd went away.
        """
        return self._wait(timeout)

    # --- internals ------------------------------------------------------------------------

    def _require_context(self) -> Any:
        context = self._context
        if context is None:
            raise PcscUnavailableError("the reader watcher is closed")
        return context

    def _refresh_names(self) -> None:
        names = _reader_names(self._scard, self._require_context())
        self._states = {name: self._states.get(name, _STATE_UNAWARE) for name in names}
        self._last = {name: snap for name, snap in self._last.items() if name in names}
        self._listed = True

    def _current(self) -> tuple[ReaderSnapshot, ...]:
        empty = ReaderSnapshot
        return tuple(
            self._last.get(name, empty(ReaderInfo(name, False), 0)) for name in self._states
        )

    def _wait(self, timeout: float) -> tuple[ReaderSnapshot, ...] | None:
        context = self._require_context()
        if not self._listed:
            self._refresh_names()
        # pcsc-lite compares the reader count in the PnP state's upper word with its own.
        pnp = self._pnp_state or (len(self._states) << 16)
        request = [(name, state) for name, state in self._states.items()]
        request.append((PNP_NOTIFICATION, pnp))
        result, changed = _call(
            "waiting for reader changes",
            self._scard.SCardGetStatusChange,
            context,
            max(0, int(timeout * 1000)),
            request,
        )
        code = _code(result)
        if code in (_E_TIMEOUT, _E_CANCELLED):
            return None
        if code in (_E_UNKNOWN_READER, _E_READER_UNAVAILABLE, _E_NO_READERS_AVAILABLE):
            # A reader went away between the listing and the wait: list them again.
            self._refresh_names()
            self._pnp_state = _STATE_UNAWARE
            return self._current()
        _check(result, "waiting for reader changes")
        return self._absorb(changed)

    def _absorb(
        self, changed: Sequence[tuple[str, int, Sequence[int]]]
    ) -> tuple[ReaderSnapshot, ...]:
        readers_changed = False
        for name, event_state, atr in changed:
            state = event_state & ~_STATE_CHANGED
            if name == PNP_NOTIFICATION:
                if event_state & _STATE_CHANGED and self._pnp_state:
                    readers_changed = True
                self._pnp_state = state
                continue
            if name in self._states:
                self._states[name] = state
                self._last[name] = ReaderSnapshot(_info(name, event_state, atr), state >> 16)
        if readers_changed:
            self._refresh_names()
        return self._current()
