"""The draft rules of the next-generation card (RULES.md section 7): not in force.

Proposed for about FY2028 and needing legislation: certificates valid as long as the card, the
card valid to one month after the birthday, renewal from one year before. Nothing here is law;
every value rests on :attr:`Decision.DRAFT_RULE_SET` and the report's version says "not in
force". The age threshold, the residence cap and the face-auth card follow the current rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from .dates import add_months, age_on, nth_birthday_after
from .ids import Decision, NotIssuedReason, RuleId
from .inputs import ExpiryInputs
from .report import ExpiryReport, Item, ItemReport, ItemState
from .results import NotIssued, RuleResult
from .rulesets import RuleSet
from .window import state_on

__all__ = ["evaluate_next_generation_draft"]

_DRAFT = frozenset({Decision.DRAFT_RULE_SET})
_ADULT = 18
_SIGN_CERT_MIN_AGE = 15


def evaluate_next_generation_draft(inputs: ExpiryInputs, today: date) -> ExpiryReport:
    """The report for *inputs* on *today* under the draft of the next-generation card."""
    age = age_on(inputs.birth, inputs.card_issued, inputs.age_counting, inputs.feb29)
    count = 10 if age >= _ADULT else 5
    birthday = nth_birthday_after(inputs.birth, inputs.card_issued, count, inputs.feb29)
    card_value = add_months(birthday, 1)
    rule = RuleId.DRAFT_CARD_ONE_MONTH_AFTER_BIRTHDAY
    why = f"draft: one month after the {count}th birthday {birthday} after the issue date"
    if inputs.residence_until is not None and inputs.residence_until < card_value:
        card_value, rule = inputs.residence_until, RuleId.CARD_RESIDENCE_CAP
        why = f"draft: the period of stay ends on {card_value}"
    card: RuleResult[date | NotIssued] = RuleResult(card_value, rule, why, _DRAFT)
    auth: RuleResult[date | NotIssued] = RuleResult(
        card_value, RuleId.DRAFT_CERT_WITH_CARD, "draft: certificates end with the card", _DRAFT
    )
    sign_age = age_on(inputs.birth, inputs.sign_issued, inputs.age_counting, inputs.feb29)
    sign = auth
    if inputs.face_auth:
        sign = RuleResult(
            NotIssued(NotIssuedReason.FACE_AUTH), RuleId.CERT_NOT_ISSUED_FACE_AUTH, "face-auth"
        )
    elif sign_age < _SIGN_CERT_MIN_AGE:
        sign = RuleResult(
            NotIssued(NotIssuedReason.UNDER_15), RuleId.CERT_NOT_ISSUED_UNDER_15, "under 15"
        )
    grace = RuleResult(
        card_value,
        RuleId.INSURANCE_GRACE,
        "draft: health-insurance use ends with the certificate",
        _DRAFT | {Decision.HEALTH_INSURANCE_GRACE},
    )
    return ExpiryReport(
        inputs=inputs,
        today=today,
        rule_set=RuleSet.NEXT_GENERATION_DRAFT,
        card=_item(Item.CARD, inputs.card_issued, card, today),
        auth_cert=_item(Item.AUTH_CERT, inputs.auth_issued, auth, today),
        sign_cert=_item(Item.SIGN_CERT, inputs.sign_issued, sign, today),
        health_insurance_until=grace,
    )


def _item(
    item: Item, issued: date, expiry: RuleResult[date | NotIssued], today: date
) -> ItemReport:
    value = expiry.value
    if isinstance(value, NotIssued):
        state = RuleResult(ItemState.NOT_ISSUED, RuleId.STATE_ON_DATE, expiry.explanation)
        return ItemReport(item, issued, expiry, None, state)
    start = add_months(value, -12) + timedelta(days=1)
    window = RuleResult(
        start, RuleId.DRAFT_WINDOW_ONE_YEAR, f"draft: renewal from one year before {value}", _DRAFT
    )
    state = replace(state_on(issued, value, start, today), decisions=_DRAFT)
    return ItemReport(item, issued, expiry, window, state)
