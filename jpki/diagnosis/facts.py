"""What the card told the diagnosis: the facts, before any rule is applied.

Everything here was read without a PIN. A value that could not be read is None, with the
reason beside it (:class:`Problem`), so the engine can tell "absent" from "not readable".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum, unique
from typing import TYPE_CHECKING

from jpki.certificate import CertificateInfo, IssuerClass
from jpki.ids import PinKind, TokenKind
from jpki.models import Availability, CardRecord, PinStatus, TokenInfo

if TYPE_CHECKING:
    from jpki.rules import JsonValue

__all__ = ["CardFacts", "ChainFacts", "ChipKind", "PinFact", "Problem"]


@unique
class ChipKind(StrEnum):
    """What was on the reader."""

    MY_NUMBER_CARD = "my_number_card"
    SMARTPHONE = "smartphone"
    JUKI_CARD = "juki_card"
    UNKNOWN = "unknown"
    NOT_A_MY_NUMBER_CARD = "not_a_my_number_card"

    @classmethod
    def from_token(cls, token: TokenKind) -> ChipKind:
        """The chip kind a token name stands for."""
        if token.is_smartphone:
            return cls.SMARTPHONE
        return {
            TokenKind.MY_NUMBER_CARD: cls.MY_NUMBER_CARD,
            TokenKind.JUKI_CARD: cls.JUKI_CARD,
        }.get(token, cls.UNKNOWN)


@unique
class Problem(StrEnum):
    """Why a fact is missing."""

    ABSENT = "absent"
    """The card has no such file, application or certificate."""
    PIN_REQUIRED = "pin_required"
    """The card wants a PIN first (the auth certificate on a smartphone token)."""
    UNREADABLE = "unreadable"
    """The card answered, but not with something that can be used."""


@dataclass(frozen=True, slots=True)
class PinFact:
    """One PIN's counter, or why it could not be queried.

    :param kind: which PIN.
    :param status: the counter; None when :attr:`problem` says why not.
    :param problem: why there is no counter.
    """

    kind: PinKind
    status: PinStatus | None
    problem: Problem | None = None

    def to_json(self) -> dict[str, JsonValue]:
        """The counter as :meth:`PinStatus.to_json`, or ``{"problem": ...}``."""
        if self.status is None:
            return {"problem": None if self.problem is None else self.problem.value}
        return dict(self.status.to_json())


@dataclass(frozen=True, slots=True)
class ChainFacts:
    """The CA certificates on the card and whether the auth certificate's signature verifies.

    :param auth_ca: the user-authentication CA certificate, when readable.
    :param sign_ca: the signature CA certificate, when readable.
    :param verified: the auth CA certificate's key verifies the auth certificate's signature.
    :param issuer_class: the hierarchy (the less trusted of the auth certificate's and its CA's
        when verified, else the auth certificate's own).
    :param problem: why the signature did not verify (English, for logs and JSON).
    """

    auth_ca: CertificateInfo | None
    sign_ca: CertificateInfo | None
    verified: bool
    issuer_class: IssuerClass
    problem: str | None = None

    def to_json(self) -> dict[str, JsonValue]:
        """``verified``, ``issuer_class``, ``problem`` and the two CA subjects and classes."""

        def ca(info: CertificateInfo | None) -> JsonValue:
            if info is None:
                return None
            return {
                "subject": info.subject,
                "serial": info.serial,
                "issuer_class": info.issuer_class.value,
                "expiry_date": info.expiry_date.isoformat(),
            }

        return {
            "verified": self.verified,
            "issuer_class": self.issuer_class.value,
            "problem": self.problem,
            "auth_ca": ca(self.auth_ca),
            "sign_ca": ca(self.sign_ca),
        }


@dataclass(frozen=True, slots=True)
class CardFacts:
    """Everything a diagnosis read from the card.

    :param chip: what was on the reader.
    :param token: the token EF, when it was read (it is read only when the card does not
        behave like a plain My Number Card, or with the chain check).
    :param availability: which certificates the card says it holds.
    :param auth_certificate: the user-authentication certificate, when readable.
    :param auth_certificate_problem: why it is missing.
    :param pins: the four PINs in :class:`PinKind` order (empty when not a card).
    :param card_record: the common application's record (serial, municipality, card expiry).
    :param card_record_problem: why it is missing.
    :param chain: the chain check, when asked for.
    :param apdu_count: how many APDUs reading the facts took, when known.
    """

    chip: ChipKind
    token: TokenInfo | None = None
    availability: Availability | None = None
    auth_certificate: CertificateInfo | None = None
    auth_certificate_problem: Problem | None = None
    pins: tuple[PinFact, ...] = ()
    card_record: CardRecord | None = None
    card_record_problem: Problem | None = None
    chain: ChainFacts | None = None
    apdu_count: int | None = None

    @property
    def is_card(self) -> bool:
        """Whether the JPKI application answered (a card or a smartphone token)."""
        return self.chip is not ChipKind.NOT_A_MY_NUMBER_CARD

    @property
    def card_expiry(self) -> date | None:
        """The card's expiry from the chip, or None when not readable."""
        record = self.card_record
        if record is None:
            return None
        expiry: date | None = record.card_expiry
        return expiry

    @property
    def sign_certificate_present(self) -> bool:
        """Whether the availability EF says the signature certificate is on the card."""
        return self.availability is not None and self.availability.sign_certificate

    def pin(self, kind: PinKind) -> PinFact | None:
        """The fact about one PIN, or None when PINs were not queried."""
        return next((fact for fact in self.pins if fact.kind is kind), None)

    def to_json(self, today: date) -> dict[str, JsonValue]:
        """The facts as JSON (the ``card`` object of ``jpki diagnose --json``).

        Keys: ``chip``, ``token``, ``availability``, ``auth_certificate`` (with ``days_left``
        and ``renewal_from``), ``auth_certificate_problem``, ``pins`` (by ``auth``, ``sign``,
        ``card_info``, ``juki``), ``card_record``, ``card_expiry``, ``card_renewal_from``,
        ``card_record_problem``, ``chain`` and ``apdu_count``; null where unknown.
        """
        from jpki.rules import renewal_window_start  # the rules: only what shows them

        auth: dict[str, JsonValue] | None = None
        if self.auth_certificate is not None:
            auth = {
                key: _json(value) for key, value in self.auth_certificate.to_json(today).items()
            }
            auth["renewal_from"] = renewal_window_start(
                self.auth_certificate.expiry_date
            ).isoformat()
        expiry = self.card_expiry
        return {
            "chip": self.chip.value,
            "token": None if self.token is None else dict(self.token.to_json()),
            "availability": None if self.availability is None else self.availability.to_json(),
            "auth_certificate": auth,
            "auth_certificate_problem": _problem(self.auth_certificate_problem),
            "pins": {fact.kind.json_key: fact.to_json() for fact in self.pins},
            "card_record": None if self.card_record is None else self.card_record.to_json(),
            "card_expiry": None if expiry is None else expiry.isoformat(),
            "card_renewal_from": (
                None if expiry is None else renewal_window_start(expiry).isoformat()
            ),
            "card_record_problem": _problem(self.card_record_problem),
            "chain": None if self.chain is None else self.chain.to_json(),
            "apdu_count": self.apdu_count,
        }


def _problem(problem: Problem | None) -> JsonValue:
    return None if problem is None else problem.value


def _json(value: object) -> JsonValue:
    """A value of a ``to_json`` dict typed as ``object`` (already plain data)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json(item) for key, item in value.items()}
    raise TypeError(f"not plain JSON data: {type(value).__name__}")
