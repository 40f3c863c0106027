"""The renewal window of an expiry, the state of an item on a day, and the report of the three
items built from them: one definition for every path (the engine, known dates, the draft)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from .dates import renewal_window_start
from .ids import RuleId
from .inputs import ExpiryInputs
from .report import ExpiryReport, Item, ItemReport, ItemState
from .results import NotIssued, RuleResult
from .rulesets import RuleSet

__all__ = ["expiry_report", "item_report", "not_issued_state", "renewal_window", "state_on"]

WindowRule = Callable[[date], RuleResult[date]]
"""A rule set's renewal window: the first day of renewal for an expiry."""


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


def not_issued_state(expiry: RuleResult[object]) -> RuleResult[ItemState]:
    """The state of a certificate the card does not carry, for the reason its *expiry* gives."""
    return RuleResult(ItemState.NOT_ISSUED, RuleId.STATE_ON_DATE, expiry.explanation)


def item_report(
    item: Item,
    issued: date,
    expiry: RuleResult[date | NotIssued],
    today: date,
    window: WindowRule = renewal_window,
) -> ItemReport:
    """One item's report: its *expiry*, the renewal start by the rule set's *window*, and its
    state on *today* (resting on the same decisions as the window)."""
    value = expiry.value
    if isinstance(value, NotIssued):
        return ItemReport(item, issued, expiry, None, not_issued_state(expiry))
    start = window(value)
    state = state_on(issued, value, start.value, today)
    return ItemReport(item, issued, expiry, start, replace(state, decisions=start.decisions))


def expiry_report(
    inputs: ExpiryInputs,
    today: date,
    rule_set: RuleSet,
    expiries: tuple[
        RuleResult[date | NotIssued], RuleResult[date | NotIssued], RuleResult[date | NotIssued]
    ],
    health_insurance_until: RuleResult[date],
    window: WindowRule = renewal_window,
) -> ExpiryReport:
    """The report of a rule set from its *expiries* of the card, the user-authentication and
    the signature certificate (each item's window and state by :func:`item_report`)."""
    card, auth, sign = expiries
    return ExpiryReport(
        inputs=inputs,
        today=today,
        rule_set=rule_set,
        card=item_report(Item.CARD, inputs.card_issued, card, today, window),
        auth_cert=item_report(Item.AUTH_CERT, inputs.auth_issued, auth, today, window),
        sign_cert=item_report(Item.SIGN_CERT, inputs.sign_issued, sign, today, window),
        health_insurance_until=health_insurance_until,
    )
