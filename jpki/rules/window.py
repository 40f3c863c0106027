"""The renewal window of an expiry and the state of an item on a day: one definition for every
path (the engine, known dates, the draft)."""

from __future__ import annotations

from datetime import date

from .dates import renewal_window_start
from .ids import RuleId
from .report import ItemState
from .results import RuleResult

__all__ = ["renewal_window", "state_on"]


def renewal_window(expiry: date) -> RuleResult[date]:
    """The first day renewal is accepted for an item that expires on *expiry*."""
    start = renewal_window_start(expiry)
    return RuleResult(
        start,
        RuleId.WINDOW_START,
        f"renewal from {start}, the day after the day 3 months before the expiry {expiry}",
    )


def state_on(issued: date | None, expiry: date, start: date, today: date) -> RuleResult[ItemState]:
    """Where an item issued on *issued* (None: unknown), expiring on *expiry*, with its renewal
    window from *start*, stands on *today*."""
    if issued is not None and today < issued:
        state, why = ItemState.NOT_YET_ISSUED, f"issued on {issued}, after {today}"
    elif today > expiry:
        state, why = ItemState.EXPIRED, f"expired after {expiry}"
    elif today >= start:
        state, why = ItemState.RENEWABLE, f"valid through {expiry}; renewal accepted since {start}"
    else:
        state, why = ItemState.VALID, f"valid through {expiry}; renewal from {start}"
    return RuleResult(state, RuleId.STATE_ON_DATE, why)
