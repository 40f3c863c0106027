"""What staff know about the holder beyond the chip, as the rules' :class:`~jpki.rules.KnownDates`.

All of it is optional: without it a diagnosis works from the card alone. A diagnosis takes the
rules' own inputs as they are (:class:`~jpki.rules.KnownDates`, or
:class:`~jpki.rules.ExpiryInputs`, whose fields it holds) and fills in only what the chip shows
without a PIN: the user-authentication certificate's issue date (its notBefore, as a JST date)
when the birth and card issue dates start the rules, and the card's and the certificate's
expiries, so that :func:`~jpki.rules.evaluate_known` compares them with the rules and checks
the "renewed in the window" flags against them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TypeAlias

from jpki.errors import JpkiError
from jpki.rules import (
    ExpiryInputs,
    KnownDates,
    KnownReport,
    RuleSet,
    RulesInputError,
    evaluate_known,
)

from .facts import CardFacts, ChipKind

__all__ = [
    "Circumstances",
    "CircumstancesError",
    "GivenDates",
    "RuleInputs",
    "check_circumstances",
    "evaluate_given",
    "known_dates",
    "rule_inputs",
    "with_chip",
]

GivenDates: TypeAlias = "KnownDates | ExpiryInputs"
"""What a diagnosis may be told: the dates known, or the full engine's inputs."""


def known_dates(given: GivenDates | None) -> KnownDates:
    """*given* as :class:`~jpki.rules.KnownDates` (the full engine's inputs field by field)."""
    if given is None:
        return KnownDates()
    if type(given) is KnownDates:
        return given
    if isinstance(given, KnownDates):  # a subclass (Circumstances): its values, checked
        return KnownDates(**{item.name: getattr(given, item.name) for item in fields(KnownDates)})
    return KnownDates.from_inputs(given)


@dataclass(frozen=True, slots=True)
class RuleInputs:
    """The dates the rules ran on, with the chip's issue date filled in, and where it came from.

    :param known: what :func:`jpki.rules.evaluate_known` gets (without the chip's expiries).
    :param auth_issued_from_chip: the user-authentication certificate's issue date was read
        from the chip.
    :param sign_issued_assumed: the signature certificate's issue date was not given and is
        taken to be the user-authentication certificate's.
    """

    known: KnownDates
    auth_issued_from_chip: bool
    sign_issued_assumed: bool

    @property
    def inputs(self) -> ExpiryInputs:
        """The full engine's inputs (the birth and card issue dates are known here)."""
        inputs = self.known.expiry_inputs()
        if inputs is None:  # pragma: no cover - rule_inputs builds none without them
            raise ValueError("no birth date or card issue date")
        return inputs


def rule_inputs(known: KnownDates, facts: CardFacts) -> RuleInputs | None:
    """The dates the full engine runs on, or None without a birth date and card issue date."""
    if known.birth is None or known.card_issued is None:
        return None
    auth = known.auth_cert_issued
    from_chip = False
    cert = facts.auth_certificate
    if auth is None and cert is not None:
        chip_day = cert.not_before.date()  # CertificateInfo keeps notBefore in JST
        # A chip date before the issue date given means the dates given are the odd ones;
        # let the rules use the card issue date then rather than report the chip as wrong.
        if chip_day >= known.card_issued:
            auth, from_chip = chip_day, True
    sign = known.sign_cert_issued
    assumed = False
    if sign is None and not known.face_auth and auth is not None:
        sign, assumed = auth, True
    filled = replace(known, auth_cert_issued=auth, sign_cert_issued=sign)
    return RuleInputs(filled, from_chip, assumed)


def with_chip(known: KnownDates, facts: CardFacts) -> KnownDates:
    """*known* with the expiries the chip shows (card record, user-authentication
    certificate), where none was given."""
    cert = facts.auth_certificate
    auth_expiry = None if cert is None or cert.no_expiry else cert.expiry_date
    return replace(
        known,
        card_expiry=known.card_expiry or facts.card_expiry,
        auth_cert_expiry=known.auth_cert_expiry or auth_expiry,
    )


def evaluate_given(
    known: KnownDates, facts: CardFacts, today: date, rule_set: RuleSet | None = None
) -> KnownReport:
    """:func:`~jpki.rules.evaluate_known` on *known* with the chip's expiries; when those
    contradict the dates given (an expiry before an issue date given), on *known* alone, so
    that the difference is reported as a mismatch rather than refused.

    :raises RulesInputError: the dates given contradict each other.
    """
    try:
        return evaluate_known(with_chip(known, facts), today, rule_set)
    except RulesInputError:
        return evaluate_known(known, today, rule_set)


# -- the earlier names, for callers written against them (the counter page's form) -------------


class CircumstancesError(JpkiError):
    """Dates that cannot be given together to a diagnosis (a birth date without the card issue
    date, or a date that needs both without them)."""


_NEED_RULE_DATES = ("auth_cert_issued", "sign_cert_issued", "application_received")


@dataclass(frozen=True, slots=True)
class Circumstances(KnownDates):
    """:class:`~jpki.rules.KnownDates` with the checks a diagnosis' form makes: the birth date
    and the card issue date go together, and the other issue dates, the special extension and
    the renewal flags need them. The diagnosis takes it as the plain ``KnownDates`` it is.

    :raises CircumstancesError: as above.
    """

    def __post_init__(self) -> None:
        if (self.birth is None) != (self.card_issued is None):
            raise CircumstancesError(
                "the birth date and the card issue date go together: give both or neither"
            )
        if self.birth is None:
            needing = [name for name in _NEED_RULE_DATES if getattr(self, name) is not None]
            if self.special_extension:
                needing.append("special_extension")
            if self.renewed_in_window or self.certs_renewed_in_window:
                needing.append("renewed_in_window")
            if needing:
                raise CircumstancesError(
                    f"{', '.join(needing)} needs the birth date and the card issue date"
                )


def check_circumstances(given: GivenDates, today: date) -> None:
    """Check the dates given before any card is read (the chip can only add its own dates).

    :raises RulesInputError: the dates contradict each other or no card can have them.
    """
    known = known_dates(given)
    built = rule_inputs(known, CardFacts(ChipKind.UNKNOWN))
    evaluate_known(known if built is None else built.known, today)
