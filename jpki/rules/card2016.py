"""The rules of the current card (RULES.md sections 1-4), for cards issued since 2016.

Each open point of RULES.md is a field of :class:`_Reading`. The report is computed under the
chosen reading, then once more with each relevant decision read the other way: a value that
changes rests on that decision and is flagged unconfirmed. The card 11th/6th-birthday rule and
the health-insurance grace are flagged on their own results whatever the comparison says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from .dates import (
    AgeCounting,
    Feb29Policy,
    add_months,
    age_on,
    civil_code_months_after,
    nth_birthday_after,
)
from .errors import InputProblem, RulesInputError
from .guidance import insurance_after_expiry
from .ids import Decision, NotIssuedReason, RuleId
from .inputs import ExpiryInputs
from .report import ExpiryReport, ItemReport
from .results import NotIssued, RuleResult, not_issued
from .rulesets import RuleSet
from .window import expiry_report

__all__ = ["evaluate_card_2016"]

THRESHOLD_CHANGE = date(2022, 4, 1)
"""Applications J-LIS received from this day on use the age threshold 18 instead of 20."""
RECEIPT_UNCERTAIN_UNTIL = date(2022, 7, 1)
"""Without a receipt date, cards issued before this day may have been applied for under 20."""
SIGN_CERT_MIN_AGE = 15

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading the open points of RULES.md."""

    feb29: Feb29Policy
    age_counting: AgeCounting
    civil_code_extension: bool = True
    unknown_receipt_before_change: bool = False
    card_renewal_rule: bool = True


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One limit on an expiry; the earliest wins, ties go to the first listed."""

    value: date
    rule: RuleId
    explanation: str


def evaluate_card_2016(inputs: ExpiryInputs, today: date) -> ExpiryReport:
    """The report for *inputs* on *today* under the current rules.

    :raises RulesInputError: when a certificate is issued after the card expired.
    """
    chosen = _Reading(feb29=inputs.feb29, age_counting=inputs.age_counting)
    report = _compute(inputs, today, chosen)
    card_expiry = report.card.expiry_date
    for certificate in (report.auth_cert, report.sign_cert):
        if card_expiry is not None and certificate.issued > card_expiry:
            raise RulesInputError(
                InputProblem.CERT_AFTER_CARD_EXPIRY,
                f"a certificate issued on {certificate.issued} cannot be on a card that "
                f"expired on {card_expiry}",
            )
    for decision, reading in _other_readings(inputs, chosen):
        report = _flag_report(report, _compute(inputs, today, reading), decision)
    return report


def _other_readings(inputs: ExpiryInputs, chosen: _Reading) -> Iterator[tuple[Decision, _Reading]]:
    if (inputs.birth.month, inputs.birth.day) == (2, 29):
        yield Decision.FEB29, replace(chosen, feb29=chosen.feb29.other)
    yield Decision.AGE_COUNTING, replace(chosen, age_counting=chosen.age_counting.other)
    if inputs.special_extension:
        yield Decision.EXTENSION_MONTH_END, replace(chosen, civil_code_extension=False)
    if (
        inputs.application_received is None
        and THRESHOLD_CHANGE <= inputs.card_issued < RECEIPT_UNCERTAIN_UNTIL
    ):
        yield (
            Decision.APPLICATION_RECEIPT_UNKNOWN,
            replace(chosen, unknown_receipt_before_change=True),
        )
    if inputs.renewed_in_window:
        yield Decision.CARD_RENEWAL_11TH_6TH, replace(chosen, card_renewal_rule=False)


def _compute(inputs: ExpiryInputs, today: date, reading: _Reading) -> ExpiryReport:
    card = _card_expiry(inputs, reading)
    auth = _cert_expiry(inputs.auth_issued, None, card.value, inputs, reading)
    sign = _sign_cert_expiry(auth.value, card.value, inputs, reading)
    grace = insurance_after_expiry(auth.value)
    return expiry_report(inputs, today, RuleSet.CARD_2016, (card, auth, sign), grace)


def _age_threshold(inputs: ExpiryInputs, reading: _Reading) -> tuple[int, str]:
    received = inputs.application_received
    if received is not None:
        threshold = 20 if received < THRESHOLD_CHANGE else 18
        return threshold, f"threshold {threshold}: J-LIS received the application on {received}"
    if inputs.card_issued < THRESHOLD_CHANGE:
        return 20, f"threshold 20: issued before {THRESHOLD_CHANGE}"
    if inputs.card_issued >= RECEIPT_UNCERTAIN_UNTIL:
        return 18, f"threshold 18: issued on or after {RECEIPT_UNCERTAIN_UNTIL}"
    if reading.unknown_receipt_before_change:
        return 20, f"threshold 20: application assumed received before {THRESHOLD_CHANGE}"
    return 18, "threshold 18: receipt date unknown, taken from the issue date"


def _card_expiry(inputs: ExpiryInputs, reading: _Reading) -> RuleResult[date]:
    threshold, why = _age_threshold(inputs, reading)
    age = age_on(inputs.birth, inputs.card_issued, reading.age_counting, reading.feb29)
    adult = age >= threshold
    renewal = inputs.renewed_in_window and reading.card_renewal_rule
    count = (10 if adult else 5) + (1 if renewal else 0)
    rule = {
        (True, False): RuleId.CARD_10TH_BIRTHDAY,
        (False, False): RuleId.CARD_5TH_BIRTHDAY,
        (True, True): RuleId.CARD_11TH_BIRTHDAY_RENEWAL,
        (False, True): RuleId.CARD_6TH_BIRTHDAY_RENEWAL,
    }[adult, renewal]
    renewed = ", renewed with less than 3 months left" if renewal else ""
    candidates = [
        _Candidate(
            nth_birthday_after(inputs.birth, inputs.card_issued, count, reading.feb29),
            rule,
            f"{count}th birthday after the card issue date {inputs.card_issued} "
            f"(age {age} on that day, {why}{renewed})",
        )
    ]
    stay = _stay_end(inputs, reading, RuleId.CARD_RESIDENCE_CAP)
    if stay is not None:
        candidates.append(stay)
    result = _earliest(candidates)
    if inputs.renewed_in_window:
        result = result.with_decision(Decision.CARD_RENEWAL_11TH_6TH)
    return result


def _stay_end(inputs: ExpiryInputs, reading: _Reading, cap_rule: RuleId) -> _Candidate | None:
    end = inputs.residence_until
    if end is None:
        return None
    if not inputs.special_extension:
        return _Candidate(end, cap_rule, f"the period of stay ends on {end}")
    if reading.civil_code_extension:
        extended = civil_code_months_after(end, 2)
    else:
        extended = add_months(end, 2)
    return _Candidate(
        extended,
        RuleId.EXTENSION_SPECIAL,
        f"special extension to 2 months after the end of the period of stay {end}",
    )


def _sign_cert_expiry(
    auth: date, card: date, inputs: ExpiryInputs, reading: _Reading
) -> RuleResult[date | NotIssued]:
    if inputs.face_auth:
        return not_issued(
            NotIssuedReason.FACE_AUTH, "a face-auth card has no signature certificate"
        )
    age = age_on(inputs.birth, inputs.sign_issued, reading.age_counting, reading.feb29)
    if age < SIGN_CERT_MIN_AGE:
        return not_issued(
            NotIssuedReason.UNDER_15,
            f"age {age} on {inputs.sign_issued}: no signature certificate under "
            f"{SIGN_CERT_MIN_AGE} (it can be applied for at the counter from then on)",
        )
    return _cert_expiry(inputs.sign_issued, auth, card, inputs, reading)


def _cert_expiry(
    issued: date, auth: date | None, card: date, inputs: ExpiryInputs, reading: _Reading
) -> RuleResult[date]:
    count, rule = 5, RuleId.CERT_5TH_BIRTHDAY
    if inputs.certs_are_renewals:
        count, rule = 6, RuleId.CERT_6TH_BIRTHDAY_RENEWAL
    candidates = [
        _Candidate(
            nth_birthday_after(inputs.birth, issued, count, reading.feb29),
            rule,
            f"{count}th birthday after the certificate issue date {issued}",
        )
    ]
    stay = _stay_end(inputs, reading, RuleId.CERT_RESIDENCE_CAP)
    if stay is not None:
        candidates.append(stay)
    candidates.append(
        _Candidate(card, RuleId.CERT_CAPPED_BY_CARD, f"capped by the card's expiry {card}")
    )
    if auth is not None:
        candidates.append(
            _Candidate(
                auth,
                RuleId.CERT_SIGN_CAPPED_BY_AUTH,
                f"capped by the user-authentication certificate's expiry {auth}",
            )
        )
    return _earliest(candidates)


def _earliest(candidates: list[_Candidate]) -> RuleResult[date]:
    best = min(candidates, key=lambda candidate: candidate.value)
    return RuleResult(best.value, best.rule, best.explanation)


def _flag(chosen: RuleResult[T], other: RuleResult[T] | None, decision: Decision) -> RuleResult[T]:
    if other is not None and other.value == chosen.value:
        return chosen
    return chosen.with_decision(decision)


def _flag_item(chosen: ItemReport, other: ItemReport, decision: Decision) -> ItemReport:
    window = chosen.renewal_from
    return replace(
        chosen,
        expiry=_flag(chosen.expiry, other.expiry, decision),
        renewal_from=None if window is None else _flag(window, other.renewal_from, decision),
        state=_flag(chosen.state, other.state, decision),
    )


def _flag_report(chosen: ExpiryReport, other: ExpiryReport, decision: Decision) -> ExpiryReport:
    return replace(
        chosen,
        card=_flag_item(chosen.card, other.card, decision),
        auth_cert=_flag_item(chosen.auth_cert, other.auth_cert, decision),
        sign_cert=_flag_item(chosen.sign_cert, other.sign_cert, decision),
        health_insurance_until=_flag(
            chosen.health_insurance_until, other.health_insurance_until, decision
        ),
    )
