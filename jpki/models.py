"""Frozen results the session returns; the CLI renders them as text or JSON.

They are named tuples rather than frozen dataclasses: every command that talks to a card
defines them at start-up, and a named tuple costs a small fraction of a dataclass to define
(``python -m bench``; issue 17). They are immutable and compare by value all the same.

This module does without ``from __future__ import annotations`` on purpose: ``NamedTuple``
turns each string annotation into a ``ForwardRef`` and compiles it, a third of a millisecond
per field at every start-up; real annotations cost nothing. ``datetime`` is imported when a
date is asked for.
"""

from typing import TYPE_CHECKING, Any, NamedTuple

from .ids import PinKind, TokenKind

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Availability", "CardRecord", "PinStatus", "TokenInfo"]


class TokenInfo(NamedTuple):
    """The JPKI token EF: what kind of chip this is.

    :param name: the token name as stored (space padding removed).
    :param kind: the recognised token kind (``UNKNOWN`` for any other name).
    """

    name: str
    kind: TokenKind

    def to_json(self) -> dict[str, Any]:
        """Plain-data form for ``--json``."""
        return {
            "name": self.name,
            "kind": self.kind.name.lower(),
            "smartphone": self.kind.is_smartphone,
        }


class Availability(NamedTuple):
    """Which certificates the card holds (the availability EF).

    :param raw: the bytes of the EF.
    """

    raw: bytes

    @property
    def sign_certificate(self) -> bool:
        """Whether the signature certificate is present (byte 0 non-zero)."""
        return len(self.raw) > 0 and self.raw[0] != 0

    @property
    def auth_certificate(self) -> bool:
        """Whether the user-authentication certificate is present (byte 1 non-zero)."""
        return len(self.raw) > 1 and self.raw[1] != 0

    def to_json(self) -> dict[str, Any]:
        """Plain-data form for ``--json``."""
        return {
            "auth_certificate": self.auth_certificate,
            "sign_certificate": self.sign_certificate,
            "raw": self.raw.hex().upper(),
        }


class PinStatus(NamedTuple):
    """A PIN's retry counter, read without spending a try.

    :param kind: which PIN.
    :param remaining: tries left (the maximum when the PIN is already verified).
    :param verified: the card answered ``9000`` to the query: the PIN is verified now.
    """

    kind: PinKind
    remaining: int
    verified: bool = False

    @property
    def max(self) -> int:
        """Tries a fresh PIN has."""
        return self.kind.max_tries

    @property
    def blocked(self) -> bool:
        """No tries left: the PIN must be reset at the counter."""
        return self.remaining == 0

    @property
    def last_try(self) -> bool:
        """Exactly one try left: a wrong entry would block the PIN."""
        return self.remaining == 1

    def to_json(self) -> dict[str, Any]:
        """Plain-data form for ``--json``: ``remaining``, ``max``, ``blocked``, ``verified``."""
        return {
            "remaining": self.remaining,
            "max": self.max,
            "blocked": self.blocked,
            "verified": self.verified,
        }


class CardRecord(NamedTuple):
    """The common card application's record: serial, municipality, card expiry.

    :param serial: the card serial (15 digits).
    :param municipality_code: the issuing municipality's code (5 digits).
    :param card_expiry_text: the card's expiry as stored on the chip (``YYYYMMDD``).
    """

    serial: str
    municipality_code: str
    card_expiry_text: str

    @property
    def card_expiry(self) -> "date | None":
        """The card expiry as a date, or None when the stored text is not a valid date."""
        from datetime import date

        text = self.card_expiry_text
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None

    def to_json(self) -> dict[str, Any]:
        """Plain-data form for ``--json``."""
        expiry = self.card_expiry
        return {
            "serial": self.serial,
            "municipality_code": self.municipality_code,
            "card_expiry": expiry.isoformat() if expiry else None,
        }
