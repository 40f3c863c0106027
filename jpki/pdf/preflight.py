"""Why a strict validator (or an online application system) would refuse a signed PDF.

A pure function of a :class:`~jpki.pdf.check.PdfCheck`: each finding names the signature, a
:class:`Problem` and a message in plain words (Japanese and English, from the ``pdf`` text
catalog). Problems are reasons for refusal; notes are things worth knowing that a strict
validator does not refuse by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum, unique

from jpki.chain import Validity
from jpki.ids import CertKind
from jpki.texts import Msg, render

from .check import CoverageLevel, PdfCheck, RevisionKind, SignatureCheck

__all__ = ["LEGACY_SUBFILTERS", "Finding", "Preflight", "Problem", "Severity", "preflight"]

LEGACY_SUBFILTERS = frozenset({"adbe.pkcs7.detached", "adbe.pkcs7.sha1", "adbe.x509.rsa_sha1"})
"""SubFilters from before PAdES; PAdES baseline validators want ``ETSI.CAdES.detached``."""

_WEAK_DIGESTS = frozenset({"sha1", "md5"})


@unique
class Severity(StrEnum):
    """Whether a finding makes a strict validator refuse the signature."""

    REFUSED = "refused"
    NOTE = "note"


@unique
class Problem(StrEnum):
    """What a finding is about; the catalog key is ``pdf.preflight.<value>``."""

    NO_SIGNATURE = "no_signature"
    UNREADABLE = "unreadable"
    LEGACY_SUBFILTER = "legacy_subfilter"
    WEAK_DIGEST = "weak_digest"
    NO_SIGNER_CERTIFICATE = "no_signer_certificate"
    NO_CHAIN = "no_chain"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"
    NOT_WHOLE_FILE = "not_whole_file"
    CHANGED_AFTER_SIGNING = "changed_after_signing"
    AUTH_KEY = "auth_key"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    NO_SIGNING_TIME = "no_signing_time"
    TIMESTAMP_INVALID = "timestamp_invalid"
    NO_TIMESTAMP = "no_timestamp"
    CHAIN_NOT_CHECKED = "chain_not_checked"
    LATER_SIGNATURES = "later_signatures"


_SPELLINGS: dict[str, object] = {
    "good_digest": "SHA-256",
    "level": "B-B",
    "needed_level": "B-T",
    "tsa_option": "--tsa URL",
    "trust_option": "--trust DIR",
    "command": "jpki pdf sign",
}
"""Names the texts use as they are in every language: algorithms, levels, options."""

_NOTES = frozenset({Problem.NO_TIMESTAMP, Problem.CHAIN_NOT_CHECKED, Problem.LATER_SIGNATURES})


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason (or note) about one signature.

    :param field: the signature field, ``None`` for the document as a whole.
    :param problem: what it is.
    :param message: what it means, in plain words, rendered where it is shown.
    """

    field: str | None
    problem: Problem
    message: Msg

    @property
    def severity(self) -> Severity:
        """Refusal or note."""
        return Severity.NOTE if self.problem in _NOTES else Severity.REFUSED

    def to_json(self, lang: str) -> dict[str, object]:
        """Keys: ``field``, ``problem``, ``severity``, ``message`` (in *lang*)."""
        return {
            "field": self.field,
            "problem": self.problem.value,
            "severity": self.severity.value,
            "message": render(self.message, lang),
        }


@dataclass(frozen=True, slots=True)
class Preflight:
    """The findings about a signed PDF, refusals first."""

    findings: tuple[Finding, ...]

    @property
    def refused(self) -> tuple[Finding, ...]:
        """The findings a strict validator refuses the file for."""
        return tuple(f for f in self.findings if f.severity is Severity.REFUSED)

    @property
    def ok(self) -> bool:
        """Whether nothing would make a strict validator refuse the file."""
        return not self.refused

    def to_json(self, lang: str) -> dict[str, object]:
        """Keys: ``ok``, ``findings`` (each with its message in *lang*)."""
        return {"ok": self.ok, "findings": [f.to_json(lang) for f in self.findings]}


