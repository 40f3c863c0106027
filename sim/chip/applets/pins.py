"""PIN objects of the simulated card: value, try counter, verified flag.

The value and the try counter are the card's persistent memory: they survive power cycles
(and are written back into :class:`~sim.carddata.CardData` by the card's snapshot). The
verified flag is volatile: power-off or a reset clears it; SELECT (of any application, this
one included) and a PC/SC reconnect do not, as on a real card.
"""

from __future__ import annotations

import string
from collections.abc import Callable
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
    :param value: the PIN as ASCII text, or the :class:`~sim.carddata.PinSetting` that holds
        it (clear or hashed; its tries are ignored: see *tries*).
    :param max_tries: tries of a fresh PIN; a success sets the counter back to it.
    :param tries: tries left now (default *max_tries*); 0 means blocked.
    :param fmt: what a new value must look like.

    :attr:`on_store` is the card's persistent-memory write: when set, it is called after each
    change of the counter or the value and before any answer that depends on it, as a chip
    writes its EEPROM before it answers. If it raises an exception, the change is undone and
    the exception propagates (the card then answers no PIN status at all).
    """

    __slots__ = ("_reference", "fid", "fmt", "max_tries", "on_store", "tries", "verified")

    def __init__(
        self,
        fid: int,
        value: str | PinSetting,
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
        self._reference = PinSetting(value) if isinstance(value, str) else value
        self.on_store: Callable[[], None] | None = None

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
        return cls(fid, setting, max_tries=max_tries, tries=setting.tries_left, fmt=fmt)

    def __repr__(self) -> str:
        # Never the value.
        return f"Pin(fid={self.fid:04X}, tries={self.tries}/{self.max_tries})"

    @property
    def setting(self) -> PinSetting:
        """The persistent state: the value as stored (clear or hashed) and the tries left."""
        tries = None if self.tries == self.max_tries else self.tries
        return self._reference.with_tries(tries)

    @property
    def blocked(self) -> bool:
        """Whether the try counter is exhausted."""
        return self.tries == 0

    def _store(self, tries: int, reference: PinSetting | None = None) -> None:
        """Set the persistent state and write it (undone if the write fails)."""
        before = (self.tries, self._reference)
        self.tries = tries
        if reference is not None:
            self._reference = reference
        if self.on_store is not None:
            try:
                self.on_store()
            except Exception:
                # The write failed: memory stays what the file says. (An interruption is not
                # undone: the write may have completed, and memory must never show more tries.)
                self.tries, self._reference = before
                raise

    def query(self) -> bytes:
        """Answer a case-1 VERIFY: ``63Cx`` without spending a try, ``9000`` if verified."""
        if self.tries == 0:
            return sw.retries(0)
        if self.verified:
            return sw.OK
        return sw.retries(self.tries)

    def verify(self, candidate: bytes) -> bytes:
        """Answer a VERIFY with data: count, compare, and set the verified flag.

        The try is spent (and stored) before the comparison, as a chip does, so nothing that
        stops the card between the two can give a guess for free.
        """
        if self.tries == 0:
            return sw.BLOCKED
        if len(candidate) > MAX_PIN_BYTES:
            # Our choice: an over-long value is a malformed command, not a wrong guess.
            return sw.WRONG_LENGTH
        self.verified = False
        self._store(self.tries - 1)
        if self._reference.matches(bytes(candidate)):
            self._store(self.max_tries)
            self.verified = True
            return sw.OK
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
        self._store(self.max_tries, self._reference.with_value(bytes(new_value).decode("ascii")))
        return sw.OK
