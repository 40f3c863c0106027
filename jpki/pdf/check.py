"""Check the signatures of a PDF offline: integrity, coverage, signer, time, chain, key used.

pyHanko's validator answers integrity (the signed bytes and the CMS signature), coverage and
the difference analysis of later incremental updates, and the time-stamp token. The signer's
chain and the certificate's validity at signing time are checked with :mod:`jpki.chain`
against the trust anchors given (the J-LIS roots for real cards, the simulator's CA for
simulated ones), as ``jpki verify`` does. Nothing is fetched from the network.

SHA-1 and legacy SubFilters are checked for integrity like any other signature, and reported
as facts: :mod:`jpki.pdf.preflight` says why a strict validator refuses them.

This checker is for one's own documents and for testing: verifying other people's
signatures as a business is regulated in Japan (the JPKI Act, article 17).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum, unique

from asn1crypto import cms
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

from jpki.certificate import JST, CertificateInfo
from jpki.chain import ChainResult, TrustAnchor, Validity, validity_at, verify_chain
from jpki.errors import CertificateError, ChainError
from jpki.ids import CertKind

from .errors import PdfInputError

__all__ = [
    "Coverage",
    "CoverageLevel",
    "LaterRevision",
    "Modification",
    "PdfCheck",
    "RevisionKind",
    "SignatureCheck",
    "TimestampCheck",
    "check_pdf",
]


@unique
class CoverageLevel(StrEnum):
    """How much of the file a signature covers (pyHanko's coverage levels)."""

    ENTIRE_FILE = "entire-file"
    ENTIRE_REVISION = "entire-revision"
    CONTIGUOUS_BLOCK_FROM_START = "contiguous-block-from-start"
    UNCLEAR = "unclear"


@unique
class Modification(StrEnum):
    """What the updates after a signature change (pyHanko's difference analysis)."""

    NONE = "none"
    LTA_UPDATES = "lta-updates"
    FORM_FILLING = "form-filling"
    ANNOTATIONS = "annotations"
    OTHER = "other"

    @property
    def accepted(self) -> bool:
        """Whether a signature stays valid after it: nothing, validation data and time-stamps,
        and filling in forms (which is how later signatures are added)."""
        return self in (Modification.NONE, Modification.LTA_UPDATES, Modification.FORM_FILLING)


@unique
class RevisionKind(StrEnum):
    """What a later incremental update holds."""

    SIGNATURE = "signature"
    TIMESTAMP = "document-timestamp"
    VALIDATION_DATA = "validation-data"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class LaterRevision:
    """An incremental update after the signed revision.

    :param number: its revision number (0 is the original file).
    :param kind: what it holds.
    :param field: the signature field it signs, for a signature or document time-stamp.
    """

    number: int
    kind: RevisionKind
    field: str | None

    def to_json(self) -> dict[str, object]:
        """Keys: ``number``, ``kind``, ``field``."""
        return {"number": self.number, "kind": self.kind.value, "field": self.field}


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the signature covers.

    :param level: pyHanko's coverage level (``entire-file``, ``entire-revision``,
        ``contiguous-block-from-start``, ``unclear``).
    :param signed_revision: the revision the signature signs.
    :param revisions: how many revisions the file has.
    :param later: the incremental updates after the signed revision.
    :param modification: pyHanko's judgement of those updates (``none``, ``lta-updates``,
        ``form-filling``, ``annotations``, ``other``), or ``None`` when it could not tell.
    """

    level: CoverageLevel
    signed_revision: int
    revisions: int
    later: tuple[LaterRevision, ...]
    modification: Modification | None

    @property
    def whole_file(self) -> bool:
        """Whether the signature covers every byte of the file but its own value."""
        return self.level is CoverageLevel.ENTIRE_FILE

    @property
    def acceptable(self) -> bool:
        """The whole file, or the whole signed revision followed only by accepted updates."""
        if self.whole_file:
            return True
        return (
            self.level is CoverageLevel.ENTIRE_REVISION
            and self.modification is not None
            and self.modification.accepted
        )

    def to_json(self) -> dict[str, object]:
        """Keys: ``level``, ``whole_file``, ``acceptable``, ``signed_revision``,
        ``revisions``, ``later``, ``modification``."""
        return {
            "level": self.level.value,
            "whole_file": self.whole_file,
            "acceptable": self.acceptable,
            "signed_revision": self.signed_revision,
            "revisions": self.revisions,
            "later": [revision.to_json() for revision in self.later],
            "modification": None if self.modification is None else self.modification.value,
        }


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """The signature time-stamp (RFC 3161 token) of a signature.

    :param time: the time the authority certified.
    :param intact: the token's imprint matches the signature value.
    :param valid: the token's own signature verifies.
    :param trusted: the authority chains to a given trust anchor.
    :param authority: the time-stamp authority's subject (RFC 4514).
    """

    time: datetime
    intact: bool
    valid: bool
    trusted: bool
    authority: str

    @property
    def ok(self) -> bool:
        """Intact and valid (trust is reported separately)."""
        return self.intact and self.valid

    def to_json(self) -> dict[str, object]:
        """Keys: ``time``, ``intact``, ``valid``, ``trusted``, ``authority``."""
        return _fields_json(self, ("time", "intact", "valid", "trusted", "authority"))


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature of the PDF, checked.

    :param field: the signature field's name.
    :param subfilter: the ``/SubFilter`` (``ETSI.CAdES.detached``, ``adbe.pkcs7.detached``...).
    :param digest: the digest algorithm (``sha256``, ``sha1``, ...).
    :param intact: the signed bytes match the digest in the signature.
    :param valid: the CMS signature verifies with the signer's certificate.
    :param signer: the signer's certificate, ``None`` when the CMS does not carry it.
    :param other_certificates: how many other certificates the CMS carries.
    :param issuer_included: whether the CMS carries the certificate of the signer's issuer.
    :param key: the card key the certificate belongs to (``sign`` or ``auth``), if it says.
    :param signing_time: the time used for the checks: the time-stamp's if there is one,
        else the time the signer claims (``/M`` or the signingTime attribute).
    :param claimed_time: the time the signer claims, if any.
    :param timestamp: the signature time-stamp, if any.
    :param validity: the signer certificate's validity at :attr:`signing_time`.
    :param chain: the chain to the trust anchors, when anchors were given and it holds.
    :param chain_error: why the chain did not hold, when anchors were given.
    :param coverage: what the signature covers.
    :param error: why the signature could not be checked at all, if so.
    """

    field: str
    subfilter: str
    digest: str | None
    intact: bool
    valid: bool
    signer: CertificateInfo | None
    other_certificates: int
    issuer_included: bool
    key: CertKind | None
    signing_time: datetime | None
    claimed_time: datetime | None
    timestamp: TimestampCheck | None
    validity: Validity | None
    chain: ChainResult | None
    chain_error: str | None
    coverage: Coverage | None
    error: str | None

    @property
    def chain_checked(self) -> bool:
        """Whether trust anchors were given (so the chain was checked)."""
        return self.chain is not None or self.chain_error is not None

    @property
    def ok(self) -> bool:
        """Intact, valid, acceptable coverage, a valid certificate at signing time, a valid
        time-stamp if any, and the chain when it was checked."""
        return (
            self.error is None
            and self.intact
            and self.valid
            and self.coverage is not None
            and self.coverage.acceptable
            and self.validity is Validity.VALID
            and (self.timestamp is None or self.timestamp.ok)
            and self.chain_error is None
        )

    def to_json(self) -> dict[str, object]:
        """Every field, with ``ok`` and ``chain_checked``; certificates and chain as their own
        JSON."""
        return _fields_json(self, _SIGNATURE_JSON_KEYS)


