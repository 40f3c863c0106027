"""String enums whose members carry their own constants.

An identifier often comes with a few fixed facts: a file ID, the PIN that unlocks it, the code
another source writes for it. Rather than a property per fact that looks the member up in a
table beside the enum, a subclass of :class:`AttributedStrEnum` annotates the facts and each
member lists them after its value, so the table is the enum itself::

    class KeyKind(AttributedStrEnum):
        file: JpkiFile
        pin: PinKind

        AUTH = "auth", JpkiFile.AUTH_KEY, PinKind.AUTH
        SIGN = "sign", JpkiFile.SIGN_KEY, PinKind.SIGN

``KeyKind.AUTH`` is still the string ``"auth"`` (its value; ``KeyKind("auth")`` finds it) and
``KeyKind.AUTH.pin`` is ``PinKind.AUTH``. The annotations of the class's own body name the
facts, in the order each member gives them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

__all__ = ["AttributedStrEnum"]


class AttributedStrEnum(StrEnum):
    """A :class:`~enum.StrEnum` whose members are written ``NAME = "value", fact, ...``.

    :raises TypeError: (when the class is defined) a member gives more or fewer facts than the
        class annotates.
    """

    def __new__(cls, value: str, *facts: object) -> Self:
        names = [name for name in cls.__annotations__ if not name.startswith("_")]
        if len(facts) != len(names):
            raise TypeError(
                f"{cls.__name__} member {value!r} gives {len(facts)} values for"
                f" {len(names)} attributes ({', '.join(names)})"
            )
        member = str.__new__(cls, value)
        member._value_ = value
        for name, fact in zip(names, facts, strict=True):
            setattr(member, name, fact)
        return member

    @classmethod
    def _with(cls, attribute: str, wanted: object) -> Self | None:
        """The first member (in declaration order) whose *attribute* is equal to *wanted*."""
        return next((member for member in cls if getattr(member, attribute) == wanted), None)
