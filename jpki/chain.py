"""Does a JPKI certificate chain to a trust anchor the user chose, and is it valid at an instant?

The JPKI hierarchy has two levels: each end-entity certificate is signed directly by a
self-signed J-LIS root. Three root generations (2015, 2019, 2023) share one name per kind, so the
issuer is chosen by **signature**: every anchor whose subject matches the issuer name is tried
and the one whose key verifies the certificate is kept. Test (``O=JPKI-TEST``) and simulated
(``O=JPKI-SIM``) hierarchies are never accepted as production.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum, unique
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from .certificate import JST, CertificateInfo, IssuerClass, load_certificates
from .errors import CertificateError, ChainError
from .files import read_limited

__all__ = [
    "TRUST_ANCHOR_SUFFIXES",
    "ChainResult",
    "TrustAnchor",
    "Validity",
    "as_certificate_info",
    "load_trust_anchors",
    "validity_at",
    "verify_chain",
]

TRUST_ANCHOR_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
"""File name suffixes :func:`load_trust_anchors` reads (case-insensitive); others are skipped."""

_MAX_FILE_BYTES = 1 << 20


@unique
class Validity(StrEnum):
    """Where an instant falls in a certificate's validity period."""

    VALID = "valid"
    NOT_YET_VALID = "not-yet-valid"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class TrustAnchor:
    """A root certificate the user trusts, and where it came from.

    :param info: the parsed certificate.
    :param source: the file it was read from (or a label given by the caller).
    """

    info: CertificateInfo
    source: str

    def to_json(self) -> dict[str, object]:
        """``source``, ``subject``, ``serial``, ``issuer_class``, ``sha256_fingerprint``."""
        return {
            "source": self.source,
            "subject": self.info.subject,
            "serial": self.info.serial,
            "issuer_class": self.info.issuer_class.value,
            "sha256_fingerprint": self.info.sha256_fingerprint,
        }


@dataclass(frozen=True, slots=True)
class ChainResult:
    """The outcome of :func:`verify_chain` for a certificate whose signature verified.

    :param certificate: the end-entity certificate checked.
    :param anchor: the trust anchor whose key verified its signature.
    :param at: the instant validity was checked at (in JST).
    :param certificate_validity: the end-entity certificate's validity at :attr:`at`.
    :param anchor_validity: the anchor's validity at :attr:`at`.
    :param issuer_class: the hierarchy (the less trusted of the anchor's and the certificate's).
    """

    certificate: CertificateInfo
    anchor: TrustAnchor
    at: datetime
    certificate_validity: Validity
    anchor_validity: Validity
    issuer_class: IssuerClass

    @property
    def validity(self) -> Validity:
        """The chain's validity: valid only when both certificates are."""
        for state in (Validity.EXPIRED, Validity.NOT_YET_VALID):
            if state in (self.certificate_validity, self.anchor_validity):
                return state
        return Validity.VALID

    @property
    def valid(self) -> bool:
        """Whether the signature verified and both certificates are valid at :attr:`at`."""
        return self.validity is Validity.VALID

    def to_json(self) -> dict[str, object]:
        """Keys: ``valid``, ``validity``, ``at``, ``issuer_class``, ``certificate_validity``,
        ``anchor_validity``, ``anchor`` (see :meth:`TrustAnchor.to_json`)."""
        return {
            "valid": self.valid,
            "validity": self.validity.value,
            "at": self.at.isoformat(),
            "issuer_class": self.issuer_class.value,
            "certificate_validity": self.certificate_validity.value,
            "anchor_validity": self.anchor_validity.value,
            "anchor": self.anchor.to_json(),
        }