_SIGNATURE_JSON_KEYS = (
    "field",
    "ok",
    "subfilter",
    "digest",
    "intact",
    "valid",
    "signer",
    "other_certificates",
    "issuer_included",
    "key",
    "signing_time",
    "claimed_time",
    "timestamp",
    "validity",
    "chain_checked",
    "chain",
    "chain_error",
    "coverage",
    "error",
)


@dataclass(frozen=True, slots=True)
class PdfCheck:
    """Every signature of a PDF, checked.

    :param file_bytes: the size of the file.
    :param revisions: how many revisions the file has.
    :param signatures: the signatures, in the order they were made.
    """

    file_bytes: int
    revisions: int
    signatures: tuple[SignatureCheck, ...]

    @property
    def ok(self) -> bool:
        """Whether there is at least one signature and every one is :attr:`~SignatureCheck.ok`."""
        return bool(self.signatures) and all(sig.ok for sig in self.signatures)

    def to_json(self) -> dict[str, object]:
        """Keys: ``ok``, ``file_bytes``, ``revisions``, ``signatures``."""
        return {
            "ok": self.ok,
            "file_bytes": self.file_bytes,
            "revisions": self.revisions,
            "signatures": [sig.to_json() for sig in self.signatures],
        }


def check_pdf(
    pdf: bytes,
    trust: Iterable[TrustAnchor | CertificateInfo] | None = None,
    *,
    require_production: bool = True,
) -> PdfCheck:
    """Check every signature of *pdf* offline.

    :param trust: trust anchors; without them the chain is not checked (and the result says
        so). The time-stamp authority is trusted when it chains to one of them.
    :param require_production: refuse test and simulated hierarchies in the chain check.
    :raises PdfInputError: not a readable PDF.
    """
    anchors = None if trust is None else tuple(trust)
    reader = _read(pdf)
    embedded, unreadable = _collect(reader)
    revisions = int(reader.xrefs.total_revisions)
    later_kinds = _revision_kinds(reader, embedded)
    checks = tuple(
        _check_one(sig, anchors, require_production, revisions, later_kinds) for sig in embedded
    )
    return PdfCheck(file_bytes=len(pdf), revisions=revisions, signatures=checks + unreadable)


