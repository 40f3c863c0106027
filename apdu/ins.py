"""The instruction bytes (INS) of the ISO 7816-4 commands the toolkit sends, named once."""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["Ins"]


@unique
class Ins(IntEnum):
    """An ISO 7816-4 instruction byte (with the JPKI signature command's)."""

    VERIFY = 0x20
    CHANGE_REFERENCE_DATA = 0x24
    PERFORM_SECURITY_OPERATION = 0x2A
    """JPKI's COMPUTE DIGITAL SIGNATURE, sent with CLA ``80``."""
    RESET_RETRY_COUNTER = 0x2C
    GET_CHALLENGE = 0x84
    SELECT = 0xA4
    READ_BINARY = 0xB0
    READ_RECORD = 0xB2
    GET_RESPONSE = 0xC0
