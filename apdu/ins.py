"""The instruction bytes (INS) of the ISO 7816-4 commands the toolkit sends, named once.

The instructions whose data is a PIN are :class:`apdu.command.ReferenceDataIns` (never
traced, echoed or sent twice); this enum names the others.
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["Ins"]


@unique
class Ins(IntEnum):
    """An ISO 7816-4 instruction byte that carries no reference data (with JPKI's signature)."""

    PERFORM_SECURITY_OPERATION = 0x2A
    """JPKI's COMPUTE DIGITAL SIGNATURE, sent with CLA ``80``."""
    GET_CHALLENGE = 0x84
    SELECT = 0xA4
    READ_BINARY = 0xB0
    READ_RECORD = 0xB2
    GET_RESPONSE = 0xC0