def _collect(
    reader: PdfFileReader,
) -> tuple[list[EmbeddedPdfSignature], tuple[SignatureCheck, ...]]:
    """The signatures pyHanko can load, in signing order, and checks that say why the others
    cannot be read (a broken CMS, an unknown SubFilter): one bad signature does not hide the
    rest."""
    from pyhanko.sign.fields import enumerate_sig_fields

    loaded: list[EmbeddedPdfSignature] = []
    broken: list[SignatureCheck] = []
    try:
        found = list(enumerate_sig_fields(reader, filled_status=True))
    except (PyHankoPdfError, KeyError, TypeError, ValueError) as exc:
        raise PdfInputError(f"the PDF's signature fields cannot be read: {exc}") from exc
    for name, sig_ref, field_ref in found:
        try:
            signature = EmbeddedPdfSignature(reader, field_ref, name)
            int(signature.signed_revision)
        except Exception as exc:  # noqa: BLE001 - pyHanko and asn1crypto raise many kinds
            subfilter = str(sig_ref.get_object().get("/SubFilter", "")).lstrip("/")
            broken.append(_unreadable(str(name), subfilter, f"{type(exc).__name__}: {exc}"))
            continue
        loaded.append(signature)
    loaded.sort(key=lambda sig: int(sig.signed_revision))
    return loaded, tuple(broken)


def _unreadable(field: str, subfilter: str, error: str) -> SignatureCheck:
    return SignatureCheck(
        field=field,
        subfilter=subfilter,
        digest=None,
        intact=False,
        valid=False,
        signer=None,
        other_certificates=0,
        issuer_included=False,
        key=None,
        signing_time=None,
        claimed_time=None,
        timestamp=None,
        validity=None,
        chain=None,
        chain_error=None,
        coverage=None,
        error=error,
    )


def _read(pdf: bytes) -> PdfFileReader:
    if pdf.lstrip()[:5] != b"%PDF-":
        raise PdfInputError("not a PDF: the file does not start with %PDF-")
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PyHankoPdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PdfInputError(f"not a readable PDF: {exc}") from exc


