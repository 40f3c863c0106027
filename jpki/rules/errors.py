"""The one error the rules engine raises: inputs that cannot describe a real card."""

from __future__ import annotations

from enum import StrEnum, unique

from jpki.errors import InputError

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

    @property
    def label_ja(self) -> str:
        """The contradiction in one Japanese sentence (the dates are the caller's own)."""
        return _PROBLEM_LABEL_JA[self]


_PROBLEM_LABEL_JA = {
    InputProblem.DATE_OUT_OF_RANGE: "日付が計算できる範囲(1868年から2199年まで)の外です。",
    InputProblem.ISSUED_BEFORE_BIRTH: "カードの発行日が生年月日より前です。",
    InputProblem.BEFORE_FIRST_CARD: (
        "マイナンバーカードは2016年1月から発行されています。発行日を確認してください。"
    ),
    InputProblem.CERT_BEFORE_CARD: "電子証明書の発行日がカードの発行日より前です。",
    InputProblem.CERT_AFTER_CARD_EXPIRY: "電子証明書の発行日がカードの有効期限より後です。",
    InputProblem.RESIDENCE_END_BEFORE_ISSUE: "在留期間の満了日が発行日より前です。",
    InputProblem.APPLICATION_AFTER_ISSUE: "申請受付日がカードの発行日より後です。",
    InputProblem.APPLICATION_BEFORE_BIRTH: "申請受付日が生年月日より前です。",
    InputProblem.EXTENSION_WITHOUT_RESIDENCE: (
        "特例による延長には在留期間の満了日の指定が必要です。"
    ),
    InputProblem.SIGN_CERT_ON_FACE_AUTH: (
        "顔認証マイナンバーカードには署名用電子証明書が搭載されないため、発行日は指定できません。"
    ),
}


class RulesInputError(InputError):
    """Dates or flags that no real card can have (issued before birth, ...).

    :param problem: which contradiction, for callers that word their own message.
    :param message: one line saying what is wrong, with the dates involved.
    """

    def __init__(self, problem: InputProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
