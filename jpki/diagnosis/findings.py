"""What a diagnosis finds: stable finding codes, three severities, and the finding itself.

The codes are part of the JSON interface and never change meaning. Severity in brackets is
the one the code usually has; the engine sets it per finding.

Card and token:

- ``not_a_my_number_card`` [action_needed]: the JPKI application cannot be selected.
- ``smartphone_token`` [attention]: a smartphone certificate (スマホ用電子証明書), not a card;
  PIN resets, suspension and revocation work differently, and its PIN counters are not shown
  (a phone keeps its own).
- ``juki_card`` [action needed]: an old Basic Resident Register card (住基カード).
- ``card_ok`` [ok], ``card_renewable`` [attention], ``card_expired`` [action_needed]: the card's
  expiry (from the chip's common application) against the day.
- ``card_expiry_unknown`` [attention]: a card whose expiry record cannot be read.
- ``card_expiry_mismatch`` [attention]: the chip's card expiry differs from the one computed from
  the dates given, with the likely reason.
- ``residence_period_limit`` [attention]: the card ends with the period of stay; extending the
  stay does not extend the card.

Certificates:

- ``auth_cert_ok`` [ok], ``auth_cert_renewable`` [attention], ``auth_cert_expired``
  [action_needed]: the user-authentication certificate (read from the chip) against the day.
- ``auth_cert_absent`` [attention], ``auth_cert_unreadable`` [attention].
- ``auth_cert_store_pending`` [attention]: newly issued; convenience stores accept it only from
  06:30 of a later day (never said to face-auth cards and holders under 15, who cannot use the
  convenience-store service).
- ``sign_cert_pending`` [attention]: a signature certificate issued less than a day ago works
  online only once 24 hours have passed.
- ``sign_cert_present`` [ok]: the signature certificate is on the card; its expiry cannot be read
  without the signature password and no dates were given (it never outlasts the
  user-authentication certificate).
- ``sign_cert_ok`` [ok], ``sign_cert_renewable`` [attention], ``sign_cert_expired``
  [action_needed]: the signature certificate's state, computed from the dates given or implied by
  the user-authentication certificate (details ``basis``: ``computed`` or ``capped_by_auth``).
- ``sign_cert_absent`` [ok or attention]: no signature certificate; details ``reason``:
  ``under_15``, ``face_auth`` or ``unknown``.
- ``cert_expiry_mismatch`` [attention]: the user-authentication certificate's expiry differs from
  the one computed from the dates given, with the likely reason.
- ``chain_ok`` [ok], ``chain_not_production`` [attention], ``chain_invalid`` [action_needed]:
  with ``--check-chain``, the user-authentication certificate's signature checked with the CA
  certificate on the card, and the issuing hierarchy.

PINs (暗証番号):

- ``auth_pin_blocked``, ``sign_pin_blocked``, ``card_info_pin_blocked``, ``juki_pin_blocked``
  [action_needed]: no tries left.
- ``auth_pin_last_try``, ``sign_pin_last_try``, ``card_info_pin_last_try``,
  ``juki_pin_last_try`` [attention]: one try left.
- ``pins_ok`` [ok]: every PIN the card has is neither blocked nor on its last try.

Every finding names its remedy (:class:`Remedy`): when the card and its certificates end
together, every finding's remedy is a new card; a card that ends with a period of stay is
handled by extending the stay first.

Rules:

- ``unconfirmed_rule`` [attention]: some values shown rest on a reading of the rules that the
  public texts leave open; staff should double-check them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum, unique

from jpki.enums import AttributedStrEnum
from jpki.ids import PinKind
from jpki.rules import Decision, JsonValue

__all__ = [
    "ADVICE_DECISIONS",
    "Basis",
    "Detail",
    "Finding",
    "FindingCode",
    "Remedy",
    "Severity",
    "StoreRoute",
]


@unique
class Severity(AttributedStrEnum):
    """How urgent a finding is; a diagnosis is as severe as its worst finding."""

    rank: int
    """0 for ok, 1 for attention, 2 for action needed."""
    exit_status: int
    """The exit status of ``jpki diagnose``: 0, 10 (attention) or 11 (action needed)."""

    OK = "ok", 0, 0
    ATTENTION = "attention", 1, 10
    ACTION_NEEDED = "action_needed", 2, 11


@unique
class Remedy(StrEnum):
    """What the resident is told to do (the ``remedy`` of a finding in JSON)."""

    READ_AGAIN = "read_again"
    """Put the card on the reader again; it may be another card."""
    SMARTPHONE_SUPPORT = "smartphone_support"
    """A smartphone certificate: the Digital Agency's pages or the free dial."""
    APPLY_FOR_MY_NUMBER_CARD = "apply_for_my_number_card"
    """An old Juki card: apply for a My Number Card."""
    NEW_CARD = "new_card"
    """Apply for a new card (post, online, photo booth); certificates come with it."""
    EXTEND_STAY = "extend_stay"
    """Extend the period of stay, then come to the counter with the new residence card."""
    REISSUE_AFTER_STAY = "reissue_after_stay"
    """The card lapsed with the period of stay: re-issue for a fee, with the residence card."""
    RENEW_CERTIFICATES = "renew_certificates"
    """Renew the certificates at the counter, free, in person."""
    ISSUE_CERTIFICATES = "issue_certificates"
    """Issue new certificates at the counter (after expiry, or none on the card), free."""
    CHECK_CARD_FACE = "check_card_face"
    """Read the expiry printed on the card."""
    CHECK_DATES = "check_dates"
    """The chip's date is the real one: check the dates given."""
    ASK_AT_COUNTER = "ask_at_counter"
    """Read again; if it keeps failing the chip may be faulty (re-issue, possibly express)."""
    CHECK_OWNER = "check_owner"
    """A test or simulated card: check it is the resident's own."""
    RESET_PIN = "reset_pin"
    """Reset a blocked PIN at the counter (or through a convenience store, see the route)."""
    DO_NOT_GUESS = "do_not_guess"
    """One try left: do not enter a PIN that is not known for certain."""
    CONFIRM_WITH_JLIS = "confirm_with_jlis"
    """Check values resting on unconfirmed readings before telling the resident."""