def load_trust_anchors(directory: str | os.PathLike[str]) -> tuple[TrustAnchor, ...]:
    """Read every certificate in the PEM/DER files of ``directory`` (not recursive).

    Only files ending in one of :data:`TRUST_ANCHOR_SUFFIXES` are read, in name order; a PEM
    file may hold several certificates.

    :raises ChainError: ``directory`` is not a directory or holds no certificate file.
    :raises CertificateError: a certificate file cannot be read or parsed (the path is named).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ChainError(f"trust anchor directory {folder} does not exist or is not a directory")
    anchors: list[TrustAnchor] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in TRUST_ANCHOR_SUFFIXES or not path.is_file():
            continue
        data = read_limited(path, _MAX_FILE_BYTES, CertificateError)
        anchors.extend(TrustAnchor(info, str(path)) for info in load_certificates(data, str(path)))
    if not anchors:
        suffixes = ", ".join(sorted(TRUST_ANCHOR_SUFFIXES))
        raise ChainError(f"no trust anchor certificates ({suffixes}) in {folder}")
    return tuple(anchors)


def validity_at(certificate: CertificateInfo, at: datetime) -> Validity:
    """Whether ``at`` (timezone-aware) is before, within or after the certificate's validity.

    notBefore and notAfter are both inclusive (RFC 5280); a JPKI notAfter is 23:59:59 JST, so
    this agrees with comparing JST calendar dates.
    """
    instant = _aware(at)
    if instant < certificate.not_before:
        return Validity.NOT_YET_VALID
    if instant > certificate.not_after:
        return Validity.EXPIRED
    return Validity.VALID


def verify_chain(
    certificate: CertificateInfo | x509.Certificate | bytes,
    anchors: Iterable[TrustAnchor | CertificateInfo],
    *,
    at: datetime,
    require_production: bool = True,
) -> ChainResult:
    """Check that an anchor directly issued ``certificate``, and its validity at ``at``.

    Expiry is not an error: the result says :attr:`Validity.EXPIRED`. A production check
    (``require_production``, the default) refuses any anchor or certificate that is not of the
    production J-LIS hierarchy, naming the reason.

    :param at: the instant to judge validity at (timezone-aware); nothing here reads the clock.
    :raises ChainError: no anchor's key verifies the signature, or a non-production hierarchy
        with ``require_production``.
    :raises CertificateError: ``certificate`` given as bytes that are not a certificate.
    :raises ValueError: ``at`` is naive.
    """
    info = as_certificate_info(certificate)
    instant = _aware(at)
    candidates = [_as_anchor(anchor) for anchor in anchors]
    named = [a for a in candidates if a.info.certificate.subject == info.certificate.issuer]
    if not named:
        raise ChainError(
            f"no trust anchor is named {info.issuer} (the issuer of {info.subject}); "
            f"{len(candidates)} anchors were given"
        )
    anchor = _issuer_by_signature(info, named)
    if anchor is None:
        raise ChainError(
            f"none of the {len(named)} trust anchors named {info.issuer} verifies the "
            f"signature of {info.subject}: it was not issued by a trusted CA"
        )
    issuer_class = _less_trusted(anchor.info.issuer_class, info.issuer_class)
    if require_production and not issuer_class.is_production:
        raise ChainError(
            f"{info.subject} chains to {anchor.source}, a {_describe_class(issuer_class)}; "
            "a production check accepts only the J-LIS hierarchy (O=JPKI)"
        )
    return ChainResult(
        certificate=info,
        anchor=anchor,
        at=instant,
        certificate_validity=validity_at(info, instant),
        anchor_validity=validity_at(anchor.info, instant),
        issuer_class=issuer_class,
    )


def _aware(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"the instant must be a datetime, not {type(at).__name__}")
    if at.utcoffset() is None:
        raise ValueError("the instant must be timezone-aware (e.g. tzinfo=jpki.certificate.JST)")
    return at.astimezone(JST)


def as_certificate_info(certificate: CertificateInfo | x509.Certificate | bytes) -> CertificateInfo:
    """*certificate* parsed, whether given parsed, as a ``cryptography`` object or as DER."""
    if isinstance(certificate, CertificateInfo):
        return certificate
    if isinstance(certificate, x509.Certificate):
        return CertificateInfo.from_certificate(certificate)
    return CertificateInfo.from_der(certificate)


def _as_anchor(anchor: TrustAnchor | CertificateInfo) -> TrustAnchor:
    if isinstance(anchor, TrustAnchor):
        return anchor
    return TrustAnchor(anchor, f"anchor {anchor.subject} serial {anchor.serial}")


def _issuer_by_signature(info: CertificateInfo, named: list[TrustAnchor]) -> TrustAnchor | None:
    for anchor in named:
        try:
            info.certificate.verify_directly_issued_by(anchor.info.certificate)
        except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
            # Wrong generation (InvalidSignature), or a key or algorithm that cannot sign it.
            continue
        return anchor
    return None


_TRUST_ORDER = (
    IssuerClass.SIMULATED,
    IssuerClass.TEST,
    IssuerClass.UNKNOWN,
    IssuerClass.PRODUCTION,
)


def _less_trusted(first: IssuerClass, second: IssuerClass) -> IssuerClass:
    return min(first, second, key=_TRUST_ORDER.index)


def _describe_class(issuer_class: IssuerClass) -> str:
    return {
        IssuerClass.SIMULATED: "simulated CA (O=JPKI-SIM, public test keys)",
        IssuerClass.TEST: "J-LIS test CA (O=JPKI-TEST or the test-card policy)",
        IssuerClass.UNKNOWN: "CA outside the JPKI hierarchy",
        IssuerClass.PRODUCTION: "production J-LIS CA",
    }[issuer_class]
