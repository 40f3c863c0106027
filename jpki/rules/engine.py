"""The entry point of the rules: pick the rule set for the card, compute the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .card2016 import evaluate_card_2016
from .inputs import ExpiryInputs
from .report import ExpiryReport
from .rulesets import RuleSet, rule_set_for

__all__ = ["evaluate"]

_EVALUATORS: dict[RuleSet, Callable[[ExpiryInputs, date], ExpiryReport]] = {
    RuleSet.CARD_2016: evaluate_card_2016,
}


def evaluate(inputs: ExpiryInputs, today: date) -> ExpiryReport:
    """Expiries, renewal windows and states of the card and its certificates on *today*.

    Pure: the same inputs and day always give the same report.

    :raises RulesInputError: when the inputs cannot describe a real card.
    """
    return _EVALUATORS[rule_set_for(inputs.card_issued)](inputs, today)
