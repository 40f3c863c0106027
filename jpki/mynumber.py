"""The My Number (個人番号): 11 digits and a check digit, and how to check one without leaking it.

The check digit is public (the 個人番号 check-digit rule of the Act's ordinance)::

    check = 11 - (sum(P[n] * Q[n] for n in 1..11) mod 11), or 0 when the remainder is 0 or 1

where ``P[n]`` is the n-th of the 11 leading digits counted from the right (``P[1]`` is the digit
just left of the check digit) and ``Q[n]`` is ``n + 1`` for ``n <= 6`` and ``n - 5`` for
``n >= 7``. Error messages here never repeat a full number: see :func:`mask_my_number`.
"""

from __future__ import annotations

from .errors import MyNumberError

__all__ = [
    "MY_NUMBER_LENGTH",
    "check_digit",
    "is_valid_my_number",
    "make_my_number",
    "mask_my_number",
    "validate_my_number",
]

MY_NUMBER_LENGTH = 12
"""Digits of a My Number, the check digit included."""

_BODY_LENGTH = MY_NUMBER_LENGTH - 1
_SHOWN_DIGITS = 4
# Q[n] for n = 1..11, n counted from the right of the 11 leading digits.
_WEIGHTS = tuple(n + 1 if n <= 6 else n - 5 for n in range(1, _BODY_LENGTH + 1))


def _is_ascii_digits(text: str, length: int) -> bool:
    return len(text) == length and text.isascii() and text.isdigit()


def mask_my_number(text: str) -> str:
    """Return ``text`` with all but its last four characters replaced by ``*``.

    Short inputs are masked entirely, so nothing that could be most of a number is shown.
    """
    if not isinstance(text, str):
        return "<not a string>"
    if len(text) <= _SHOWN_DIGITS * 2:
        return "*" * len(text)
    return "*" * (len(text) - _SHOWN_DIGITS) + text[-_SHOWN_DIGITS:]


def check_digit(first11: str) -> int:
    """Return the check digit (0-9) for the 11 leading digits ``first11``.

    :raises MyNumberError: ``first11`` is not exactly 11 ASCII digits.
    """
    if not isinstance(first11, str) or not _is_ascii_digits(first11, _BODY_LENGTH):
        raise MyNumberError(
            f"the leading part of a My Number must be {_BODY_LENGTH} ASCII digits"
            f" (got {mask_my_number(first11)!r})"
        )
    from_right = reversed(first11)
    total = sum(int(digit) * weight for digit, weight in zip(from_right, _WEIGHTS, strict=True))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(text: str) -> bool:
    """Whether ``text`` is 12 ASCII digits whose last digit is the check digit of the rest."""
    if not isinstance(text, str) or not _is_ascii_digits(text, MY_NUMBER_LENGTH):
        return False
    return check_digit(text[:_BODY_LENGTH]) == int(text[-1])


def validate_my_number(text: str) -> str:
    """Return ``text`` unchanged if it is a valid My Number.

    :raises MyNumberError: wrong length, a non-digit, or a wrong check digit; the message shows
        the number masked.
    """
    if not isinstance(text, str):
        raise MyNumberError(f"a My Number must be a string, not {type(text).__name__}")
    masked = mask_my_number(text)
    if not _is_ascii_digits(text, MY_NUMBER_LENGTH):
        raise MyNumberError(
            f"a My Number is {MY_NUMBER_LENGTH} ASCII digits; got {len(text)} characters"
            f" ({masked!r})"
        )
    if check_digit(text[:_BODY_LENGTH]) != int(text[-1]):
        raise MyNumberError(f"My Number {masked!r} has a wrong check digit")
    return text


def make_my_number(first11: str | int) -> str:
    """Return the valid My Number that starts with ``first11`` (for tests and examples).

    An ``int`` is zero-padded to 11 digits, so ``make_my_number(1)`` is ``"000000000019"``.

    :raises MyNumberError: not 11 digits, or an int outside ``0..99999999999``.
    """
    if isinstance(first11, int) and not isinstance(first11, bool):
        if not 0 <= first11 < 10**_BODY_LENGTH:
            raise MyNumberError(f"{_BODY_LENGTH}-digit body out of range")
        first11 = f"{first11:0{_BODY_LENGTH}d}"
    if not isinstance(first11, str):
        raise MyNumberError("the body of a My Number must be a str or an int")
    return first11 + str(check_digit(first11))
