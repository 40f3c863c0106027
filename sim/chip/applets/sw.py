"""The status words the simulated card answers with, as ready-made response bytes.

Every answer without data is one of these constants, so the hot path never formats bytes.
"""

from __future__ import annotations

from apdu.status import SW

__all__ = [
    "BLOCKED",
    "CHAINING_NOT_SUPPORTED",
    "CHANNEL_NOT_SUPPORTED",
    "CLA_NOT_SUPPORTED",
    "CONDITIONS_NOT_SATISFIED",
    "DATA_NOT_FOUND",
    "FILE_NOT_FOUND",
    "FUNCTION_NOT_SUPPORTED",
    "INCOMPATIBLE_FILE",
    "INCORRECT_P1P2",
    "INS_NOT_SUPPORTED",
    "LAST_COMMAND_EXPECTED",
    "MEMORY_FAILURE",
    "NO_CURRENT_EF",
    "NO_PRECISE_DIAGNOSIS",
    "OFFSET_OUTSIDE_FILE",
    "OK",
    "RECORD_NOT_FOUND",
    "REFERENCE_NOT_FOUND",
    "SECURE_MESSAGING_NOT_SUPPORTED",
    "SECURITY_NOT_SATISFIED",
    "WRONG_DATA",
    "WRONG_LENGTH",
    "more_data",
    "retries",
    "wrong_le",
]


def _b(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


OK = _b(SW.OK)
WRONG_LENGTH = _b(SW.WRONG_LENGTH)
CHANNEL_NOT_SUPPORTED = _b(SW.CHANNEL_NOT_SUPPORTED)
SECURE_MESSAGING_NOT_SUPPORTED = _b(SW.SECURE_MESSAGING_NOT_SUPPORTED)
INCOMPATIBLE_FILE = _b(0x6981)
"""``6981``: command incompatible with the file structure (reading a key or PIN EF)."""
SECURITY_NOT_SATISFIED = _b(SW.SECURITY_STATUS_NOT_SATISFIED)
BLOCKED = _b(SW.REFERENCE_DATA_BLOCKED)
CONDITIONS_NOT_SATISFIED = _b(SW.CONDITIONS_NOT_SATISFIED)
NO_CURRENT_EF = _b(0x6986)
"""``6986``: command not allowed, no current EF (READ BINARY by offset before SELECT EF)."""
WRONG_DATA = _b(SW.WRONG_DATA)
FUNCTION_NOT_SUPPORTED = _b(SW.FUNCTION_NOT_SUPPORTED)
FILE_NOT_FOUND = _b(SW.FILE_NOT_FOUND)
RECORD_NOT_FOUND = _b(SW.RECORD_NOT_FOUND)
INCORRECT_P1P2 = _b(SW.INCORRECT_P1P2)
REFERENCE_NOT_FOUND = _b(SW.REFERENCE_NOT_FOUND)
OFFSET_OUTSIDE_FILE = _b(SW.WRONG_P1P2_OFFSET)
INS_NOT_SUPPORTED = _b(SW.INS_NOT_SUPPORTED)
CLA_NOT_SUPPORTED = _b(SW.CLA_NOT_SUPPORTED)
NO_PRECISE_DIAGNOSIS = _b(SW.NO_PRECISE_DIAGNOSIS)
DATA_NOT_FOUND = _b(SW.REFERENCE_NOT_FOUND)
"""``6A88``: referenced data not found (GET DATA of an absent object)."""
LAST_COMMAND_EXPECTED = _b(0x6883)
"""``6883``: the last command of a chain was expected (another command broke the chain)."""
CHAINING_NOT_SUPPORTED = _b(0x6884)
"""``6884``: command chaining not supported (a card whose ATR does not offer it)."""
MEMORY_FAILURE = _b(0x6581)
"""``6581``: memory failure (the card could not store its new state)."""

_RETRIES = tuple(bytes((0x63, 0xC0 | n)) for n in range(16))


def retries(left: int) -> bytes:
    """``63Cx``: *left* tries remain (0-15)."""
    return _RETRIES[left]


def more_data(length: int) -> bytes:
    """``61xx``: *length* more bytes wait for GET RESPONSE (256 is written ``00``)."""
    return bytes((0x61, length & 0xFF))


def wrong_le(length: int) -> bytes:
    """``6Cxx``: send the command again with ``Le`` = *length* (256 is written ``00``)."""
    return bytes((0x6C, length & 0xFF))
