"""Any subset of known dates: what follows, what is missing, given dates checked, flags checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jpki.rules import (
    Caveat,
    Decision,
    ExpiryInputs,
    FlagVerdict,
    InputProblem,
    Item,
    ItemState,
    Known,
    KnownDates,
    KnownReport,
    MismatchReason,
    Missing,
    NotIssued,
    NotIssuedReason,
    RuleId,
    RuleResult,
    RulesInputError,
    StoreUnavailable,
    StoreUnavailableReason,
    evaluate,
    evaluate_known,
)
from tests.rules.iso import iso_dates

D = date.fromisoformat
TODAY = D("2026-08-01")


def known_on(today: date = TODAY, **given: Any) -> KnownReport:
    """:func:`evaluate_known` on *today* for the dates given (``YYYY-MM-DD``) and flags."""
    return evaluate_known(KnownDates(**iso_dates(given)), today)


def test_birth_and_certificate_issue_date_give_that_certificate() -> None:
    report = known_on(birth="1980-10-10", auth_cert_issued="2024-08-01")
    auth = report.auth_cert
    assert auth.expiry_date == D("2028-10-10")  # 5th birthday strictly after 2024-08-01
    assert isinstance(auth.expiry, RuleResult)
    assert auth.expiry.rule is RuleId.CERT_5TH_BIRTHDAY
    assert auth.caveats == {Caveat.CARD_EXPIRY_UNKNOWN}
    assert isinstance(auth.renewal_from, RuleResult)
    assert auth.renewal_from.value == D("2028-07-11")
    assert isinstance(auth.state, RuleResult) and auth.state.value is ItemState.VALID
    # The card needs its issue date (the birth date is known) or the date printed on it.
    assert report.card.expiry == Missing(((Known.CARD_ISSUED,), (Known.CARD_EXPIRY,)))
    # The signature certificate's issue date was not given: it is missing, not guessed.
    assert report.sign_cert.expiry == Missing(
        ((Known.SIGN_CERT_ISSUED,), (Known.SIGN_CERT_EXPIRY,))
    )
    assert isinstance(report.health_insurance_until, RuleResult)
    assert report.health_insurance_until.value == D("2029-01-31")
    assert report.reference is None


def test_nothing_but_the_card_face() -> None:
    report = evaluate_known(KnownDates(card_expiry=D("2029-10-10")), D("2029-08-01"))
    card = report.card
    assert card.expiry_date == D("2029-10-10")
    assert card.given == D("2029-10-10") and card.computed is None and card.comparison is None
    assert isinstance(card.expiry, RuleResult) and card.expiry.rule is RuleId.GIVEN_ON_CARD
    assert isinstance(card.renewal_from, RuleResult)
    assert card.renewal_from.value == D("2029-07-11")
    assert isinstance(card.state, RuleResult) and card.state.value is ItemState.RENEWABLE
    assert report.auth_cert.expiry == Missing(
        ((Known.BIRTH, Known.AUTH_CERT_ISSUED), (Known.AUTH_CERT_EXPIRY,))
    )
    assert isinstance(report.health_insurance_until, Missing)


def test_the_card_expiry_given_caps_a_computed_certificate() -> None:
    capped = evaluate_known(
        KnownDates(
            birth=D("1980-10-10"), card_expiry=D("2027-03-31"), auth_cert_issued=D("2024-08-01")
        ),
        D("2026-01-10"),
    )
    # The 5th birthday would be 2028-10-10; the card, known, ends first.
    assert capped.auth_cert.expiry_date == D("2027-03-31")
    assert isinstance(capped.auth_cert.expiry, RuleResult)
    assert capped.auth_cert.expiry.rule is RuleId.CERT_CAPPED_BY_CARD
    assert capped.auth_cert.caveats == frozenset()


def test_with_birth_and_card_issue_the_full_engine_is_used_unchanged() -> None:
    known = KnownDates(birth=D("2000-02-29"), card_issued=D("2025-06-01"))
    report = evaluate_known(known, TODAY)
    reference = evaluate(ExpiryInputs(birth=D("2000-02-29"), card_issued=D("2025-06-01")), TODAY)
    assert report.reference == reference
    for item, expected in zip(report.items, reference.items, strict=True):
        assert item.expiry == expected.expiry
        assert item.renewal_from == expected.renewal_from
        assert item.state == expected.state
    assert report.health_insurance_until == reference.health_insurance_until
    assert Decision.FEB29 in report.decisions


def test_a_card_face_expiry_one_birthday_later_is_explained_and_hints_a_renewal() -> None:
    report = known_on(birth="1980-10-10", card_issued="2020-05-15", card_expiry="2030-10-10")
    card = report.card
    assert card.expiry_date == D("2030-10-10")  # the card is the truth
    assert card.computed is not None and card.computed.value == D("2029-10-10")
    assert card.comparison is not None
    assert card.comparison.value.mismatch is MismatchReason.RENEWED_IN_WINDOW
    assert [check.verdict for check in report.renewal_checks] == [FlagVerdict.LIKELY_BY_CARD]


def test_a_flag_the_card_face_contradicts() -> None:
    report = known_on(
        birth="1980-10-10",
        card_issued="2020-05-15",
        card_expiry="2029-10-10",
        renewed_in_window=True,
    )
    assert report.card.comparison is not None
    assert report.card.comparison.value.mismatch is MismatchReason.RENEWED_EARLY
    checks = [(check.item, check.verdict) for check in report.renewal_checks]
    assert (Item.CARD, FlagVerdict.CONTRADICTED_BY_CARD) in checks
    assert all(check.verdict.contradicts for check in report.renewal_checks)


def test_a_matching_card_face_is_checked_and_no_flag_is_hinted() -> None:
    report = known_on(birth="1980-10-10", card_issued="2020-05-15", card_expiry="2029-10-10")
    assert report.card.comparison is not None and report.card.comparison.value.matches
    assert report.renewal_checks == ()


def test_a_period_of_stay_explains_an_earlier_certificate_expiry() -> None:
    report = known_on(
        birth="1990-07-07",
        auth_cert_issued="2025-01-10",
        auth_cert_expiry="2026-09-30",
        residence_until="2026-09-30",
    )
    # The stay caps the computed value too: they agree, and the rule says why.
    auth = report.auth_cert
    assert auth.computed is not None and auth.computed.value == D("2026-09-30")
    assert auth.computed.rule is RuleId.CERT_RESIDENCE_CAP
    assert auth.comparison is not None and auth.comparison.value.matches
    unexplained = known_on(
        birth="1990-07-07",
        auth_cert_issued="2025-01-10",
        auth_cert_expiry="2026-09-30",
        card_expiry="2030-07-07",
    )
    comparison = unexplained.auth_cert.comparison
    assert comparison is not None
    assert comparison.value.mismatch is MismatchReason.INPUT_PROBABLY_WRONG


@pytest.mark.parametrize(
    ("certs", "flag", "verdict"),
    [
        # Card 2020-05-15, born 10-10: the first certificates end 2024-10-10, window from 07-11.
        ("2024-08-01", False, FlagVerdict.LIKELY_IN_WINDOW),
        ("2024-06-30", True, FlagVerdict.CONTRADICTED_EARLY),
        ("2024-11-01", True, FlagVerdict.CONTRADICTED_LATE),
        ("2024-08-01", True, None),
        ("2024-06-30", False, None),
    ],
)
def test_certificate_renewal_flags_against_the_dates(
    certs: str, flag: bool, verdict: FlagVerdict | None
) -> None:
    report = known_on(
        birth="1980-10-10",
        card_issued="2020-05-15",
        auth_cert_issued=certs,
        sign_cert_issued=certs,
        certs_renewed_in_window=flag,
    )
    verdicts = [check.verdict for check in report.renewal_checks]
    assert verdicts == ([] if verdict is None else [verdict])
    if verdict is not None:
        assert report.renewal_checks[0].window == (D("2024-07-11"), D("2024-10-10"))


def test_a_certificate_flag_without_a_certificate_renewal_is_contradicted() -> None:
    report = known_on(birth="1980-10-10", card_issued="2020-05-15", certs_renewed_in_window=True)
    assert [check.verdict for check in report.renewal_checks] == [
        FlagVerdict.CONTRADICTED_NO_RENEWAL
    ]


def test_face_auth_card_partial() -> None:
    report = known_on(birth="1980-10-10", auth_cert_issued="2024-01-20", face_auth=True)
    sign = report.sign_cert
    assert isinstance(sign.expiry, RuleResult)
    assert sign.expiry.value == NotIssued(NotIssuedReason.FACE_AUTH)
    assert sign.renewal_from is None
    store = report.convenience_store
    assert isinstance(store, RuleResult)
    assert store.value == StoreUnavailable(StoreUnavailableReason.FACE_AUTH)


def test_under_15_no_signature_certificate_and_no_store_date() -> None:
    report = known_on(
        birth="2015-08-20", auth_cert_issued="2023-09-05", sign_cert_issued="2023-09-05"
    )
    assert isinstance(report.sign_cert.expiry, RuleResult)
    assert report.sign_cert.expiry.value == NotIssued(NotIssuedReason.UNDER_15)
    store = report.convenience_store
    assert isinstance(store, RuleResult)
    assert store.value == StoreUnavailable(StoreUnavailableReason.UNDER_15)


def test_twenty_ninth_of_february_flagged_in_the_partial_path() -> None:
    report = known_on(birth="2000-02-29", auth_cert_issued="2025-06-01")
    assert isinstance(report.auth_cert.expiry, RuleResult)
    assert report.auth_cert.expiry.value == D("2030-02-28")
    assert report.auth_cert.expiry.decisions == {Decision.FEB29}


@pytest.mark.parametrize(
    ("known", "problem"),
    [
        (KnownDates(card_issued=D("2020-01-01"), card_expiry=D("2019-12-31")),
         InputProblem.EXPIRY_BEFORE_ISSUE),
        (KnownDates(birth=D("1990-01-01"), card_expiry=D("1989-01-01")),
         InputProblem.EXPIRY_BEFORE_BIRTH),
        (KnownDates(birth=D("1990-01-01"), auth_cert_issued=D("1989-01-01")),
         InputProblem.ISSUED_BEFORE_BIRTH),
        (KnownDates(face_auth=True, sign_cert_expiry=D("2030-01-01")),
         InputProblem.SIGN_CERT_ON_FACE_AUTH),
        (KnownDates(birth=D("1990-01-01"), special_extension=True),
         InputProblem.EXTENSION_WITHOUT_RESIDENCE),
        (KnownDates(birth=D("2020-01-01"), card_issued=D("2019-01-01")),
         InputProblem.ISSUED_BEFORE_BIRTH),
    ],
)  # fmt: skip
def test_contradictions_are_refused(known: KnownDates, problem: InputProblem) -> None:
    with pytest.raises(RulesInputError) as caught:
        evaluate_known(known, TODAY)
    assert caught.value.problem is problem


def test_json_names_missing_inputs_and_caveats() -> None:
    report = known_on(birth="1980-10-10", auth_cert_issued="2024-08-01")
    rendered = report.to_json()
    card = rendered["card"]
    assert isinstance(card, dict)
    assert card["expiry"] == {"missing": [["card_issued"], ["card_expiry"]]}
    auth = rendered["auth_cert"]
    assert isinstance(auth, dict)
    assert auth["caveats"] == ["card_expiry_unknown"]
    assert rendered["rules_version"] == "card-2016@2024-12-02"


def test_the_full_engine_inputs_round_trip_through_known_dates() -> None:
    from jpki.rules import ExpiryInputs, KnownDates

    inputs = ExpiryInputs(
        birth=date(1990, 2, 28),
        card_issued=date(2020, 5, 1),
        auth_cert_issued=date(2024, 3, 1),
        residence_until=date(2027, 1, 31),
        certs_renewed_in_window=True,
    )
    known = KnownDates.from_inputs(inputs)
    assert known.expiry_inputs() == inputs
    assert known.card_expiry is None and not known.moving_abroad
