"""The surface verification application (券面事項確認AP, "visual AP").

Selectable, with no files: its images and the 照合番号 references are out of scope, so every
SELECT EF in it answers ``6A82``.
"""

from __future__ import annotations

from sim.carddata import CardData

from .base import Applet
from .ids import Application

__all__ = ["build_surface"]


def build_surface(data: CardData) -> Applet:
    """The (empty) surface verification application."""
    return Applet(Application.SURFACE, (), clear_verified_on_select=data.clear_verified_on_select)
