"""A software My Number Card: the chip as a pure state machine, and ways to serve it.

Quick use::

    from sim import open_simulated_card

    with open_simulated_card(profile="adult") as connection:
        ...  # any apdu.Connection user, e.g. jpki.session.JpkiSession(connection)
"""

from __future__ import annotations

from .card import SimulatedCard
from .carddata import CardData
from .connection import SimConnection
from .faults import Faults
from .opening import open_simulated_card
from .profiles import PROFILES, build_card_data
from .store import load_card_data, save_card_data

__all__ = [
    "PROFILES",
    "CardData",
    "Faults",
    "SimConnection",
    "SimulatedCard",
    "build_card_data",
    "load_card_data",
    "open_simulated_card",
    "save_card_data",
]
