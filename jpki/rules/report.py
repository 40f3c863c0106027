"""What the engine answers: per item (card, two certificates) its expiry, window and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import unique

from jpki.ids import CertKind

from .ids import WordedId
from .inputs import ExpiryInputs
from .results import JsonValue, NotIssued, RuleResult
from .rulesets import RuleSet, RulesVersion

__all__ = ["ExpiryReport", "Item", "ItemReport", "ItemState"]


@unique
class Item(WordedId):
    """The three things that expire: the card and its two certificates."""

    CARD = "card"
    AUTH_CERT = "auth_cert"
    SIGN_CERT = "sign_cert"

    @property
    def cert_kind(self) -> CertKind | None:
        """The certificate on the chip, or None for the card itself."""
        return _CERT_KIND[self]


Item._catalog_prefix = "item"


_CERT_KIND = {Item.CARD: None, Item.AUTH_CERT: CertKind.AUTH, Item.SIGN_CERT: CertKind.SIGN}


@unique
class ItemState(WordedId):
    """Where an item stands on a given day."""

    NOT_YET_ISSUED = "not_yet_issued"
    VALID = "valid"
    RENEWABLE = "renewable"
    EXPIRED = "expired"
    NOT_ISSUED = "not_issued"


ItemState._catalog_prefix = "state"


@dataclass(frozen=True, slots=True)
class ItemReport:
    """One item's expiry (a date or :class:`NotIssued`), renewal start and state."""

    item: Item
    issued: date
    expiry: RuleResult[date | NotIssued]
    renewal_from: RuleResult[date] | None
    state: RuleResult[ItemState]

    @property
    def expiry_date(self) -> date | None:
        """The last valid day, or None when the item is not issued."""
        value = self.expiry.value
        return None if isinstance(value, NotIssued) else value

    def to_json(self) -> dict[str, JsonValue]:
        """Plain dict of the three results."""
        return {
            "issued": self.issued.isoformat(),
            "expiry": self.expiry.to_json(),
            "renewal_from": None if self.renewal_from is None else self.renewal_from.to_json(),
            "state": self.state.to_json(),
        }


@dataclass(frozen=True, slots=True)
class ExpiryReport:
    """Everything the engine computed for one set of inputs on one day."""

    inputs: ExpiryInputs
    today: date
    rule_set: RuleSet
    card: ItemReport
    auth_cert: ItemReport
    sign_cert: ItemReport
    health_insurance_until: RuleResult[date]
    """Last day the card works for health-insurance checks after the user-authentication
    certificate expires."""
    version: RulesVersion | None = None
    """The rules used (set by :func:`~jpki.rules.evaluate`; None only when built by hand)."""

    @property
    def items(self) -> tuple[ItemReport, ItemReport, ItemReport]:
        """Card, user-authentication certificate, signature certificate."""
        return (self.card, self.auth_cert, self.sign_cert)

    def item(self, item: Item) -> ItemReport:
        """The report of *item*."""
        return {report.item: report for report in self.items}[item]

    @property
    def unconfirmed(self) -> bool:
        """Whether any value rests on a decision."""
        results: list[RuleResult[object] | None] = [self.health_insurance_until]
        for report in self.items:
            results += [report.expiry, report.renewal_from, report.state]
        return any(result is not None and result.unconfirmed for result in results)

    def to_json(self) -> dict[str, JsonValue]:
        """Plain dict: inputs, day, rule set, the three items, the health-insurance grace."""
        return {
            "inputs": self.inputs.to_json(),
            "today": self.today.isoformat(),
            "rule_set": self.rule_set.value,
            "rules_version": None if self.version is None else self.version.name,
            "in_force": self.version is None or self.version.in_force,
            "unconfirmed": self.unconfirmed,
            **{report.item.value: report.to_json() for report in self.items},
            "health_insurance_until": self.health_insurance_until.to_json(),
        }
