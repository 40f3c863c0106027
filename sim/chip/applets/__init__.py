"""The applications of the simulated chip: one module each, plus the shared pieces.

:func:`build_applets` turns a :class:`~sim.carddata.CardData` into the five applications.
"""

from __future__ import annotations

from sim.carddata import CardData

from .base import Applet
from .card_info import build_card_info
from .common import build_common
from .ids import Application, ChipFile
from .jpki import build_jpki
from .juki import build_juki
from .surface import build_surface

__all__ = [
    "Applet",
    "Application",
    "ChipFile",
    "build_applets",
]


def build_applets(data: CardData) -> tuple[Applet, ...]:
    """The five applications of the card *data* describes, JPKI first."""
    return (
        build_jpki(data),
        build_card_info(data),
        build_surface(data),
        build_juki(data),
        build_common(data),
    )