def _revision_kinds(
    reader: PdfFileReader, embedded: list[EmbeddedPdfSignature]
) -> dict[int, LaterRevision]:
    kinds: dict[int, LaterRevision] = {}
    for sig in embedded:
        try:
            number = int(sig.signed_revision)
        except (PyHankoPdfError, KeyError, TypeError, ValueError):
            continue
        kind = RevisionKind.TIMESTAMP if _is_doc_timestamp(sig) else RevisionKind.SIGNATURE
        kinds[number] = LaterRevision(number, kind, sig.field_name)
    previous_dss = None
    for number in range(int(reader.xrefs.total_revisions)):
        root = reader.get_historical_root(number)
        dss = root.raw_get("/DSS") if "/DSS" in root else None
        if number not in kinds and dss is not None and dss != previous_dss:
            kinds[number] = LaterRevision(number, RevisionKind.VALIDATION_DATA, None)
        previous_dss = dss
    return kinds


def _is_doc_timestamp(sig: EmbeddedPdfSignature) -> bool:
    return str(sig.sig_object.get("/Type", "")) == "/DocTimeStamp"


def _check_one(
    sig: EmbeddedPdfSignature,
    anchors: tuple[TrustAnchor | CertificateInfo, ...] | None,
    require_production: bool,
    revisions: int,
    kinds: dict[int, LaterRevision],
) -> SignatureCheck:
    subfilter = str(sig.sig_object.get("/SubFilter", "")).lstrip("/")
    digest = _digest(sig)
    signer = _signer(sig)
    others, issuer_included = _other_certificates(sig, signer)
    status, error = _validate(sig, anchors)
    claimed = _claimed_time(sig)
    timestamp = None if status is None else _timestamp(status)
    when = timestamp.time if timestamp is not None else claimed
    validity = None if signer is None or when is None else validity_at(signer, when)
    chain, chain_error = _chain(signer, anchors, when, require_production)
    coverage = None if status is None else _coverage(sig, status, revisions, kinds)
    return SignatureCheck(
        field=str(sig.field_name),
        subfilter=subfilter,
        digest=digest,
        intact=bool(status is not None and status.intact),
        valid=bool(status is not None and status.valid),
        signer=signer,
        other_certificates=others,
        issuer_included=issuer_included,
        key=None if signer is None else _key_of(signer),
        signing_time=None if when is None else when.astimezone(JST),
        claimed_time=None if claimed is None else claimed.astimezone(JST),
        timestamp=timestamp,
        validity=validity,
        chain=chain,
        chain_error=chain_error,
        coverage=coverage,
        error=error,
    )


def _digest(sig: EmbeddedPdfSignature) -> str | None:
    try:
        return str(sig.md_algorithm)
    except (PyHankoPdfError, KeyError, ValueError, TypeError, AttributeError):
        return None


def _signer(sig: EmbeddedPdfSignature) -> CertificateInfo | None:
    try:
        cert = sig.signer_cert
    except Exception:  # noqa: BLE001 - pyHanko raises its own error when the CMS lacks it
        return None
    if cert is None:
        return None
    try:
        return CertificateInfo.from_der(cert.dump())
    except CertificateError:
        return None


def _other_certificates(
    sig: EmbeddedPdfSignature, signer: CertificateInfo | None
) -> tuple[int, bool]:
    signed_data: cms.SignedData = sig.signed_data
    certificates = [
        choice.chosen
        for choice in signed_data["certificates"] or []
        if choice.name == "certificate"
    ]
    others = [cert for cert in certificates if signer is None or cert.dump() != signer.der]
    issuer_included = signer is not None and any(
        cert.subject.dump() == signer.certificate.issuer.public_bytes() for cert in others
    )
    return len(others), issuer_included


def _key_of(signer: CertificateInfo) -> CertKind | None:
    if signer.kind in (CertKind.SIGN, CertKind.AUTH):
        return signer.kind
    # Not a JPKI certificate: judge by what its KeyUsage allows.
    if "nonRepudiation" in signer.key_usage or "contentCommitment" in signer.key_usage:
        return CertKind.SIGN
    return None


