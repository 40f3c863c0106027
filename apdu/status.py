"""ISO 7816-4 status words and what they mean.

The table covers every status word the My Number Card is known to send, plus the two
transport-level families (``61xx``, ``6Cxx``) that readers and drivers can produce.
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["SW", "describe_sw", "is_retry_counter", "retries_from_sw"]


@unique
class SW(IntEnum):
    """Named status words (``SW1 << 8 | SW2``)."""

    OK = 0x9000
    PIN_BLOCKED_COUNTER = 0x63C0
    WRONG_LENGTH = 0x6700
    CHANNEL_NOT_SUPPORTED = 0x6881
    SECURE_MESSAGING_NOT_SUPPORTED = 0x6882
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    REFERENCE_DATA_BLOCKED = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    RECORD_NOT_FOUND = 0x6A83
    INCORRECT_P1P2 = 0x6A86
    REFERENCE_NOT_FOUND = 0x6A88
    WRONG_P1P2_OFFSET = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


_MEANINGS: dict[int, str] = {
    SW.OK: "success",
    SW.WRONG_LENGTH: "wrong length (Lc or Le)",
    SW.CHANNEL_NOT_SUPPORTED: "logical channel not supported",
    SW.SECURE_MESSAGING_NOT_SUPPORTED: "secure messaging not supported",
    SW.SECURITY_STATUS_NOT_SATISFIED: "security status not satisfied (PIN not verified)",
    SW.AUTH_METHOD_BLOCKED: "authentication method blocked (PIN blocked)",
    SW.REFERENCE_DATA_BLOCKED: "referenced data locked (PIN blocked)",
    SW.CONDITIONS_NOT_SATISFIED: "conditions of use not satisfied",
    SW.WRONG_DATA: "incorrect data field",
    SW.FUNCTION_NOT_SUPPORTED: "function not supported",
    SW.FILE_NOT_FOUND: "file or application not found",
    SW.RECORD_NOT_FOUND: "record not found",
    SW.INCORRECT_P1P2: "incorrect parameters P1-P2",
    SW.REFERENCE_NOT_FOUND: "referenced data not found",
    SW.WRONG_P1P2_OFFSET: "offset outside the file",
    SW.INS_NOT_SUPPORTED: "instruction not supported",
    SW.CLA_NOT_SUPPORTED: "class not supported",
    SW.NO_PRECISE_DIAGNOSIS: "no precise diagnosis",
}


# The meaning of a status word by its first byte, when the whole word is not in _MEANINGS.
_SW1_MEANINGS = {
    0x62: "warning, state of non-volatile memory unchanged",
    0x63: "warning, state of non-volatile memory changed",
    0x64: "execution error, state of non-volatile memory unchanged",
    0x65: "execution error, state of non-volatile memory changed",
    0x67: "wrong length",
    0x68: "functions in CLA not supported",
    0x69: "command not allowed",
    0x6A: "wrong parameters P1-P2",
}


def is_retry_counter(sw: int) -> bool:
    """Whether *sw* is a ``63Cx`` retry-counter answer."""
    return sw & 0xFFF0 == 0x63C0


def retries_from_sw(sw: int) -> int | None:
    """Tries left that *sw* reports: ``63Cx`` gives x, ``6983``/``6984`` give 0, else None."""
    if is_retry_counter(sw):
        return sw & 0x000F
    if sw in (SW.AUTH_METHOD_BLOCKED, SW.REFERENCE_DATA_BLOCKED):
        return 0
    return None


def describe_sw(sw: int) -> str:
    """The meaning of a status word in English; unknown words still get a description."""
    if sw in _MEANINGS:
        return _MEANINGS[sw]
    sw1, sw2 = sw >> 8, sw & 0xFF
    if is_retry_counter(sw):
        tries = sw2 & 0x0F
        if tries == 0:
            return "verification failed, no tries left (blocked)"
        return f"verification failed or counter query, {tries} tries left"
    if sw1 == 0x61:
        return f"{sw2 or 256} more response bytes available (GET RESPONSE)"
    if sw1 == 0x6C:
        return f"wrong Le, the exact length is {sw2 or 256}"
    return _SW1_MEANINGS.get(sw1, "unknown status word")
