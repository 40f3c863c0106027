"""The one error the rules engine raises: inputs that cannot describe a real card."""

from __future__ import annotations

from enum import StrEnum, unique

from jpki.errors import InputError
from jpki.texts import Msg

__all__ = ["InputProblem", "RulesInputError"]


@unique
class InputProblem(StrEnum):
    """Why a set of dates cannot belong to one card."""

    ISSUED_BEFORE_BIRTH = "issued_before_birth"
    BEFORE_FIRST_CARD = "before_first_card"
    CERT_BEFORE_CARD = "cert_before_card"
    CERT_AFTER_CARD_EXPIRY = "cert_after_card_expiry"
    RESIDENCE_END_BEFORE_ISSUE = "residence_end_before_issue"
    APPLICATION_AFTER_ISSUE = "application_after_issue"
    APPLICATION_BEFORE_BIRTH = "application_before_birth"
    EXTENSION_WITHOUT_RESIDENCE = "extension_without_residence"
    SIGN_CERT_ON_FACE_AUTH = "sign_cert_on_face_auth"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    EXPIRY_BEFORE_ISSUE = "expiry_before_issue"
    EXPIRY_BEFORE_BIRTH = "expiry_before_birth"

    @property
    def msg(self) -> Msg:
        """The contradiction in one sentence (the dates are the caller's own)."""
        return Msg(f"rules.problem.{self.value}")


class RulesInputError(InputError):
    """Dates or flags that no real card can have (issued before birth, ...).

    :param problem: which contradiction, for callers that word their own message.
    :param message: one line saying what is wrong, with the dates involved.
    """

    def __init__(self, problem: InputProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