def _validate(
    sig: EmbeddedPdfSignature, anchors: tuple[TrustAnchor | CertificateInfo, ...] | None
) -> tuple[PdfSignatureStatus | None, str | None]:
    roots = [_asn1(anchor) for anchor in anchors or ()]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        with _quiet_validator():
            status = asyncio.run(
                async_validate_pdf_signature(
                    sig,
                    signer_validation_context=context,
                    ts_validation_context=ValidationContext(
                        trust_roots=roots, allow_fetching=False
                    ),
                    # The key is judged by the checker (signature or authentication key), and
                    # weak algorithms are reported by the preflight, not hidden behind a
                    # refusal here.
                    key_usage_settings=KeyUsageConstraints(),
                    algorithm_policy=CMSAlgorithmUsagePolicy.lift_policy(AcceptAllAlgorithms()),
                )
            )
    except Exception as exc:  # noqa: BLE001 - pyHanko's errors for broken CMS are many
        return None, f"{type(exc).__name__}: {exc}"
    return status, None


@contextlib.contextmanager
def _quiet_validator() -> Iterator[None]:
    """Keep pyHanko's own warnings (with tracebacks) about chains it cannot build off the
    user's screen: the result reports the chain, in words, from :mod:`jpki.chain`."""
    loggers = [logging.getLogger(name) for name in _VALIDATOR_LOGGERS]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, saved, strict=True):
            logger.setLevel(level)


_VALIDATOR_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


def _asn1(anchor: TrustAnchor | CertificateInfo) -> object:
    from asn1crypto import x509 as asn1_x509

    info = anchor.info if isinstance(anchor, TrustAnchor) else anchor
    return asn1_x509.Certificate.load(info.der)


def _claimed_time(sig: EmbeddedPdfSignature) -> datetime | None:
    try:
        claimed = sig.self_reported_timestamp
    except Exception:  # noqa: BLE001 - a malformed /M or signingTime is "no claim"
        return None
    return claimed if isinstance(claimed, datetime) else None


def _timestamp(status: PdfSignatureStatus) -> TimestampCheck | None:
    token = status.timestamp_validity
    if token is None:
        return None
    cert = token.signing_cert
    return TimestampCheck(
        time=token.timestamp.astimezone(JST),
        intact=bool(token.intact),
        valid=bool(token.valid),
        trusted=bool(token.trusted),
        authority="" if cert is None else _rfc4514(cert.dump()),
    )


def _chain(
    signer: CertificateInfo | None,
    anchors: tuple[TrustAnchor | CertificateInfo, ...] | None,
    when: datetime | None,
    require_production: bool,
) -> tuple[ChainResult | None, str | None]:
    if anchors is None:
        return None, None
    if signer is None:
        return None, "the signature does not carry the signer's certificate"
    if when is None:
        return None, "the signature says no signing time to check the chain at"
    try:
        return verify_chain(signer, anchors, at=when, require_production=require_production), None
    except ChainError as exc:
        return None, str(exc)


def _coverage(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    revisions: int,
    kinds: dict[int, LaterRevision],
) -> Coverage:
    level = status.coverage or SignatureCoverageLevel.UNCLEAR
    modification = status.modification_level
    signed = int(sig.signed_revision)
    later = tuple(
        kinds.get(number, LaterRevision(number, RevisionKind.OTHER, None))
        for number in range(signed + 1, revisions)
    )
    return Coverage(
        level=CoverageLevel(_kebab(level.name)),
        signed_revision=signed,
        revisions=revisions,
        later=later,
        modification=None if modification is None else Modification(_kebab(modification.name)),
    )


def _kebab(name: str) -> str:
    return name.lower().replace("_", "-")


def _rfc4514(der: bytes) -> str:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


def _fields_json(value: object, names: Iterable[str]) -> dict[str, object]:
    """The attributes *names* of *value* as JSON: times ISO 8601, enums by value, parts by
    their own ``to_json``."""
    from jpki.rules import json_value

    return {name: json_value(getattr(value, name)) for name in names}
