"""Calendar arithmetic of the card rules: birthdays, ages, calendar months, the renewal window.

Pure functions on :class:`datetime.date`; every date is a calendar day in Japan.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum, unique
from typing import Self

__all__ = [
    "AgeCounting",
    "Feb29Policy",
    "add_months",
    "age_on",
    "birthday_before",
    "birthday_in",
    "civil_code_months_after",
    "end_of_month_after",
    "is_birthday",
    "last_day_of_month",
    "nth_birthday_after",
    "renewal_window_start",
]

_ONE_DAY = timedelta(days=1)


class _TwoReadings(StrEnum):
    """A point the texts leave open, read one of two ways (the members)."""

    @property
    def other(self) -> Self:
        """The other reading (used to tell whether a result depends on the choice)."""
        first, second = type(self)
        return second if self is first else first


@unique
class Feb29Policy(_TwoReadings):
    """Which day is the birthday of someone born on 29 February in a common year."""

    FEB28 = "feb28"
    MAR1 = "mar1"


@unique
class AgeCounting(_TwoReadings):
    """On which day a person reaches a new age.

    ``DAY_BEFORE_BIRTHDAY`` is the Act on Age Calculation as passports apply it: the age is
    reached on the last day of the year of life, i.e. the day before the birthday (28 February
    for someone born on 29 February, whatever :class:`Feb29Policy` says about the birthday).
    """

    DAY_BEFORE_BIRTHDAY = "day-before-birthday"
    ON_BIRTHDAY = "on-birthday"


def last_day_of_month(year: int, month: int) -> int:
    """The number of the last day of *month* in *year* (28-31)."""
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """*day* moved by whole calendar months, clamped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, last_day_of_month(year, month)))


def civil_code_months_after(end: date, months: int) -> date:
    """The last day of a period of *months* months that starts the day after *end*.

    Civil Code arts. 140 and 143: the first day is not counted, so the period starts on the
    next day; it ends on the day before the corresponding day of the last month, or on that
    month's last day when there is no corresponding day. 06-30 + 2 -> 08-31; 06-15 -> 08-15.
    """
    start = end + _ONE_DAY
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if start.day > last_day_of_month(year, month):
        return date(year, month, last_day_of_month(year, month))
    return date(year, month, start.day) - _ONE_DAY


def end_of_month_after(day: date, months: int) -> date:
    """The last day of the month *months* months after *day*'s month."""
    first = add_months(day.replace(day=1), months)
    return first.replace(day=last_day_of_month(first.year, first.month))


def birthday_in(birth: date, year: int, feb29: Feb29Policy) -> date:
    """The birthday of someone born on *birth* in *year* (29 February per *feb29*)."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28) if feb29 is Feb29Policy.FEB28 else date(year, 3, 1)
    return birth.replace(year=year)


def birthday_before(birth: date, day: date, feb29: Feb29Policy) -> date:
    """The last birthday strictly before *day* of someone born on *birth*."""
    this_year = birthday_in(birth, day.year, feb29)
    return this_year if this_year < day else birthday_in(birth, day.year - 1, feb29)


def is_birthday(birth: date, day: date, feb29: Feb29Policy) -> bool:
    """Whether *day* is a birthday of someone born on *birth* (not the birth date itself)."""
    return day > birth and birthday_in(birth, day.year, feb29) == day


def nth_birthday_after(birth: date, after: date, n: int, feb29: Feb29Policy) -> date:
    """The *n*-th birthday strictly after *after* (a birthday on *after* does not count)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    first_year = after.year
    if birthday_in(birth, first_year, feb29) <= after:
        first_year += 1
    return birthday_in(birth, first_year + n - 1, feb29)


def _age_reached(birth: date, age: int, counting: AgeCounting, feb29: Feb29Policy) -> date:
    year = birth.year + age
    if counting is AgeCounting.ON_BIRTHDAY:
        return birthday_in(birth, year, feb29)
    # The year of life ends the day before the corresponding day, or at the end of February
    # when that day is a missing 29 February: the day before "1 March" in both cases.
    return birthday_in(birth, year, Feb29Policy.MAR1) - _ONE_DAY


def age_on(birth: date, day: date, counting: AgeCounting, feb29: Feb29Policy) -> int:
    """The age of someone born on *birth* on *day* (0 before the first age is reached)."""
    if day < birth:
        raise ValueError(f"{day} is before the birth date {birth}")
    age = day.year - birth.year + 1
    while age > 0 and _age_reached(birth, age, counting, feb29) > day:
        age -= 1
    return age


def renewal_window_start(expiry: date) -> date:
    """The first day renewal is accepted: (*expiry* - 3 calendar months, clamped) + 1 day.

    The guidance's "from the day after the day 3 months before; if that day does not exist,
    the next day": 04-01 -> 01-02, 05-30 -> 03-01, 2028-02-29 -> 2027-11-30.
    """
    return add_months(expiry, -3) + _ONE_DAY
