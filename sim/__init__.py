"""A software My Number Card: the chip as a pure state machine, and ways to serve it."""

from __future__ import annotations

from .card import SimulatedCard
from .carddata import CardData
from .connection import SimConnection
from .faults import Faults

__all__ = [
    "CardData",
    "Faults",
    "SimConnection",
    "SimulatedCard",
]
