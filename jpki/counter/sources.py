"""Where the desk's readers and cards come from: PC/SC, or one simulated reader.

A :class:`ReaderSource` reports the readers and blocks until one of them changes; it also
opens the card in a reader. :class:`PcscSource` is pcscd (through
:class:`apdu.pcsc.ReaderWatcher`); :class:`SimulatedSource` is one virtual reader holding a
simulated card that can be taken out and put back, for trying the page without a reader.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from apdu import Connection
from apdu.pcsc import ReaderInfo, ReaderSnapshot

__all__ = ["PcscSource", "ReaderSource", "SimulatedSource"]


class ReaderSource(Protocol):
    """Readers, their changes, and the cards in them."""

    def start(self) -> tuple[ReaderSnapshot, ...]:
        """Begin watching; the readers now."""

    def wait(self, timeout: float) -> tuple[ReaderSnapshot, ...] | None:
        """Block until a reader or card changes (the readers then), or None after *timeout*
        or :meth:`cancel`."""

    def cancel(self) -> None:
        """End a :meth:`wait` in progress in another thread."""

    def close(self) -> None:
        """Stop watching and release what the source holds."""

    def open_card(self, reader: str) -> contextlib.AbstractContextManager[Connection]:
        """The card in *reader*, held for the block and closed (powered down) at its end."""


class PcscSource:
    """The PC/SC readers, watched through pcscd's change notifications.

    :param wanted: only the readers whose name contains this (as ``--reader`` matches); None
        for every reader.
    :param exclusive: open cards exclusively (no other program can send commands meanwhile).
    """

    def __init__(self, wanted: str | None = None, *, exclusive: bool = True) -> None:
        from apdu.pcsc import ReaderWatcher

        self._watcher = ReaderWatcher()
        self._wanted = wanted
        self._exclusive = exclusive

    def _kept(self, readers: tuple[ReaderSnapshot, ...]) -> tuple[ReaderSnapshot, ...]:
        from apdu.pcsc import match_readers

        names = set(match_readers([r.info.name for r in readers], self._wanted))
        return tuple(reader for reader in readers if reader.info.name in names)

    def start(self) -> tuple[ReaderSnapshot, ...]:
        """Open the PC/SC context; the readers now.

        :raises PcscUnavailableError: pcscd is not running or pyscard is missing.
        """
        self._watcher.__enter__()
        return self._kept(self._watcher.snapshot())

    def wait(self, timeout: float) -> tuple[ReaderSnapshot, ...] | None:
        """Block in pcscd until something changes, up to *timeout* seconds."""
        readers = self._watcher.wait(timeout)
        return None if readers is None else self._kept(readers)

    def cancel(self) -> None:
        """End a wait in progress."""
        self._watcher.cancel()

    def close(self) -> None:
        """Release the PC/SC context."""
        self._watcher.close()

    @contextlib.contextmanager
    def open_card(self, reader: str) -> Iterator[Connection]:
        """The card in *reader* (its full name), in one transaction; powered down at the end."""
        from apdu.pcsc import open_reader

        with (
            open_reader(reader, exclusive=self._exclusive) as connection,
            connection.transaction(),
        ):
            yield connection


class SimulatedSource:
    """One virtual reader with a simulated card, which :meth:`set_present` takes out or puts
    back; waits block on a condition, never poll.

    :param name: the reader's name on the page.
    :param opener: opens the simulated card (a fresh power-up each time).
    :param atr: the card's ATR, shown like a reader's.
    """

    def __init__(self, name: str, opener: Callable[[], Connection], atr: bytes) -> None:
        self.name = name
        self._opener = opener
        self._atr = atr
        self._present = True
        self._events = 1
        self._seen = -1
        self._cancelled = False
        self._changed = threading.Condition()

    def _snapshot(self) -> tuple[ReaderSnapshot, ...]:
        atr = self._atr if self._present else None
        return (ReaderSnapshot(ReaderInfo(self.name, self._present, atr), self._events),)

    def start(self) -> tuple[ReaderSnapshot, ...]:
        """The one reader, with the card in it."""
        with self._changed:
            self._seen = self._events
            return self._snapshot()

    def wait(self, timeout: float) -> tuple[ReaderSnapshot, ...] | None:
        """Block until the card is taken out or put back, up to *timeout* seconds."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._events != self._seen or self._cancelled, timeout=timeout
            )
            if self._cancelled:
                self._cancelled = False
                return None
            if self._events == self._seen:
                return None
            self._seen = self._events
            return self._snapshot()

    def cancel(self) -> None:
        """End a wait in progress."""
        with self._changed:
            self._cancelled = True
            self._changed.notify_all()

    def close(self) -> None:
        """Nothing to release."""

    @property
    def present(self) -> bool:
        """Whether the simulated card is in its reader."""
        with self._changed:
            return self._present

    def set_present(self, present: bool) -> None:
        """Take the simulated card out of its reader, or put it back."""
        with self._changed:
            if present != self._present:
                self._present = present
                self._events += 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def open_card(self, reader: str) -> Iterator[Connection]:
        """The simulated card, when it is in the reader."""
        from apdu.errors import NoCardError

        if reader != self.name or not self.present:
            raise NoCardError(f"no card in reader '{reader}'")
        with self._opener() as connection:
            yield connection