@unique
class StoreRoute(StrEnum):
    """Whether a JPKI PIN can be reset through a convenience store (it needs the other one)."""

    POSSIBLE = "possible"
    OTHER_BLOCKED = "other_blocked"
    OTHER_MISSING = "other_missing"
    NOT_APPLICABLE = "not_applicable"


@unique
class Basis(StrEnum):
    """Where a date of a finding comes from."""

    CHIP = "chip"
    """Read from the chip."""
    COMPUTED = "computed"
    """Computed by the expiry rules from the dates given."""
    CAPPED_BY_AUTH = "capped_by_auth"
    """Not readable; bounded by the user-authentication certificate's expiry."""
    UNKNOWN = "unknown"
    """Neither read nor computable."""


@unique
class FindingCode(StrEnum):
    """The stable code of a finding (see the module documentation for each meaning)."""

    NOT_A_MY_NUMBER_CARD = "not_a_my_number_card"
    SMARTPHONE_TOKEN = "smartphone_token"  # noqa: S105 - a finding code, not a secret
    JUKI_CARD = "juki_card"
    CARD_OK = "card_ok"
    CARD_RENEWABLE = "card_renewable"
    CARD_EXPIRED = "card_expired"
    CARD_EXPIRY_UNKNOWN = "card_expiry_unknown"
    CARD_EXPIRY_MISMATCH = "card_expiry_mismatch"
    RESIDENCE_PERIOD_LIMIT = "residence_period_limit"
    AUTH_CERT_OK = "auth_cert_ok"
    AUTH_CERT_RENEWABLE = "auth_cert_renewable"
    AUTH_CERT_EXPIRED = "auth_cert_expired"
    AUTH_CERT_ABSENT = "auth_cert_absent"
    AUTH_CERT_UNREADABLE = "auth_cert_unreadable"
    AUTH_CERT_STORE_PENDING = "auth_cert_store_pending"
    SIGN_CERT_PRESENT = "sign_cert_present"
    SIGN_CERT_OK = "sign_cert_ok"
    SIGN_CERT_RENEWABLE = "sign_cert_renewable"
    SIGN_CERT_EXPIRED = "sign_cert_expired"
    SIGN_CERT_ABSENT = "sign_cert_absent"
    SIGN_CERT_PENDING = "sign_cert_pending"
    CERT_EXPIRY_MISMATCH = "cert_expiry_mismatch"
    CHAIN_OK = "chain_ok"
    CHAIN_NOT_PRODUCTION = "chain_not_production"
    CHAIN_INVALID = "chain_invalid"
    AUTH_PIN_BLOCKED = "auth_pin_blocked"
    SIGN_PIN_BLOCKED = "sign_pin_blocked"
    CARD_INFO_PIN_BLOCKED = "card_info_pin_blocked"
    JUKI_PIN_BLOCKED = "juki_pin_blocked"
    AUTH_PIN_LAST_TRY = "auth_pin_last_try"
    SIGN_PIN_LAST_TRY = "sign_pin_last_try"
    CARD_INFO_PIN_LAST_TRY = "card_info_pin_last_try"
    JUKI_PIN_LAST_TRY = "juki_pin_last_try"
    PINS_OK = "pins_ok"
    UNCONFIRMED_RULE = "unconfirmed_rule"

    @classmethod
    def pin_blocked(cls, kind: PinKind) -> FindingCode:
        """The ``*_pin_blocked`` code of *kind*."""
        return cls(f"{kind.json_key}_pin_blocked")

    @classmethod
    def pin_last_try(cls, kind: PinKind) -> FindingCode:
        """The ``*_pin_last_try`` code of *kind*."""
        return cls(f"{kind.json_key}_pin_last_try")


