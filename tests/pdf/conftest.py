"""Fixtures for the PDF tests: PDFs to sign, the simulator's trust anchors, a real RFC 3161
time-stamp service on loopback, a CRL from the simulator's CA, and pdfsig.

The time-stamp authority is certomancer's RFC 3161 responder behind a plain HTTP server on
127.0.0.1: pyHanko's client posts a real ``application/timestamp-query`` and reads the token
back. Its certificates are made once per session with published test keys of
``sim/testkeys`` (no key is generated).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.pdf.certs import asn1_certificate, asn1_private_key, issue

if TYPE_CHECKING:
    from jpki.pdf.sign import SignResult

REPO = Path(__file__).resolve().parents[2]
TSA_ROOT_KEY = 14
TSA_KEY = 15
_MAX_REQUEST = 64 * 1024


def _load_e2e() -> ModuleType:
    """tests/e2e/conftest.py, for its pcscd fixtures (the folder is no package)."""
    name = "jpki_e2e_conftest_for_pdf"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests/e2e/conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


_e2e = _load_e2e()
pcsc_stack = _e2e.pcsc_stack
served_card = _e2e.served_card


@dataclass(frozen=True)
class PdfSig:
    """What pdfsig said about a file."""

    code: int
    out: str

    def signature(self, number: int) -> str:
        """The block of signature *number* (from 1)."""
        blocks = self.out.split("Signature #")
        return blocks[number] if number < len(blocks) else ""


@pytest.fixture(scope="session")
def pdfsig() -> Callable[[Path], PdfSig]:
    """Runs poppler's pdfsig (installed by scripts/bootstrap: poppler-utils) on a file.

    No NSS trust store is given: pdfsig checks the signature and what it covers; the chain is
    checked by the other validators.
    """
    program = shutil.which("pdfsig")
    if program is None:
        pytest.fail("pdfsig is not installed (apt-get install poppler-utils)")

    def run(path: Path) -> PdfSig:
        done = subprocess.run(
            [program, str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        return PdfSig(done.returncode, done.stdout)

    return run


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    """A one-page PDF to sign."""
    from jpki.pdf.document import one_page_pdf

    return one_page_pdf("Application form for testing")


@pytest.fixture
def blank_pdf_file(blank_pdf: bytes, tmp_path: Path) -> Path:
    """:func:`blank_pdf` written to ``in.pdf`` in the test's directory."""
    path = tmp_path / "in.pdf"
    path.write_bytes(blank_pdf)
    return path


SignOnSim = Callable[..., "SignResult"]


@pytest.fixture
def sign_on_sim() -> SignOnSim:
    """Signs PDF bytes on a fresh in-process simulated card: ``sign_on_sim(pdf, **options)``
    (``profile=`` picks the card)."""
    from jpki.pdf.sign import SignOptions, sign_pdf_with_card
    from jpki.session import JpkiSession
    from sim import open_simulated_card
    from sim.factory.profiles import DEFAULT_PIN, DEFAULT_SIGN_PASSWORD

    def sign(pdf: bytes, profile: str = "adult", **options: Any) -> SignResult:
        chosen = SignOptions(**options)
        pin = DEFAULT_SIGN_PASSWORD if chosen.key.value == "sign" else DEFAULT_PIN
        with open_simulated_card(profile=profile) as connection:
            return sign_pdf_with_card(JpkiSession(connection), pdf, pin, chosen)

    return sign


@pytest.fixture(scope="session")
def sim_trust_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trust anchor folder with the simulator's two CAs (as the card carries them)."""
    from sim.factory.pki import CaKind, build_ca

    folder = tmp_path_factory.mktemp("sim-trust")
    for kind in (CaKind.SIGN, CaKind.AUTH):
        pem = build_ca(kind).certificate.public_bytes(serialization.Encoding.PEM)
        (folder / f"sim-{kind.value}-ca.pem").write_bytes(pem)
    return folder


@dataclass(frozen=True)
class Tsa:
    """The running time-stamp service."""

    url: str
    root_pem: bytes
    requests: list[str]


def _tsa_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-SIM test TSA"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _tsa_certificates() -> tuple[x509.Certificate, x509.Certificate, rsa.RSAPrivateKey]:
    from sim import testkeys

    root_key, tsa_key = testkeys.pool_key(TSA_ROOT_KEY), testkeys.pool_key(TSA_KEY)
    valid = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
    root_name = _tsa_name("Test TSA Root")
    root = issue(
        root_name,
        root_key,
        0x7531,
        valid,
        [
            x509.BasicConstraints(ca=True, path_length=0),
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
        ],
    )
    leaf = issue(
        _tsa_name("Test TSA"),
        tsa_key,
        0x7532,
        valid,
        [
            x509.BasicConstraints(ca=False, path_length=None),
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
        ],
        issuer=(root_name, root_key),
    )
    return root, leaf, tsa_key


@pytest.fixture(scope="session")
def tsa() -> Iterator[Tsa]:
    """A real RFC 3161 service over HTTP on 127.0.0.1 (certomancer's responder)."""
    from asn1crypto import tsp
    from certomancer.services import TimeStamper

    root, leaf, key = _tsa_certificates()
    stamper = TimeStamper(
        tsa_cert=asn1_certificate(leaf),
        tsa_key=asn1_private_key(key),
        certs_to_embed=[asn1_certificate(root)],
    )
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            kind = self.headers.get("Content-Type", "")
            seen.append(kind)
            if kind != "application/timestamp-query" or not 0 < length <= _MAX_REQUEST:
                self.send_error(400, "expected an RFC 3161 timestamp query")
                return
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Tsa(
            f"http://{host!s}:{port}/tsa", root.public_bytes(serialization.Encoding.PEM), seen
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def tsa_trust_dir(sim_trust_dir: Path, tsa: Tsa, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulator's CAs and the time-stamp authority's root."""
    folder = tmp_path_factory.mktemp("sim-and-tsa-trust")
    for path in sim_trust_dir.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "tsa-root.pem").write_bytes(tsa.root_pem)
    return folder


@pytest.fixture(scope="session")
def sign_ca_crl() -> bytes:
    """A current CRL (DER) of the simulator's signature CA, revoking nothing on the card."""
    from sim.factory.pki import CaKind, build_ca

    ca = build_ca(CaKind.SIGN)
    now = datetime.now(UTC).replace(microsecond=0)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.private_key.public_key()),
            critical=False,
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.DER)
