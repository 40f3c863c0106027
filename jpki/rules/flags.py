"""The "renewed in the window" flags checked against the dates: contradicted, or hinted.

A flag (``--renewed-in-window``, ``--cert-renewed-in-window``) changes an expiry by a whole
birthday, and people rarely know whether their renewal fell in the last three months. The dates
often tell: a certificate issued inside the window of those issued with the card, or a date on
the card one birthday later than computed, makes the renewal likely; a renewal before the
window or after the expiry, or a date one birthday earlier, contradicts the flag.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import unique
from typing import TYPE_CHECKING

from jpki.texts import Msg

from .compare import MismatchReason
from .dates import renewal_window_start
from .engine import evaluate
from .ids import WordedId
from .report import ExpiryReport, Item
from .results import JsonValue

if TYPE_CHECKING:
    from .known import KnownDates, KnownItem

__all__ = ["FlagVerdict", "RenewalCheck", "renewal_checks"]


@unique
class FlagVerdict(WordedId):
    """What the dates say about a "renewed in the window" flag."""

    CONTRADICTED_EARLY = "contradicted_early"
    """Flag given, but the renewal came before the previous one's window opened."""
    CONTRADICTED_LATE = "contradicted_late"
    """Flag given, but the renewal came after the previous one had expired."""
    CONTRADICTED_NO_RENEWAL = "contradicted_no_renewal"
    """Flag given for the certificates alone, but they were issued with the card."""
    CONTRADICTED_BY_CARD = "contradicted_by_card"
    """Flag given, but the date on the card is one birthday earlier than it implies."""
    LIKELY_IN_WINDOW = "likely_in_window"
    """No flag, but the certificates were renewed inside the previous ones' window."""
    LIKELY_BY_CARD = "likely_by_card"
    """No flag, but the date on the card is one birthday later: renewed in the window."""

    @property
    def msg(self) -> Msg:
        """The verdict in words, naming the options of the flags."""
        return self.worded(
            card_option="--renewed-in-window", cert_option="--cert-renewed-in-window"
        )

    @property
    def contradicts(self) -> bool:
        """Whether the dates contradict a flag that was given (else they hint at one)."""
        return self.value.startswith("contradicted")


FlagVerdict._catalog_prefix = "flag"


@dataclass(frozen=True, slots=True)
class RenewalCheck:
    """A "renewed in the window" flag checked against the dates.

    :param item: the card (``--renewed-in-window``) or a certificate
        (``--cert-renewed-in-window``).
    :param window: the previous item's renewal window, when the dates give it.
    """

    item: Item
    verdict: FlagVerdict
    window: tuple[date, date] | None = None

    def to_json(self) -> dict[str, JsonValue]:
        """Item, verdict, window."""
        window: JsonValue = None
        if self.window is not None:
            window = [self.window[0].isoformat(), self.window[1].isoformat()]
        return {
            "item": self.item.value,
            "verdict": self.verdict.value,
            "contradicts": self.verdict.contradicts,
            "window": window,
        }


def renewal_checks(
    known: KnownDates, reference: ExpiryReport | None, given_items: tuple[KnownItem, KnownItem]
) -> tuple[RenewalCheck, ...]:
    """The "renewed in the window" flags of *known* checked against the dates: the window of
    the certificates issued with the card (from the full engine's *reference*), and the dates
    given from the card (the comparisons of *given_items*, card and user-authentication)."""
    checks: list[RenewalCheck] = []
    inputs = None if reference is None else reference.inputs
    renewed_cert = known.auth_cert_issued
    if (
        inputs is not None
        and renewed_cert is not None
        and renewed_cert != inputs.card_issued
        and not known.renewed_in_window
    ):
        original = replace(
            inputs,
            auth_cert_issued=None,
            sign_cert_issued=None,
            certs_renewed_in_window=False,
        )
        previous = evaluate(original, renewed_cert).auth_cert.expiry_date
        if previous is not None:
            window = (renewal_window_start(previous), previous)
            inside = window[0] <= renewed_cert <= window[1]
            if known.certs_renewed_in_window and renewed_cert < window[0]:
                checks.append(RenewalCheck(Item.AUTH_CERT, FlagVerdict.CONTRADICTED_EARLY, window))
            elif known.certs_renewed_in_window and renewed_cert > window[1]:
                checks.append(RenewalCheck(Item.AUTH_CERT, FlagVerdict.CONTRADICTED_LATE, window))
            elif inside and not known.certs_renewed_in_window:
                checks.append(RenewalCheck(Item.AUTH_CERT, FlagVerdict.LIKELY_IN_WINDOW, window))
    elif (
        inputs is not None
        and known.certs_renewed_in_window
        and not known.renewed_in_window
        and inputs.auth_issued == inputs.card_issued
    ):
        checks.append(RenewalCheck(Item.AUTH_CERT, FlagVerdict.CONTRADICTED_NO_RENEWAL))
    flags = {
        Item.CARD: known.renewed_in_window,
        Item.AUTH_CERT: known.renewed_in_window or known.certs_renewed_in_window,
    }
    for item in given_items:
        comparison = item.comparison
        if comparison is None or any(check.item is item.item for check in checks):
            continue
        reason = comparison.value.mismatch
        if reason is MismatchReason.RENEWED_IN_WINDOW and not flags[item.item]:
            checks.append(RenewalCheck(item.item, FlagVerdict.LIKELY_BY_CARD))
        elif reason is MismatchReason.RENEWED_EARLY and flags[item.item]:
            checks.append(RenewalCheck(item.item, FlagVerdict.CONTRADICTED_BY_CARD))
    return tuple(checks)
