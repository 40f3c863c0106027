"""When a newly issued or renewed certificate can first be used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import unique
from typing import overload

from ..jst import JST
from .business import is_business_day, is_year_end_closure, next_business_day
from .dates import AgeCounting, Feb29Policy, age_on
from .ids import RuleId, WordedId
from .results import JsonValue, RuleResult

__all__ = [
    "JST",
    "StoreUnavailable",
    "StoreUnavailableReason",
    "convenience_store_availability",
    "convenience_store_usable_from",
    "sign_cert_usable_from",
]

STORE_MIN_AGE = 15
"""The guidebook, section 12: the convenience-store certificate service is for holders from 15."""

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

    The service itself stops from 29 December to 3 January (guidebook section 12): a day that
    falls in that closure moves to 4 January.
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
    if is_year_end_closure(usable_day):
        closed = usable_day
        while is_year_end_closure(usable_day):
            usable_day += timedelta(days=1)
        why += f"; no store service on {closed} (29 December - 3 January): from {usable_day}"
    return RuleResult(
        datetime.combine(usable_day, _STORES_OPEN), RuleId.USABLE_CONVENIENCE_STORE, why
    )


@unique
class StoreUnavailableReason(WordedId):
    """Why a holder cannot use the convenience-store certificate service at all."""

    FACE_AUTH = "face_auth"
    UNDER_15 = "under_15"


StoreUnavailableReason._catalog_prefix = "store_unavailable"


@dataclass(frozen=True, slots=True)
class StoreUnavailable:
    """No date to give: the holder cannot use the service (so none is promised)."""

    reason: StoreUnavailableReason

    def to_json(self) -> dict[str, JsonValue]:
        """``{"unavailable": reason}``."""
        return {"unavailable": self.reason.value}


def convenience_store_availability(
    issued: date,
    *,
    birth: date | None = None,
    face_auth: bool = False,
    age_counting: AgeCounting = AgeCounting.DAY_BEFORE_BIRTHDAY,
    feb29: Feb29Policy = Feb29Policy.FEB28,
) -> RuleResult[datetime | StoreUnavailable]:
    """When the holder of a user-authentication certificate issued on *issued* can get
    certificates at a convenience store, or why they cannot at all.

    A face-auth card has no PIN, so it cannot be used there (RULES.md section 2); holders under
    15 on the day the service would start cannot use it (guidebook section 12). For them the
    value is :class:`StoreUnavailable` and no date is given.
    """
    if face_auth:
        return RuleResult(
            StoreUnavailable(StoreUnavailableReason.FACE_AUTH),
            RuleId.USABLE_CONVENIENCE_STORE_NOT_FOR_HOLDER,
            "a face-auth card cannot be used for convenience-store certificates",
        )
    usable = convenience_store_usable_from(issued)
    if birth is not None:
        day = usable.value.date()
        if day >= birth and age_on(birth, day, age_counting, feb29) < STORE_MIN_AGE:
            return RuleResult(
                StoreUnavailable(StoreUnavailableReason.UNDER_15),
                RuleId.USABLE_CONVENIENCE_STORE_NOT_FOR_HOLDER,
                f"under {STORE_MIN_AGE} on {day}: the convenience-store service is for holders "
                f"from {STORE_MIN_AGE}",
            )
    return RuleResult(usable.value, usable.rule, usable.explanation, usable.decisions)
