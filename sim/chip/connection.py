"""An in-process :class:`~apdu.connection.Connection` to any :class:`~sim.chip.model.CardModel`.

It stands where a PC/SC reader would: opening it powers the card on, closing it powers the
card off (which is what clears verified PINs on a real card: a program that verified a PIN
must leave the card unpowered or reset), and every command goes through
the counting and tracing of :meth:`~apdu.connection.Connection.transmit`. A card that leaves
the reader (see :attr:`sim.chip.faults.Faults.remove_after`) makes every later exchange raise
:class:`~apdu.errors.CardRemovedError`.
"""

from __future__ import annotations

from apdu.connection import OpenedConnection
from apdu.errors import CardRemovedError
from apdu.lazylog import LazyLogger

from .model import CardModel

__all__ = ["DEFAULT_NAME", "SimConnection"]

logger = LazyLogger(__name__)

DEFAULT_NAME = "Simulated My Number Card"
"""The connection name unless one is given."""


def _present(card: CardModel) -> bool:
    # Card models that can leave the reader say so with a ``present`` attribute.
    return bool(getattr(card, "present", True))


class SimConnection(OpenedConnection):
    """A connection to a simulated card in this process.

    :param card: the card model; the connection powers it on now (unless it is powered
        already, as a PC/SC connect to a card another program left powered) and off at
        :meth:`close`.
    :param name: the connection's name in traces and messages.
    :param leave_powered: :meth:`close` leaves the card powered, as PC/SC's
        ``SCARD_LEAVE_CARD`` does: its verified PINs stay for the next connection. Only for
        tests of what a careless program leaves behind.
    """

    def __init__(
        self, card: CardModel, *, name: str = DEFAULT_NAME, leave_powered: bool = False
    ) -> None:
        super().__init__(name, card.atr)
        self._card = card
        self._leave_powered = leave_powered
        if not getattr(card, "powered", False):
            card.power_on()

    def __repr__(self) -> str:
        return f"SimConnection({self._name!r}, {self._card!r})"

    @property
    def card(self) -> CardModel:
        """The card model behind the connection (it stays owned by whoever made it)."""
        return self._card

    def _exchange(self, command: bytes) -> bytes:
        card = self._card
        if not _present(card):
            raise CardRemovedError(f"{self._name}: the card was removed")
        response = card.process(command)
        if not _present(card):
            raise CardRemovedError(f"{self._name}: the card was removed during the command")
        return response

    def power_cycle(self) -> None:
        """Power the card off and on again (what an unpowered reconnect does)."""
        self._check_open()
        self._card.power_off()
        self._card.power_on()

    def _release(self) -> None:
        """Power the card off (unless ``leave_powered``)."""
        if self._leave_powered:
            logger.debug("%s closed; card left powered", self._name)
            return
        self._card.power_off()
        logger.debug("%s closed; card powered off", self._name)
