"""The entry point of the rules: pick the rule set, compute the report, name the version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from .card2016 import evaluate_card_2016
from .inputs import ExpiryInputs
from .nextgen import evaluate_next_generation_draft
from .report import ExpiryReport
from .rulesets import RuleSet, rule_set_for, rules_version

__all__ = ["evaluate"]

_EVALUATORS: dict[RuleSet, Callable[[ExpiryInputs, date], ExpiryReport]] = {
    RuleSet.CARD_2016: evaluate_card_2016,
    RuleSet.NEXT_GENERATION_DRAFT: evaluate_next_generation_draft,
}


def evaluate(inputs: ExpiryInputs, today: date, rule_set: RuleSet | None = None) -> ExpiryReport:
    """Expiries, renewal windows and states of the card and its certificates on *today*.

    Pure: the same inputs and day always give the same report.

    :param rule_set: a rule set chosen by name (the draft of the next generation); by default
        the set in force on *today*. The report's ``version`` names the one used.
    :raises RulesInputError: when the inputs cannot describe a real card.
    """
    rule_set_for(inputs.card_issued)  # refuses a card older than the first My Number Card
    version = rules_version(today, rule_set)
    report = _EVALUATORS[version.rule_set](inputs, today)
    return replace(report, version=version)
