"""Calendar arithmetic: birthdays, ages, Civil Code months, the renewal window."""

from __future__ import annotations

from datetime import date

import pytest

from jpki.rules import (
    AgeCounting,
    Feb29Policy,
    add_months,
    age_on,
    birthday_in,
    civil_code_months_after,
    end_of_month_after,
    is_birthday,
    nth_birthday_after,
    renewal_window_start,
)
from jpki.rules.dates import birthday_before

D = date.fromisoformat


@pytest.mark.parametrize(
    ("expiry", "start"),
    [
        # RULES.md section 4 and the Bunkyo FAQ (4/1 -> 1/2, 5/30 -> 3/1), Utsunomiya (4/10 -> 1/11)
        ("2029-04-01", "2029-01-02"),
        ("2029-05-30", "2029-03-01"),
        ("2028-05-30", "2028-03-01"),
        ("2029-04-10", "2029-01-11"),
        ("2029-05-31", "2029-03-01"),
        ("2028-05-31", "2028-03-01"),
        ("2029-12-31", "2029-10-01"),
        ("2028-02-29", "2027-11-30"),
        # rules-sources.md section 4
        ("2029-05-29", "2029-03-01"),
        ("2028-05-29", "2028-03-01"),
        ("2029-08-31", "2029-06-01"),
        ("2029-11-30", "2029-08-31"),
        ("2030-01-01", "2029-10-02"),
        ("2029-03-31", "2029-01-01"),
    ],
)
def test_renewal_window_start(expiry: str, start: str) -> None:
    assert renewal_window_start(D(expiry)) == D(start)


@pytest.mark.parametrize(
    ("end", "extended"),
    [
        # RULES.md section 2, special extension
        ("2026-06-30", "2026-08-31"),
        ("2026-02-28", "2026-04-30"),
        ("2026-09-30", "2026-11-30"),
        ("2026-06-15", "2026-08-15"),
        # rules-sources.md section 5
        ("2026-12-31", "2027-02-28"),
        ("2027-12-31", "2028-02-29"),
        ("2026-12-30", "2027-02-28"),
    ],
)
def test_civil_code_two_months(end: str, extended: str) -> None:
    assert civil_code_months_after(D(end), 2) == D(extended)


def test_naive_month_addition_differs_at_month_end() -> None:
    assert add_months(D("2026-06-30"), 2) == D("2026-08-30")
    assert add_months(D("2026-03-31"), -1) == D("2026-02-28")
    assert add_months(D("2026-01-15"), -13) == D("2024-12-15")


def test_end_of_month_after() -> None:
    assert end_of_month_after(D("2030-02-28"), 3) == D("2030-05-31")
    assert end_of_month_after(D("2029-11-05"), 3) == D("2030-02-28")


@pytest.mark.parametrize(
    ("birth", "after", "n", "expected"),
    [
        ("1980-10-10", "2020-05-15", 10, "2029-10-10"),
        ("1990-05-15", "2025-05-15", 10, "2035-05-15"),
        ("1990-05-15", "2025-05-14", 10, "2034-05-15"),
        ("2000-02-29", "2025-06-01", 10, "2035-02-28"),
        ("2000-02-29", "2025-06-01", 5, "2030-02-28"),
        ("2000-02-29", "2027-06-01", 1, "2028-02-29"),
        ("2000-02-29", "2025-02-28", 1, "2026-02-28"),
    ],
)
def test_nth_birthday_strictly_after(birth: str, after: str, n: int, expected: str) -> None:
    assert nth_birthday_after(D(birth), D(after), n, Feb29Policy.FEB28) == D(expected)


def test_feb29_mar1_option() -> None:
    birth = D("2000-02-29")
    assert nth_birthday_after(birth, D("2025-06-01"), 10, Feb29Policy.MAR1) == D("2035-03-01")
    # A card issued on 28 Feb of a common year: 28 Feb is not after it, 1 Mar is.
    assert nth_birthday_after(birth, D("2025-02-28"), 1, Feb29Policy.MAR1) == D("2025-03-01")
    assert birthday_in(birth, 2028, Feb29Policy.MAR1) == D("2028-02-29")
    assert is_birthday(birth, D("2025-03-01"), Feb29Policy.MAR1)
    assert not is_birthday(birth, D("2025-03-01"), Feb29Policy.FEB28)
    assert not is_birthday(birth, birth, Feb29Policy.FEB28)


@pytest.mark.parametrize(
    ("birth", "day", "feb29", "expected"),
    [
        ("1980-10-10", "2029-10-10", Feb29Policy.FEB28, "2028-10-10"),  # not the day itself
        ("1980-10-10", "2029-10-11", Feb29Policy.FEB28, "2029-10-10"),
        ("2000-02-29", "2030-03-01", Feb29Policy.FEB28, "2030-02-28"),
        ("2000-02-29", "2030-03-01", Feb29Policy.MAR1, "2029-03-01"),
    ],
)
def test_birthday_strictly_before(birth: str, day: str, feb29: Feb29Policy, expected: str) -> None:
    assert birthday_before(D(birth), D(day), feb29) == D(expected)


def test_nth_birthday_rejects_zero() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        nth_birthday_after(D("2000-01-01"), D("2020-01-01"), 0, Feb29Policy.FEB28)


@pytest.mark.parametrize(
    ("birth", "day", "counting", "age"),
    [
        ("2004-04-16", "2022-04-14", AgeCounting.DAY_BEFORE_BIRTHDAY, 17),
        ("2004-04-16", "2022-04-15", AgeCounting.DAY_BEFORE_BIRTHDAY, 18),
        ("2004-04-16", "2022-04-15", AgeCounting.ON_BIRTHDAY, 17),
        ("2004-04-16", "2022-04-16", AgeCounting.ON_BIRTHDAY, 18),
        ("2000-01-01", "2017-12-31", AgeCounting.DAY_BEFORE_BIRTHDAY, 18),
        ("2000-01-01", "2017-12-30", AgeCounting.DAY_BEFORE_BIRTHDAY, 17),
        ("2000-01-01", "2000-01-01", AgeCounting.ON_BIRTHDAY, 0),
        # Born 29 Feb: the year of life ends on 28 Feb in every year.
        ("2004-02-29", "2022-02-27", AgeCounting.DAY_BEFORE_BIRTHDAY, 17),
        ("2004-02-29", "2022-02-28", AgeCounting.DAY_BEFORE_BIRTHDAY, 18),
    ],
)
def test_age_on(birth: str, day: str, counting: AgeCounting, age: int) -> None:
    assert age_on(D(birth), D(day), counting, Feb29Policy.FEB28) == age


def test_age_on_birthday_follows_feb29_policy() -> None:
    birth = D("2004-02-29")
    assert age_on(birth, D("2022-02-28"), AgeCounting.ON_BIRTHDAY, Feb29Policy.FEB28) == 18
    assert age_on(birth, D("2022-02-28"), AgeCounting.ON_BIRTHDAY, Feb29Policy.MAR1) == 17


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(D("2000-01-02"), D("2000-01-01"), AgeCounting.ON_BIRTHDAY, Feb29Policy.FEB28)


def test_each_open_reading_names_the_other_one() -> None:
    assert Feb29Policy.FEB28.other is Feb29Policy.MAR1
    assert Feb29Policy.MAR1.other is Feb29Policy.FEB28
    assert AgeCounting.DAY_BEFORE_BIRTHDAY.other is AgeCounting.ON_BIRTHDAY
    assert AgeCounting.ON_BIRTHDAY.other is AgeCounting.DAY_BEFORE_BIRTHDAY
