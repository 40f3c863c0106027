"""Business days and when new certificates become usable (RULES.md section 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jpki.rules import (
    JST,
    RuleId,
    convenience_store_usable_from,
    is_business_day,
    is_national_holiday,
    is_year_end_closure,
    next_business_day,
    sign_cert_usable_from,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "business"),
    [
        ("2025-01-10", True),  # Friday
        ("2025-01-11", False),  # Saturday
        ("2025-01-12", False),  # Sunday
        ("2025-01-13", False),  # Coming-of-Age Day
        ("2025-01-14", True),
        ("2025-02-24", False),  # substitute holiday
        ("2025-12-26", True),
        ("2025-12-29", False),  # Monday, year-end closure
        ("2026-01-02", False),  # Friday, New Year closure
        ("2026-01-05", True),
    ],
)
def test_business_days(day: str, business: bool) -> None:
    assert is_business_day(D(day)) is business


def test_holiday_and_closure_predicates() -> None:
    assert is_national_holiday(D("2025-01-13"))
    assert not is_national_holiday(D("2025-12-29"))
    assert is_year_end_closure(D("2025-12-29"))
    assert is_year_end_closure(D("2026-01-03"))
    assert not is_year_end_closure(D("2026-01-04"))


def test_next_business_day_is_strictly_after() -> None:
    assert next_business_day(D("2025-01-10")) == D("2025-01-14")
    assert next_business_day(D("2025-01-14")) == D("2025-01-15")
    assert next_business_day(D("2025-12-27")) == D("2026-01-05")


def at(day: str, hour: int, minute: int) -> datetime:
    return datetime.combine(D(day), datetime.min.time(), JST).replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    ("issued", "usable"),
    [
        # Saturday; Monday the 13th is Coming-of-Age Day: next business day Tuesday the 14th.
        ("2025-01-11", "2025-01-15"),
        ("2025-01-15", "2025-01-16"),
        # Issued on a business day: 06:30 the next day, even a Saturday.
        ("2025-01-10", "2025-01-11"),
        # Issued in the year-end closure (a Monday): the day after 2026-01-05.
        ("2025-12-29", "2026-01-06"),
    ],
)
def test_convenience_store_usable_from(issued: str, usable: str) -> None:
    result = convenience_store_usable_from(D(issued))
    assert result.value == at(usable, 6, 30)
    assert result.value.tzinfo is JST
    assert result.rule is RuleId.USABLE_CONVENIENCE_STORE
    assert not result.unconfirmed


def test_convenience_store_takes_the_jst_date_of_an_instant() -> None:
    # 16:00 UTC on Friday 10 January is 01:00 JST on Saturday 11 January.
    issued = datetime(2025, 1, 10, 16, 0, tzinfo=UTC)
    assert convenience_store_usable_from(issued).value == at("2025-01-15", 6, 30)


def test_sign_cert_usable_next_day() -> None:
    by_day = sign_cert_usable_from(D("2025-01-11"))
    assert by_day.value == D("2025-01-12")
    assert by_day.rule is RuleId.USABLE_SIGN_NEXT_DAY
    instant = sign_cert_usable_from(at("2025-01-11", 10, 15))
    assert instant.value == at("2025-01-12", 10, 15)
    naive = sign_cert_usable_from(datetime(2025, 1, 11, 10, 15))
    assert naive.value == at("2025-01-12", 10, 15)
    utc = sign_cert_usable_from(datetime(2025, 1, 11, 1, 15, tzinfo=UTC))
    assert utc.value == at("2025-01-12", 10, 15)
    assert utc.value.utcoffset() == timedelta(hours=9)
