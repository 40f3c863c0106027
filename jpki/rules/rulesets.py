"""Which set of rules is used, and the period each rule is in force.

A rule set is a generation of the card (the card of 2016, a proposed next generation). Within a
generation single rules start (and may end) on given days: the age threshold of 2022, the
face-auth card of 2023, moving abroad with the card in 2024, express issuance. The set used is
the one in force on the day judged (``--today``); its *version* names the generation and the
newest amendment in force on that day, so two outputs computed under different rules never look
alike.

The next-generation card proposed for about FY2028 (RULES.md section 7) needs legislation: its
rule set is a draft, chosen only by name, never by date, and every result computed under it is
marked "not in force".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum, unique

from jpki.texts import Msg

from .errors import InputProblem, RulesInputError
from .ids import RuleId

__all__ = [
    "FIRST_CARD_DAY",
    "Period",
    "RuleSet",
    "RulesVersion",
    "rule_in_force",
    "rule_period",
    "rule_set_for",
    "rule_set_in_force",
    "rules_version",
]

FIRST_CARD_DAY = date(2016, 1, 1)
"""The first My Number Card was issued in January 2016."""


@dataclass(frozen=True, slots=True)
class Period:
    """The days a rule is in force: from *start* through *end* (None: still in force)."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the rule is in force on *day*."""
        return self.start <= day and (self.end is None or day <= self.end)


@unique
class RuleSet(StrEnum):
    """A generation of card and certificate rules."""

    CARD_2016 = "card-2016"
    """The My Number Card as issued since January 2016 (with its amendments)."""
    NEXT_GENERATION_DRAFT = "next-generation-draft"
    """The card proposed for about FY2028: a draft, not in force, selectable by name only."""

    @property
    def is_draft(self) -> bool:
        """Whether the set is a proposal that is not in force."""
        return self not in _IN_FORCE_FROM

    @property
    def in_force_from(self) -> date:
        """The first day the rule set is in force (``date.max`` for a draft: never)."""
        return _IN_FORCE_FROM.get(self, date.max)


_IN_FORCE_FROM = {RuleSet.CARD_2016: FIRST_CARD_DAY}
"""The rule sets in force and their first day; a draft is not listed."""

_SINCE_2016 = Period(FIRST_CARD_DAY)
_RULE_PERIODS: dict[RuleId, Period] = {
    RuleId.FACT_FACE_AUTH: Period(date(2023, 12, 15)),
    RuleId.FACT_MOVING_ABROAD: Period(date(2024, 5, 27)),
    RuleId.FACT_EXPRESS_ISSUANCE: Period(date(2024, 12, 2)),
    RuleId.FACT_SMARTPHONE_CERT: Period(date(2023, 5, 11)),
    RuleId.CERT_NOT_ISSUED_FACE_AUTH: Period(date(2023, 12, 15)),
    RuleId.INSURANCE_GRACE: Period(date(2021, 10, 20)),
    RuleId.FACT_HEALTH_INSURANCE: Period(date(2021, 10, 20)),
}
"""Rules that did not start with the card; every other rule of the 2016 card is in force from
2016-01-01."""

AGE_THRESHOLD_18_FROM = date(2022, 4, 1)
"""Applications received from this day on use the age threshold 18 (an amendment without a rule
id of its own: it changes which of the 10th/5th-birthday rules applies)."""

_AMENDMENTS = tuple(
    sorted({AGE_THRESHOLD_18_FROM, *(period.start for period in _RULE_PERIODS.values())})
)


def rule_period(rule: RuleId) -> Period:
    """The period *rule* is in force (for the card of 2016)."""
    return _RULE_PERIODS.get(rule, _SINCE_2016)


def rule_in_force(rule: RuleId, day: date) -> bool:
    """Whether *rule* is in force on *day*."""
    return rule_period(rule).covers(day)


def rule_set_for(card_issued: date) -> RuleSet:
    """The rule set for a card issued on *card_issued* (the newest one then in force).

    :raises RulesInputError: for a date before the first My Number Card.
    """
    return rule_set_in_force(card_issued, what="card issue date")


def rule_set_in_force(day: date, *, what: str = "day") -> RuleSet:
    """The rule set in force on *day*; drafts are never chosen.

    :raises RulesInputError: for a day before the first My Number Card.
    """
    in_force = [
        rule_set for rule_set in RuleSet if not rule_set.is_draft and rule_set.in_force_from <= day
    ]
    if not in_force:
        raise RulesInputError(
            InputProblem.BEFORE_FIRST_CARD,
            f"no My Number Card was issued before {FIRST_CARD_DAY} ({what} {day})",
        )
    return max(in_force, key=lambda rule_set: rule_set.in_force_from)


@dataclass(frozen=True, slots=True)
class RulesVersion:
    """The rules a result was computed under.

    :param rule_set: the generation.
    :param amended: the newest amendment in force on the day judged (None for a draft).
    :param in_force: False for a draft: the result shows a proposal, not the law.
    """

    rule_set: RuleSet
    amended: date | None
    in_force: bool

    @property
    def name(self) -> str:
        """``card-2016@2024-12-02``; a draft is ``next-generation-draft@not-in-force``."""
        if self.amended is None:
            return f"{self.rule_set.value}@not-in-force"
        return f"{self.rule_set.value}@{self.amended.isoformat()}"

    @property
    def msg(self) -> Msg:
        """The rule set in words (``rules.version.<set>``, with the newest amendment)."""
        if self.amended is None:
            return Msg(f"rules.version.{self.rule_set.value}")
        return Msg(f"rules.version.{self.rule_set.value}", amended=self.amended)


def rules_version(today: date, rule_set: RuleSet | None = None) -> RulesVersion:
    """The version used on *today*: *rule_set* when named, else the set in force that day
    (the first one for a day before any card)."""
    if rule_set is not None:
        chosen = rule_set
    elif today < FIRST_CARD_DAY:
        # A day before any card (a card judged before it existed): the first rules.
        chosen = RuleSet.CARD_2016
    else:
        chosen = rule_set_in_force(today)
    if chosen.is_draft:
        return RulesVersion(chosen, None, False)
    amended = max((start for start in _AMENDMENTS if start <= today), default=FIRST_CARD_DAY)
    return RulesVersion(chosen, max(amended, chosen.in_force_from), True)
