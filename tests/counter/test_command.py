"""``jpki counter``: loopback only unless asked, clear usage errors, and what it imports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from jpki.counter.server import explicit_binding, is_loopback, loopback_binding

REPO = Path(__file__).resolve().parents[2]
ANYWHERE = "0.0.0.0"  # noqa: S104 - the address the tests check is refused or warned about


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["LANG"] = "C.UTF-8"
    return env


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_by_default_only_the_loopback_addresses_are_bound() -> None:
    binding = loopback_binding(0)
    try:
        addresses = {sock.getsockname()[0] for sock in binding.sockets}
        expected = {"127.0.0.1", "::1"} if _ipv6_loopback() else {"127.0.0.1"}
        assert addresses == expected
        ports = {sock.getsockname()[1] for sock in binding.sockets}
        assert ports == {binding.port}
        assert f"127.0.0.1:{binding.port}" in binding.hosts
        assert f"localhost:{binding.port}" in binding.hosts
        assert binding.url == f"http://127.0.0.1:{binding.port}/"
    finally:
        binding.close()


def test_loopback_is_told_from_other_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]")
    assert is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback(ANYWHERE) and not is_loopback("192.168.1.10")
    assert not is_loopback("::") and not is_loopback("desk.example")


def test_an_explicit_address_is_the_only_host_accepted() -> None:
    binding = explicit_binding("127.0.0.1", 0)
    try:
        assert binding.hosts == (f"127.0.0.1:{binding.port}",)
    finally:
        binding.close()


def test_a_non_loopback_address_needs_the_explicit_flag() -> None:
    # A subprocess: should the rule be missing, the server would start (and be stopped here).
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "jpki",
                "counter",
                "--sim",
                "--bind",
                ANYWHERE,
                "--port",
                "0",
                "--lang",
                "en",
            ],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"it served on {ANYWHERE} without --allow-remote") from exc
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr and "not a loopback address" in done.stderr


def test_with_the_flag_it_warns_before_serving() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jpki",
            "counter",
            "--sim",
            "--lang",
            "en",
            "--bind",
            ANYWHERE,
            "--allow-remote",
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    lines = []
    try:
        assert process.stderr is not None
        for line in process.stderr:  # up to the address line, which comes last before serving
            lines.append(line)
            if "counter desk is at" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert len(lines) == 2, lines
    warning, serving = lines
    assert warning.startswith(f"Warning: the counter desk listens on {ANYWHERE}")
    assert "other computers on the network can reach it" in warning
    assert serving.startswith(f"The counter desk is at http://{ANYWHERE}:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port: 70000 is not a port number"),
        (["--idle-minutes", "0"], "--idle-minutes: 0.0 is not between"),
        (["--today", "2026-02-30"], "--today: '2026-02-30' is not a valid date"),
        (["--municipality", "/nonexistent/town.json"], "the municipality file cannot be used"),
        (["--profile", "no-such-profile"], "no-such-profile"),
        (["--trace"], "--trace is not available here: an APDU trace holds what the card says"),
    ],
)
def test_bad_options_are_one_line_usage_errors(
    jpki: Callable[..., object], args: list[str], message: str
) -> None:
    run = jpki("counter", "--sim", "--lang", "en", *args)
    assert run.code == 2, run.err  # type: ignore[attr-defined]
    assert message in run.err and "Traceback" not in run.err  # type: ignore[attr-defined]


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=_env(), check=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


WEB = {"starlette", "uvicorn", "jinja2"}


def test_the_base_command_does_not_load_the_web_stack() -> None:
    loaded = _modules_after(
        "from jpki.cli.main import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--sim', 'diagnose', '--today', '2026-11-22'])\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
    )
    assert not WEB & {name.split(".")[0] for name in loaded}


def test_the_desk_logic_loads_neither_the_web_stack_nor_pyscard() -> None:
    loaded = _modules_after(
        "import jpki.counter.desk, jpki.counter.watch, jpki.counter.sources\n"
        "import jpki.counter.form, jpki.counter.timeline, jpki.counter.view\n"
    )
    roots = {name.split(".")[0] for name in loaded}
    assert not (WEB | {"smartcard"}) & roots
