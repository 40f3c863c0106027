"""PDF signing through the real pcscd: the simulated card served to a vpcd reader.

Needs pcscd with vsmartcard-vpcd (``scripts/pcscd-session`` starts one). Both the ``jpki``
command and ``pyhanko sign addsig jpki`` run as their own processes and reach the card
through pyscard and pcscd.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.pcsc

REPO = Path(__file__).resolve().parents[2]
READER = "Virtual PCD 00 00"
PORT = 35963


def _env(**pins: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JPKI_") or k in ("JPKI_REQUIRE_PCSC", "JPKI_NO_SKIP")
    }
    env.update(pins)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _check(path: Path, trust: Path) -> Any:
    from jpki.chain import load_trust_anchors
    from jpki.pdf.check import check_pdf

    return check_pdf(path.read_bytes(), load_trust_anchors(trust), require_production=False)


def test_jpki_pdf_sign_through_pcscd(
    served_card: Any, blank_pdf_file: Path, tmp_path: Path, pdfsig: Any, sim_trust_dir: Path
) -> None:
    served_card(PORT, profile="adult")
    source, signed = blank_pdf_file, tmp_path / "signed.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "jpki", "--reader", READER, "--lang", "en", "--json",
         "pdf", "sign", str(source), "-o", str(signed)],
        capture_output=True, text=True, env=_env(JPKI_SIGN_PIN="ABCD1234"), cwd=REPO,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"card_signatures": 1' in done.stdout
    assert "Signature Validation: Signature is Valid." in pdfsig(signed).signature(1)
    assert "Total document signed" in pdfsig(signed).signature(1)
    assert _check(signed, sim_trust_dir).ok


def test_pyhanko_plugin_through_pcscd(
    served_card: Any, blank_pdf_file: Path, tmp_path: Path, pdfsig: Any, sim_trust_dir: Path
) -> None:
    served_card(PORT, profile="adult")
    source, signed = blank_pdf_file, tmp_path / "signed.pdf"
    pyhanko = Path(sys.executable).with_name("pyhanko")
    done = subprocess.run(
        [str(pyhanko), "sign", "addsig", "--field", "Sig1", "--use-pades", "jpki",
         "--reader", READER, str(source), str(signed)],
        capture_output=True, text=True, env=_env(JPKI_SIGN_PIN="ABCD1234"), timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Signature Validation: Signature is Valid." in pdfsig(signed).signature(1)
    assert _check(signed, sim_trust_dir).ok
