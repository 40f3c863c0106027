"""The common card application (共通カードAP): the card record, read with READ RECORD.

Record 1 of EF ``0001`` is the simple-TLV ``01 1C`` + 28 ASCII digits: card serial (15),
municipality code (5), card expiry ``YYYYMMDD`` (8), as on a J-LIS test card. It is free.
"""

from __future__ import annotations

from sim.carddata import CardData

from .base import Applet
from .files import RecordFile
from .ids import Application, ChipFile

__all__ = ["CARD_RECORD_TAG", "build_common", "card_record"]

CARD_RECORD_TAG = 0x01
"""Simple-TLV tag of the card record."""


def card_record(data: CardData) -> bytes:
    """Record 1 of EF ``0001``."""
    digits = data.card_serial + data.municipality_code + data.card_expiry.strftime("%Y%m%d")
    return bytes((CARD_RECORD_TAG, len(digits))) + digits.encode("ascii")


def build_common(data: CardData) -> Applet:
    """The common card application of *data*."""
    record_file = RecordFile(ChipFile.COMMON_CARD_RECORD.fid, (card_record(data),))
    return Applet(
        Application.COMMON, (record_file,), clear_verified_on_select=data.clear_verified_on_select
    )
