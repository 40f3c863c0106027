"""The thread that follows the readers: a card put on is read at once (no PIN), a card taken
away clears its report.

It blocks in the source's wait (pcscd's change notifications); the wait's timeout only lets
it notice a stop. Requests to read a card again come through a queue and wake the wait.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from apdu import Connection
from apdu.errors import CardRemovedError, NoCardError, ReaderBusyError, ToolkitError
from jpki.diagnosis import CardFacts, read_facts
from jpki.texts import Msg

from .desk import Desk
from .sources import ReaderSource

__all__ = ["Watcher"]

logger = logging.getLogger("jpki.counter")

#: The longest single wait: how soon a stop is noticed. Changes end a wait at once.
_WAIT_SECONDS = 1.0
#: How long to wait before trying again when the PC/SC service is gone.
_RETRY_SECONDS = 2.0


class Watcher:
    """Feeds the :class:`Desk` from a :class:`ReaderSource`, in its own thread.

    :param source: the readers.
    :param desk: where their states go.
    :param read: reads the facts from a card (default: :func:`jpki.diagnosis.read_facts`,
        which needs no PIN and spends no try).
    """

    def __init__(
        self,
        source: ReaderSource,
        desk: Desk,
        *,
        read: Callable[[Connection], CardFacts] = read_facts,
    ) -> None:
        self.source = source
        self.desk = desk
        self._read = read
        self._stopping = threading.Event()
        self._requests: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._started = False
        self._failing = False

    def start(self) -> None:
        """Read the readers' state now and follow it in a daemon thread.

        When the source cannot start (pcscd not running), the page shows no reader and the
        thread tries again until it can.
        """
        self._started = self._start_source()
        self._thread = threading.Thread(target=self._run, name="counter-readers", daemon=True)
        self._thread.start()

    def _start_source(self) -> bool:
        try:
            snapshots = self.source.start()
        except ToolkitError as exc:
            # Said once; the retries every few seconds stay quiet until it works again.
            log = logger.debug if self._failing else logger.warning
            log("the readers cannot be watched: %s; trying again", exc)
            self._failing = True
            self.source.close()
            self.desk.update([])
            return False
        self._failing = False
        self._read_all(self.desk.update(snapshots))
        return True

    def stop(self) -> None:
        """End the thread and release the source."""
        self._stopping.set()
        self.source.cancel()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.source.close()

    def read_again(self, ident: str) -> bool:
        """Read the card in reader *ident* again; False when there is no card.

        :raises KeyError: no such reader.
        """
        request = self.desk.start_reading(ident)
        if request is None:
            return False
        self._requests.put(request)
        self.source.cancel()  # wake the wait: the request is served on the watcher's thread
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._started:
                self._stopping.wait(_RETRY_SECONDS)
                self._started = not self._stopping.is_set() and self._start_source()
                continue
            try:
                snapshots = self.source.wait(_WAIT_SECONDS)
            except ToolkitError as exc:
                logger.warning("reader watch failed: %s; trying again", exc)
                self.source.close()
                self.desk.update([])
                self._started = False
                continue
            to_read = [] if snapshots is None else self.desk.update(snapshots)
            while True:
                try:
                    to_read.append(self._requests.get_nowait())
                except queue.Empty:
                    break
            self._read_all(to_read)

    def _read_all(self, cards: list[tuple[str, int]]) -> None:
        for name, generation in cards:
            if self._stopping.is_set():
                return
            self._read_one(name, generation)

    def _read_one(self, name: str, generation: int) -> None:
        try:
            with self.source.open_card(name) as connection:
                facts = self._read(connection)
        except (CardRemovedError, NoCardError):
            self.desk.reading_done(name, generation, None, Msg("counter.error.removed"))
        except ReaderBusyError:
            self.desk.reading_done(name, generation, None, Msg("counter.error.busy"))
        except ToolkitError as exc:
            logger.warning("reading the card failed: %s", type(exc).__name__)
            self.desk.reading_done(name, generation, None, Msg("counter.error.read_failed"))
        else:
            self.desk.reading_done(name, generation, facts)
