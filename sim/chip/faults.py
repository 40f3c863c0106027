"""Fault injection for the simulated card: what real readers, drivers and cards do to clients.

A :class:`Faults` value is attached to a :class:`~sim.chip.card.SimulatedCard` (assign a new one
to change it mid-session). The default value injects nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Faults"]

_MAX_SHORT_LE = 256


@dataclass(frozen=True, slots=True)
class Faults:
    """Which misbehaviours the card shows.

    :param get_response_chunk: answer responses carrying more than this many data bytes
        (1-256) with the first chunk and ``61xx``; the rest comes with GET RESPONSE
        ``00 C0 00 00 Le``, ``xx`` chunks at a time (T=0 style, as some readers do it).
    :param exact_le: answer a READ BINARY whose short ``Le`` asks for more than the file has
        left with ``6Cxx`` (``xx`` = what is left) instead of a short read.
    :param refuse_extended: answer every command with extended length fields ``6700`` (an
        Android NFC or reader limitation).
    :param latency: seconds to wait before answering each command.
    :param sign_latency: further seconds for each signature made (real RSA takes hundreds of
        milliseconds).
    :param remove_after: the card leaves the reader after answering this many more commands
        (counted from when the faults were set); a removed card answers nothing, and the
        in-process connection raises :class:`~apdu.errors.CardRemovedError`.
    :param fail_first_after_power_on: answer the first command after each power-on or reset
        ``6F00`` without executing it (seen on a real card after an unpowered reconnect).
    """

    get_response_chunk: int | None = None
    exact_le: bool = False
    refuse_extended: bool = False
    latency: float = 0.0
    sign_latency: float = 0.0
    remove_after: int | None = None
    fail_first_after_power_on: bool = False

    def __post_init__(self) -> None:
        chunk = self.get_response_chunk
        if chunk is not None and not 1 <= chunk <= _MAX_SHORT_LE:
            raise ValueError(f"a GET RESPONSE chunk is 1-256 bytes, not {chunk}")
        if self.latency < 0 or self.sign_latency < 0:
            raise ValueError("latency cannot be negative")
        if self.remove_after is not None and self.remove_after < 0:
            raise ValueError("remove_after cannot be negative")

    @property
    def any(self) -> bool:
        """Whether any fault is switched on."""
        return self != _NONE


_NONE = Faults()
