"""Everything the card tells without a PIN, in one result: token, certificates, counters.

The card is read by the one facts reader (:func:`jpki.diagnosis.read_session_facts`);
this module only shapes what ``jpki status`` shows from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .certificate import CertificateInfo
from .ids import PinKind
from .models import Availability, PinStatus, TokenInfo
from .session import JpkiSession

if TYPE_CHECKING:
    from .diagnosis.facts import PinFact, Problem

__all__ = ["CardStatus", "read_status"]


@dataclass(frozen=True, slots=True)
class CardStatus:
    """What ``jpki status`` shows.

    :param token: the token EF.
    :param availability: which certificates the card holds.
    :param pins: the four retry counters, in :class:`PinKind` order (a counter that cannot be
        queried says why).
    :param auth_certificate: the user-authentication certificate, or None when it could not
        be read (see :attr:`auth_certificate_problem`).
    :param auth_certificate_problem: why the certificate is missing: ``absent``,
        ``pin_required`` (smartphone tokens) or ``unreadable``.
    """

    token: TokenInfo
    availability: Availability
    pins: tuple[PinFact, ...]
    auth_certificate: CertificateInfo | None
    auth_certificate_problem: Problem | None

    def pin(self, kind: PinKind) -> PinStatus | None:
        """The counter of one PIN, or None when it cannot be queried."""
        return next((fact.status for fact in self.pins if fact.kind is kind), None)

    def to_json(self, today: date | None = None) -> dict[str, Any]:
        """Plain data: ``token``, ``availability``, ``pins`` (by ``auth``, ``sign``,
        ``card_info``, ``juki``), ``auth_certificate`` (or null) and
        ``auth_certificate_problem``."""
        cert = self.auth_certificate
        return {
            "token": self.token.to_json(),
            "availability": self.availability.to_json(),
            "pins": {fact.kind.json_key: fact.to_json() for fact in self.pins},
            "auth_certificate": None if cert is None else cert.to_json(today),
            "auth_certificate_problem": (
                None
                if self.auth_certificate_problem is None
                else self.auth_certificate_problem.value
            ),
        }


def read_status(session: JpkiSession) -> CardStatus:
    """Read the status with the fewest APDUs: the facts reader, with the token, without the
    card record."""
    from .diagnosis.collect import read_session_facts

    facts = read_session_facts(session, with_token=True, with_card_record=False)
    token, availability = facts.token, facts.availability
    if token is None or availability is None:  # pragma: no cover - always read with_token
        raise AssertionError("the facts reader reads the token and availability")
    return CardStatus(
        token=token,
        availability=availability,
        pins=facts.pins,
        auth_certificate=facts.auth_certificate,
        auth_certificate_problem=facts.auth_certificate_problem,
    )