ADVICE_DECISIONS = frozenset(
    {
        Decision.SMARTPHONE_CERT_ON_RENEWAL,
        Decision.EXPRESS_ISSUANCE_DETAILS,
        Decision.INSURANCE_AFTER_CARD_EXPIRY,
    }
)
"""Decisions that a piece of advice rests on, not a date: the finding saying it is marked
unconfirmed, and the report lists them with its notes (no ``unconfirmed_rule`` finding)."""

Detail = date | datetime | int | bool | str | Enum | None | tuple["Detail", ...]
"""A typed value behind a finding: a date, a count, a flag, an identifier."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of a diagnosis: a judgment, its remedy and the values behind it; no words.

    Words are chosen when the finding is shown (:mod:`jpki.diagnosis.words`), from the code,
    the remedy, the details, the municipality and the language.

    :param code: the stable code.
    :param severity: ok, attention or action needed.
    :param remedy: what the resident is to do; None when nothing is to be done.
    :param details: the dates, counts and identifiers behind the finding, typed.
    :param decisions: the unconfirmed readings of the rules the finding rests on.
    """

    code: FindingCode
    severity: Severity
    remedy: Remedy | None = None
    details: Mapping[str, Detail] = field(default_factory=dict, hash=False)
    decisions: frozenset[Decision] = frozenset()

    @property
    def unconfirmed(self) -> bool:
        """Whether the finding rests on a reading staff should double-check."""
        return bool(self.decisions)

    def details_json(self) -> dict[str, JsonValue]:
        """The details as plain JSON: dates ``YYYY-MM-DD``, instants ISO 8601, enums by value."""
        return {key: _json(value) for key, value in self.details.items()}


def _json(value: Detail) -> JsonValue:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        result: JsonValue = value.value
        return result
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    return value