def preflight(check: PdfCheck) -> Preflight:
    """The reasons a strict validator would refuse the PDF of *check*, and notes."""
    if not check.signatures:
        return Preflight((Finding(None, Problem.NO_SIGNATURE, Msg("pdf.preflight.no_signature")),))
    findings: list[Finding] = []
    for signature in check.signatures:
        findings.extend(_signature_findings(signature))
    findings.sort(key=lambda f: f.severity is Severity.NOTE)
    return Preflight(tuple(findings))


def _signature_findings(sig: SignatureCheck) -> list[Finding]:
    found: list[tuple[Problem, dict[str, object]]] = []
    if sig.error is not None:
        found.append((Problem.UNREADABLE, {"detail": sig.error}))
    if sig.subfilter in LEGACY_SUBFILTERS:
        found.append((Problem.LEGACY_SUBFILTER, {"subfilter": sig.subfilter}))
    if sig.digest in _WEAK_DIGESTS or sig.subfilter == "adbe.pkcs7.sha1":
        found.append((Problem.WEAK_DIGEST, {"digest": sig.digest or "sha1"}))
    if sig.error is not None:
        # Nothing else can be said about a signature that cannot be read.
        return _messages(sig, found)
    if sig.signer is None:
        found.append((Problem.NO_SIGNER_CERTIFICATE, {}))
    elif not sig.chain_checked:
        if not sig.issuer_included:
            found.append((Problem.NO_CHAIN, {}))
        found.append((Problem.CHAIN_NOT_CHECKED, {}))
    elif sig.chain_error is not None:
        found.append((Problem.UNTRUSTED, {"detail": sig.chain_error}))
    if not (sig.intact and sig.valid):
        found.append((Problem.BROKEN, {}))
    found.extend(_coverage_findings(sig))
    if sig.key is CertKind.AUTH:
        found.append((Problem.AUTH_KEY, {}))
    if sig.signing_time is None:
        found.append((Problem.NO_SIGNING_TIME, {}))
    elif sig.validity is Validity.EXPIRED and sig.signer is not None:
        found.append((Problem.EXPIRED, {"date": sig.signer.expiry_date}))
    elif sig.validity is Validity.NOT_YET_VALID and sig.signer is not None:
        found.append((Problem.NOT_YET_VALID, {"date": sig.signer.not_before.date()}))
    if sig.timestamp is None:
        found.append((Problem.NO_TIMESTAMP, {}))
    elif not sig.timestamp.ok:
        found.append((Problem.TIMESTAMP_INVALID, {}))
    return _messages(sig, found)


def _messages(sig: SignatureCheck, found: list[tuple[Problem, dict[str, object]]]) -> list[Finding]:
    return [
        Finding(
            sig.field,
            problem,
            Msg(f"pdf.preflight.{problem.value}", field=sig.field, **_SPELLINGS, **values),
        )
        for problem, values in found
    ]


def _coverage_findings(sig: SignatureCheck) -> list[tuple[Problem, dict[str, object]]]:
    coverage = sig.coverage
    if coverage is None:
        return []
    if coverage.level not in (CoverageLevel.ENTIRE_FILE, CoverageLevel.ENTIRE_REVISION):
        return [(Problem.NOT_WHOLE_FILE, {})]
    if coverage.acceptable:
        signers = [r.field for r in coverage.later if r.kind is RevisionKind.SIGNATURE and r.field]
        if signers:
            return [(Problem.LATER_SIGNATURES, {"fields": tuple(signers)})]
        return []
    return [
        (
            Problem.CHANGED_AFTER_SIGNING,
            {"count": len(coverage.later), "revisions": tuple(r.number for r in coverage.later)},
        )
    ]
