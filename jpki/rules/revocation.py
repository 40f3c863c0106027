"""What a change on the resident register does to the certificates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum, unique

from .ids import RuleId
from .results import JsonValue, RuleResult

__all__ = ["RegisterChange", "Revocation", "revocation_on"]


@unique
class RegisterChange(StrEnum):
    """A change of one of the four basic facts on the resident register (住民票の4情報)."""

    NAME = "name"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    SEX = "sex"


@dataclass(frozen=True, slots=True)
class Revocation:
    """Which certificates a change revokes."""

    sign_cert: bool
    auth_cert: bool

    def to_json(self) -> dict[str, JsonValue]:
        """``{"sign_cert": bool, "auth_cert": bool}``."""
        return {"sign_cert": self.sign_cert, "auth_cert": self.auth_cert}


def revocation_on(changes: Iterable[RegisterChange]) -> RuleResult[Revocation]:
    """The certificates revoked by *changes*.

    Any of the four revokes the signature certificate automatically (a new one is issued at
    the counter); the user-authentication certificate survives them all.
    """
    changed = sorted(set(changes))
    if not changed:
        explanation = "no change of name, address, birth date or sex: nothing is revoked"
    else:
        explanation = (
            f"change of {', '.join(changed)}: the signature certificate is revoked "
            "automatically (apply for a new one at the counter); the user-authentication "
            "certificate stays valid"
        )
    return RuleResult(
        Revocation(sign_cert=bool(changed), auth_cert=False),
        RuleId.REVOCATION_REGISTER_CHANGE,
        explanation,
    )
