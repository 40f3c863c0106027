"""Stable identifiers of the rules: which rule produced a value, which decision it rests on."""

from __future__ import annotations

from enum import StrEnum, unique

__all__ = ["Decision", "NotIssuedReason", "RuleId"]


@unique
class RuleId(StrEnum):
    """The rule that produced a value; the string is stable and appears in JSON."""

    CARD_10TH_BIRTHDAY = "card.10th_birthday"
    CARD_5TH_BIRTHDAY = "card.5th_birthday"
    CARD_11TH_BIRTHDAY_RENEWAL = "card.11th_birthday_renewal"
    CARD_6TH_BIRTHDAY_RENEWAL = "card.6th_birthday_renewal"
    CARD_RESIDENCE_CAP = "card.residence_cap"
    EXTENSION_SPECIAL = "extension.special"
    CERT_5TH_BIRTHDAY = "cert.5th_birthday"
    CERT_6TH_BIRTHDAY_RENEWAL = "cert.6th_birthday_renewal"
    CERT_CAPPED_BY_CARD = "cert.capped_by_card"
    CERT_RESIDENCE_CAP = "cert.residence_cap"
    CERT_SIGN_CAPPED_BY_AUTH = "cert.sign_capped_by_auth"
    CERT_NOT_ISSUED_UNDER_15 = "cert.not_issued_under_15"
    CERT_NOT_ISSUED_FACE_AUTH = "cert.not_issued_face_auth"
    WINDOW_START = "window.start"
    STATE_ON_DATE = "state.on_date"
    USABLE_SIGN_NEXT_DAY = "usable.sign_next_day"
    USABLE_CONVENIENCE_STORE = "usable.convenience_store"
    REVOCATION_REGISTER_CHANGE = "revocation.register_change"
    INSURANCE_GRACE = "insurance.grace"
    COMPARE_EXPIRY = "compare.expiry"

    @property
    def label_ja(self) -> str:
        """The rule in the guidance's Japanese wording."""
        return _RULE_LABEL_JA[self]

    @property
    def label_en(self) -> str:
        """The rule in English."""
        return _RULE_LABEL_EN[self]


_RENEWAL_JA = "有効期限まで3か月未満での更新"
_RULE_LABEL_JA = {
    RuleId.CARD_10TH_BIRTHDAY: "発行日後10回目の誕生日",
    RuleId.CARD_5TH_BIRTHDAY: "発行日後5回目の誕生日(発行日に未成年)",
    RuleId.CARD_11TH_BIRTHDAY_RENEWAL: f"{_RENEWAL_JA}: 発行日後11回目の誕生日",
    RuleId.CARD_6TH_BIRTHDAY_RENEWAL: f"{_RENEWAL_JA}: 発行日後6回目の誕生日(発行日に未成年)",
    RuleId.CARD_RESIDENCE_CAP: "在留期間の満了日",
    RuleId.EXTENSION_SPECIAL: "特例による延長: 在留期間の満了日から2か月",
    RuleId.CERT_5TH_BIRTHDAY: "電子証明書の発行日後5回目の誕生日",
    RuleId.CERT_6TH_BIRTHDAY_RENEWAL: f"{_RENEWAL_JA}: 電子証明書の発行日後6回目の誕生日",
    RuleId.CERT_CAPPED_BY_CARD: "マイナンバーカードの有効期限まで",
    RuleId.CERT_RESIDENCE_CAP: "在留期間の満了日まで",
    RuleId.CERT_SIGN_CAPPED_BY_AUTH: "利用者証明用電子証明書の有効期限まで",
    RuleId.CERT_NOT_ISSUED_UNDER_15: "15歳未満のため署名用電子証明書は発行されません",
    RuleId.CERT_NOT_ISSUED_FACE_AUTH: (
        "顔認証マイナンバーカードには署名用電子証明書は搭載されません"
    ),
    RuleId.WINDOW_START: "有効期限3か月前の翌日から更新手続きが可能",
    RuleId.STATE_ON_DATE: "指定日時点の状態",
    RuleId.USABLE_SIGN_NEXT_DAY: "発行の翌日(24時間経過後)から利用可能",
    RuleId.USABLE_CONVENIENCE_STORE: (
        "翌日朝6時30分からコンビニ交付に利用可能(土日祝日・年末年始の発行は翌営業日の次の日)"
    ),
    RuleId.REVOCATION_REGISTER_CHANGE: (
        "住民票の4情報(氏名、住所、生年月日、性別)の変更で署名用電子証明書は自動失効"
    ),
    RuleId.INSURANCE_GRACE: "有効期限の月末から3か月後まで保険証の資格確認に利用可能",
    RuleId.COMPARE_EXPIRY: "カードに記録された有効期限との照合",
}
_RULE_LABEL_EN = {
    RuleId.CARD_10TH_BIRTHDAY: "10th birthday after the issue date",
    RuleId.CARD_5TH_BIRTHDAY: "5th birthday after the issue date (under age on the issue date)",
    RuleId.CARD_11TH_BIRTHDAY_RENEWAL: "renewed with < 3 months left: 11th birthday after issue",
    RuleId.CARD_6TH_BIRTHDAY_RENEWAL: (
        "renewed with < 3 months left: 6th birthday after issue (under age on the issue date)"
    ),
    RuleId.CARD_RESIDENCE_CAP: "end of the period of stay",
    RuleId.EXTENSION_SPECIAL: "special extension: 2 months after the end of the period of stay",
    RuleId.CERT_5TH_BIRTHDAY: "5th birthday after the certificate's issue date",
    RuleId.CERT_6TH_BIRTHDAY_RENEWAL: (
        "renewed with < 3 months left: 6th birthday after the certificate's issue date"
    ),
    RuleId.CERT_CAPPED_BY_CARD: "capped by the card's expiry",
    RuleId.CERT_RESIDENCE_CAP: "capped by the end of the period of stay",
    RuleId.CERT_SIGN_CAPPED_BY_AUTH: "capped by the user-authentication certificate's expiry",
    RuleId.CERT_NOT_ISSUED_UNDER_15: "no signature certificate under 15",
    RuleId.CERT_NOT_ISSUED_FACE_AUTH: "no signature certificate on a face-auth card",
    RuleId.WINDOW_START: "renewal from the day after the day 3 months before expiry",
    RuleId.STATE_ON_DATE: "state on the given day",
    RuleId.USABLE_SIGN_NEXT_DAY: "usable from the next day (24 hours after issue)",
    RuleId.USABLE_CONVENIENCE_STORE: (
        "convenience stores from 06:30 the next day (after a weekend/holiday/year-end issue: "
        "the day after the next business day)"
    ),
    RuleId.REVOCATION_REGISTER_CHANGE: (
        "a change of name, address, birth date or sex revokes the signature certificate"
    ),
    RuleId.INSURANCE_GRACE: (
        "health-insurance checks until 3 months after the end of the month of expiry"
    ),
    RuleId.COMPARE_EXPIRY: "comparison with the expiry recorded on the card",
}


