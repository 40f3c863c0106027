"""Expiry rules of the My Number Card and its certificates (RULES.md), as pure date functions.

Start with :func:`evaluate` on :class:`ExpiryInputs`, or with :func:`evaluate_known` on
:class:`KnownDates` when only some dates are known; every value comes as a :class:`RuleResult`
naming its rule and whether it rests on an unconfirmed decision. The facts of the guidance
beyond the arithmetic are in :mod:`jpki.rules.guidance`; resident lists in
:mod:`jpki.rules.batch`; what ``jpki expiry`` says in :mod:`jpki.rules.explain`.

Importing this package loads none of its modules: each name below is imported on first use,
so that a command needing a few rules (``jpki diagnose``) does not pay for all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .business import (
        is_business_day,
        is_national_holiday,
        is_year_end_closure,
        next_business_day,
    )
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
    from .flags import FlagVerdict, RenewalCheck
    from .guidance import (
        CARD_PICKUP,
        EXPRESS_ISSUANCE,
        FOREIGN_LANGUAGE_HELP,
        HEALTH_INSURANCE,
        MOVING_ABROAD,
        SMARTPHONE_CERT,
        CardPickup,
        ExpressIssuance,
        ExpressReason,
        ForeignLanguageHelp,
        GuidanceFact,
        HealthInsurance,
        MovingAbroad,
        SmartphoneCert,
        express_fee,
        facts_in_force,
        insurance_after_expiry,
    )
    from .ids import Decision, NotIssuedReason, RuleId, WordedId
    from .inputs import ExpiryInputs
    from .known import (
        Caveat,
        Known,
        KnownDates,
        KnownItem,
        KnownReport,
        Missing,
        evaluate_known,
    )
    from .report import ExpiryReport, Item, ItemReport, ItemState
    from .results import JsonValue, NotIssued, RuleResult, json_value
    from .revocation import RegisterChange, Revocation, revocation_on
    from .rulesets import (
        FIRST_CARD_DAY,
        Period,
        RuleSet,
        RulesVersion,
        rule_in_force,
        rule_period,
        rule_set_for,
        rule_set_in_force,
        rules_version,
    )
    from .usable import (
        JST,
        StoreUnavailable,
        StoreUnavailableReason,
        convenience_store_availability,
        convenience_store_usable_from,
        sign_cert_usable_from,
    )

__all__ = [
    "CARD_PICKUP",
    "EXPRESS_ISSUANCE",
    "FIRST_CARD_DAY",
    "FOREIGN_LANGUAGE_HELP",
    "HEALTH_INSURANCE",
    "JST",
    "MOVING_ABROAD",
    "SMARTPHONE_CERT",
    "AgeCounting",
    "CardPickup",
    "Caveat",
    "Decision",
    "ExpiryComparison",
    "ExpiryInputs",
    "ExpiryReport",
    "ExpressIssuance",
    "ExpressReason",
    "Feb29Policy",
    "FlagVerdict",
    "ForeignLanguageHelp",
    "GuidanceFact",
    "HealthInsurance",
    "InputProblem",
    "Item",
    "ItemReport",
    "ItemState",
    "JsonValue",
    "Known",
    "KnownDates",
    "KnownItem",
    "KnownReport",
    "MismatchReason",
    "Missing",
    "MovingAbroad",
    "NotIssued",
    "NotIssuedReason",
    "Period",
    "RegisterChange",
    "RenewalCheck",
    "Revocation",
    "RuleId",
    "RuleResult",
    "RuleSet",
    "RulesInputError",
    "RulesVersion",
    "SmartphoneCert",
    "StoreUnavailable",
    "StoreUnavailableReason",
    "WordedId",
    "add_months",
    "age_on",
    "birthday_in",
    "civil_code_months_after",
    "compare_expiry",
    "convenience_store_availability",
    "convenience_store_usable_from",
    "end_of_month_after",
    "evaluate",
    "evaluate_known",
    "express_fee",
    "facts_in_force",
    "insurance_after_expiry",
    "is_birthday",
    "is_business_day",
    "is_national_holiday",
    "is_year_end_closure",
    "json_value",
    "next_business_day",
    "nth_birthday_after",
    "renewal_window_start",
    "revocation_on",
    "rule_in_force",
    "rule_period",
    "rule_set_for",
    "rule_set_in_force",
    "rules_version",
    "sign_cert_usable_from",
]

# Public name -> the module of this package that defines it.
_LAZY: dict[str, str] = {
    "AgeCounting": "dates",
    "CARD_PICKUP": "guidance",
    "CardPickup": "guidance",
    "Caveat": "known",
    "Decision": "ids",
    "EXPRESS_ISSUANCE": "guidance",
    "ExpiryComparison": "compare",
    "ExpiryInputs": "inputs",
    "ExpiryReport": "report",
    "ExpressIssuance": "guidance",
    "ExpressReason": "guidance",
    "FIRST_CARD_DAY": "rulesets",
    "FOREIGN_LANGUAGE_HELP": "guidance",
    "Feb29Policy": "dates",
    "FlagVerdict": "flags",
    "ForeignLanguageHelp": "guidance",
    "GuidanceFact": "guidance",
    "HEALTH_INSURANCE": "guidance",
    "HealthInsurance": "guidance",
    "InputProblem": "errors",
    "Item": "report",
    "ItemReport": "report",
    "ItemState": "report",
    "JST": "usable",
    "JsonValue": "results",
    "Known": "known",
    "KnownDates": "known",
    "KnownItem": "known",
    "KnownReport": "known",
    "MOVING_ABROAD": "guidance",
    "MismatchReason": "compare",
    "Missing": "known",
    "MovingAbroad": "guidance",
    "NotIssued": "results",
    "NotIssuedReason": "ids",
    "Period": "rulesets",
    "RegisterChange": "revocation",
    "RenewalCheck": "flags",
    "Revocation": "revocation",
    "RuleId": "ids",
    "RuleResult": "results",
    "RuleSet": "rulesets",
    "RulesInputError": "errors",
    "RulesVersion": "rulesets",
    "SMARTPHONE_CERT": "guidance",
    "SmartphoneCert": "guidance",
    "StoreUnavailable": "usable",
    "StoreUnavailableReason": "usable",
    "WordedId": "ids",
    "add_months": "dates",
    "age_on": "dates",
    "birthday_in": "dates",
    "civil_code_months_after": "dates",
    "compare_expiry": "compare",
    "convenience_store_availability": "usable",
    "convenience_store_usable_from": "usable",
    "end_of_month_after": "dates",
    "evaluate": "engine",
    "evaluate_known": "known",
    "express_fee": "guidance",
    "facts_in_force": "guidance",
    "insurance_after_expiry": "guidance",
    "is_birthday": "dates",
    "is_business_day": "business",
    "is_national_holiday": "business",
    "is_year_end_closure": "business",
    "json_value": "results",
    "next_business_day": "business",
    "nth_birthday_after": "dates",
    "renewal_window_start": "dates",
    "revocation_on": "revocation",
    "rule_in_force": "rulesets",
    "rule_period": "rulesets",
    "rule_set_for": "rulesets",
    "rule_set_in_force": "rulesets",
    "rules_version": "rulesets",
    "sign_cert_usable_from": "usable",
}


def __getattr__(name: str) -> Any:
    try:
        module_name = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
