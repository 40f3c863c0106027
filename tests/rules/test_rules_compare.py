"""Comparing computed expiries with the card, and revocation on register changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jpki.rules import (
    Decision,
    ExpiryInputs,
    ExpiryReport,
    Feb29Policy,
    Item,
    MismatchReason,
    NotIssued,
    NotIssuedReason,
    RegisterChange,
    Revocation,
    RuleId,
    compare_expiry,
    evaluate,
    revocation_on,
)
from jpki.texts import render
from tests.rules.iso import iso_dates

D = date.fromisoformat


def report(**fields: Any) -> ExpiryReport:
    return evaluate(ExpiryInputs(**iso_dates(fields)), D("2025-06-01"))


ADULT = {"birth": "1980-10-10", "card_issued": "2020-05-15"}


def test_match() -> None:
    result = compare_expiry(report(**ADULT), Item.AUTH_CERT, D("2024-10-10"))
    assert result.value.matches
    assert result.value.mismatch is None
    assert result.rule is RuleId.COMPARE_EXPIRY
    assert not result.unconfirmed
    assert result.to_json()["value"] == {
        "item": "auth_cert",
        "expected": "2024-10-10",
        "actual": "2024-10-10",
        "matches": True,
        "mismatch": None,
    }


@pytest.mark.parametrize(
    ("fields", "item", "actual", "reason"),
    [
        # The period of stay given, but the card was computed with the special extension.
        (
            {
                **ADULT,
                "residence_until": "2026-06-30",
                "special_extension": True,
            },
            Item.CARD,
            "2026-06-30",
            MismatchReason.RESIDENCE_LIMITED,
        ),
        # No period of stay given, the card holds a date that is no birthday.
        (ADULT, Item.AUTH_CERT, "2023-03-31", MismatchReason.RESIDENCE_LIMITED),
        # The certificate ends with the card (a 6th-birthday renewal capped by the card).
        (
            {**ADULT, "auth_cert_issued": "2024-08-01"},
            Item.AUTH_CERT,
            "2029-10-10",
            MismatchReason.CAPPED_BY_CARD,
        ),
        (ADULT, Item.AUTH_CERT, "2025-10-10", MismatchReason.RENEWED_IN_WINDOW),
        (ADULT, Item.CARD, "2030-10-10", MismatchReason.RENEWED_IN_WINDOW),
        (
            {**ADULT, "certs_renewed_in_window": True, "auth_cert_issued": "2024-08-01"},
            Item.AUTH_CERT,
            "2028-10-10",
            MismatchReason.RENEWED_EARLY,
        ),
        (
            {"birth": "2000-02-29", "card_issued": "2025-06-01"},
            Item.SIGN_CERT,
            "2030-03-01",
            MismatchReason.OTHER_FEB29_READING,
        ),
        (ADULT, Item.AUTH_CERT, "2027-10-10", MismatchReason.INPUT_PROBABLY_WRONG),
    ],
)
def test_mismatch_reasons(
    fields: dict[str, Any], item: Item, actual: str, reason: MismatchReason
) -> None:
    result = compare_expiry(report(**fields), item, D(actual))
    assert not result.value.matches
    assert result.value.mismatch is reason
    assert result.value.actual == D(actual)
    assert render(reason.msg, "ja") and render(reason.msg, "en")


def test_other_dates_point_at_the_inputs() -> None:
    result = compare_expiry(report(**ADULT), Item.CARD, D("2024-10-10"))
    assert result.value.mismatch is MismatchReason.INPUT_PROBABLY_WRONG


def test_certificate_present_where_none_was_expected() -> None:
    young = report(birth="2012-03-01", card_issued="2025-01-10")
    result = compare_expiry(young, Item.SIGN_CERT, D("2029-03-01"))
    assert result.value.expected == NotIssued(NotIssuedReason.UNDER_15)
    assert result.value.mismatch is MismatchReason.INPUT_PROBABLY_WRONG
    rendered: Any = result.to_json()
    assert rendered["value"]["expected"] == {"not_issued": "under_15"}


def test_comparison_inherits_the_decisions_of_the_expiry() -> None:
    feb29 = report(birth="2000-02-29", card_issued="2025-06-01", feb29=Feb29Policy.FEB28)
    result = compare_expiry(feb29, Item.CARD, D("2035-02-28"))
    assert result.value.matches
    assert result.decisions == {Decision.FEB29}


def test_revocation_on_register_changes() -> None:
    for change in RegisterChange:
        result = revocation_on([change])
        assert result.value == Revocation(sign_cert=True, auth_cert=False)
        assert result.rule is RuleId.REVOCATION_REGISTER_CHANGE
        assert change.value in result.explanation
    nothing = revocation_on([])
    assert nothing.value == Revocation(sign_cert=False, auth_cert=False)
    assert revocation_on([RegisterChange.NAME]).to_json()["value"] == {
        "sign_cert": True,
        "auth_cert": False,
    }
