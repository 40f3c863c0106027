"""Open a simulated card the way the command line asks for one: by profile or from a file.

A card from a file keeps its persistent memory there, as a chip keeps it in EEPROM: the file
is locked for as long as the card is open (a second user waits, then gets
:class:`~sim.store.CardInUseError`), and every change of a try counter or a PIN is written
(atomically, fsync'd) **before** the card answers the command that made it. A VERIFY spends
its try on file before the PIN is even compared, so stopping the process at any moment can
never give a guess for free; a card whose file cannot be written answers ``6581`` (memory
failure) instead of anything about the PIN, and the in-process connection raises the
:class:`~sim.store.CardFileError` that says why. This holds whether the card is used in this
process or served through vpcd.
"""

from __future__ import annotations

import os
from pathlib import Path

from apdu.lazylog import LazyLogger
from sim.carddata import CardData
from sim.chip.card import SimulatedCard
from sim.chip.connection import DEFAULT_NAME, SimConnection
from sim.chip.faults import Faults
from sim.chip.model import CardWrapper
from sim.factory.profiles import DEFAULT_PROFILE, ProfileError, profile_card_data
from sim.store import (
    CardFileError,
    CardLock,
    card_file_writable,
    load_card_data,
    lock_card_file,
    real_card_path,
    remove_card_temporaries,
    save_card_data,
)

__all__ = ["CardFileConnection", "PersistentCard", "open_card_file", "open_simulated_card"]

logger = LazyLogger(__name__)


class PersistentCard(CardWrapper[SimulatedCard]):
    """A :class:`~sim.chip.model.CardModel` that keeps a simulated card's memory in a card file.

    It answers exactly as the card it wraps (:attr:`card`: faults, received commands,
    applets); powering it down loses verified PINs, while counters are already on file. The
    card's :attr:`~sim.chip.card.SimulatedCard.on_store` writes the file before any answer that
    depends on a changed counter or PIN. Serving it through vpcd saves the state the same way as
    using it in this process.

    :param card: the card, made from the file's contents.
    :param path: the card file (symlinks already followed).
    :param lock: the card file's lock, released by :meth:`release`.
    """

    def __init__(self, card: SimulatedCard, path: Path, lock: CardLock | None = None) -> None:
        super().__init__(card)
        self._path = path
        self._lock = lock
        self._saved = card.card_data
        self._failure: CardFileError | None = None
        self.in_process = False
        """Whether an in-process connection reports a failed write (then it is not logged)."""
        card.on_store = self._store

    def __repr__(self) -> str:
        return f"PersistentCard({self._card!r}, {str(self._path)!r})"

    @property
    def path(self) -> Path:
        """The card file."""
        return self._path

    def process(self, command: bytes) -> bytes:
        """Answer *command* (``6581`` if its change of a PIN could not be written)."""
        self._failure = None
        return super().process(command)

    def take_failure(self) -> CardFileError | None:
        """Why the last command's state could not be written, once; None if it could."""
        failure, self._failure = self._failure, None
        return failure

    def _store(self, data: CardData) -> None:
        if data == self._saved:
            return
        try:
            save_card_data(data, self._path)
        except CardFileError as exc:
            self._failure = exc
            if not self.in_process:  # served: the log is the only place that says why
                logger.error("the PIN state was not recorded, the card answered 6581: %s", exc)
            raise
        self._saved = data
        logger.debug("simulated card state saved to %s", self._path)

    def release(self) -> None:
        """Release the card file's lock (the card must not be used afterwards)."""
        if self._lock is not None:
            self._lock.release()


