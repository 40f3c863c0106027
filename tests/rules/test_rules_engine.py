"""The engine against every worked example of RULES.md, the decisions it flags, bad inputs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from apdu.errors import ToolkitError
from jpki.rules import (
    AgeCounting,
    Decision,
    ExpiryInputs,
    ExpiryReport,
    Feb29Policy,
    InputProblem,
    Item,
    ItemState,
    NotIssued,
    NotIssuedReason,
    RuleId,
    RuleSet,
    RulesInputError,
    evaluate,
    rule_set_for,
)
from jpki.texts import render
from tests.rules.iso import iso_dates

D = date.fromisoformat
TODAY = D("2025-06-01")


def run(**fields: Any) -> ExpiryReport:
    return evaluate(ExpiryInputs(**iso_dates(fields)), TODAY)


# RULES.md sections 1 and 2: (inputs, card expiry, certificate expiry, card rule)
EXAMPLES = [
    (
        {"birth": "1980-10-10", "card_issued": "2020-05-15"},
        "2029-10-10",
        "2024-10-10",
        RuleId.CARD_10TH_BIRTHDAY,
    ),
    (
        {"birth": "1990-05-15", "card_issued": "2025-05-15"},
        "2035-05-15",
        "2030-05-15",
        RuleId.CARD_10TH_BIRTHDAY,
    ),
    (
        {"birth": "1990-05-15", "card_issued": "2025-05-14"},
        "2034-05-15",
        "2029-05-15",
        RuleId.CARD_10TH_BIRTHDAY,
    ),
    (
        {"birth": "2000-02-29", "card_issued": "2025-06-01"},
        "2035-02-28",
        "2030-02-28",
        RuleId.CARD_10TH_BIRTHDAY,
    ),
    (
        {"birth": "2003-06-10", "card_issued": "2022-04-15", "application_received": "2022-03-20"},
        "2026-06-10",
        "2026-06-10",
        RuleId.CARD_5TH_BIRTHDAY,
    ),
    (
        {"birth": "1990-07-07", "card_issued": "2025-01-10", "residence_until": "2026-09-30"},
        "2026-09-30",
        "2026-09-30",
        RuleId.CARD_RESIDENCE_CAP,
    ),
]


@pytest.mark.parametrize(("fields", "card", "certs", "rule"), EXAMPLES)
def test_rules_examples(fields: dict[str, str], card: str, certs: str, rule: RuleId) -> None:
    report = run(**fields)
    assert report.card.expiry.value == D(card)
    assert report.card.expiry.rule is rule
    assert report.auth_cert.expiry.value == D(certs)
    assert report.sign_cert.expiry.value == D(certs)
    assert report.rule_set is RuleSet.CARD_2016


def test_feb29_is_flagged_and_mar1_is_the_option() -> None:
    report = run(birth="2000-02-29", card_issued="2025-06-01")
    assert report.card.expiry.decisions == {Decision.FEB29}
    assert report.card.renewal_from is not None and report.card.renewal_from.unconfirmed
    other = run(birth="2000-02-29", card_issued="2025-06-01", feb29=Feb29Policy.MAR1)
    assert other.card.expiry.value == D("2035-03-01")
    assert other.auth_cert.expiry.value == D("2030-03-01")
    assert other.card.expiry.unconfirmed


def test_feb29_not_flagged_when_the_reading_changes_nothing() -> None:
    # The card ends on 29 Feb of a leap year under both readings; the certificates do not.
    report = run(birth="1980-02-29", card_issued="2018-06-01")
    assert report.card.expiry.value == D("2028-02-29")
    assert not report.card.expiry.unconfirmed
    assert report.auth_cert.expiry.value == D("2023-02-28")
    assert report.auth_cert.expiry.decisions == {Decision.FEB29}


def test_ordinary_results_are_confirmed() -> None:
    report = run(birth="1980-10-10", card_issued="2020-05-15")
    for item in report.items:
        assert not item.expiry.unconfirmed
        assert not item.state.unconfirmed
    assert report.health_insurance_until.decisions == {Decision.HEALTH_INSURANCE_GRACE}


def test_card_issued_the_day_before_the_18th_birthday() -> None:
    fields = {"birth": "2004-04-16", "card_issued": "2022-04-15"}
    report = run(**fields, application_received="2022-04-05")
    assert report.card.expiry.value == D("2031-04-16")
    assert report.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY
    assert Decision.AGE_COUNTING in report.card.expiry.decisions
    on_birthday = run(
        **fields, application_received="2022-04-05", age_counting=AgeCounting.ON_BIRTHDAY
    )
    assert on_birthday.card.expiry.value == D("2026-04-16")
    assert on_birthday.card.expiry.rule is RuleId.CARD_5TH_BIRTHDAY
    assert Decision.AGE_COUNTING in on_birthday.card.expiry.decisions


def test_age_counting_not_flagged_away_from_the_threshold() -> None:
    report = run(birth="2004-04-16", card_issued="2022-04-14", application_received="2022-04-05")
    assert report.card.expiry.rule is RuleId.CARD_5TH_BIRTHDAY
    assert not report.card.expiry.unconfirmed


def test_threshold_20_for_applications_received_before_april_2022() -> None:
    report = run(birth="2003-01-10", card_issued="2022-04-20", application_received="2022-03-31")
    assert report.card.expiry.rule is RuleId.CARD_5TH_BIRTHDAY
    later = run(birth="2003-01-10", card_issued="2022-04-20", application_received="2022-04-01")
    assert later.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY
    assert not later.card.expiry.unconfirmed


def test_unknown_receipt_flagged_only_when_it_matters() -> None:
    nineteen = run(birth="2003-01-10", card_issued="2022-05-01")
    assert nineteen.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY
    assert Decision.APPLICATION_RECEIPT_UNKNOWN in nineteen.card.expiry.decisions
    forty = run(birth="1982-01-10", card_issued="2022-05-01")
    assert not forty.card.expiry.unconfirmed
    july = run(birth="2003-01-10", card_issued="2022-07-01")
    assert not july.card.expiry.unconfirmed
    before = run(birth="2003-01-10", card_issued="2022-03-01")
    assert before.card.expiry.rule is RuleId.CARD_5TH_BIRTHDAY
    assert not before.card.expiry.unconfirmed


def test_renewal_in_window_card_11th_and_certs_6th() -> None:
    report = run(birth="1980-10-10", card_issued="2029-08-01", renewed_in_window=True)
    assert report.card.expiry.value == D("2039-10-10")
    assert report.card.expiry.rule is RuleId.CARD_11TH_BIRTHDAY_RENEWAL
    assert Decision.CARD_RENEWAL_11TH_6TH in report.card.expiry.decisions
    assert report.auth_cert.expiry.value == D("2034-10-10")
    assert report.auth_cert.expiry.rule is RuleId.CERT_6TH_BIRTHDAY_RENEWAL
    assert not report.auth_cert.expiry.unconfirmed


def test_minor_card_renewal_6th_flagged_even_when_residence_binds() -> None:
    report = run(
        birth="2012-03-01",
        card_issued="2025-01-10",
        renewed_in_window=True,
        residence_until="2026-01-31",
    )
    assert report.card.expiry.rule is RuleId.CARD_RESIDENCE_CAP
    assert Decision.CARD_RENEWAL_11TH_6TH in report.card.expiry.decisions


def test_certificate_only_renewal() -> None:
    report = run(
        birth="1980-10-10",
        card_issued="2020-05-15",
        auth_cert_issued="2024-08-01",
        sign_cert_issued="2024-08-01",
        certs_renewed_in_window=True,
    )
    assert report.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY
    assert report.auth_cert.expiry.value == D("2029-10-10")
    assert report.auth_cert.expiry.rule is RuleId.CERT_6TH_BIRTHDAY_RENEWAL
    assert not report.auth_cert.expiry.unconfirmed


def test_certificate_capped_by_card() -> None:
    report = run(birth="1980-10-10", card_issued="2016-03-01", auth_cert_issued="2021-11-01")
    assert report.card.expiry.value == D("2025-10-10")
    assert report.auth_cert.expiry.value == D("2025-10-10")
    assert report.auth_cert.expiry.rule is RuleId.CERT_CAPPED_BY_CARD


def test_signature_certificate_capped_by_auth() -> None:
    report = run(birth="1980-10-10", card_issued="2020-05-15", sign_cert_issued="2021-11-01")
    assert report.auth_cert.expiry.value == D("2024-10-10")
    assert report.sign_cert.expiry.value == D("2024-10-10")
    assert report.sign_cert.expiry.rule is RuleId.CERT_SIGN_CAPPED_BY_AUTH


def test_certificates_capped_by_residence() -> None:
    report = run(birth="1990-07-07", card_issued="2025-01-10", residence_until="2026-09-30")
    assert report.auth_cert.expiry.rule is RuleId.CERT_RESIDENCE_CAP
    assert report.sign_cert.expiry.rule is RuleId.CERT_RESIDENCE_CAP


def test_residence_later_than_the_birthday_rule() -> None:
    report = run(birth="1990-07-07", card_issued="2025-01-10", residence_until="2040-01-01")
    assert report.card.expiry.value == D("2034-07-07")
    assert report.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY


@pytest.mark.parametrize(
    ("end", "extended", "flagged"),
    [
        ("2026-06-30", "2026-08-31", True),
        ("2026-02-28", "2026-04-30", True),
        ("2026-09-30", "2026-11-30", False),
        ("2026-06-15", "2026-08-15", False),
    ],
)
def test_special_extension(end: str, extended: str, flagged: bool) -> None:
    report = run(
        birth="1990-07-07", card_issued="2025-01-10", residence_until=end, special_extension=True
    )
    assert report.card.expiry.value == D(extended)
    assert report.card.expiry.rule is RuleId.EXTENSION_SPECIAL
    assert (Decision.EXTENSION_MONTH_END in report.card.expiry.decisions) is flagged
    assert report.auth_cert.expiry.value == D(extended)


def test_special_extension_never_beyond_the_birthday_rule() -> None:
    report = run(
        birth="1990-07-07",
        card_issued="2025-01-10",
        residence_until="2034-06-30",
        special_extension=True,
    )
    assert report.card.expiry.value == D("2034-07-07")
    assert report.card.expiry.rule is RuleId.CARD_10TH_BIRTHDAY


def test_signature_certificate_not_issued_under_15() -> None:
    report = run(birth="2012-03-01", card_issued="2025-01-10")
    assert report.sign_cert.expiry.value == NotIssued(NotIssuedReason.UNDER_15)
    assert report.sign_cert.expiry.rule is RuleId.CERT_NOT_ISSUED_UNDER_15
    assert report.sign_cert.expiry_date is None
    assert report.sign_cert.renewal_from is None
    assert report.sign_cert.state.value is ItemState.NOT_ISSUED
    assert report.auth_cert.expiry.value == D("2029-03-01")


def test_signature_certificate_on_the_day_before_the_15th_birthday() -> None:
    report = run(birth="2010-01-10", card_issued="2025-01-09")
    assert report.sign_cert.expiry.value == D("2029-01-10")
    assert Decision.AGE_COUNTING in report.sign_cert.expiry.decisions


def test_face_auth_card_has_no_signature_certificate() -> None:
    report = run(birth="1980-10-10", card_issued="2024-01-10", face_auth=True)
    assert report.sign_cert.expiry.value == NotIssued(NotIssuedReason.FACE_AUTH)
    assert report.sign_cert.expiry.rule is RuleId.CERT_NOT_ISSUED_FACE_AUTH
    assert report.auth_cert.expiry.value == D("2028-10-10")


def test_health_insurance_grace() -> None:
    report = run(birth="2000-02-29", card_issued="2025-06-01")
    assert report.health_insurance_until.value == D("2030-05-31")
    assert report.health_insurance_until.unconfirmed


@pytest.mark.parametrize(
    ("today", "state"),
    [
        ("2020-05-14", ItemState.NOT_YET_ISSUED),
        ("2020-05-15", ItemState.VALID),
        ("2029-07-10", ItemState.VALID),
        ("2029-07-11", ItemState.RENEWABLE),
        ("2029-10-10", ItemState.RENEWABLE),
        ("2029-10-11", ItemState.EXPIRED),
    ],
)
def test_card_state_on_a_day(today: str, state: ItemState) -> None:
    inputs = ExpiryInputs(birth=D("1980-10-10"), card_issued=D("2020-05-15"))
    report = evaluate(inputs, D(today))
    assert report.card.state.value is state
    assert report.card.state.rule is RuleId.STATE_ON_DATE


def test_item_lookup_and_cert_kinds() -> None:
    report = run(birth="1980-10-10", card_issued="2020-05-15")
    assert report.item(Item.SIGN_CERT) is report.sign_cert
    assert Item.CARD.cert_kind is None
    assert render(Item.AUTH_CERT.msg, "ja") == "利用者証明用電子証明書"


def test_report_renders_as_plain_json() -> None:
    report = run(birth="2012-03-01", card_issued="2025-01-10", residence_until="2026-09-30")
    rendered: Any = report.to_json()
    assert json.loads(json.dumps(rendered)) == rendered
    assert rendered["card"]["expiry"] == {
        "value": "2026-09-30",
        "rule": "card.residence_cap",
        "unconfirmed": False,
        "decisions": [],
        "explanation": "the period of stay ends on 2026-09-30",
    }
    sign = rendered["sign_cert"]["expiry"]
    assert sign["value"] is None and sign["not_issued"] == "under_15"
    assert rendered["inputs"]["residence_until"] == "2026-09-30"


def test_evaluation_is_pure() -> None:
    inputs = ExpiryInputs(birth=D("2000-02-29"), card_issued=D("2025-06-01"))
    assert evaluate(inputs, TODAY) == evaluate(inputs, TODAY)


BASE = ExpiryInputs(birth=D("1990-01-01"), card_issued=D("2020-01-10"))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"card_issued": D("1989-12-31")}, InputProblem.ISSUED_BEFORE_BIRTH),
        ({"auth_cert_issued": D("2020-01-09")}, InputProblem.CERT_BEFORE_CARD),
        ({"sign_cert_issued": D("2020-01-09")}, InputProblem.CERT_BEFORE_CARD),
        ({"residence_until": D("2020-01-09")}, InputProblem.RESIDENCE_END_BEFORE_ISSUE),
        (
            {"residence_until": D("2021-01-01"), "auth_cert_issued": D("2021-02-01")},
            InputProblem.RESIDENCE_END_BEFORE_ISSUE,
        ),
        ({"application_received": D("2020-01-11")}, InputProblem.APPLICATION_AFTER_ISSUE),
        ({"application_received": D("1989-01-11")}, InputProblem.APPLICATION_BEFORE_BIRTH),
        ({"special_extension": True}, InputProblem.EXTENSION_WITHOUT_RESIDENCE),
        (
            {"face_auth": True, "sign_cert_issued": D("2020-01-10")},
            InputProblem.SIGN_CERT_ON_FACE_AUTH,
        ),
    ],
)
def test_impossible_inputs(changes: dict[str, Any], problem: InputProblem) -> None:
    with pytest.raises(RulesInputError) as caught:
        replace(BASE, **changes)
    assert caught.value.problem is problem
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ToolkitError)


def test_certificate_issued_after_the_card_expired() -> None:
    inputs = replace(BASE, auth_cert_issued=D("2030-01-02"))
    with pytest.raises(RulesInputError) as caught:
        evaluate(inputs, TODAY)
    assert caught.value.problem is InputProblem.CERT_AFTER_CARD_EXPIRY


def test_rule_set_by_date() -> None:
    assert rule_set_for(D("2016-01-01")) is RuleSet.CARD_2016
    assert rule_set_for(D("2031-01-01")) is RuleSet.CARD_2016
    with pytest.raises(RulesInputError) as caught:
        evaluate(ExpiryInputs(birth=D("1980-01-01"), card_issued=D("2015-12-31")), TODAY)
    assert caught.value.problem is InputProblem.BEFORE_FIRST_CARD
