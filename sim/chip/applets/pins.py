"""PIN objects of the simulated card: value, try counter, verified flag.

The value and the try counter are the card's persistent memory: they survive power cycles
(and are written back into :class:`~sim.carddata.CardData` by the card's snapshot). The
verified flag is volatile: power-off or a reset clears it; SELECT (of any application, this
one included) and a PC/SC reconnect do not, as on a real card.
"""

from __future__ import annotations

import hmac
import string
from enum import Enum, unique

from sim.carddata import PinSetting

from . import sw

__all__ = ["MAX_PIN_BYTES", "Pin", "PinFormat"]

MAX_PIN_BYTES = 16
"""The longest PIN the card takes (JICSAP); longer VERIFY data is answered ``6700``."""

_DIGITS = frozenset(string.digits.encode())
_UPPER = frozenset(string.ascii_uppercase.encode())


@unique
class PinFormat(Enum):
    """What a new value must look like for CHANGE REFERENCE DATA to accept it.

    The card never checks the shape of a value given to VERIFY: a malformed PIN is simply
    wrong and spends a try, as on a real card.
    """

    FOUR_DIGITS = "four ASCII digits"
    ALPHANUMERIC = "6-16 of A-Z and 0-9 with at least one letter and one digit"
    NOT_SETTABLE = "no value can be set"

    def accepts(self, value: bytes) -> bool:
        """Whether *value* is a valid new PIN of this format."""
        if self is PinFormat.FOUR_DIGITS:
            return len(value) == 4 and set(value) <= _DIGITS
        if self is PinFormat.ALPHANUMERIC:
            chars = set(value)
            return (
                6 <= len(value) <= 16
                and chars <= _DIGITS | _UPPER
                and bool(chars & _DIGITS)
                and bool(chars & _UPPER)
            )
        return False


class Pin:
    """One PIN (key reference) of an application, living in the EF with identifier *fid*.

    :param fid: the PIN's EF identifier (also its short EF identifier).
    :param value: the PIN as ASCII text.
    :param max_tries: tries of a fresh PIN; a success sets the counter back to it.
    :param tries: tries left now (default *max_tries*); 0 means blocked.
    :param fmt: what a new value must look like.
    """

    __slots__ = ("_value", "fid", "fmt", "max_tries", "tries", "verified")

    def __init__(
        self,
        fid: int,
        value: str,
        *,
        max_tries: int,
        tries: int | None = None,
        fmt: PinFormat = PinFormat.FOUR_DIGITS,
    ) -> None:
        if not 1 <= max_tries <= 15:
            raise ValueError(f"a PIN has 1-15 tries, not {max_tries}")
        tries = max_tries if tries is None else tries
        if not 0 <= tries <= max_tries:
            raise ValueError(f"tries left must be 0-{max_tries}, not {tries}")
        self.fid = fid
        self.fmt = fmt
        self.max_tries = max_tries
        self.tries = tries
        self.verified = False
        self._value = value.encode("ascii")

    @classmethod
    def from_setting(
        cls,
        fid: int,
        setting: PinSetting,
        *,
        max_tries: int,
        fmt: PinFormat = PinFormat.FOUR_DIGITS,
    ) -> Pin:
        """The PIN *setting* describes (its value and tries left), stored in EF *fid*."""
        return cls(fid, setting.value, max_tries=max_tries, tries=setting.tries_left, fmt=fmt)

    def __repr__(self) -> str:
        # Never the value.
        return f"Pin(fid={self.fid:04X}, tries={self.tries}/{self.max_tries})"

    @property
    def value(self) -> str:
        """The current value (for the card's persistent snapshot only)."""
        return self._value.decode("ascii")

    @property
    def blocked(self) -> bool:
        """Whether the try counter is exhausted."""
        return self.tries == 0

    def query(self) -> bytes:
        """Answer a case-1 VERIFY: ``63Cx`` without spending a try, ``9000`` if verified."""
        if self.tries == 0:
            return sw.retries(0)
        if self.verified:
            return sw.OK
        return sw.retries(self.tries)

    def verify(self, candidate: bytes) -> bytes:
        """Answer a VERIFY with data: compare, count, and set the verified flag."""
        if self.tries == 0:
            return sw.BLOCKED
        if len(candidate) > MAX_PIN_BYTES:
            # Our choice: an over-long value is a malformed command, not a wrong guess.
            return sw.WRONG_LENGTH
        if hmac.compare_digest(candidate, self._value):
            self.tries = self.max_tries
            self.verified = True
            return sw.OK
        self.tries -= 1
        self.verified = False
        return sw.retries(self.tries)

    def change(self, new_value: bytes) -> bytes:
        """Answer CHANGE REFERENCE DATA (P1 ``01``): the PIN must be verified already."""
        if self.tries == 0:
            return sw.BLOCKED
        if not self.verified:
            return sw.SECURITY_NOT_SATISFIED
        if not self.fmt.accepts(new_value):
            # Our choice: the card's real answer to a malformed new value is not documented.
            return sw.WRONG_DATA
        self._value = bytes(new_value)
        self.tries = self.max_tries
        return sw.OK