@unique
class Decision(StrEnum):
    """A point the public texts leave open, decided in RULES.md; results resting on one are
    "unconfirmed" so staff double-check them."""

    FEB29 = "feb29"
    AGE_COUNTING = "age_counting"
    CARD_RENEWAL_11TH_6TH = "card_renewal_11th_6th"
    EXTENSION_MONTH_END = "extension_month_end"
    APPLICATION_RECEIPT_UNKNOWN = "application_receipt_unknown"
    HEALTH_INSURANCE_GRACE = "health_insurance_grace"

    @property
    def label_ja(self) -> str:
        """What was decided, in Japanese."""
        return _DECISION_LABEL_JA[self]

    @property
    def label_en(self) -> str:
        """What was decided, in English."""
        return _DECISION_LABEL_EN[self]


_DECISION_LABEL_JA = {
    Decision.FEB29: "2月29日生まれの方の平年の誕生日を2月28日とするか3月1日とするか",
    Decision.AGE_COUNTING: (
        "年齢が誕生日の前日に加算されるか(年齢計算ニ関スル法律)、誕生日当日に加算されるか"
    ),
    Decision.CARD_RENEWAL_11TH_6TH: (
        "有効期限まで3か月未満で申請したカードが11回目(未成年は6回目)の誕生日までとなる扱い"
        "(公的な資料で未確認)"
    ),
    Decision.EXTENSION_MONTH_END: (
        "特例による延長の2か月を民法の期間計算で数える扱い(例: 6月30日→8月31日)"
    ),
    Decision.APPLICATION_RECEIPT_UNKNOWN: (
        "申請受付日が不明なため、18歳/20歳の基準をカードの発行日で判断"
        "(2022年7月1日より前に発行されたカード)"
    ),
    Decision.HEALTH_INSURANCE_GRACE: (
        "有効期限の月末から3か月(保険者によっては有効期限日から3か月)"
    ),
}
_DECISION_LABEL_EN = {
    Decision.FEB29: "the birthday in common years of someone born on 29 February (28 Feb or 1 Mar)",
    Decision.AGE_COUNTING: (
        "an age is reached on the day before the birthday (Act on Age Calculation) "
        "or on the birthday"
    ),
    Decision.CARD_RENEWAL_11TH_6TH: (
        "a card applied for with < 3 months left runs to the 11th/6th birthday "
        "(third-party source only)"
    ),
    Decision.EXTENSION_MONTH_END: (
        "the special extension's 2 months counted by the Civil Code (06-30 -> 08-31)"
    ),
    Decision.APPLICATION_RECEIPT_UNKNOWN: (
        "J-LIS receipt date unknown: the 18/20 threshold taken from the issue date "
        "(card issued before 2022-07-01)"
    ),
    Decision.HEALTH_INSURANCE_GRACE: (
        "3 months after the end of the month of expiry (some insurers: from the expiry day)"
    ),
}


@unique
class NotIssuedReason(StrEnum):
    """Why a certificate is not on the card."""

    UNDER_15 = "under_15"
    FACE_AUTH = "face_auth"

    @property
    def rule(self) -> RuleId:
        """The rule that leaves the certificate out."""
        if self is NotIssuedReason.UNDER_15:
            return RuleId.CERT_NOT_ISSUED_UNDER_15
        return RuleId.CERT_NOT_ISSUED_FACE_AUTH
