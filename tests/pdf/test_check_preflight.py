"""The offline check and the preflight: what they find in files made here, good and bad."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from jpki.chain import Validity, load_trust_anchors
from jpki.ids import KeyKind
from jpki.pdf.check import check_pdf
from jpki.pdf.errors import PdfInputError
from jpki.pdf.preflight import Problem, Severity, preflight
from jpki.texts import render
from sim import testkeys
from tests.pdf.certs import asn1_certificate, asn1_private_key, issue

LEGACY_KEY = 13


def _legacy_signed(pdf: bytes) -> bytes:
    """A PDF signed the old way: adbe.pkcs7.detached and SHA-1, with a software key."""
    key = testkeys.pool_key(LEGACY_KEY)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Legacy signer")])
    now = datetime.now(UTC)
    cert = issue(
        name,
        key,
        0x1E6A,
        (now - timedelta(days=1), now + timedelta(days=365)),
        [x509.KeyUsage(True, True, False, False, False, False, False, False, False)],
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_certificate(cert),
        signing_key=asn1_private_key(key),
        cert_registry=SimpleCertificateStore(),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Legacy",
        md_algorithm="sha1",
        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return bytes(signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue())


def _change_page_after_signing(signed: bytes) -> bytes:
    """Append an incremental update that replaces the page's content: not allowed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (Changed!) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _problems(pdf: bytes, trust: Path | None = None) -> dict[Problem, Severity]:
    anchors = load_trust_anchors(trust) if trust is not None else None
    result = preflight(check_pdf(pdf, anchors, require_production=False))
    return {finding.problem: finding.severity for finding in result.findings}


