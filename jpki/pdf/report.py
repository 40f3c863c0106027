"""The text report of a PDF check and of a preflight: lines of messages, rendered at the edge."""

from __future__ import annotations

from datetime import datetime

from jpki.chain import Validity
from jpki.ids import CertKind
from jpki.texts import Msg, render

from .check import Coverage, CoverageLevel, LaterRevision, PdfCheck, SignatureCheck
from .preflight import Preflight, Severity

__all__ = ["check_lines", "preflight_lines", "render_lines"]

_INDENT = "  "
_TRUST_OPTION = "--trust DIR"


def render_lines(lines: list[tuple[int, Msg]], lang: str) -> str:
    """The lines in *lang*, indented by their level."""
    return "\n".join(_INDENT * level + render(msg, lang) for level, msg in lines)


def check_lines(check: PdfCheck, path: str) -> list[tuple[int, Msg]]:
    """The report of :func:`jpki.pdf.check.check_pdf`: the file, then each signature."""
    lines: list[tuple[int, Msg]] = [
        (
            0,
            Msg(
                "pdf.check.file",
                path=path,
                count=len(check.signatures),
                revisions=check.revisions,
                size=check.file_bytes,
            ),
        )
    ]
    if not check.signatures:
        lines.append((1, Msg("pdf.check.no_signature")))
    for number, signature in enumerate(check.signatures, start=1):
        lines.extend(_signature_lines(number, signature))
    lines.append((0, Msg("pdf.check.scope")))
    return lines


def preflight_lines(result: Preflight) -> list[tuple[int, Msg]]:
    """The preflight's refusals, then its notes."""
    refused = [f for f in result.findings if f.severity is Severity.REFUSED]
    notes = [f for f in result.findings if f.severity is Severity.NOTE]
    lines: list[tuple[int, Msg]] = []
    if refused:
        lines.append((0, Msg("pdf.preflight.header")))
        lines.extend((1, f.message) for f in refused)
    else:
        lines.append((0, Msg("pdf.preflight.none")))
    if notes:
        lines.append((0, Msg("pdf.preflight.notes")))
        lines.extend((1, f.message) for f in notes)
    return lines


def _signature_lines(number: int, sig: SignatureCheck) -> list[tuple[int, Msg]]:
    lines: list[tuple[int, Msg]] = [
        (
            0,
            Msg(
                "pdf.check.signature",
                number=number,
                field=sig.field,
                subfilter=sig.subfilter or "?",
                digest=sig.digest or "?",
            ),
        ),
        (1, Msg("pdf.check.result_ok" if sig.ok else "pdf.check.result_bad")),
    ]
    if sig.error is not None:
        lines.append((1, Msg("pdf.check.unreadable", detail=sig.error)))
        return lines
    intact = sig.intact and sig.valid
    lines.append((1, Msg("pdf.check.integrity_ok" if intact else "pdf.check.integrity_bad")))
    if sig.coverage is not None:
        lines.append((1, _coverage(sig.coverage)))
    lines.append((1, _signer(sig)))
    lines.append((1, _time(sig)))
    if sig.timestamp is not None:
        state = "pdf.check.timestamp_bad"
        if sig.timestamp.ok:
            state = (
                "pdf.check.timestamp_ok"
                if sig.timestamp.trusted
                else ("pdf.check.timestamp_ok_untrusted")
            )
        lines.append(
            (
                1,
                Msg(
                    "pdf.check.timestamp",
                    time=_when(sig.timestamp.time),
                    authority=sig.timestamp.authority,
                    state=Msg(state),
                ),
            )
        )
    if sig.validity is not None and sig.signer is not None:
        day = (
            sig.signer.not_before.date()
            if sig.validity is Validity.NOT_YET_VALID
            else (sig.signer.expiry_date)
        )
        key = f"pdf.check.validity_{sig.validity.value.replace('-', '_')}"
        lines.append((1, Msg(key, date=day)))
    lines.append((1, _chain(sig)))
    return lines


def _coverage(coverage: Coverage) -> Msg:
    if coverage.whole_file:
        return Msg("pdf.check.coverage_whole")
    if coverage.level is CoverageLevel.ENTIRE_REVISION:
        judged = coverage.modification
        modification = "unknown" if judged is None else judged.value.replace("-", "_")
        return Msg(
            "pdf.check.coverage_revision",
            signed=coverage.signed_revision,
            count=len(coverage.later),
            later=[_later(revision) for revision in coverage.later],
            modification=Msg(f"pdf.check.modification_{modification}"),
        )
    return Msg("pdf.check.coverage_partial", level=coverage.level)


def _later(revision: LaterRevision) -> Msg:
    kind = Msg(f"pdf.check.kind_{revision.kind.value.replace('-', '_')}")
    if revision.field:
        return Msg("pdf.check.later_field", number=revision.number, kind=kind, field=revision.field)
    return Msg("pdf.check.later", number=revision.number, kind=kind)


def _signer(sig: SignatureCheck) -> Msg:
    if sig.signer is None:
        return Msg("pdf.check.signer_missing")
    key = _KEY_TEXT.get(sig.key, "pdf.check.key_unknown")
    return Msg("pdf.check.signer", subject=sig.signer.subject, key=Msg(key))


_KEY_TEXT: dict[CertKind | None, str] = {
    CertKind.SIGN: "pdf.check.key_sign",
    CertKind.AUTH: "pdf.check.key_auth",
}


def _time(sig: SignatureCheck) -> Msg:
    if sig.timestamp is not None:
        return Msg("pdf.check.time_timestamp", time=_when(sig.timestamp.time))
    if sig.claimed_time is not None:
        return Msg("pdf.check.time_claimed", time=_when(sig.claimed_time))
    return Msg("pdf.check.time_none")


def _chain(sig: SignatureCheck) -> Msg:
    if sig.chain is not None:
        return Msg(
            "pdf.check.chain_ok",
            anchor=sig.chain.anchor.info.subject,
            issuer_class=Msg(f"pdf.check.class_{sig.chain.issuer_class.value}"),
        )
    if sig.chain_error is not None:
        return Msg("pdf.check.chain_bad", detail=sig.chain_error)
    return Msg("pdf.check.chain_not_checked", trust_option=_TRUST_OPTION)


def _when(instant: datetime) -> str:
    """A time the same way in every language: digits and the zone are not translated."""
    return instant.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
