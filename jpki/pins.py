"""PIN shapes, checked before anything reaches the card, and their single encoding.

A malformed PIN sent to the card would spend a try: every check here runs first, and the
messages never contain the PIN.
"""

from __future__ import annotations

from .errors import PinFormatError
from .ids import PinKind
from .texts import Msg

__all__ = ["check_new_pin", "check_pin", "encode_pin"]

# Spelled out rather than taken from the string module, which costs a millisecond to import
# on the path of every card command (issue 17).
_DIGITS = frozenset("0123456789")
_UPPER_CASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER_CASE = frozenset(_UPPER_CASE.lower())
_PASSWORD_CHARS = frozenset(_UPPER_CASE) | _DIGITS


def check_pin(kind: PinKind, pin: str) -> None:
    """Check the shape of a PIN to be verified; raise :class:`PinFormatError` if wrong.

    The three 4-digit PINs are exactly 4 ASCII digits. The signature password is 6-16
    characters of ``A-Z`` and ``0-9``; lower-case letters are refused, never upper-cased,
    because the card compares bytes and a silent change would spend a try on a guess.
    """
    if not isinstance(pin, str):
        raise PinFormatError(kind, Msg("ids.pin_format.text", pin=kind.label))
    if kind is PinKind.SIGN:
        if not 6 <= len(pin) <= 16:
            raise PinFormatError(kind, Msg("ids.pin_format.length", pin=kind.label))
        if any(ch in _LOWER_CASE for ch in pin):
            raise PinFormatError(kind, Msg("ids.pin_format.lower_case", pin=kind.label))
        if not set(pin) <= _PASSWORD_CHARS:
            raise PinFormatError(kind, Msg("ids.pin_format.characters", pin=kind.label))
        return
    if len(pin) != 4 or not set(pin) <= _DIGITS:
        raise PinFormatError(kind, Msg("ids.pin_format.four_digits", pin=kind.label))


def check_new_pin(kind: PinKind, pin: str) -> None:
    """Check a PIN about to be set: as :func:`check_pin`, and a new signature password
    needs at least one letter and one digit."""
    check_pin(kind, pin)
    if kind is PinKind.SIGN and (
        not any(ch.isdigit() for ch in pin) or not any(ch.isalpha() for ch in pin)
    ):
        raise PinFormatError(kind, Msg("ids.pin_format.letter_and_digit", pin=kind.label))


def encode_pin(kind: PinKind, pin: str) -> bytes:
    """The bytes the card expects for *pin* (ASCII), after :func:`check_pin`."""
    check_pin(kind, pin)
    return pin.encode("ascii")
