"""Everything the card tells without a PIN, in one result: token, certificates, counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from apdu import ApduError

from .certificate import CertificateInfo
from .errors import CertificateError, PinRequiredError
from .ids import CertKind, PinKind
from .models import Availability, PinStatus, TokenInfo
from .session import JpkiSession

__all__ = ["CardStatus", "read_status"]


@dataclass(frozen=True, slots=True)
class CardStatus:
    """What ``jpki status`` shows.

    :param token: the token EF.
    :param availability: which certificates the card holds.
    :param pins: the four retry counters, in :class:`PinKind` order.
    :param auth_certificate: the user-authentication certificate, or None when it could not
        be read (see :attr:`auth_certificate_problem`).
    :param auth_certificate_problem: why the certificate is missing: ``absent``,
        ``pin_required`` (smartphone tokens) or ``unreadable``.
    """

    token: TokenInfo
    availability: Availability
    pins: tuple[PinStatus, ...]
    auth_certificate: CertificateInfo | None
    auth_certificate_problem: str | None

    def pin(self, kind: PinKind) -> PinStatus:
        """The counter of one PIN."""
        return next(status for status in self.pins if status.kind is kind)

    def to_json(self, today: date | None = None) -> dict[str, Any]:
        """Plain data: ``token``, ``availability``, ``pins`` (by ``auth``, ``sign``,
        ``card_info``, ``juki``), ``auth_certificate`` (or null) and
        ``auth_certificate_problem``."""
        cert = self.auth_certificate
        return {
            "token": self.token.to_json(),
            "availability": self.availability.to_json(),
            "pins": {status.kind.json_key: status.to_json() for status in self.pins},
            "auth_certificate": None if cert is None else cert.to_json(today),
            "auth_certificate_problem": self.auth_certificate_problem,
        }


def read_auth_certificate(
    session: JpkiSession, availability: Availability
) -> tuple[CertificateInfo | None, str | None]:
    """The auth certificate if the card lets it be read without a PIN, else why not."""
    if not availability.auth_certificate:
        return None, "absent"
    try:
        return session.read_certificate(CertKind.AUTH).info, None
    except PinRequiredError:
        return None, "pin_required"
    except (CertificateError, ApduError):
        return None, "unreadable"


def read_status(session: JpkiSession) -> CardStatus:
    """Read the status with the fewest APDUs (JPKI files first, then the other PINs)."""
    token = session.token()
    availability = session.availability()
    certificate, problem = read_auth_certificate(session, availability)
    pins = session.all_pin_status()
    return CardStatus(
        token=token,
        availability=availability,
        pins=tuple(pins[kind] for kind in PinKind),
        auth_certificate=certificate,
        auth_certificate_problem=problem,
    )
