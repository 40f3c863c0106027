"""When a newly issued or renewed certificate can first be used."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import overload

from ..jst import JST
from .business import is_business_day, next_business_day
from .ids import RuleId
from .results import RuleResult

__all__ = ["JST", "convenience_store_usable_from", "sign_cert_usable_from"]

_STORES_OPEN = time(6, 30, tzinfo=JST)


def _jst(moment: datetime) -> datetime:
    """*moment* in JST; a naive datetime is taken to be JST already."""
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)


@overload
def sign_cert_usable_from(issued: datetime) -> RuleResult[datetime]: ...
@overload
def sign_cert_usable_from(issued: date) -> RuleResult[date]: ...
def sign_cert_usable_from(issued: date) -> RuleResult[date]:
    """When a signature certificate works online: 24 hours after it was issued.

    Given the issue instant (a naive datetime is JST), the instant 24 hours later; given only
    the issue day, the next day (from the time of day it was issued).
    """
    if isinstance(issued, datetime):
        usable = _jst(issued) + timedelta(hours=24)
        return RuleResult(
            usable, RuleId.USABLE_SIGN_NEXT_DAY, f"24 hours after the issue at {issued}"
        )
    return RuleResult(
        issued + timedelta(days=1),
        RuleId.USABLE_SIGN_NEXT_DAY,
        f"the day after the issue date {issued}, once 24 hours have passed since the issue",
    )


def convenience_store_usable_from(issued: date) -> RuleResult[datetime]:
    """When a user-authentication certificate works at convenience stores (JST).

    06:30 the next day; for a certificate issued on a Saturday, Sunday, national holiday or
    29 December - 3 January, 06:30 of the day after the next business day. A datetime is
    reduced to its JST date.
    """
    day = _jst(issued).date() if isinstance(issued, datetime) else issued
    if is_business_day(day):
        usable_day = day + timedelta(days=1)
        why = f"issued on business day {day}: 06:30 the next day"
    else:
        business = next_business_day(day)
        usable_day = business + timedelta(days=1)
        why = (
            f"issued on {day}, not a business day: 06:30 of the day after the next business "
            f"day {business}"
        )
    return RuleResult(
        datetime.combine(usable_day, _STORES_OPEN), RuleId.USABLE_CONVENIENCE_STORE, why
    )
