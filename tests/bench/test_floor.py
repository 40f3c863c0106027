"""The floor comparison of ``python -m bench``: its verdicts, and that the floor script really
does what jpki did on the card. No timing is asserted: the figures below are made up, and the
runs through pcscd check APDUs and answers, not how long they took."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.apdus import default_card
from bench.floor import (
    BOUND_LABELS,
    COMMANDS,
    FLOOR_PARSE_SCRIPT,
    FLOOR_SCRIPT,
    FloorFigure,
    FloorResult,
    FloorSuite,
    measure_floor,
    served_card,
)
from bench.latency import PcscUnavailable, free_vpcd_ports
from bench.procs import REPO, ProcessRun, subprocess_env


def _runs(cpu_ms: float, returncode: int = 0) -> tuple[ProcessRun, ...]:
    return tuple(ProcessRun(cpu_ms / 500, cpu_ms / 1000, returncode) for _ in range(3))


def _figure(key: str, toolkit_ms: float, floor_ms: float, returncode: int = 0) -> FloorFigure:
    command = next(c for c in COMMANDS if c.key == key)
    return FloorFigure(
        key,
        command.label,
        "floor",
        7,
        command.target,
        _runs(toolkit_ms, returncode),
        _runs(floor_ms),
    )


def test_every_command_of_the_issue_has_its_target() -> None:
    targets = {c.key: c.target for c in COMMANDS}
    assert targets == {
        "pin_status": 1.5,
        "cert_read": 1.5,
        "status": 1.5,
        "sign_raw": None,
        "diagnose": 2.0,
        "sim_diagnose": 3.0,
        "help": 1.5,
    }


def test_verdicts_follow_the_cpu_ratio_and_the_exit_status() -> None:
    suite = FloorSuite(
        "checkout",
        "test",
        (
            _figure("pin_status", 60, 40),  # 1.5x: at the target
            _figure("status", 61, 40),  # 1.525x: over
            _figure("diagnose", 60, 40, returncode=1),  # fast, but it failed
            _figure("sign_raw", 400, 40),  # not judged
        ),
    )
    baseline = FloorSuite("abc123 checkout", "test", (_figure("pin_status", 400, 40),))
    result = FloorResult("reader", (suite, baseline))
    verdicts = {t.key: t.passed for t in result.targets()}  # the baseline is not judged
    assert verdicts == {
        "floor_pin_status_checkout": True,
        "floor_status_checkout": False,
        "floor_diagnose_checkout": False,
    }
    assert result.to_json()["checkout"]["pin_status"]["cpu_ratio"] == 1.5
    lines = result.lines()
    assert any("sign auth (raw)" in line for line in lines)
    assert "abc123 checkout -> checkout: median CPU of jpki, same rounds" in [
        line.strip() for line in lines
    ]


def test_the_lower_bounds_are_shown_next_to_the_same_floor() -> None:
    figure = _figure("status", 90, 40)
    bounded = FloorFigure(
        figure.key, figure.label, figure.floor_label, figure.apdus, figure.target,
        figure.toolkit, figure.floor, {"cryptography": _runs(70), "asn1crypto": _runs(50)},
    )  # fmt: skip
    result = FloorResult("reader", (FloorSuite("installed", "test", (bounded,)),))
    rows = [line.split() for line in result.lines() if "x509 parse" in line]
    assert [(row[-4], *row[-2:]) for row in rows] == [
        ("40.0", "1.75x", "1.5x"),
        ("40.0", "1.25x", "1.5x"),
    ]
    bounds = result.to_json()["installed"]["status"]["bounds"]
    assert bounds["cryptography"] == {
        "label": BOUND_LABELS["cryptography"],
        "cpu_ms": 70.0,
        "cpu_ratio": 1.75,
    }
    assert {c.key for c in COMMANDS if c.bounds} == {"status", "diagnose", "sim_diagnose", "help"}


@pytest.fixture(scope="module")
def vpcd_port() -> int:
    """A free vpcd slot of a running pcscd (skip without the stack, unless required)."""
    try:
        return free_vpcd_ports()[0]
    except PcscUnavailable as exc:
        if os.environ.get("JPKI_REQUIRE_PCSC") == "1":
            pytest.fail(f"JPKI_REQUIRE_PCSC=1 but {exc}")
        pytest.skip(f"PC/SC stack not available: {exc}")


@pytest.mark.pcsc
def test_the_floor_script_signs_like_jpki(vpcd_port: int, tmp_path: Path) -> None:
    pin = default_card().data.auth_pin.value
    env = subprocess_env({"JPKI_AUTH_PIN": pin})
    message = tmp_path / "message"
    message.write_bytes(b"floor")
    with served_card(vpcd_port) as (card, reader):
        card.clear_received()
        jpki = subprocess.run(
            [sys.executable, "-m", "jpki", "--reader", reader, "sign", "auth", str(message),
             "-o", str(tmp_path / "sig")],
            cwd=REPO, env=env, capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        assert jpki.returncode == 0, jpki.stderr
        sent = card.received
        assert len(sent) == 4  # SELECT, counter query, VERIFY, SIGN
        assert pin.encode().hex().upper() not in "".join(c.hex().upper() for c in sent)
        commands = tmp_path / "commands"
        commands.write_text("".join(c.hex() + "\n" for c in sent))
        script = tmp_path / "floor.py"
        script.write_text(FLOOR_SCRIPT)
        card.clear_received()
        floor = subprocess.run(
            [sys.executable, str(script), reader, str(commands)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert floor.returncode == 0, floor.stderr
        assert len(card.received) == 4
    data, sw = floor.stdout.split()
    # The last answer is the card's signature: the VERIFY the floor sent carried the right PIN,
    # the same signature as jpki's (PKCS#1 v1.5 is deterministic).
    assert sw == "9000"
    assert bytes.fromhex(data) == (tmp_path / "sig").read_bytes()


@pytest.mark.pcsc
def test_a_short_floor_run_replays_the_same_apdus(vpcd_port: int) -> None:
    commands = [c for c in COMMANDS if c.key in ("pin_status", "help")]
    result = measure_floor(1, installed=False, commands=commands)
    (suite,) = result.suites
    figures = {f.key: f for f in suite.figures}
    assert figures["pin_status"].apdus == 7
    assert figures["help"].apdus == 0
    for figure in figures.values():
        assert figure.exit_statuses == (0,)
        assert len(figure.toolkit) == len(figure.floor) == 1
    assert result.imports["pin status"] == ("jpki", "apdu", "smartcard")


@pytest.mark.pcsc
@pytest.mark.parametrize("library", ["cryptography", "asn1crypto"])
def test_the_parse_bound_reads_and_parses_the_card_s_certificate(
    vpcd_port: int, tmp_path: Path, library: str
) -> None:
    from cryptography import x509

    env = subprocess_env()
    script = tmp_path / "floor_parse.py"
    script.write_text(FLOOR_PARSE_SCRIPT)
    with served_card(vpcd_port) as (card, reader):
        card.clear_received()
        jpki = subprocess.run(
            [sys.executable, "-m", "jpki", "--reader", reader, "status"],
            cwd=REPO, env=env, capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        assert jpki.returncode == 0, jpki.stderr
        sent = card.received
        commands = tmp_path / "commands"
        commands.write_text("".join(c.hex() + "\n" for c in sent))
        der = default_card().data.auth_certificate
        assert der is not None
        card.clear_received()
        from_card = subprocess.run(
            [sys.executable, str(script), library, reader, str(commands)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert from_card.returncode == 0, from_card.stderr
        assert card.received == sent  # the floor's APDUs, then the parse
    certificate_file = tmp_path / "auth.der"
    certificate_file.write_bytes(der)
    from_file = subprocess.run(
        [sys.executable, str(script), library, "-", str(certificate_file)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert from_file.returncode == 0, from_file.stderr
    assert from_card.stdout == from_file.stdout  # the certificate read is the card's, whole
    assert str(x509.load_der_x509_certificate(der).serial_number) in from_card.stdout.split()
