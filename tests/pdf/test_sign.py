"""Signing PDFs on the simulated card, judged by pyHanko's validator and by poppler's pdfsig.

Each signed file is checked by two validators that share no code with the signer's choices:
pyHanko's own validator (with the simulator's CA as the only trust root) and pdfsig (poppler,
NSS). A tampered file must be refused by both.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bench.pdf import RecordingConnection
from jpki.ids import KeyKind
from jpki.pdf.appearance import FontChoice, VisibleSignature
from jpki.pdf.check import check_pdf
from jpki.pdf.errors import PdfInputError
from jpki.pdf.sign import PadesLevel, SignOptions, sign_pdf_with_card
from jpki.session import JpkiSession
from sim import open_simulated_card
from sim.factory.pki import CaKind, build_ca


def _pyhanko_statuses(pdf: bytes) -> list[Any]:
    """pyHanko's verdict on every signature, with the simulator's signature CA as root."""
    root = asn1_x509.Certificate.load(build_ca(CaKind.SIGN).der)
    reader = PdfFileReader(io.BytesIO(pdf))
    return [
        asyncio.run(
            async_validate_pdf_signature(
                sig,
                signer_validation_context=ValidationContext(
                    trust_roots=[root], allow_fetching=False
                ),
            )
        )
        for sig in reader.embedded_signatures
    ]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_b_b_signature_is_valid_for_pyhanko_and_pdfsig(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], pdfsig: Any, tmp_path: Path
) -> None:
    result = sign_on_sim(blank_pdf)
    assert result.level is PadesLevel.B_B
    assert result.key is KeyKind.SIGN
    assert result.card.signatures == 1
    assert result.pdf.startswith(blank_pdf), "the input must be kept byte for byte"

    (status,) = _pyhanko_statuses(result.pdf)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    reader = PdfFileReader(io.BytesIO(result.pdf))
    (embedded,) = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    attrs = embedded.signer_info["signed_attrs"]
    names = {attr["type"].native for attr in attrs}
    assert "signing_certificate_v2" in names
    assert "signing_time" not in names  # PAdES takes the time from /M or a time-stamp

    report = pdfsig(_write(tmp_path, "signed.pdf", result.pdf))
    assert report.code == 0, report.out
    assert "Signature Validation: Signature is Valid." in report.signature(1)
    assert "Total document signed" in report.signature(1)
    assert "Signature Type: ETSI.CAdES.detached" in report.signature(1)


def test_the_card_is_asked_for_exactly_the_floor(blank_pdf: bytes) -> None:
    """SELECT, the counter query and VERIFY, the certificate reads, one SIGN: nothing else."""
    with open_simulated_card(profile="adult") as inner:
        recorder = RecordingConnection(inner)
        sign_pdf_with_card(JpkiSession(recorder), blank_pdf, "ABCD1234")
    ins = recorder.instructions
    assert ins.count(0xA4) == 1  # SELECT the JPKI application
    assert ins.count(0x20) == 2  # the guard's counter query, then the VERIFY
    assert ins.count(0x2A) == 1  # one COMPUTE DIGITAL SIGNATURE
    assert set(ins) <= {0xA4, 0x20, 0xB0, 0x2A}, [hex(i) for i in ins]
    assert ins.index(0x2A) == len(ins) - 1
    assert ins[:3] == [0xA4, 0x20, 0x20]


def test_tampering_is_refused_by_both_validators(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], pdfsig: Any, tmp_path: Path
) -> None:
    signed = sign_on_sim(blank_pdf).pdf
    marker = b"Application form for testing"
    assert signed.count(marker) == 1
    tampered = signed.replace(marker, b"Application form for TESTING")

    (status,) = _pyhanko_statuses(tampered)
    assert not status.intact
    report = pdfsig(_write(tmp_path, "tampered.pdf", tampered))
    assert "Signature Validation: Signature is Valid." not in report.out
    assert "Digest Mismatch" in report.out or "Signature is Invalid" in report.out, report.out

    (mine,) = check_pdf(tampered).signatures
    assert not mine.intact and not mine.ok


def test_a_second_signature_keeps_the_first_valid(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], pdfsig: Any, tmp_path: Path
) -> None:
    first = sign_on_sim(blank_pdf)
    second = sign_on_sim(first.pdf, reason="approved")
    assert (first.field_name, second.field_name) == ("Signature1", "Signature2")
    assert second.pdf.startswith(first.pdf)

    statuses = _pyhanko_statuses(second.pdf)
    assert [s.bottom_line for s in statuses] == [True, True]
    assert statuses[0].coverage is SignatureCoverageLevel.ENTIRE_REVISION
    assert statuses[0].modification_level is ModificationLevel.FORM_FILLING
    assert statuses[1].coverage is SignatureCoverageLevel.ENTIRE_FILE

    report = pdfsig(_write(tmp_path, "two.pdf", second.pdf))
    for number in (1, 2):
        assert "Signature Validation: Signature is Valid." in report.signature(number)
    assert "Not total document signed" in report.signature(1)
    assert "Total document signed" in report.signature(2)

    check = check_pdf(second.pdf)
    assert check.ok
    first_check = check.signatures[0]
    assert first_check.coverage is not None
    assert [(r.number, r.kind.value, r.field) for r in first_check.coverage.later] == [
        (2, "signature", "Signature2")
    ]


def test_visible_signature_with_japanese_text(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], pdfsig: Any, tmp_path: Path
) -> None:
    visible = VisibleSignature(page=0, box=(72, 600, 320, 680), text="番号 花子 署名")
    result = sign_on_sim(blank_pdf, visible=visible)
    assert result.font is FontChoice.NOTO_CJK
    assert b"NotoSansCJK" in result.pdf  # the subset is embedded under the face's name
    report = pdfsig(_write(tmp_path, "visible.pdf", result.pdf))
    assert "Signature Validation: Signature is Valid." in report.signature(1)
    (status,) = _pyhanko_statuses(result.pdf)
    assert status.bottom_line


def test_without_a_japanese_font_the_text_falls_back_to_ascii(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], tmp_path: Path
) -> None:
    visible = VisibleSignature(
        page=0, box=(72, 600, 320, 680), text="Approved 承認", font=tmp_path / "none.otf"
    )
    result = sign_on_sim(blank_pdf, visible=visible)
    assert result.font is FontChoice.ASCII_FALLBACK
    assert [note.key for note in result.notes] == ["pdf.sign.font_fallback"]
    assert b"NotoSansCJK" not in result.pdf
    (status,) = _pyhanko_statuses(result.pdf)
    assert status.bottom_line


def test_auth_key_only_when_asked_and_it_says_so(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any]
) -> None:
    result = sign_on_sim(blank_pdf, key=KeyKind.AUTH)
    assert result.key is KeyKind.AUTH
    assert [note.key for note in result.notes] == ["pdf.sign.auth_key_note"]
    (checked,) = check_pdf(result.pdf).signatures
    assert checked.key is not None and checked.key.value == "auth"


def test_bad_input_spends_no_try(tmp_path: Path) -> None:
    with open_simulated_card(profile="adult") as connection:
        session = JpkiSession(connection)
        with pytest.raises(PdfInputError, match="not a PDF"):
            sign_pdf_with_card(session, b"hello", "ABCD1234")
        with pytest.raises(PdfInputError, match="time-stamp"):
            sign_pdf_with_card(
                session,
                b"%PDF-1.7\n",
                "ABCD1234",
                SignOptions(revocation=_crl_only()),
            )
        assert session.pin_status(KeyKind.SIGN.pin).remaining == 5
        sent = connection.apdu_count
    assert sent == 2  # SELECT and the counter query of the check above: no VERIFY


def _crl_only() -> Any:
    from jpki.pdf.sign import Revocation

    return Revocation(crls=(b"not used",))


def test_a_wrong_pin_writes_nothing_and_counts_down(blank_pdf: bytes) -> None:
    from jpki.errors import PinIncorrectError

    with open_simulated_card(profile="adult") as connection:
        session = JpkiSession(connection)
        with pytest.raises(PinIncorrectError) as caught:
            sign_pdf_with_card(session, blank_pdf, "WRONG999")
        assert caught.value.remaining == 4
