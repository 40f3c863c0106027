"""Properties of the rules over generated dates (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jpki.rules import (
    AgeCounting,
    ExpiryInputs,
    Feb29Policy,
    InputProblem,
    RuleId,
    RulesInputError,
    add_months,
    evaluate,
    is_birthday,
    is_business_day,
    next_business_day,
    renewal_window_start,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(DAYS)
def test_renewal_start_is_three_months_before(expiry: date) -> None:
    start = renewal_window_start(expiry)
    assert start > add_months(expiry, -3)
    assert start <= add_months(expiry, -2) + timedelta(days=1)
    assert start <= expiry
    assert 89 <= (expiry - start).days + 1 <= 93


@given(DAYS)
def test_next_business_day_skips_only_closed_days(day: date) -> None:
    business = next_business_day(day)
    assert business > day
    assert is_business_day(business)
    assert business.weekday() < 5
    assert not (business.month == 12 and business.day >= 29)
    assert not (business.month == 1 and business.day <= 3)
    skipped = day + timedelta(days=1)
    while skipped < business:
        assert not is_business_day(skipped)
        skipped += timedelta(days=1)


@st.composite
def inputs(draw: st.DrawFn) -> ExpiryInputs:
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31)))
    card = draw(st.dates(min_value=max(birth, date(2016, 1, 1)), max_value=date(2040, 12, 31)))
    auth = card + timedelta(days=draw(st.integers(0, 2000)))
    sign = card + timedelta(days=draw(st.integers(0, 2000)))
    face_auth = draw(st.booleans())
    residence = None
    if draw(st.booleans()):
        residence = max(card, auth, sign) + timedelta(days=draw(st.integers(0, 4000)))
    received = None
    if draw(st.booleans()):
        received = card - timedelta(days=draw(st.integers(0, min(200, (card - birth).days))))
    return ExpiryInputs(
        birth=birth,
        card_issued=card,
        auth_cert_issued=auth,
        sign_cert_issued=None if face_auth else sign,
        application_received=received,
        residence_until=residence,
        special_extension=residence is not None and draw(st.booleans()),
        renewed_in_window=draw(st.booleans()),
        certs_renewed_in_window=draw(st.booleans()),
        face_auth=face_auth,
        feb29=draw(st.sampled_from(Feb29Policy)),
        age_counting=draw(st.sampled_from(AgeCounting)),
    )


@settings(max_examples=300, deadline=None)
@given(inputs(), DAYS)
def test_report_invariants(given_inputs: ExpiryInputs, today: date) -> None:
    try:
        report = evaluate(given_inputs, today)
    except RulesInputError as exc:
        assume(exc.problem is not InputProblem.CERT_AFTER_CARD_EXPIRY)
        raise
    card = report.card.expiry_date
    auth = report.auth_cert.expiry_date
    sign = report.sign_cert.expiry_date
    assert card is not None and auth is not None
    birthday = is_birthday(given_inputs.birth, card, given_inputs.feb29)
    if report.card.expiry.rule is RuleId.CARD_RESIDENCE_CAP:
        assert card == given_inputs.residence_until
    elif report.card.expiry.rule is RuleId.EXTENSION_SPECIAL:
        assert given_inputs.residence_until is not None
        assert given_inputs.residence_until < card
    else:
        assert birthday
    assert auth <= card
    if sign is not None:
        assert sign <= auth <= card
    for item in report.items:
        expiry = item.expiry_date
        if expiry is None:
            assert item.renewal_from is None
            continue
        assert item.renewal_from is not None
        start = item.renewal_from.value
        assert add_months(expiry, -3) < start <= expiry
        assert item.expiry.unconfirmed or not item.renewal_from.unconfirmed


@settings(max_examples=200, deadline=None)
@given(inputs(), DAYS)
def test_known_dates_with_birth_and_card_issue_agree_with_the_engine(
    given_inputs: ExpiryInputs, today: date
) -> None:
    from jpki.rules import KnownDates, evaluate_known

    known = KnownDates.from_inputs(given_inputs)
    try:
        expected = evaluate(given_inputs, today)
    except RulesInputError as exc:
        with pytest.raises(RulesInputError) as caught:
            evaluate_known(known, today)
        assert caught.value.problem is exc.problem
        return
    report = evaluate_known(known, today)
    for item, reference in zip(report.items, expected.items, strict=True):
        assert item.expiry == reference.expiry
        assert item.renewal_from == reference.renewal_from
        assert item.state == reference.state
    assert report.health_insurance_until == expected.health_insurance_until


@settings(max_examples=200, deadline=None)
@given(inputs(), DAYS)
def test_without_the_card_issue_date_a_certificate_is_never_later_than_with_it(
    given_inputs: ExpiryInputs, today: date
) -> None:
    """Leaving the card out can only lose a cap: the partial value is the full one or later,
    and when it is later the caveat says the card could end it earlier."""
    from jpki.rules import Caveat, KnownDates, evaluate_known

    try:
        full = evaluate(given_inputs, today)
    except RulesInputError:
        assume(False)
        return
    partial = evaluate_known(
        KnownDates(
            birth=given_inputs.birth,
            auth_cert_issued=given_inputs.auth_issued,
            residence_until=given_inputs.residence_until,
            special_extension=given_inputs.special_extension,
            certs_renewed_in_window=given_inputs.certs_are_renewals,
            feb29=given_inputs.feb29,
            age_counting=given_inputs.age_counting,
        ),
        today,
    )
    value, reference = partial.auth_cert.expiry_date, full.auth_cert.expiry_date
    assert value is not None and reference is not None
    assert value >= reference
    assert Caveat.CARD_EXPIRY_UNKNOWN in partial.auth_cert.caveats


_KNOWN_FIELDS = (
    "birth",
    "card_issued",
    "card_expiry",
    "auth_cert_issued",
    "sign_cert_issued",
    "auth_cert_expiry",
    "sign_cert_expiry",
    "residence_until",
    "application_received",
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={name: st.dates(date(1930, 1, 1), date(2045, 12, 31)) for name in _KNOWN_FIELDS},
    ),
    st.booleans(),
    st.booleans(),
    DAYS,
)
def test_any_subset_of_dates_gives_values_missing_inputs_or_a_clear_refusal(
    dates: dict[str, date], face_auth: bool, renewed: bool, today: date
) -> None:
    from jpki.rules import KnownDates, Missing, evaluate_known

    known = KnownDates(**dates, face_auth=face_auth, certs_renewed_in_window=renewed)
    try:
        report = evaluate_known(known, today)
    except RulesInputError:
        return
    given = {
        "card": known.card_expiry,
        "auth_cert": known.auth_cert_expiry,
        "sign_cert": known.sign_cert_expiry,
    }
    for item in report.items:
        expected = given[item.item.value]
        if expected is not None:
            assert item.expiry_date == expected  # a date on the card is the card's truth
        if isinstance(item.expiry, Missing):
            assert item.expiry.alternatives
            for group in item.expiry.alternatives:
                assert all(getattr(known, name.value) is None for name in group)
    json = report.to_json()
    assert json["rules_version"]
