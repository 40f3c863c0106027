"""The draft rules of the next-generation card (RULES.md section 7): not in force.

Proposed for about FY2028 and needing legislation: certificates valid as long as the card, the
card valid to one month after the birthday, renewal from one year before. Nothing here is law;
every value rests on :attr:`Decision.DRAFT_RULE_SET` and the report's version says "not in
force". The age threshold, the residence cap and the face-auth card follow the current rules.
"""

from __future__ import annotations

from datetime import date, timedelta

from .dates import add_months, age_on, nth_birthday_after
from .ids import Decision, NotIssuedReason, RuleId
from .inputs import ExpiryInputs
from .report import ExpiryReport
from .results import NotIssued, RuleResult, not_issued
from .rulesets import RuleSet
from .window import expiry_report

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
        sign = not_issued(NotIssuedReason.FACE_AUTH, "face-auth")
    elif sign_age < _SIGN_CERT_MIN_AGE:
        sign = not_issued(NotIssuedReason.UNDER_15, "under 15")
    grace = RuleResult(
        card_value,
        RuleId.INSURANCE_GRACE,
        "draft: health-insurance use ends with the certificate",
        _DRAFT | {Decision.HEALTH_INSURANCE_GRACE},
    )
    return expiry_report(
        inputs, today, RuleSet.NEXT_GENERATION_DRAFT, (card, auth, sign), grace, _window
    )


def _window(expiry: date) -> RuleResult[date]:
    """Draft: renewal from one year before the expiry (the state rests on the draft too)."""
    start = add_months(expiry, -12) + timedelta(days=1)
    return RuleResult(
        start, RuleId.DRAFT_WINDOW_ONE_YEAR, f"draft: renewal from one year before {expiry}", _DRAFT
    )
