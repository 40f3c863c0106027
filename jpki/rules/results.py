"""The wrapper every computed value comes in: value, rule, explanation, decisions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Generic, Protocol, TypeAlias, TypeVar, runtime_checkable

from .ids import Decision, NotIssuedReason, RuleId

__all__ = ["Decided", "JsonValue", "NotIssued", "RuleResult", "json_value", "not_issued"]

JsonValue: TypeAlias = "None | bool | int | str | list[JsonValue] | dict[str, JsonValue]"
"""What :func:`json.dumps` renders: the type of every ``to_json()``."""

T_co = TypeVar("T_co", covariant=True)


@runtime_checkable
class _ToJson(Protocol):
    def to_json(self) -> dict[str, JsonValue]: ...


@dataclass(frozen=True, slots=True)
class NotIssued:
    """The value of a certificate expiry when the card carries no such certificate."""

    reason: NotIssuedReason

    def to_json(self) -> dict[str, JsonValue]:
        """``{"not_issued": reason}``."""
        return {"not_issued": self.reason.value}


def json_value(value: object) -> JsonValue:
    """*value* as JSON: dates ``YYYY-MM-DD``, instants ISO 8601, enums by value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, _ToJson):
        return value.to_json()
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


class Decided:
    """Mixed into what may rest on decisions of RULES.md (a ``decisions`` field)."""

    __slots__ = ()
    decisions: frozenset[Decision]

    @property
    def unconfirmed(self) -> bool:
        """Whether it rests on a decision staff should double-check."""
        return bool(self.decisions)


@dataclass(frozen=True, slots=True)
class RuleResult(Decided, Generic[T_co]):
    """A computed value with the rule behind it.

    :param value: the value (a date, a state, ...).
    :param rule: the stable id of the rule that produced it.
    :param explanation: one short English sentence with the dates involved.
    :param decisions: the RULES.md decisions the value rests on (it would differ under the
        other reading); empty when the value is confirmed by the public texts.
    """

    value: T_co
    rule: RuleId
    explanation: str
    decisions: frozenset[Decision] = frozenset()

    def with_decision(self, decision: Decision) -> RuleResult[T_co]:
        """The same result, also resting on *decision*."""
        return replace(self, decisions=self.decisions | {decision})

    def to_json(self) -> dict[str, JsonValue]:
        """Plain dict: value, rule, unconfirmed, decisions, explanation."""
        rendered: dict[str, JsonValue] = {"value": json_value(self.value)}
        if isinstance(self.value, NotIssued):
            rendered = {"value": None, "not_issued": self.value.reason.value}
        decisions: list[JsonValue] = [decision.value for decision in sorted(self.decisions)]
        rendered.update(
            {
                "rule": self.rule.value,
                "unconfirmed": self.unconfirmed,
                "decisions": decisions,
                "explanation": self.explanation,
            }
        )
        return rendered


def not_issued(reason: NotIssuedReason, explanation: str) -> RuleResult[NotIssued]:
    """The expiry of a certificate the card does not carry, by the rule that leaves it out."""
    return RuleResult(NotIssued(reason), reason.rule, explanation)
