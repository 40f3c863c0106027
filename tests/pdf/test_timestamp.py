"""PAdES B-T and B-LT against a real RFC 3161 service on loopback."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader

from jpki.chain import load_trust_anchors
from jpki.pdf.check import RevisionKind, check_pdf
from jpki.pdf.errors import PdfSigningError
from jpki.pdf.sign import PadesLevel, Revocation


def test_b_t_carries_a_token_from_the_service(
    blank_pdf: bytes,
    sign_on_sim: Callable[..., Any],
    tsa: Any,
    tsa_trust_dir: Path,
    pdfsig: Any,
    tmp_path: Path,
) -> None:
    before = len(tsa.requests)
    result = sign_on_sim(blank_pdf, tsa_url=tsa.url)
    assert result.level is PadesLevel.B_T
    # pyHanko asks once more to size the token before it signs.
    asked = tsa.requests[before:]
    assert asked and set(asked) == {"application/timestamp-query"}

    reader = PdfFileReader(io.BytesIO(result.pdf))
    (embedded,) = reader.embedded_signatures
    unsigned = embedded.signer_info["unsigned_attrs"]
    assert [attr["type"].native for attr in unsigned] == ["signature_time_stamp_token"]

    anchors = load_trust_anchors(tsa_trust_dir)
    (checked,) = check_pdf(result.pdf, anchors, require_production=False).signatures
    assert checked.ok
    assert checked.timestamp is not None
    assert checked.timestamp.ok and checked.timestamp.trusted
    assert checked.timestamp.authority == "CN=Test TSA,O=JPKI-SIM test TSA,C=JP"
    assert checked.signing_time == checked.timestamp.time

    # Without the TSA root the token still verifies, but its authority is not trusted.
    sim_only = [a for a in anchors if "tsa" not in a.source]
    (untrusted,) = check_pdf(result.pdf, sim_only, require_production=False).signatures
    assert untrusted.timestamp is not None and not untrusted.timestamp.trusted

    (tmp_path / "bt.pdf").write_bytes(result.pdf)
    report = pdfsig(tmp_path / "bt.pdf")
    assert "Signature Validation: Signature is Valid." in report.signature(1)
    assert "Total document signed" in report.signature(1)


def test_b_lt_embeds_the_crl_in_a_dss_update(
    blank_pdf: bytes,
    sign_on_sim: Callable[..., Any],
    tsa: Any,
    tsa_trust_dir: Path,
    sign_ca_crl: bytes,
    pdfsig: Any,
    tmp_path: Path,
) -> None:
    result = sign_on_sim(
        blank_pdf,
        tsa_url=tsa.url,
        revocation=Revocation(crls=(sign_ca_crl,)),
        extra_trust=(tsa.root_pem,),
    )
    assert result.level is PadesLevel.B_LT
    reader = PdfFileReader(io.BytesIO(result.pdf))
    dss = reader.root["/DSS"]
    embedded_crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss["/CRLs"]]
    assert [c.dump() for c in embedded_crls] == [sign_ca_crl]

    check = check_pdf(result.pdf, load_trust_anchors(tsa_trust_dir), require_production=False)
    (checked,) = check.signatures
    assert checked.ok
    assert checked.coverage is not None
    assert [r.kind for r in checked.coverage.later] == [RevisionKind.VALIDATION_DATA]

    (tmp_path / "blt.pdf").write_bytes(result.pdf)
    assert "Signature Validation: Signature is Valid." in pdfsig(tmp_path / "blt.pdf").signature(1)


def test_a_dead_time_stamp_server_fails_cleanly(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any]
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PdfSigningError, match="could not be signed"):
        sign_on_sim(blank_pdf, tsa_url=f"http://127.0.0.1:{port}/tsa")


def test_b_lt_with_nothing_to_fetch_fails_cleanly(
    blank_pdf: bytes, sign_on_sim: Callable[..., Any], tsa: Any
) -> None:
    # The simulated certificates name CRL hosts under .invalid: nothing can be fetched.
    with pytest.raises(PdfSigningError, match="B-LT"):
        sign_on_sim(blank_pdf, tsa_url=tsa.url, revocation=Revocation(fetch=True))


def test_the_command_line_makes_b_t_and_b_lt(
    jpki: Any,
    blank_pdf_file: Path,
    tsa: Any,
    tsa_trust_dir: Path,
    sign_ca_crl: bytes,
    tmp_path: Path,
    pins_env: Callable[..., None],
) -> None:
    source, crl, tsa_root = blank_pdf_file, tmp_path / "sign-ca.crl", tmp_path / "tsa.pem"
    crl.write_bytes(sign_ca_crl)
    tsa_root.write_bytes(tsa.root_pem)
    pins_env(sign="ABCD1234")
    trust = ["--trust", str(tsa_trust_dir), "--allow-non-production"]
    bt = jpki("--sim", "--json", "pdf", "sign", str(source), "-o", str(tmp_path / "bt.pdf"),
              "--tsa", tsa.url)  # fmt: skip
    assert bt.code == 0, bt.err
    assert bt.json()["level"] == "B-T"
    checked = jpki("--json", "pdf", "verify", str(tmp_path / "bt.pdf"), *trust).json()
    assert checked["ok"] and checked["signatures"][0]["timestamp"]["trusted"] is True
    blt = jpki("--sim", "--json", "pdf", "sign", str(source), "-o", str(tmp_path / "blt.pdf"),
               "--tsa", tsa.url, "--crl", str(crl), "--extra-trust", str(tsa_root))  # fmt: skip
    assert blt.code == 0, blt.err
    assert blt.json()["level"] == "B-LT"
    checked = jpki("--json", "pdf", "verify", str(tmp_path / "blt.pdf"), *trust).json()
    assert checked["ok"]
    later = checked["signatures"][0]["coverage"]["later"]
    assert [revision["kind"] for revision in later] == ["validation-data"]
