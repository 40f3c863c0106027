"""A card that answers ``9000`` to everything: the baseline for transport measurements.

It does no work at all, so the time a command takes through pcscd with this card is the
cost of the PC/SC stack and the vpcd link alone; the difference to the real simulated card
is what the card model adds. It also serves as a stand-in card in transport tests.
"""

from __future__ import annotations

from .model import Chip

__all__ = ["NEW_JPKI_ATR", "OLD_JPKI_ATR", "EchoCard"]

#: The ATR of older My Number Cards (no historical bytes); it offers T=1.
OLD_JPKI_ATR = bytes.fromhex("3BE000FF8131FE4514")

#: The ATR of newer My Number Cards (historical bytes advertise chaining and extended lengths).
NEW_JPKI_ATR = bytes.fromhex("3BDA13FF8131FB468012392F31C173C601C03B")

_OK = b"\x90\x00"


class EchoCard(Chip):
    """A :class:`~sim.chip.model.CardModel` that answers every command with ``9000`` and no data.

    :param atr: the answer to reset (default: the older My Number Card ATR).
    """

    def __init__(self, atr: bytes = OLD_JPKI_ATR) -> None:
        if not 2 <= len(atr) <= 33:
            raise ValueError(f"an ATR has 2 to 33 bytes, not {len(atr)}")
        super().__init__(atr)
        self._commands = 0

    @property
    def commands(self) -> int:
        """How many commands the card has answered since it was made."""
        return self._commands

    def process(self, command: bytes) -> bytes:
        """Answer *command* with ``9000``, whatever it is."""
        self._commands += 1
        return _OK

    def __repr__(self) -> str:
        return f"EchoCard(atr={self._atr.hex().upper()})"
