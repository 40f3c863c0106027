"""The Juki application (住基AP): only its 4-digit PIN ``001C`` (3 tries) is simulated."""

from __future__ import annotations

from sim.carddata import CardData

from .base import Applet
from .ids import Application, ChipFile
from .pins import Pin

__all__ = ["JUKI_PIN_TRIES", "build_juki"]

JUKI_PIN_TRIES = 3
"""Tries of the Juki (resident register) PIN."""


def build_juki(data: CardData) -> Applet:
    """The Juki application of *data*."""
    pin = Pin.from_setting(ChipFile.JUKI_PIN.fid, data.juki_pin, max_tries=JUKI_PIN_TRIES)
    return Applet(Application.JUKI, (pin,), clear_verified_on_select=data.clear_verified_on_select)
