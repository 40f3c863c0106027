"""Stable identifiers of the rules: which rule produced a value, which decision it rests on.

The words for each identifier live in the ``rules`` message catalog (``jpki/texts/*/rules.json``):
``msg`` names the entry, :func:`jpki.texts.render` says it in a language.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import ClassVar

from jpki.texts import Msg

__all__ = ["Decision", "NotIssuedReason", "RuleId", "WordedId"]


class WordedId(StrEnum):
    """An identifier whose words are the catalog entry ``rules.<_catalog_prefix>.<value>``.

    The prefix is a class attribute set after each subclass, as :mod:`jpki.ids` does for its
    enums (an attribute in an enum's body would be a member).
    """

    _catalog_prefix: ClassVar[str]

    def worded(self, **values: object) -> Msg:
        """The catalog entry of this identifier with the *values* its template names."""
        return Msg(f"rules.{self._catalog_prefix}.{self.value}", **values)

    @property
    def msg(self) -> Msg:
        """The words for this identifier, rendered where they are shown."""
        return self.worded()


@unique
class RuleId(WordedId):
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
    USABLE_CONVENIENCE_STORE_NOT_FOR_HOLDER = "usable.convenience_store_not_for_holder"
    REVOCATION_REGISTER_CHANGE = "revocation.register_change"
    INSURANCE_GRACE = "insurance.grace"
    COMPARE_EXPIRY = "compare.expiry"
    GIVEN_ON_CARD = "given.on_card"
    CHECK_RENEWAL_FLAG = "check.renewal_flag"
    DRAFT_CARD_ONE_MONTH_AFTER_BIRTHDAY = "draft.card_one_month_after_birthday"
    DRAFT_CERT_WITH_CARD = "draft.cert_with_card"
    DRAFT_WINDOW_ONE_YEAR = "draft.window_one_year"
    FACT_FACE_AUTH = "fact.face_auth"
    FACT_MOVING_ABROAD = "fact.moving_abroad"
    FACT_FOREIGN_LANGUAGE_HELP = "fact.foreign_language_help"
    FACT_SMARTPHONE_CERT = "fact.smartphone_cert"
    FACT_HEALTH_INSURANCE = "fact.health_insurance"
    FACT_EXPRESS_ISSUANCE = "fact.express_issuance"
    FACT_CARD_PICKUP = "fact.card_pickup"


RuleId._catalog_prefix = "rule"


@unique
class Decision(WordedId):
    """A point the public texts leave open, decided in RULES.md (or left open here); results
    resting on one are "unconfirmed" so staff double-check them."""

    FEB29 = "feb29"
    AGE_COUNTING = "age_counting"
    CARD_RENEWAL_11TH_6TH = "card_renewal_11th_6th"
    EXTENSION_MONTH_END = "extension_month_end"
    APPLICATION_RECEIPT_UNKNOWN = "application_receipt_unknown"
    HEALTH_INSURANCE_GRACE = "health_insurance_grace"
    INSURANCE_AFTER_CARD_EXPIRY = "insurance_after_card_expiry"
    SMARTPHONE_CERT_ON_RENEWAL = "smartphone_cert_on_renewal"
    EXPRESS_ISSUANCE_DETAILS = "express_issuance_details"
    DRAFT_RULE_SET = "draft_rule_set"


Decision._catalog_prefix = "decision"


@unique
class NotIssuedReason(WordedId):
    """Why a certificate is not on the card."""

    UNDER_15 = "under_15"
    FACE_AUTH = "face_auth"

    @property
    def rule(self) -> RuleId:
        """The rule that leaves the certificate out."""
        return _NOT_ISSUED_RULE[self]


NotIssuedReason._catalog_prefix = "not_issued"


_NOT_ISSUED_RULE = {
    NotIssuedReason.UNDER_15: RuleId.CERT_NOT_ISSUED_UNDER_15,
    NotIssuedReason.FACE_AUTH: RuleId.CERT_NOT_ISSUED_FACE_AUTH,
}
