"""Compare a computed expiry with the one the card holds, and name the likely cause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import unique

from .dates import Feb29Policy, birthday_before, birthday_in, is_birthday, nth_birthday_after
from .ids import RuleId, WordedId
from .report import ExpiryReport, Item
from .results import JsonValue, NotIssued, RuleResult, json_value

__all__ = ["ExpiryComparison", "MismatchReason", "compare_expiry"]


@unique
class MismatchReason(WordedId):
    """The most likely reason the date on the card differs from the computed one."""

    RESIDENCE_LIMITED = "residence_limited"
    CAPPED_BY_CARD = "capped_by_card"
    OTHER_FEB29_READING = "other_feb29_reading"
    RENEWED_IN_WINDOW = "renewed_in_window"
    RENEWED_EARLY = "renewed_early"
    INPUT_PROBABLY_WRONG = "input_probably_wrong"


MismatchReason._catalog_prefix = "reason"


@dataclass(frozen=True, slots=True)
class ExpiryComparison:
    """The computed and the recorded expiry of one item, and why they differ."""

    item: Item
    expected: date | NotIssued
    actual: date
    mismatch: MismatchReason | None

    @property
    def matches(self) -> bool:
        """Whether the card holds the computed date."""
        return self.mismatch is None

    def to_json(self) -> dict[str, JsonValue]:
        """Plain dict; ``mismatch`` null when the dates agree."""
        return {
            "item": self.item.value,
            "expected": json_value(self.expected),
            "actual": self.actual.isoformat(),
            "matches": self.matches,
            "mismatch": None if self.mismatch is None else self.mismatch.value,
        }


def compare_expiry(report: ExpiryReport, item: Item, actual: date) -> RuleResult[ExpiryComparison]:
    """Compare *report*'s expiry of *item* with *actual*, the date the card holds.

    For a certificate *actual* is the JST date of its notAfter; for the card, the printed
    expiry. The result rests on the same decisions as the computed expiry.
    """
    expected = report.item(item).expiry
    reason, explanation = _diagnose(report, item, expected.value, actual)
    comparison = ExpiryComparison(item, expected.value, actual, reason)
    return RuleResult(comparison, RuleId.COMPARE_EXPIRY, explanation, expected.decisions)


def _diagnose(
    report: ExpiryReport, item: Item, expected: date | NotIssued, actual: date
) -> tuple[MismatchReason | None, str]:
    inputs = report.inputs
    birth, feb29 = inputs.birth, inputs.feb29
    if isinstance(expected, NotIssued):
        return MismatchReason.INPUT_PROBABLY_WRONG, (
            f"the card holds a certificate valid to {actual} although none was expected "
            f"({expected.reason.value})"
        )
    if actual == expected:
        return None, f"the card holds the computed expiry {expected}"
    if actual == inputs.residence_until:
        return MismatchReason.RESIDENCE_LIMITED, (
            f"{actual} is the end of the period of stay, not the computed {expected}"
        )
    if inputs.residence_until is None and actual < expected and not _any_birthday(birth, actual):
        return MismatchReason.RESIDENCE_LIMITED, (
            f"{actual} is earlier than the computed {expected} and not a birthday: probably "
            "the end of a period of stay that was not given"
        )
    if item is not Item.CARD and actual == report.card.expiry_date:
        return MismatchReason.CAPPED_BY_CARD, (
            f"{actual} is the card's expiry, later than the computed {expected}: probably "
            "renewed with less than 3 months left or issued later than the date given, and "
            "ending with the card"
        )
    if (birth.month, birth.day) == (2, 29) and actual == birthday_in(
        birth, expected.year, feb29.other
    ):
        return MismatchReason.OTHER_FEB29_READING, (
            f"{actual} is the birthday under the '{feb29.other.value}' reading of 29 February; "
            f"the computation used '{feb29.value}'"
        )
    if actual == nth_birthday_after(birth, expected, 1, feb29):
        return MismatchReason.RENEWED_IN_WINDOW, (
            f"{actual} is one birthday after the computed {expected}: probably renewed with "
            "less than 3 months left (6th/11th birthday), or issued later than the date given"
        )
    if actual == birthday_before(birth, expected, feb29):
        return MismatchReason.RENEWED_EARLY, (
            f"{actual} is one birthday before the computed {expected}: probably renewed before "
            "the 3-month window (5th/10th birthday), or issued earlier than the date given"
        )
    return MismatchReason.INPUT_PROBABLY_WRONG, (
        f"the card holds {actual}, the computation gives {expected}: check the dates given"
    )


def _any_birthday(birth: date, day: date) -> bool:
    return any(is_birthday(birth, day, policy) for policy in Feb29Policy)
