"""Which set of rules governs a card, chosen by its issue date.

Only the current rules exist. The next-generation card proposed for about FY2028 (10-year
certificates, expiry one month after the birthday, renewal from one year before) needs
legislation; when it is enacted it becomes a new member here with the date it takes effect,
and :mod:`jpki.rules.engine` maps it to its own computation.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum, unique

from .errors import InputProblem, RulesInputError

__all__ = ["RuleSet", "rule_set_for"]


@unique
class RuleSet(StrEnum):
    """A generation of card and certificate rules."""

    CARD_2016 = "card-2016"
    """The My Number Card as issued since January 2016 (with the 2022 age change)."""

    @property
    def in_force_from(self) -> date:
        """The first issue date the rule set applies to."""
        return _IN_FORCE_FROM[self]


_IN_FORCE_FROM = {RuleSet.CARD_2016: date(2016, 1, 1)}


def rule_set_for(card_issued: date) -> RuleSet:
    """The rule set for a card issued on *card_issued* (the newest one then in force).

    :raises RulesInputError: for a date before the first My Number Card.
    """
    in_force = [rule_set for rule_set in RuleSet if rule_set.in_force_from <= card_issued]
    if not in_force:
        first = min(rule_set.in_force_from for rule_set in RuleSet)
        raise RulesInputError(
            InputProblem.BEFORE_FIRST_CARD,
            f"no My Number Card was issued before {first} (card issue date {card_issued})",
        )
    return max(in_force, key=lambda rule_set: rule_set.in_force_from)