class CardFileConnection(SimConnection):
    """A connection to a :class:`PersistentCard`; closing it releases the card file.

    A command whose change of a PIN could not be written raises the
    :class:`~sim.store.CardFileError` (the card answered nothing about the PIN).

    :param card: the card kept in a file.
    :param name: the connection's name in traces and messages.
    """

    def __init__(self, card: PersistentCard, *, name: str) -> None:
        super().__init__(card, name=name)
        self._persistent = card
        card.in_process = True

    @property
    def path(self) -> Path:
        """The card file."""
        return self._persistent.path

    def _exchange(self, command: bytes) -> bytes:
        response = super()._exchange(command)
        failure = self._persistent.take_failure()
        if failure is not None:
            raise CardFileError(
                failure.path,
                f"{failure.reason}; the PIN try could not be recorded, so the "
                "card answered nothing about the PIN",
            ) from failure
        return response

    def _release(self) -> None:
        """Power the card off and release the card file.

        Nothing is written here: every change was on file before the card answered. (Writing
        the card's memory again at close could undo a try whose write an interruption cut
        short in memory only.)
        """
        try:
            super()._release()
        finally:
            self._persistent.release()


def open_card_file(
    card_file: str | os.PathLike[str],
    *,
    faults: Faults | None = None,
    lock_timeout: float | None = None,
) -> PersistentCard:
    """Lock the card file, clean what a killed writer left, and make its card.

    A file still holding PINs in clear (an older version) is rewritten hashed at once when it
    is writable. The caller must :meth:`~PersistentCard.release` the card.

    :raises CardInUseError: another process still holds the card after *lock_timeout* s.
    :raises CardFileError: the card file cannot be read or does not hold a card.
    """
    path = real_card_path(card_file)
    if not path.is_file():
        load_card_data(path)  # raises the reason (no such file, a directory, ...)
        raise CardFileError(path, "not a regular file")
    lock = lock_card_file(path, timeout=lock_timeout)
    try:
        remove_card_temporaries(path)
        data = load_card_data(path)
        if data.pins_in_clear and card_file_writable(path):
            data = data.with_hashed_pins()
            save_card_data(data, path)
        return PersistentCard(_make_card(data, faults, path), path, lock)
    except BaseException:
        lock.release()
        raise


def _make_card(data: CardData, faults: Faults | None, source: Path | None) -> SimulatedCard:
    try:
        return SimulatedCard(data, faults=faults)
    except ValueError as exc:
        # Data that passes CardData's checks but cannot be a chip (a broken key, ...).
        if source is None:
            raise ProfileError(f"cannot make the card: {exc}") from exc
        raise CardFileError(source, f"invalid card data: {exc}") from exc


def open_simulated_card(
    *,
    profile: str | None = None,
    card_file: str | os.PathLike[str] | None = None,
    faults: Faults | None = None,
    lock_timeout: float | None = None,
) -> SimConnection:
    """Power up a simulated card and return a connection to it.

    :param profile: a name from :data:`sim.factory.profiles.PROFILES` (default ``adult``).
    :param card_file: a card file (see :mod:`sim.store`) instead; the connection writes the
        card's state back to it.
    :param faults: the misbehaviours the card shows (default none).
    :param lock_timeout: how long to wait for another user of the card file (seconds; None
        for :func:`sim.store.lock_timeout`: ``JPKI_CARD_LOCK_TIMEOUT`` or 10 s).
    :raises UnknownProfileError: no profile of that name (the message lists them).
    :raises CardInUseError: another process holds the card file.
    :raises CardFileError: the card file cannot be read or does not hold a card.
    :raises ProfileError: both a profile and a card file were given.
    """
    if card_file is not None:
        if profile is not None:
            raise ProfileError("give a card profile or a card file, not both")
        persistent = open_card_file(card_file, faults=faults, lock_timeout=lock_timeout)
        name = f"{DEFAULT_NAME} ({Path(card_file).name})"
        return CardFileConnection(persistent, name=name)
    name = DEFAULT_PROFILE if profile is None else profile
    card = _make_card(profile_card_data(name), faults, None)
    return SimConnection(card, name=f"{DEFAULT_NAME} (profile {name})")
