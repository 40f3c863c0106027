"""Municipal business days: not a weekend, a national holiday or 29 December - 3 January.

National holidays (including substitute and citizens' holidays) come from the ``holidays``
package's calendar for Japan, which covers 1949-2099; outside those years only weekends and
the year-end closure are known.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = [
    "is_business_day",
    "is_national_holiday",
    "is_year_end_closure",
    "next_business_day",
]

_SATURDAY = 5


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    # Imported here: the calendar package loads every country (~0.1 s), and most callers of
    # the rules never need a business day.
    import holidays

    return frozenset(holidays.country_holidays("JP", years=year).keys())


def is_national_holiday(day: date) -> bool:
    """Whether *day* is a national holiday of Japan (祝日, 振替休日, 国民の休日)."""
    return day in _national_holidays(day.year)


def is_year_end_closure(day: date) -> bool:
    """Whether *day* falls in the municipal year-end closure, 29 December - 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: date) -> bool:
    """Whether municipal offices are open on *day* (Monday-Friday, no holiday, no closure)."""
    return not (day.weekday() >= _SATURDAY or is_national_holiday(day) or is_year_end_closure(day))


def next_business_day(after: date) -> date:
    """The first business day strictly after *after*."""
    day = after + timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
