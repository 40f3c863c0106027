"""Convenience-store availability of a new user-authentication certificate: the New Year
closure, weekends, holidays, and the holders who cannot use the service at all."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jpki.rules import (
    JST,
    RuleId,
    StoreUnavailable,
    StoreUnavailableReason,
    convenience_store_availability,
    convenience_store_usable_from,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("issued", "usable"),
    [
        ("2026-12-25", "2026-12-26"),  # Friday: the next day, a Saturday, stores are open
        ("2026-12-28", "2027-01-04"),  # Monday: the next day is in the closure -> 4 January
        ("2025-12-28", "2026-01-06"),  # Sunday: next business day 01-05, the day after it
        ("2026-12-31", "2027-01-05"),  # in the closure: next business day 01-04, then 01-05
        ("2024-12-27", "2024-12-28"),  # Friday before the closure: Saturday 28th still open
    ],
)
def test_the_new_year_closure_is_never_a_usable_day(issued: str, usable: str) -> None:
    result = convenience_store_usable_from(D(issued))
    assert result.value == datetime(*D(usable).timetuple()[:3], 6, 30, tzinfo=JST)
    assert result.rule is RuleId.USABLE_CONVENIENCE_STORE
    day = result.value.date()
    assert not ((day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3))


def test_face_auth_card_gets_no_date() -> None:
    result = convenience_store_availability(D("2026-06-01"), face_auth=True)
    assert result.value == StoreUnavailable(StoreUnavailableReason.FACE_AUTH)
    assert result.rule is RuleId.USABLE_CONVENIENCE_STORE_NOT_FOR_HOLDER


@pytest.mark.parametrize(
    ("birth", "available"),
    [
        ("2011-06-04", False),  # still 14 on 2026-06-02, the day it would start
        ("2011-06-03", True),  # 15 reached on 06-02, the day before the birthday
        ("2011-06-02", True),
        ("2015-01-01", False),
    ],
)
def test_holders_under_15_get_no_date(birth: str, available: bool) -> None:
    # Issued Monday 2026-06-01: usable 06:30 on Tuesday 2026-06-02 for those who may use it.
    result = convenience_store_availability(D("2026-06-01"), birth=D(birth))
    if available:
        assert result.value == datetime(2026, 6, 2, 6, 30, tzinfo=JST)
    else:
        assert result.value == StoreUnavailable(StoreUnavailableReason.UNDER_15)
        assert "under 15" in result.explanation


def test_a_holder_without_a_birth_date_gets_the_date() -> None:
    result = convenience_store_availability(D("2026-06-01"))
    assert result.value == datetime(2026, 6, 2, 6, 30, tzinfo=JST)
