"""Expiry rules of the My Number Card and its certificates (RULES.md), as pure date functions.

Start with :func:`evaluate` on :class:`ExpiryInputs`; every value comes as a
:class:`RuleResult` naming its rule and whether it rests on an unconfirmed decision.
"""

from __future__ import annotations

from .business import is_business_day, is_national_holiday, is_year_end_closure, next_business_day
from .compare import ExpiryComparison, MismatchReason, compare_expiry
from .dates import (
    AgeCounting,
    Feb29Policy,
    add_months,
    age_on,
    birthday_in,
    civil_code_months_after,
    end_of_month_after,
    is_birthday,
    nth_birthday_after,
    renewal_window_start,
)
from .engine import evaluate
from .errors import InputProblem, RulesInputError
from .ids import Decision, NotIssuedReason, RuleId
from .inputs import ExpiryInputs
from .report import ExpiryReport, Item, ItemReport, ItemState
from .results import JsonValue, NotIssued, RuleResult, json_value
from .revocation import RegisterChange, Revocation, revocation_on
from .rulesets import RuleSet, rule_set_for
from .usable import JST, convenience_store_usable_from, sign_cert_usable_from

__all__ = [
    "JST",
    "AgeCounting",
    "Decision",
    "ExpiryComparison",
    "ExpiryInputs",
    "ExpiryReport",
    "Feb29Policy",
    "InputProblem",
    "Item",
    "ItemReport",
    "ItemState",
    "JsonValue",
    "MismatchReason",
    "NotIssued",
    "NotIssuedReason",
    "RegisterChange",
    "Revocation",
    "RuleId",
    "RuleResult",
    "RuleSet",
    "RulesInputError",
    "add_months",
    "age_on",
    "birthday_in",
    "civil_code_months_after",
    "compare_expiry",
    "convenience_store_usable_from",
    "end_of_month_after",
    "evaluate",
    "is_birthday",
    "is_business_day",
    "is_national_holiday",
    "is_year_end_closure",
    "json_value",
    "next_business_day",
    "nth_birthday_after",
    "renewal_window_start",
    "revocation_on",
    "rule_set_for",
    "sign_cert_usable_from",
]
