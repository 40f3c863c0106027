"""``jpki pdf sign|verify|preflight``, the pyHanko plugin, and pyHanko staying unloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def card(jpki: Any, tmp_path: Path) -> Path:
    """A simulated card kept in a file, so its PIN counters outlive each command."""
    path = tmp_path / "card.json"
    assert jpki("sim", "new", "--profile", "adult", "-o", str(path)).code == 0
    return path


@pytest.fixture
def source(blank_pdf_file: Path) -> Path:
    """The PDF the tests sign."""
    return blank_pdf_file


def _sign(
    jpki: Any,
    card: Path,
    source: Path,
    out: Path,
    *options: str,
    lang: str | None = None,
    stdin: str | None = None,
) -> Any:
    """``jpki --card CARD [--lang LANG] pdf sign SOURCE -o OUT OPTIONS``."""
    language = ("--lang", lang) if lang else ()
    return jpki(
        "--card", str(card), *language, "pdf", "sign", str(source), "-o", str(out), *options,
        stdin=stdin,
    )  # fmt: skip


def _sign_tries(jpki: Any, card: Path) -> int:
    return int(jpki("--card", str(card), "--json", "pin", "status").json()["sign"]["remaining"])


def test_sign_verify_preflight(
    jpki: Any, card: Path, source: Path, sim_trust_dir: Path, tmp_path: Path, pdfsig: Any
) -> None:
    signed = tmp_path / "signed.pdf"
    run = _sign(
        jpki, card, source, signed, "--pin-stdin", "--reason", "test", lang="en",
        stdin="ABCD1234\n",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "Signed Signature1 as PAdES B-B with the signature key." in run.err
    assert "Signature is Valid." in pdfsig(signed).signature(1)

    trust = ["--trust", str(sim_trust_dir), "--allow-non-production"]
    verified = jpki("--lang", "en", "pdf", "verify", str(signed), *trust)
    assert verified.code == 0, verified.out + verified.err
    assert "Result: valid" in verified.out
    assert "JPKI Act (article 17)" in verified.out
    as_json = jpki("--json", "pdf", "verify", str(signed), *trust).json()
    assert as_json["ok"] is True
    assert as_json["signatures"][0]["key"] == "sign"
    assert as_json["signatures"][0]["coverage"]["whole_file"] is True

    ja = jpki("--lang", "ja", "pdf", "preflight", str(signed), *trust)
    assert ja.code == 0
    assert "厳格な検証で受け付けられない理由は見つかりませんでした。" in ja.out
    assert "タイムスタンプがありません" in ja.out

    production = jpki("--lang", "en", "pdf", "verify", str(signed), "--trust", str(sim_trust_dir))
    assert production.code == 6 and "Result: NOT valid" in production.out

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(signed.read_bytes().replace(b"for testing", b"for TESTING"))
    refused = jpki("--lang", "en", "pdf", "verify", str(tampered), *trust)
    assert refused.code == 6 and "Integrity: BROKEN" in refused.out
    reasons = jpki("--json", "--lang", "en", "pdf", "preflight", str(tampered), *trust)
    assert reasons.code == 6
    assert "broken" in {f["problem"] for f in reasons.json()["findings"]}


def test_json_of_a_signing(
    jpki: Any, card: Path, source: Path, tmp_path: Path, pins_env: Callable[..., None]
) -> None:
    signed = tmp_path / "signed.pdf"
    pins_env(sign="ABCD1234")
    run = jpki("--card", str(card), "--json", "pdf", "sign", str(source), "-o", str(signed))
    assert run.code == 0, run.err
    report = run.json()
    assert report["level"] == "B-B" and report["key"] == "sign"
    assert report["card_signatures"] == 1 and report["bytes"] == signed.stat().st_size


def test_bad_input_is_refused_before_any_pin(
    jpki: Any, card: Path, tmp_path: Path, source: Path
) -> None:
    not_pdf, out = tmp_path / "note.txt", tmp_path / "out.pdf"
    not_pdf.write_text("hello")
    pin = "ABCD1234\n"
    run = _sign(jpki, card, not_pdf, out, "--pin-stdin", stdin=pin)
    assert run.code == 2 and "not a PDF" in run.err and "Traceback" not in run.err
    assert not out.exists()
    box = _sign(jpki, card, source, out, "--visible", "0/9,9,1,1", "--pin-stdin", stdin=pin)
    assert box.code == 2 and "signature box" in box.err
    page = _sign(
        jpki, card, source, out, "--visible", "3/72,600,300,680", "--text", "x", "--pin-stdin",
        stdin=pin,
    )  # fmt: skip
    assert page.code == 2 and "1 page(s)" in page.err
    no_tsa = _sign(jpki, card, source, out, "--crl", str(source), "--pin-stdin", stdin=pin)
    assert no_tsa.code == 2 and "time-stamp" in no_tsa.err
    assert _sign_tries(jpki, card) == 5
    assert not out.exists()


def test_a_wrong_pin_writes_nothing(jpki: Any, card: Path, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    run = _sign(jpki, card, source, out, "--pin-stdin", lang="en", stdin="WRONG999\n")
    assert run.code == 5 and "4 tries left" in run.err
    assert "WRONG999" not in run.err + run.out
    assert not out.exists()
    assert _sign_tries(jpki, card) == 4


def test_a_pin_on_the_command_line_is_refused_and_not_echoed(jpki: Any, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        jpki("--sim", "pdf", "sign", "in.pdf", "-o", "out.pdf", "ABCD1234")
    assert exited.value.code == 2


def test_the_auth_key_warns(jpki: Any, card: Path, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    run = _sign(jpki, card, source, out, "--key", "auth", "--pin-stdin", lang="ja", stdin="1234\n")
    assert run.code == 0, run.err
    assert "文書への署名用ではありません" in run.err
    reasons = jpki("--json", "pdf", "preflight", str(out)).json()
    assert "auth_key" in {f["problem"] for f in reasons["findings"]}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("JPKI_AUTH_PIN", "JPKI_SIGN_PIN", "JPKI_CARD_INFO_PIN", "JPKI_JUKI_PIN"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def test_other_commands_do_not_import_pyhanko() -> None:
    code = (
        "import sys, contextlib, io\n"
        "import jpki, jpki.session, jpki.cms, jpki.chain\n"
        "from jpki.cli.main import build_parser, main\n"
        "build_parser(None)\n"  # every command's parser, pdf included
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--sim', 'status', '--json'])\n"
        "    main(['expiry', '--json', '--card-issued', '2020-01-01', '--birth', '1990-01-01',"
        " '--today', '2026-01-01'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyhanko', 'pyhanko_certvalidator', 'jpki') and "
        "(m.startswith('pyhanko') or m.startswith('jpki.pdf')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=REPO,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_pyhanko_cli_plugin_signs_on_the_simulated_card(
    source: Path, tmp_path: Path, pdfsig: Any, sim_trust_dir: Path
) -> None:
    pyhanko = Path(sys.executable).with_name("pyhanko")
    assert pyhanko.exists(), "pyhanko-cli is part of the pdf extra"
    out = tmp_path / "out.pdf"
    command = [
        str(pyhanko), "sign", "addsig", "--field", "Sig1", "--use-pades",
        "jpki", "--sim", "--pin-stdin", str(source), str(out),
    ]  # fmt: skip
    done = subprocess.run(
        command, input="ABCD1234\n", capture_output=True, text=True, env=_env(), timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = pdfsig(out)
    assert "Signature Validation: Signature is Valid." in report.signature(1)
    assert "Signature Type: ETSI.CAdES.detached" in report.signature(1)
    from jpki.chain import load_trust_anchors
    from jpki.pdf.check import check_pdf

    (checked,) = check_pdf(
        out.read_bytes(), load_trust_anchors(sim_trust_dir), require_production=False
    ).signatures
    assert checked.ok and checked.field == "Sig1" and checked.key is not None
    assert checked.key.value == "sign"

    wrong = subprocess.run(
        [*command[:-1], str(tmp_path / "wrong.pdf")], input="WRONG999\n", capture_output=True,
        text=True, env=_env(), timeout=120, check=False,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert "incorrect (4 tries left)" in wrong.stderr
    assert "Traceback" not in wrong.stderr and "WRONG999" not in wrong.stderr
    assert not (tmp_path / "wrong.pdf").exists()


def test_entry_point_is_declared() -> None:
    from importlib import metadata

    points = metadata.entry_points(group="pyhanko.cli_plugin.signing")
    assert {(p.name, p.value) for p in points} >= {("jpki", "jpki.pdf.plugin:JpkiSigningPlugin")}
