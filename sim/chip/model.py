"""What anything that serves a simulated card (in process or to pcscd) needs from it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["CardModel"]


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