def test_a_card_signature_passes_the_preflight(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    signed = sign_on_sim(blank_pdf).pdf
    found = _problems(signed, sim_trust_dir)
    assert found == {Problem.NO_TIMESTAMP: Severity.NOTE}
    (checked,) = check_pdf(
        signed, load_trust_anchors(sim_trust_dir), require_production=False
    ).signatures
    assert checked.ok and checked.key is KeyKind.SIGN.certificate
    assert checked.validity is Validity.VALID and checked.issuer_included


def test_a_production_check_refuses_the_simulated_hierarchy(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    signed = sign_on_sim(blank_pdf).pdf
    anchors = load_trust_anchors(sim_trust_dir)
    (checked,) = check_pdf(signed, anchors).signatures
    assert not checked.ok
    assert checked.chain_error is not None and "production" in checked.chain_error


def test_the_j_lis_roots_do_not_vouch_for_a_simulated_card(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any]
) -> None:
    jlis = Path(__file__).resolve().parents[1] / "data" / "jlis-ca"
    signed = sign_on_sim(blank_pdf).pdf
    (checked,) = check_pdf(signed, load_trust_anchors(jlis)).signatures
    assert not checked.ok and checked.chain_error is not None
    assert Problem.UNTRUSTED in _problems(signed, jlis)


def test_a_legacy_signature_is_flagged(blank_pdf: bytes) -> None:
    legacy = _legacy_signed(blank_pdf)
    (checked,) = check_pdf(legacy).signatures
    assert checked.subfilter == "adbe.pkcs7.detached"
    assert checked.digest == "sha1"
    assert checked.intact and checked.valid  # the maths holds; the format is what fails
    found = _problems(legacy)
    assert found[Problem.LEGACY_SUBFILTER] is Severity.REFUSED
    assert found[Problem.WEAK_DIGEST] is Severity.REFUSED
    assert Problem.BROKEN not in found


def test_changes_after_signing_are_flagged(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    changed = _change_page_after_signing(sign_on_sim(blank_pdf).pdf)
    (checked,) = check_pdf(
        changed, load_trust_anchors(sim_trust_dir), require_production=False
    ).signatures
    assert checked.intact and checked.valid  # the signed revision itself is untouched
    assert checked.coverage is not None and not checked.coverage.acceptable
    assert [r.kind.value for r in checked.coverage.later] == ["other"]
    assert not checked.ok
    assert _problems(changed, sim_trust_dir)[Problem.CHANGED_AFTER_SIGNING] is Severity.REFUSED


def test_tampering_is_flagged_as_broken(blank_pdf: bytes, sign_on_sim: Callable[..., Any]) -> None:
    signed = sign_on_sim(blank_pdf).pdf
    tampered = signed.replace(b"Application form", b"Applicatior form")
    assert Problem.BROKEN in _problems(tampered)


def test_an_auth_key_signature_is_flagged(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    signed = sign_on_sim(blank_pdf, key=KeyKind.AUTH).pdf
    found = _problems(signed, sim_trust_dir)
    assert found[Problem.AUTH_KEY] is Severity.REFUSED


def test_an_expired_certificate_is_flagged(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    signed = sign_on_sim(blank_pdf, profile="expired").pdf
    (checked,) = check_pdf(
        signed, load_trust_anchors(sim_trust_dir), require_production=False
    ).signatures
    assert checked.validity is Validity.EXPIRED and not checked.ok
    result = preflight(check_pdf(signed))
    (expired,) = [f for f in result.findings if f.problem is Problem.EXPIRED]
    assert "2024年8月8日" in render(expired.message, "ja")
    assert "2024-08-08" in render(expired.message, "en")


def test_pure_cases_no_signer_certificate_and_not_yet_valid(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any]
) -> None:
    (good,) = check_pdf(sign_on_sim(blank_pdf).pdf).signatures
    check = check_pdf(sign_on_sim(blank_pdf).pdf)
    without_cert = replace(check, signatures=(replace(good, signer=None, key=None),))
    early = replace(check, signatures=(replace(good, validity=Validity.NOT_YET_VALID),))
    assert Problem.NO_SIGNER_CERTIFICATE in {f.problem for f in preflight(without_cert).findings}
    assert Problem.NOT_YET_VALID in {f.problem for f in preflight(early).findings}


def test_every_problem_has_words_in_both_languages() -> None:
    from jpki.pdf.preflight import _SPELLINGS
    from jpki.texts import Msg

    values = {
        "field": "F",
        "detail": "d",
        "subfilter": "adbe.pkcs7.detached",
        "digest": "sha1",
        "date": datetime(2026, 1, 2).date(),
        "count": 2,
        "revisions": (2, 3),
        "fields": ("G",),
        **_SPELLINGS,
    }
    for problem in Problem:
        for lang in ("ja", "en"):
            text = render(Msg(f"pdf.preflight.{problem.value}", **values), lang)
            assert text.startswith("F") or problem is Problem.NO_SIGNATURE, (problem, lang)


def test_a_pdf_without_signatures_and_not_a_pdf(blank_pdf: bytes) -> None:
    assert check_pdf(blank_pdf).signatures == ()
    assert not check_pdf(blank_pdf).ok
    assert [f.problem for f in preflight(check_pdf(blank_pdf)).findings] == [Problem.NO_SIGNATURE]
    with pytest.raises(PdfInputError, match="not a PDF"):
        check_pdf(b"GIF89a")


def test_the_report_has_words_for_every_level_class_and_kind() -> None:
    from jpki.certificate import IssuerClass
    from jpki.pdf.check import Modification, RevisionKind
    from jpki.texts import Msg

    keys = [f"pdf.check.modification_{m.value.replace('-', '_')}" for m in Modification]
    keys += ["pdf.check.modification_unknown"]
    keys += [f"pdf.check.class_{c.value}" for c in IssuerClass]
    keys += [f"pdf.check.kind_{k.value.replace('-', '_')}" for k in RevisionKind]
    for key in keys:
        for lang in ("ja", "en"):
            assert render(Msg(key), lang), (key, lang)


def test_the_text_report_in_japanese(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], sim_trust_dir: Path
) -> None:
    from jpki.pdf.report import check_lines, render_lines

    first = sign_on_sim(blank_pdf).pdf
    check = check_pdf(
        sign_on_sim(first).pdf, load_trust_anchors(sim_trust_dir), require_production=False
    )
    text = render_lines(check_lines(check, "two.pdf"), "ja")
    assert "two.pdf:署名2件、版数3" in text
    assert "版2:署名 Signature2(署名とフォーム入力の追加のみ)" in text
    assert "(署名用電子証明書の鍵)" in text
    assert "シミュレーターの認証局" in text
    assert "公的個人認証法第17条" in text


def test_a_broken_signature_is_reported_and_does_not_hide_the_others(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any]
) -> None:
    first = sign_on_sim(blank_pdf).pdf
    two = sign_on_sim(first).pdf
    # Overwrite the start of the first signature's CMS (inside /Contents, outside the
    # signed bytes): it is no longer a CMS.
    start = two.index(b"/Contents <") + len(b"/Contents <")
    broken = two[:start] + b"00" * 40 + two[start + 80 :]
    check = check_pdf(broken)
    by_field = {sig.field: sig for sig in check.signatures}
    assert set(by_field) == {"Signature1", "Signature2"}
    assert by_field["Signature1"].error is not None and not by_field["Signature1"].ok
    assert by_field["Signature2"].error is None
    # The second signature covers the first one's /Contents: it sees the change.
    assert not by_field["Signature2"].intact
    assert Problem.BROKEN in {
        f.problem for f in preflight(check).findings if f.field == "Signature2"
    }
    assert not check.ok
    problems = [(f.field, f.problem) for f in preflight(check).findings if f.field == "Signature1"]
    assert problems == [("Signature1", Problem.UNREADABLE)]
