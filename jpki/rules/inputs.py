"""What the rules need to know about a holder and a card, checked for contradictions."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from .dates import AgeCounting, Feb29Policy
from .errors import InputProblem, RulesInputError
from .results import JsonValue, json_value

__all__ = ["DatesAndFlags", "ExpiryInputs"]


@dataclass(frozen=True, slots=True)
class DatesAndFlags:
    """The dates and flags the expiry rules take, every one of which may be unknown: the fields
    :class:`ExpiryInputs` (which needs the birth and card issue dates) and
    :class:`~jpki.rules.KnownDates` (which adds the dates written on the card) share.

    :param birth: date of birth.
    :param card_issued: the day J-LIS issued (made) the card, not the hand-over day.
    :param auth_cert_issued: issue date of the user-authentication certificate
        (default: *card_issued*).
    :param sign_cert_issued: issue date of the signature certificate (default: *card_issued*;
        must stay None on a face-auth card).
    :param application_received: the day J-LIS received the card application, when known.
    :param residence_until: end of the period of stay of a foreign resident who has one.
    :param special_extension: the card was extended once because a residence application was
        pending at its expiry.
    :param renewed_in_window: the card, and the certificates issued with it, were a renewal
        applied for while the previous card had less than 3 months left.
    :param certs_renewed_in_window: only the certificates were renewed at the counter while
        the previous ones had less than 3 months left.
    :param face_auth: a face-auth card (顔認証マイナンバーカード): no signature certificate.
    :param feb29: the birthday in common years of someone born on 29 February.
    :param age_counting: on which day an age is reached.
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

    @property
    def certs_are_renewals(self) -> bool:
        """Whether the certificates were issued as a renewal in the 3-month window."""
        return self.renewed_in_window or self.certs_renewed_in_window

    def to_json(self) -> dict[str, JsonValue]:
        """Every field by name; dates ``YYYY-MM-DD``, absent dates null."""
        return {field.name: json_value(getattr(self, field.name)) for field in fields(self)}


@dataclass(frozen=True, slots=True)
class ExpiryInputs(DatesAndFlags):
    """The dates and flags the expiry rules are computed from (see :class:`DatesAndFlags`):
    the birth and card issue dates are required.

    :raises RulesInputError: when the dates contradict each other.
    """

    birth: date
    card_issued: date

    def __post_init__(self) -> None:
        _check(self)

    @property
    def auth_issued(self) -> date:
        """The user-authentication certificate's issue date, defaulted."""
        return self.card_issued if self.auth_cert_issued is None else self.auth_cert_issued

    @property
    def sign_issued(self) -> date:
        """The signature certificate's issue date, defaulted (the day it would be issued)."""
        return self.card_issued if self.sign_cert_issued is None else self.sign_cert_issued


#: Dates the rules can compute with: from the Meiji era to well past any card issued now
#: (an expiry is at most 11 birthdays after its issue date).
_EARLIEST = date(1868, 1, 1)
_LATEST = date(2199, 12, 31)


def _check(inputs: ExpiryInputs) -> None:
    given = (
        inputs.birth,
        inputs.card_issued,
        inputs.auth_cert_issued,
        inputs.sign_cert_issued,
        inputs.application_received,
        inputs.residence_until,
    )
    for day in given:
        if day is not None and not _EARLIEST <= day <= _LATEST:
            raise RulesInputError(
                InputProblem.DATE_OUT_OF_RANGE,
                f"{day} is outside the dates the rules can compute with ({_EARLIEST} to {_LATEST})",
            )
    if inputs.card_issued < inputs.birth:
        raise RulesInputError(
            InputProblem.ISSUED_BEFORE_BIRTH,
            f"the card issue date {inputs.card_issued} is before the birth date {inputs.birth}",
        )
    certificates = {"user-authentication": inputs.auth_issued, "signature": inputs.sign_issued}
    for name, issued in certificates.items():
        if issued < inputs.card_issued:
            raise RulesInputError(
                InputProblem.CERT_BEFORE_CARD,
                f"the {name} certificate issue date {issued} is before the card issue date "
                f"{inputs.card_issued}",
            )
    received = inputs.application_received
    if received is not None and received > inputs.card_issued:
        raise RulesInputError(
            InputProblem.APPLICATION_AFTER_ISSUE,
            f"the application receipt date {received} is after the card issue date "
            f"{inputs.card_issued}",
        )
    if received is not None and received < inputs.birth:
        raise RulesInputError(
            InputProblem.APPLICATION_BEFORE_BIRTH,
            f"the application receipt date {received} is before the birth date {inputs.birth}",
        )
    stay_end = inputs.residence_until
    if stay_end is not None:
        # During a special extension certificates may still be issued after the period ended.
        issued_last = (
            inputs.card_issued
            if inputs.special_extension
            else max(inputs.card_issued, *certificates.values())
        )
        if stay_end < issued_last:
            raise RulesInputError(
                InputProblem.RESIDENCE_END_BEFORE_ISSUE,
                f"the period of stay ends on {stay_end}, before the issue date {issued_last}",
            )
    elif inputs.special_extension:
        raise RulesInputError(
            InputProblem.EXTENSION_WITHOUT_RESIDENCE,
            "the special extension needs the end of the period of stay",
        )
    if inputs.face_auth and inputs.sign_cert_issued is not None:
        raise RulesInputError(
            InputProblem.SIGN_CERT_ON_FACE_AUTH,
            "a face-auth card carries no signature certificate, so it has no issue date",
        )
