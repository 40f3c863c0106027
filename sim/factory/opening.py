"""Open a simulated card the way the command line asks for one: by profile or from a file.

A card from a file keeps its persistent memory there. Like a chip, which writes a try counter
to EEPROM before it answers, the card is written back (atomically) after every VERIFY and
CHANGE REFERENCE DATA that changed a counter or a PIN, and once more when the connection is
closed; so a card locked during one command is still locked at the next, even if the first
process was killed, and whether it was used in this process or served through vpcd.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sim.carddata import CardData
from sim.chip.card import SimulatedCard
from sim.chip.connection import DEFAULT_NAME, SimConnection
from sim.chip.faults import Faults
from sim.factory.profiles import DEFAULT_PROFILE, ProfileError, build_card_data
from sim.store import CardFileError, load_card_data, save_card_data

__all__ = ["CardFileConnection", "PersistentCard", "open_simulated_card"]

logger = logging.getLogger(__name__)

# Commands after which the card's persistent state (try counters, PIN values) may differ.
_PERSISTENT_INS = frozenset({0x20, 0x24})  # VERIFY, CHANGE REFERENCE DATA


class PersistentCard:
    """A :class:`~sim.chip.model.CardModel` that keeps a simulated card's memory in a card file.

    It answers exactly as the card it wraps, and writes the card back to the file after each
    command that may have changed a try counter or a PIN (only when something did change).
    Serving it through vpcd saves the state the same way as using it in this process.

    :param card: the card, made from the file's contents.
    :param path: the card file.
    """

    def __init__(self, card: SimulatedCard, path: Path) -> None:
        self._card = card
        self._path = path
        self._saved = card.card_data

    def __repr__(self) -> str:
        return f"PersistentCard({self._card!r}, {str(self._path)!r})"

    @property
    def card(self) -> SimulatedCard:
        """The simulated card (faults, received commands, applets)."""
        return self._card

    @property
    def path(self) -> Path:
        """The card file."""
        return self._path

    @property
    def atr(self) -> bytes:
        """The card's answer to reset."""
        return self._card.atr

    @property
    def powered(self) -> bool:
        """Whether the card is powered."""
        return self._card.powered

    @property
    def present(self) -> bool:
        """Whether the card is in the reader."""
        return self._card.present

    def power_on(self) -> None:
        """Cold reset."""
        self._card.power_on()

    def power_off(self) -> None:
        """Power down (verified PINs are lost; counters are already on file)."""
        self._card.power_off()

    def reset(self) -> None:
        """Warm reset."""
        self._card.reset()

    def process(self, command: bytes) -> bytes:
        """Answer *command*; save the card after a command that may change its memory."""
        response = self._card.process(command)
        if len(command) > 1 and command[1] in _PERSISTENT_INS:
            try:
                self.save()
            except CardFileError as exc:
                # A chip never raises; the connection's close() reports it again.
                logger.error("the simulated card's state was not saved: %s", exc)
        return response

    def save(self) -> None:
        """Write the card's persistent state to the file now, if it changed since last time.

        :raises CardFileError: the file cannot be written.
        """
        current = self._card.card_data
        if current == self._saved:
            return
        save_card_data(current, self._path)
        self._saved = current
        logger.debug("simulated card state saved to %s", self._path)


class CardFileConnection(SimConnection):
    """A connection to a :class:`PersistentCard`; closing it saves the card once more.

    :param card: the card kept in a file.
    :param name: the connection's name in traces and messages.
    """

    def __init__(self, card: PersistentCard, *, name: str) -> None:
        super().__init__(card, name=name)
        self._persistent = card

    @property
    def path(self) -> Path:
        """The card file."""
        return self._persistent.path

    def close(self) -> None:
        """Power the card off and make sure its state is on file; safe to call twice.

        :raises CardFileError: the state could not be written.
        """
        if self.closed:
            return
        try:
            super().close()
        finally:
            self._persistent.save()


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
) -> SimConnection:
    """Power up a simulated card and return a connection to it.

    :param profile: a name from :data:`sim.factory.profiles.PROFILES` (default ``adult``).
    :param card_file: a card file (see :mod:`sim.store`) instead; the connection writes the
        card's state back to it.
    :param faults: the misbehaviours the card shows (default none).
    :raises UnknownProfileError: no profile of that name (the message lists them).
    :raises CardFileError: the card file cannot be read or does not hold a card.
    :raises ProfileError: both a profile and a card file were given.
    """
    if card_file is not None:
        if profile is not None:
            raise ProfileError("give a card profile or a card file, not both")
        path = Path(card_file)
        card = _make_card(load_card_data(path), faults, path)
        return CardFileConnection(PersistentCard(card, path), name=f"{DEFAULT_NAME} ({path.name})")
    name = DEFAULT_PROFILE if profile is None else profile
    card = _make_card(build_card_data(name), faults, None)
    return SimConnection(card, name=f"{DEFAULT_NAME} (profile {name})")
