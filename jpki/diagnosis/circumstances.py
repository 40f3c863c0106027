"""What staff know about the holder beyond the chip, and how it becomes rules input.

All of it is optional: without it a diagnosis works from the card alone. What staff know is the
rules' own input, :class:`jpki.rules.ExpiryInputs`, given to :func:`jpki.diagnosis.diagnose`
as it is; the diagnosis only fills in the certificate issue dates the chip shows (the
user-authentication certificate's notBefore, as a JST date) when they were not given.
:class:`Circumstances` is for what ``ExpiryInputs`` cannot hold yet: a period of stay or a
face-auth card without the birth date and card issue date that start the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TypeAlias

from jpki.errors import JpkiError
from jpki.rules import AgeCounting, ExpiryInputs, Feb29Policy, evaluate

from .facts import CardFacts, ChipKind

__all__ = [
    "Circumstances",
    "CircumstancesError",
    "GivenDates",
    "RuleInputs",
    "check_circumstances",
    "rule_inputs",
]


class CircumstancesError(JpkiError):
    """Circumstances that cannot be used together (e.g. a birth date without an issue date)."""


@dataclass(frozen=True, slots=True)
class Circumstances:
    """Dates and flags staff can add to a diagnosis, by the names of
    :class:`jpki.rules.ExpiryInputs` (which a diagnosis also takes as it is).

    Kept only while ``ExpiryInputs`` needs the birth date and the card issue date; once the
    rules accept any subset of dates, this is ``ExpiryInputs``.

    :param birth: date of birth; needs *card_issued*.
    :param card_issued: the day J-LIS issued (made) the card; needs *birth*.
    :param auth_cert_issued: the user-authentication certificate's issue date (default: from
        the chip).
    :param sign_cert_issued: the signature certificate's issue date (default: the
        user-authentication certificate's).
    :param application_received: the day J-LIS received the card application.
    :param residence_until: end of a foreign resident's period of stay; also used alone.
    :param special_extension: the card was extended once while a residence application was
        pending.
    :param renewed_in_window: card and certificates were renewed with less than 3 months left.
    :param certs_renewed_in_window: only the certificates were, at the counter.
    :param face_auth: a face-auth card (顔認証マイナンバーカード); also used alone.
    :param feb29: the birthday in common years of someone born on 29 February.
    :param age_counting: the day an age is reached.
    :raises CircumstancesError: *birth* without *card_issued* or the other way round, or a
        date that needs both without them.
    """

    birth: date | None = None
    card_issued: date | None = None
    auth_cert_issued: date | None = None
    sign_cert_issued: date | None = None
    application_received: date | None = None
    residence_until: date | None = None
    special_extension: bool = False
    renewed_in_window: bool = False
    certs_renewed_in_window: bool = False
    face_auth: bool = False
    feb29: Feb29Policy = Feb29Policy.FEB28
    age_counting: AgeCounting = AgeCounting.DAY_BEFORE_BIRTHDAY

    def __post_init__(self) -> None:
        if (self.birth is None) != (self.card_issued is None):
            raise CircumstancesError(
                "the birth date and the card issue date go together: give both or neither"
            )
        if self.birth is None:
            needing = [
                name
                for name in ("auth_cert_issued", "sign_cert_issued", "application_received")
                if getattr(self, name) is not None
            ]
            if self.special_extension:
                needing.append("special_extension")
            if self.renewed_in_window or self.certs_renewed_in_window:
                needing.append("renewed_in_window")
            if needing:
                raise CircumstancesError(
                    f"{', '.join(needing)} needs the birth date and the card issue date"
                )

    @property
    def has_rule_inputs(self) -> bool:
        """Whether the expiry rules can run (birth date and card issue date given)."""
        return self.birth is not None and self.card_issued is not None


GivenDates: TypeAlias = "Circumstances | ExpiryInputs"
"""What a diagnosis may be told: the rules' inputs, or partial circumstances."""


@dataclass(frozen=True, slots=True)
class RuleInputs:
    """The rules input built from circumstances and the chip, and where its dates came from.

    :param inputs: what :func:`jpki.rules.evaluate` gets.
    :param auth_issued_from_chip: the user-authentication certificate's issue date was read
        from the chip.
    :param sign_issued_assumed: the signature certificate's issue date was not given and is
        taken to be the user-authentication certificate's.
    """

    inputs: ExpiryInputs
    auth_issued_from_chip: bool
    sign_issued_assumed: bool


def rule_inputs(circumstances: GivenDates, facts: CardFacts) -> RuleInputs | None:
    """The rules input, or None without a birth date and card issue date.

    :raises RulesInputError: the dates contradict each other.
    """
    c = circumstances
    if c.birth is None or c.card_issued is None:
        return None
    auth = c.auth_cert_issued
    from_chip = False
    cert = facts.auth_certificate
    if auth is None and cert is not None:
        chip_day = cert.not_before.date()  # CertificateInfo keeps notBefore in JST
        # A chip date before the issue date given means the dates given are the odd ones;
        # let the rules use the card issue date then rather than report the chip as wrong.
        if chip_day >= c.card_issued:
            auth, from_chip = chip_day, True
    sign = c.sign_cert_issued
    assumed = False
    if sign is None and not c.face_auth and auth is not None:
        sign, assumed = auth, True
    if isinstance(c, ExpiryInputs):
        return RuleInputs(
            replace(c, auth_cert_issued=auth, sign_cert_issued=sign), from_chip, assumed
        )
    inputs = ExpiryInputs(
        birth=c.birth,
        card_issued=c.card_issued,
        auth_cert_issued=auth,
        sign_cert_issued=sign,
        application_received=c.application_received,
        residence_until=c.residence_until,
        special_extension=c.special_extension,
        renewed_in_window=c.renewed_in_window,
        certs_renewed_in_window=c.certs_renewed_in_window,
        face_auth=c.face_auth,
        feb29=c.feb29,
        age_counting=c.age_counting,
    )
    return RuleInputs(inputs, from_chip, assumed)


def check_circumstances(circumstances: GivenDates, today: date) -> None:
    """Check the dates given before any card is read (the chip can only add its own dates).

    :raises RulesInputError: the dates contradict each other or no card can have them.
    """
    built = rule_inputs(circumstances, CardFacts(ChipKind.UNKNOWN))
    if built is not None:
        evaluate(built.inputs, today)
