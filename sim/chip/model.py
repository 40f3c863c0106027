"""What anything that serves a simulated card (in process or to pcscd) needs from it."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar, runtime_checkable

__all__ = ["CardModel", "CardWrapper", "Chip"]


@runtime_checkable
class CardModel(Protocol):
    """A card as a pure state machine: power events and raw APDUs in, raw responses out.

    Implementations never raise on any command bytes: every input gets a well-formed
    response (data + SW1 SW2), as a real chip would give.
    """

    @property
    def atr(self) -> bytes:
        """The answer to reset."""
        ...

    def power_on(self) -> None:
        """Power the card up (cold reset): volatile state starts afresh."""
        ...

    def power_off(self) -> None:
        """Power the card down: volatile state (selected files, verified PINs) is lost."""
        ...

    def reset(self) -> None:
        """Warm reset: like power off then on."""
        ...

    def process(self, command: bytes) -> bytes:
        """Answer one command APDU with a response APDU."""
        ...


class Chip:
    """What every simulated chip keeps: its answer to reset and whether it is powered.

    A subclass answers commands (:meth:`~CardModel.process`) and extends the power events with
    its own volatile state; a warm :meth:`reset` is a power-off followed by a power-on.

    :param atr: the answer to reset.
    """

    def __init__(self, atr: bytes) -> None:
        self._atr = bytes(atr)
        self._powered = False

    @property
    def atr(self) -> bytes:
        """The answer to reset."""
        return self._atr

    @property
    def powered(self) -> bool:
        """Whether the card is powered."""
        return self._powered

    def power_on(self) -> None:
        """Power the card up."""
        self._powered = True

    def power_off(self) -> None:
        """Power the card down."""
        self._powered = False

    def reset(self) -> None:
        """Warm reset: :meth:`power_off`, then :meth:`power_on`."""
        self.power_off()
        self.power_on()


_Card = TypeVar("_Card", bound=CardModel)


class CardWrapper(Generic[_Card]):
    """A :class:`CardModel` that hands everything to the card it wraps.

    The base of what stands between a client and a card without being a second card (a
    reader's behaviour, a card file that keeps the memory): a subclass overrides what it
    changes and passes the rest on.

    :param card: the wrapped card.
    """

    def __init__(self, card: _Card) -> None:
        self._card = card

    @property
    def card(self) -> _Card:
        """The wrapped card."""
        return self._card

    @property
    def atr(self) -> bytes:
        """The card's answer to reset."""
        return self._card.atr

    @property
    def present(self) -> bool:
        """Whether the card is in the reader (cards that cannot leave always are)."""
        return bool(getattr(self._card, "present", True))

    @property
    def powered(self) -> bool:
        """Whether the card is powered."""
        return bool(getattr(self._card, "powered", False))

    def power_on(self) -> None:
        """Power the card up."""
        self._card.power_on()

    def power_off(self) -> None:
        """Power the card down."""
        self._card.power_off()

    def reset(self) -> None:
        """Warm-reset the card."""
        self._card.reset()

    def process(self, command: bytes) -> bytes:
        """Pass *command* to the card and return its answer."""
        return self._card.process(command)
