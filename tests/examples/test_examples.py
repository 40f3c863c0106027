"""The examples and the documentation, checked the way their readers use them.

Each example script runs as a subprocess on the simulated card (``serve_simulated_card.py``
through the real pcscd + vpcd when they are there: skipped otherwise, failed instead when
``JPKI_REQUIRE_PCSC=1``); its output is checked with independent tools where there are any
(``openssl``, the ``jpki`` command). ``examples/test_with_simulator.py`` runs under its own
pytest. The README's library example runs as it is printed, its sample outputs must be what
the commands print today, and every ``jpki`` command line in the documentation must parse.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from bench.procs import start_process
from tests.runs import default_sigint

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DOCS = [REPO / "README.md", REPO / "SECURITY.md", REPO / "CHANGELOG.md"]
DOCS += sorted((REPO / "docs").glob("*.md")) + [EXAMPLES / "README.md"]

#: Example scripts that open a card, so they take --reader NAME.
CARD_EXAMPLES = [
    "read_auth_certificate.py",
    "pin_counters.py",
    "sign_and_verify.py",
    "cms_signature.py",
    "card_info.py",
    "sign_pdf.py",
]
ALL_EXAMPLES = sorted(path.name for path in EXAMPLES.glob("*.py"))
SERVE_PORT = 35964
SERVE_READER = "Virtual PCD 00 01"
_PIN_VARIABLES = ("JPKI_AUTH_PIN", "JPKI_SIGN_PIN", "JPKI_CARD_INFO_PIN", "JPKI_JUKI_PIN")
_TIMEOUT = 120.0


def environment(**extra: str) -> dict[str, str]:
    """Our environment without PINs, in English, with this checkout importable."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _PIN_VARIABLES and key not in ("LC_ALL", "LC_MESSAGES")
    }
    env["LANG"] = "C.UTF-8"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def run(
    argv: list[str | Path], *, env: dict[str, str] | None = None, expect: int | None = 0
) -> subprocess.CompletedProcess[str]:
    """Run *argv* in the checkout; check its exit status unless *expect* is None."""
    done = subprocess.run(
        [str(part) for part in argv],
        cwd=REPO,
        env=env or environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if expect is not None:
        assert done.returncode == expect, describe(done)
    return done


def describe(done: subprocess.CompletedProcess[str]) -> str:
    """A finished run for assertion messages."""
    return (
        f"$ {shlex.join(str(a) for a in done.args)}\nexit status {done.returncode}\n"
        f"--- stdout ---\n{done.stdout}--- stderr ---\n{done.stderr}"
    )


def example(
    name: str, *args: str | Path, env: dict[str, str] | None = None, expect: int | None = 0
) -> subprocess.CompletedProcess[str]:
    """Run ``python examples/NAME ARGS`` as a user would."""
    return run([sys.executable, EXAMPLES / name, *args], env=env, expect=expect)


def jpki(
    *args: str | Path, env: dict[str, str] | None = None, expect: int | None = 0
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jpki ARGS``."""
    return run([sys.executable, "-m", "jpki", *args], env=env, expect=expect)


def openssl() -> str:
    """The openssl program (installed by scripts/bootstrap)."""
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("openssl is not installed (apt-get install openssl)")
    return path


# --- every example ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_example_says_what_it_shows_and_how_to_run_it(name: str) -> None:
    docstring = ast.get_docstring(ast.parse((EXAMPLES / name).read_text(encoding="utf-8")))
    assert docstring, f"{name} has no module docstring"
    if not name.startswith("_"):
        assert "Run" in docstring and f"examples/{name}" in docstring, name


@pytest.mark.parametrize("name", [n for n in ALL_EXAMPLES if not n.startswith(("_", "test_"))])
def test_every_script_answers_help_and_takes_no_pin_option(name: str) -> None:
    done = example(name, "--help")
    assert "--pin" not in done.stdout  # PINs never come from the command line
    if name in CARD_EXAMPLES:
        assert "--reader NAME" in done.stdout


def test_the_project_test_run_does_not_collect_the_examples() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]


# --- the scripts ------------------------------------------------------------------------------


def test_read_auth_certificate_saves_the_card_certificate_as_pem(tmp_path: Path) -> None:
    done = example("read_auth_certificate.py", "-o", tmp_path / "auth.pem")
    certificate = x509.load_pem_x509_certificate((tmp_path / "auth.pem").read_bytes())
    assert "O=JPKI-SIM" in certificate.issuer.rfc4514_string()
    assert "issuer class: simulated" in done.stdout
    assert "never trust it" in done.stdout
    jpki("--sim", "cert", "read", "auth", "--format", "der", "-o", tmp_path / "auth.der")
    assert certificate.public_bytes(Encoding.DER) == (tmp_path / "auth.der").read_bytes()


def test_pin_counters_are_those_of_jpki_pin_status() -> None:
    counters = json.loads(example("pin_counters.py", "--json").stdout)
    assert counters == json.loads(jpki("--sim", "pin", "status", "--json").stdout)
    assert {kind: value["remaining"] for kind, value in counters.items()} == {
        "auth": 3,
        "sign": 5,
        "card_info": 3,
        "juki": 3,
    }


def test_pin_counters_show_a_blocked_pin_and_a_last_try_without_spending_one() -> None:
    done = example("pin_counters.py", "--profile", "blocked", "--trace")
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["auth", "1/3", "LAST"]
    assert lines[1].split()[:3] == ["sign", "0/5", "BLOCKED"]
    assert "no try was spent" in done.stdout
    # Only counter queries (VERIFY without data, 4 bytes) were sent.
    commands = [
        line.split(" > ", 1)[1].split() for line in done.stderr.splitlines() if " > " in line
    ]
    verifies = [command for command in commands if command[:2] == ["00", "20"]]
    assert len(verifies) == 4 and all(len(command) == 4 for command in verifies)


def test_sign_and_verify_uses_the_documented_simulator_pin_and_openssl_agrees(
    tmp_path: Path,
) -> None:
    message = tmp_path / "message.txt"
    message.write_text("signed by a simulated card\n", encoding="utf-8")
    signature = tmp_path / "message.sig"
    certificate = tmp_path / "signer.pem"
    done = example("sign_and_verify.py", message, "-o", signature, "--cert", certificate)
    assert "JPKI_AUTH_PIN is not set" in done.stderr and "(1234)" in done.stderr
    assert "verified;" in done.stdout and "openssl dgst -sha256 -verify" in done.stdout
    assert len(signature.read_bytes()) == 256
    public_key = tmp_path / "signer-key.pem"
    with public_key.open("w") as out:
        subprocess.run(
            [openssl(), "x509", "-in", certificate, "-pubkey", "-noout"], stdout=out, check=True
        )
    verify = [openssl(), "dgst", "-sha256", "-verify", public_key, "-signature", signature]
    assert "Verified OK" in run([*verify, message]).stdout
    message.write_text("changed\n", encoding="utf-8")
    assert run([*verify, message], expect=None).returncode != 0


def test_sign_and_verify_with_a_wrong_pin_spends_one_try_and_writes_nothing(
    tmp_path: Path,
) -> None:
    message = tmp_path / "message.txt"
    message.write_text("x", encoding="utf-8")
    done = example("sign_and_verify.py", message, env=environment(JPKI_AUTH_PIN="9999"), expect=1)
    assert "wrong PIN: 2 tries left" in done.stderr
    assert "not set" not in done.stderr  # the PIN came from the environment
    assert not (tmp_path / "message.txt.sig").exists()


def test_cms_signature_is_accepted_by_openssl_cms_verify(tmp_path: Path) -> None:
    content = tmp_path / "document.txt"
    content.write_text("a document\n", encoding="utf-8")
    cms = tmp_path / "document.p7s"
    done = example("cms_signature.py", content, "-o", cms)
    # The command the example prints, exactly.
    printed = [line.strip() for line in done.stdout.splitlines() if "openssl cms" in line]
    assert len(printed) == 1
    command = shlex.split(printed[0])
    assert command[:6] == ["openssl", "cms", "-verify", "-binary", "-inform", "DER"]
    assert "Verification successful" in run([openssl(), *command[1:]]).stderr
    # And with the auth CA as the jpki command reads it from the same (simulated) card.
    ca = tmp_path / "auth-ca.pem"
    jpki("--sim", "cert", "read", "auth-ca", "-o", ca)
    verify = [openssl(), "cms", "-verify", "-binary", "-inform", "DER", "-in", cms]
    verify += ["-purpose", "any", "-CAfile", ca, "-out", os.devnull, "-content"]
    assert "Verification successful" in run([*verify, content]).stderr
    content.write_text("a changed document\n", encoding="utf-8")
    assert run([*verify, content], expect=None).returncode != 0


def test_cms_signature_with_the_signature_key(tmp_path: Path) -> None:
    content = tmp_path / "document.txt"
    content.write_text("signed with the signature key\n", encoding="utf-8")
    env = environment(JPKI_SIGN_PIN="ABCD1234")
    done = example("cms_signature.py", content, "--key", "sign", env=env)
    assert "not set" not in done.stderr
    assert "JPKI for digital signature" in done.stdout
    result = json.loads(jpki("verify", content, f"{content}.p7s", "--json").stdout)
    assert result["valid"] is True and result["signer"]["kind"] == "sign"


def test_sign_pdf_is_accepted_by_pdfsig_and_jpki_pdf_verify(tmp_path: Path) -> None:
    pdfsig = shutil.which("pdfsig")
    assert pdfsig is not None, "pdfsig is installed by scripts/bootstrap (poppler-utils)"
    signed = tmp_path / "signed.pdf"
    done = example("sign_pdf.py", "-o", signed, "--text", "署名 番号花子")
    assert "check: valid" in done.stdout and "PAdES B-B" in done.stdout
    report = run([pdfsig, signed]).stdout
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    trust = tmp_path / "trust"
    trust.mkdir()
    jpki("--sim", "cert", "read", "sign-ca", "-o", trust / "sign-ca.pem")
    verified = jpki("pdf", "verify", signed, "--trust", trust, "--allow-non-production")
    assert "Result: valid" in verified.stdout
    wrong = example(
        "sign_pdf.py", "-o", tmp_path / "wrong.pdf", env=environment(JPKI_SIGN_PIN="WRONG999"),
        expect=1,
    )  # fmt: skip
    assert "incorrect" in wrong.stderr and not (tmp_path / "wrong.pdf").exists()


def test_card_info_masks_the_my_number_unless_asked(tmp_path: Path) -> None:
    info = json.loads(
        jpki("--sim", "info", "--json", env=environment(JPKI_CARD_INFO_PIN="1234")).stdout
    )
    number = info["my_number"]
    masked = example("card_info.py")
    assert number not in masked.stdout
    assert f"My Number:  {'*' * 8}{number[-4:]}" in masked.stdout
    assert info["name"] in masked.stdout and info["address"] in masked.stdout
    shown = example("card_info.py", "--show")
    assert f"My Number:  {number}" in shown.stdout


def _expiry_rows(*args: str) -> dict[str, dict[str, str]]:
    done = example("expiry_from_csv.py", EXAMPLES / "residents.csv", "--today", "2026-11-22", *args)
    return {row["name"]: row for row in csv.DictReader(io.StringIO(done.stdout))}


def test_expiry_from_csv_computes_every_resident() -> None:
    rows = _expiry_rows()
    # RULES.md section 1: born 1980-10-10, card issued 2020-05-15 -> 2029-10-10.
    assert rows["見本\u3000太郎"]["card_expiry"] == "2029-10-10"
    # Issued the day before the birthday: one birthday less (RULES.md section 1).
    assert rows["見本\u3000花子"]["card_expiry"] == "2034-05-15"
    leap = rows["見本\u3000閏"]
    assert (leap["card_expiry"], leap["auth_cert_expiry"]) == ("2035-02-28", "2030-02-28")
    assert leap["unconfirmed"] == "feb29"
    foreign = rows["GARCIA\u3000MARIA"]
    assert {foreign[f"{item}_expiry"] for item in ("card", "auth_cert", "sign_cert")} == {
        "2027-01-31"
    }
    assert foreign["card_state"] == "renewable" and foreign["card_renewal_from"] == "2026-11-01"
    # J-LIS received the application before 2022-04-01: threshold 20, so the 5th birthday.
    assert rows["見本\u3000健"]["card_expiry"] == "2026-06-10"
    assert rows["見本\u3000健"]["card_state"] == "expired"
    assert rows["見本\u3000若葉"]["unconfirmed"] == "application_receipt_unknown"
    assert rows["見本\u3000明日香"]["unconfirmed"] == "age_counting"
    child = rows["見本\u3000さくら"]
    assert (child["sign_cert_expiry"], child["sign_cert_state"]) == (
        "not issued (under_15)",
        "not_issued",
    )
    assert "before the birth date" in rows["見本\u3000入力誤り"]["error"]
    assert all(not row["error"] for name, row in rows.items() if name != "見本\u3000入力誤り")


def test_expiry_from_csv_agrees_with_jpki_expiry() -> None:
    rows = _expiry_rows()
    expected = json.loads(
        jpki(
            "expiry",
            "--birth",
            "2000-02-29",
            "--card-issued",
            "2025-06-01",
            "--today",
            "2026-11-22",
            "--json",
        ).stdout
    )
    leap = rows["見本\u3000閏"]
    for key in ("card_expiry", "auth_cert_renewal_from", "sign_cert_expiry"):
        assert leap[key] == expected[key], key


def test_expiry_from_csv_table_and_output_file(tmp_path: Path) -> None:
    table = example(
        "expiry_from_csv.py", EXAMPLES / "residents.csv", "--today", "2026-11-22", "--table"
    )
    assert table.stdout.startswith("as of 2026-11-22\nname ")
    assert "見本\u3000入力誤り: the card issue date" in table.stdout
    out = tmp_path / "expiry.csv"
    example("expiry_from_csv.py", EXAMPLES / "residents.csv", "--today", "2026-11-22", "-o", out)
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("name,card_expiry,")


def test_the_pytest_example_passes_under_its_own_pytest() -> None:
    done = run(
        [sys.executable, "-m", "pytest", "examples/test_with_simulator.py", "-q"]
        + ["-p", "no:cacheprovider"]
    )
    assert re.search(r"\b9 passed\b", done.stdout), describe(done)


def test_serve_gives_up_with_status_1_when_pcscd_never_connects() -> None:
    # Port 1 on the loopback: nothing listens, as when pcscd (or vpcd) is missing.
    done = example("serve_simulated_card.py", "--port", "1", "--seconds", "1", expect=1)
    assert "pcscd never connected" in done.stderr


# --- the served card, through the real pcscd ------------------------------------------------


def _stack_problem() -> str | None:
    """Why the served-card test cannot run here, or None."""
    try:
        import smartcard  # noqa: F401 - only checking that pyscard is installed
    except ImportError:
        return "pyscard is not installed"
    from apdu.errors import PcscUnavailableError
    from apdu.pcsc import list_readers

    try:
        readers = {reader.name: reader for reader in list_readers()}
    except PcscUnavailableError as exc:
        return f"pcscd is not running ({exc})"
    if SERVE_READER not in readers:
        return f"pcscd does not list '{SERVE_READER}' (is vsmartcard-vpcd installed?)"
    if readers[SERVE_READER].card_present:
        return f"'{SERVE_READER}' already holds a card (another simulator is serving it)"
    return None


@pytest.fixture
def vpcd_reader() -> str:
    """The free vpcd reader; skip without the PC/SC stack, or fail if it is required."""
    problem = _stack_problem()
    if problem is not None:
        how = "run through scripts/pcscd-session with pcscd and vsmartcard-vpcd installed"
        if os.environ.get("JPKI_REQUIRE_PCSC", "") == "1":
            pytest.fail(f"JPKI_REQUIRE_PCSC=1 but {problem}", pytrace=False)
        pytest.skip(f"{problem}; {how}")
    return SERVE_READER


@contextlib.contextmanager
def serving(*args: str) -> Iterator[subprocess.Popen[str]]:
    """``serve_simulated_card.py ARGS`` running; killed at the end if it is still there."""
    command = [sys.executable, str(EXAMPLES / "serve_simulated_card.py"), *args]
    process = start_process(
        command,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _wait_for_card(reader: str, process: subprocess.Popen[str]) -> None:
    from apdu.errors import NoCardError
    from apdu.pcsc import wait_for_card

    deadline = time.monotonic() + 20
    while True:
        try:
            wait_for_card(reader, 0.5)
            return
        except NoCardError:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"the example exited with {process.returncode}:\n{out}{err}")
            if time.monotonic() > deadline:
                pytest.fail(f"no card appeared in '{reader}'")


@pytest.mark.pcsc
def test_serve_simulated_card_puts_the_card_in_a_pcsc_reader(
    vpcd_reader: str, tmp_path: Path
) -> None:
    from apdu.pcsc import wait_for_card_removal

    with serving("--profile", "blocked", "--port", str(SERVE_PORT), "--seconds", "60") as process:
        _wait_for_card(vpcd_reader, process)
        pins = json.loads(jpki("--reader", vpcd_reader, "pin", "status", "--json").stdout)
        assert (pins["auth"]["remaining"], pins["sign"]["blocked"]) == (1, True)
        # The examples' --reader path, through pcscd: the same counters, and the guard.
        counters = example("pin_counters.py", "--reader", vpcd_reader, "--json")
        assert json.loads(counters.stdout) == pins
        message = tmp_path / "message.txt"
        message.write_text("x", encoding="utf-8")
        refused = example(
            "sign_and_verify.py",
            message,
            "--reader",
            vpcd_reader,
            env=environment(JPKI_AUTH_PIN="1234"),
            expect=1,
        )
        assert "not sent:" in refused.stderr and "1 try left" in refused.stderr
        again = example("pin_counters.py", "--reader", vpcd_reader, "--json")
        assert json.loads(again.stdout) == pins  # the refused PIN spent nothing
        process.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0, f"{out}{err}"
    assert f"the card is in '{vpcd_reader}'" in out
    assert f"pkcs15-tool --reader '{vpcd_reader}' --list-pins" in out
    assert "stopped after" in out
    assert wait_for_card_removal(vpcd_reader, 10), "pcscd still sees the card"


@pytest.mark.pcsc
def test_serve_simulated_card_stops_by_itself(vpcd_reader: str) -> None:
    from apdu.pcsc import wait_for_card_removal

    with serving("--port", str(SERVE_PORT), "--seconds", "6") as process:
        _wait_for_card(vpcd_reader, process)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0, f"{out}{err}"
    assert "stopped after" in out
    assert wait_for_card_removal(vpcd_reader, 10), "pcscd still sees the card"


# --- the documentation --------------------------------------------------------------------------

_FENCE = re.compile(r"^ *```(\w*)\n(.*?)^ *```", re.DOTALL | re.MULTILINE)


def _blocks(path: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of a Markdown file: (language, text)."""
    return _FENCE.findall(path.read_text(encoding="utf-8"))


def test_the_readme_library_example_runs_as_printed() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    marker = text.index("<!-- tested: the library example -->")
    language, code = _FENCE.findall(text[marker:])[0]
    assert language == "python"
    assert len(code.strip().splitlines()) <= 12
    done = run([sys.executable, "-c", code])
    assert "valid until 2029-04-12" in done.stdout
    assert "{'auth': 3, 'sign': 5, 'card-info': 3, 'juki': 3}" in done.stdout


def _standalone_python() -> list[tuple[str, str]]:
    """The docs' Python blocks that run on their own: imports first, no reader needed."""
    blocks = []
    for path in DOCS:
        for language, code in _blocks(path):
            first = code.lstrip().split(" ", 1)[0]
            if language == "python" and first in ("from", "import") and "open_reader(" not in code:
                blocks.append((path.name, code))
    return blocks


@pytest.mark.parametrize(("doc", "code"), _standalone_python())
def test_standalone_python_in_the_docs_runs(doc: str, code: str) -> None:
    run([sys.executable, "-c", code])


def _console_samples() -> list[tuple[str, str, str]]:
    """(file, command, expected stdout) of the documented ``$ jpki`` samples that need no reader."""
    samples = []
    for path in DOCS:
        for language, text in _blocks(path):
            lines = text.rstrip("\n").split("\n")
            if language != "console" or not lines[0].startswith("$ jpki ") or len(lines) < 2:
                continue
            argv = shlex.split(lines[0][2:])[1:]
            if "--sim" in argv or argv[:1] in (["expiry"], ["sim"]):  # no reader needed
                samples.append((path.name, lines[0][2:], "\n".join(lines[1:])))
    return samples


@pytest.mark.parametrize(("doc", "command", "expected"), _console_samples())
def test_documented_outputs_are_what_jpki_prints(doc: str, command: str, expected: str) -> None:
    done = jpki(*shlex.split(command)[1:], expect=None)
    printed = "\n".join(line.rstrip() for line in done.stdout.rstrip("\n").split("\n"))
    assert printed == "\n".join(line.rstrip() for line in expected.split("\n")), command


def test_there_are_documented_outputs() -> None:
    assert len(_console_samples()) >= 4


_SHELL_WORDS = {"|", "||", "&", "&&", ";", ">", ">>", "<", "2>", "2>&1"}
_PREFIXES = (["jpki"], ["python", "-m", "jpki"], [".venv/bin/jpki"], ["python3", "-m", "jpki"])


def _segments(words: list[str]) -> Iterator[list[str]]:
    """The simple commands of a shell line: split at pipes, lists and redirections."""
    segment: list[str] = []
    for word in words:
        if word in _SHELL_WORDS:
            yield segment
            segment = []
        else:
            segment.append(word)
    yield segment


def _command_lines() -> list[tuple[str, list[str]]]:
    """Every ``jpki`` / ``python -m jpki`` / ``scripts/diagnose`` command in the docs' code."""
    found = []
    for path in DOCS:
        for language, text in _blocks(path):
            if language not in ("sh", "console", "bash", ""):
                continue
            for line in text.replace("\\\n", " ").splitlines():  # join continued lines
                if language == "console" and not line.startswith("$ "):
                    continue  # output
                try:
                    words = shlex.split(line.removeprefix("$ "), comments=True)
                except ValueError:
                    continue  # a line of a multi-line quoted script: its own lines are checked
                for segment in _segments(words):
                    while segment and re.fullmatch(r"[A-Z_]+=\S*", segment[0]):
                        segment = segment[1:]  # VARIABLE=value before the command
                    where = f"{path.name}: {line.strip()}"
                    for prefix in _PREFIXES:
                        if segment[: len(prefix)] == prefix:
                            found.append((where, segment[len(prefix) :]))
                    if segment[:1] == ["scripts/diagnose"]:
                        found.append((where, ["diagnose", *segment[1:]]))
    return found


def test_every_documented_jpki_command_line_parses() -> None:
    from jpki.cli.main import build_parser

    lines = _command_lines()
    assert len(lines) >= 30
    failures = []
    for where, argv in lines:
        stderr = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            try:
                build_parser(argv).parse_args(argv)
            except SystemExit as exc:
                if exc.code not in (0, None):
                    failures.append(f"{where}\n    {stderr.getvalue().strip()}")
    assert not failures, "\n".join(failures)


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_links_in_the_documentation_resolve(doc: Path) -> None:
    text = _FENCE.sub("", doc.read_text(encoding="utf-8"))
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{doc.name}: {broken}"
