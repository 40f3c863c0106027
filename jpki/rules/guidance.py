"""Facts of the municipal guidance beyond the expiry arithmetic, as typed data.

Each fact carries the rule id it is known by, the period it is in force (from
:mod:`jpki.rules.rulesets`), its source and the decisions it rests on where the public texts
leave a point open. The words are in the ``rules`` catalog (``rules.fact.<name>...``); callers
(``jpki expiry``, the diagnosis) choose which facts apply and word them in their own place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import unique

from .dates import end_of_month_after
from .ids import Decision, RuleId, WordedId
from .results import Decided, JsonValue, RuleResult
from .rulesets import Period, rule_in_force, rule_period

__all__ = [
    "CARD_PICKUP",
    "EXPRESS_ISSUANCE",
    "FOREIGN_LANGUAGE_HELP",
    "HEALTH_INSURANCE",
    "MOVING_ABROAD",
    "SMARTPHONE_CERT",
    "CardPickup",
    "ExpressIssuance",
    "ExpressReason",
    "ForeignLanguageHelp",
    "GuidanceFact",
    "HealthInsurance",
    "MovingAbroad",
    "SmartphoneCert",
    "express_fee",
    "facts_in_force",
    "insurance_after_expiry",
]


@dataclass(frozen=True, slots=True)
class GuidanceFact(Decided):
    """What every fact has: its rule id, source and open points.

    :param rule: the stable id (``fact.moving_abroad``, ...).
    :param source: where it is written (seed section or public page).
    :param decisions: the points the public texts leave open (the fact is "unconfirmed" there).
    """

    rule: RuleId
    source: str
    decisions: frozenset[Decision] = frozenset()

    @property
    def period(self) -> Period:
        """The days the fact holds."""
        return rule_period(self.rule)

    def to_json(self) -> dict[str, JsonValue]:
        """Rule id, period, source, decisions."""
        return {
            "rule": self.rule.value,
            "since": self.period.start.isoformat(),
            "source": self.source,
            "unconfirmed": self.unconfirmed,
            "decisions": [decision.value for decision in sorted(self.decisions)],
        }


@dataclass(frozen=True, slots=True)
class MovingAbroad:
    """Japanese nationals moving abroad keep using the card (guidebook section 10, 15-4).

    :param prior_procedure: the procedure must be done at the municipality before moving out.
    :param date_printed_on_card: the planned date of moving out is printed on the card
        (on an existing card in the remarks field; on a card applied for abroad, in the
        address field).
    :param lost_card_phone: the line that suspends a lost card of someone abroad, open
        24 hours a day, all year (international call charges apply).
    """

    fact: GuidanceFact
    prior_procedure: bool = True
    date_printed_on_card: bool = True
    lost_card_phone: str = "03-6734-0170"


@dataclass(frozen=True, slots=True)
class ForeignLanguageHelp:
    """Help in foreign languages for foreign residents (guidebook 13-4, 15-3, p.19).

    :param phones: the Digital Agency's lines: (the system, Myna Portal, public-funds account),
        (the card, certificates, notices, suspension of a lost card).
    :param languages: the languages both lines answer in (Japanese names of the guidebook).
    """

    fact: GuidanceFact
    phones: tuple[str, str] = ("0120-0178-26", "0120-0178-27")
    languages: tuple[str, ...] = (
        "英語",
        "中国語",
        "韓国語",
        "スペイン語",
        "ポルトガル語",
        "ベトナム語",
        "タイ語",
        "インドネシア語",
        "タガログ語",
        "ネパール語",
    )


@dataclass(frozen=True, slots=True)
class SmartphoneCert:
    """The smartphone certificate (スマホ用電子証明書, guidebook 6-2).

    :param separate_from_card: it is a certificate of its own on the phone; stopping its use
        needs its own revocation or suspension (guidebook 6-2).
    :param lapses_on_card_renewal: renewing the card's certificates (or a new card) ends it, and
        it must be put on the phone again [unconfirmed: not in the seeds].
    :param has_pin_counters: a phone token shows no PIN try counters (biometrics may replace the
        4-digit PIN), so nothing about it can be read from the card.
    """

    fact: GuidanceFact
    separate_from_card: bool = True
    lapses_on_card_renewal: bool = True
    has_pin_counters: bool = False


@dataclass(frozen=True, slots=True)
class HealthInsurance:
    """Health-insurance use of the card (マイナ保険証, guidebook section 9).

    :param paper_cards_end: the day new paper health-insurance cards stopped being issued.
    :param grace_months_after_month_end: after the user-authentication certificate expires,
        eligibility checks still work until this many months after the end of the month of
        expiry [decision ``health_insurance_grace``].
    :param usable_after_card_expiry: whether the card works for eligibility checks once the card
        itself has expired [unconfirmed: taken as no].
    """

    fact: GuidanceFact
    paper_cards_end: date = date(2024, 12, 2)
    grace_months_after_month_end: int = 3
    usable_after_card_expiry: bool = False


@unique
class ExpressReason(WordedId):
    """Who may ask for express issuance (特急発行), each within 30 days of the event unless said."""

    UNDER_1 = "under_1"
    """A child under 1 (until the day before the first birthday; with the birth registration)."""
    MOVED_IN_FROM_ABROAD = "moved_in_from_abroad"
    LOST = "lost"
    NEWLY_REGISTERED = "newly_registered"
    """A foreign mid- to long-term resident newly registered, or a person newly registered."""
    NUMBER_CHANGED = "number_changed"
    """The card lapsed because the My Number or resident record code changed."""
    DAMAGED = "damaged"
    """Burnt, damaged or a chip that no longer works."""
    REMARKS_FULL = "remarks_full"


ExpressReason._catalog_prefix = "express_reason"


@dataclass(frozen=True, slots=True)
class ExpressIssuance:
    """Express issuance (特急発行), since 2024-12-02: a card in about a week (at least 5 days).

    Not for a card that simply expired. The applicant comes in person (a parent for a newborn
    registered with the birth). Fees: :func:`express_fee`.
    """

    fact: GuidanceFact
    reasons: tuple[ExpressReason, ...] = tuple(ExpressReason)
    days_within: int = 30
    usual_days: int = 7
    shortest_days: int = 5


@dataclass(frozen=True, slots=True)
class CardPickup:
    """Collecting a new card (FAQ Q2, Q3).

    The municipality mails the letter 「マイナンバーカードの受取について(ご案内)」 (a light-blue
    envelope, not forwarded) to the registered address; the holder reserves a day and collects
    the card in person at the 「マイナンバーカード交付窓口」, not the general counter, and sets
    the PINs there. From application to pick-up takes about two months.
    """

    fact: GuidanceFact
    by_reservation: bool = True
    in_person: bool = True
    months_from_application: int = 2


_GUIDEBOOK = "Bunkyo City, マイナンバーカードガイドブック (令和6年11月)"
_FAQ = "Bunkyo City, マイナンバーカード関連のよくある質問 (2023-11-01)"

MOVING_ABROAD = MovingAbroad(GuidanceFact(RuleId.FACT_MOVING_ABROAD, f"{_GUIDEBOOK}, 10, 15-4"))
FOREIGN_LANGUAGE_HELP = ForeignLanguageHelp(
    GuidanceFact(RuleId.FACT_FOREIGN_LANGUAGE_HELP, f"{_GUIDEBOOK}, 13-4, 15-3 (p.19)")
)
SMARTPHONE_CERT = SmartphoneCert(
    GuidanceFact(
        RuleId.FACT_SMARTPHONE_CERT,
        f"{_GUIDEBOOK}, 6-2; Digital Agency, スマホ用電子証明書搭載サービス",
        frozenset({Decision.SMARTPHONE_CERT_ON_RENEWAL}),
    )
)
HEALTH_INSURANCE = HealthInsurance(
    GuidanceFact(
        RuleId.FACT_HEALTH_INSURANCE,
        f"{_GUIDEBOOK}, 9; RULES.md 3 (grace: insurers' notices)",
        frozenset({Decision.HEALTH_INSURANCE_GRACE, Decision.INSURANCE_AFTER_CARD_EXPIRY}),
    )
)
EXPRESS_ISSUANCE = ExpressIssuance(
    GuidanceFact(
        RuleId.FACT_EXPRESS_ISSUANCE,
        "municipal pages (Kokubunji, Meiwa, Towada, Fujimino, 2024-12); not in the seeds",
        frozenset({Decision.EXPRESS_ISSUANCE_DETAILS}),
    )
)
CARD_PICKUP = CardPickup(GuidanceFact(RuleId.FACT_CARD_PICKUP, f"{_FAQ}, Q2, Q3"))

_ALL = (
    MOVING_ABROAD,
    FOREIGN_LANGUAGE_HELP,
    SMARTPHONE_CERT,
    HEALTH_INSURANCE,
    EXPRESS_ISSUANCE,
    CARD_PICKUP,
)


def facts_in_force(
    today: date,
) -> tuple[
    MovingAbroad
    | ForeignLanguageHelp
    | SmartphoneCert
    | HealthInsurance
    | ExpressIssuance
    | CardPickup,
    ...,
]:
    """The facts that hold on *today* (express issuance not before 2024-12-02, ...)."""
    return tuple(fact for fact in _ALL if rule_in_force(fact.fact.rule, today))


_EXPRESS_FEE_OWN_FAULT = 2_000
_EXPRESS_FEE_OWN_FAULT_NO_CERTS = 1_800


def express_fee(reason: ExpressReason, *, own_fault: bool, with_certificates: bool = True) -> int:
    """The fee in yen of an express issuance.

    A re-issue for a card lost or damaged through the holder's own fault costs 2,000 yen
    (1,800 without certificates; a normal re-issue costs 1,000 / 800); every other case is
    free.
    """
    if reason in (ExpressReason.LOST, ExpressReason.DAMAGED) and own_fault:
        return _EXPRESS_FEE_OWN_FAULT if with_certificates else _EXPRESS_FEE_OWN_FAULT_NO_CERTS
    return 0


def insurance_after_expiry(auth_cert_expiry: date) -> RuleResult[date]:
    """The last day the card works for health-insurance checks after the user-authentication
    certificate expires: the end of the third month after the month of expiry [decision]."""
    months = HEALTH_INSURANCE.grace_months_after_month_end
    return RuleResult(
        end_of_month_after(auth_cert_expiry, months),
        RuleId.INSURANCE_GRACE,
        "health-insurance eligibility checks work until 3 months after the end of the "
        f"month of the user-authentication certificate's expiry {auth_cert_expiry}",
        frozenset({Decision.HEALTH_INSURANCE_GRACE}),
    )
