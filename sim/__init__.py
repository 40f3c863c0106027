"""A software My Number Card: the chip (:mod:`sim.chip`) and the factory (:mod:`sim.factory`).

Quick use::

    from sim import open_simulated_card

    with open_simulated_card(profile="adult") as connection:
        ...  # any apdu.Connection user, e.g. jpki.session.JpkiSession(connection)

Importing :mod:`sim` loads nothing else: each name below is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .carddata import CardData
    from .chip.card import SimulatedCard
    from .chip.connection import SimConnection
    from .chip.faults import Faults
    from .factory import pki, profiles, testkeys
    from .factory.opening import open_simulated_card
    from .factory.profiles import PROFILES, build_card_data
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
    "pki",
    "profiles",
    "save_card_data",
    "testkeys",
]

# Public name -> (module, attribute or None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "PROFILES": ("sim.factory.profiles", "PROFILES"),
    "CardData": ("sim.carddata", "CardData"),
    "Faults": ("sim.chip.faults", "Faults"),
    "SimConnection": ("sim.chip.connection", "SimConnection"),
    "SimulatedCard": ("sim.chip.card", "SimulatedCard"),
    "build_card_data": ("sim.factory.profiles", "build_card_data"),
    "load_card_data": ("sim.store", "load_card_data"),
    "open_simulated_card": ("sim.factory.opening", "open_simulated_card"),
    "pki": ("sim.factory.pki", None),
    "profiles": ("sim.factory.profiles", None),
    "save_card_data": ("sim.store", "save_card_data"),
    "testkeys": ("sim.factory.testkeys", None),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sim' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
