"""What a user meets: a closed stdout, odd -o values, conflicting options, a vpcd nobody runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Jpki = Callable[..., Any]
REPO = Path(__file__).resolve().parents[2]


def run_with_closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``jpki ARGS`` whose stdout is a pipe nobody reads any more (``| head -c0``)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, deterministically
    try:
        return subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "jpki", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            cwd=REPO,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ("--sim", "--lang", "en", "diagnose"),
        ("--sim", "--lang", "en", "cert", "read", "auth"),
        ("--sim", "--lang", "en", "--json", "status"),
        ("--lang", "en", "--help"),
        ("--lang", "en", "sim", "profiles"),
    ],
)
def test_closed_stdout_is_not_success_and_no_traceback(args: tuple[str, ...]) -> None:
    result = run_with_closed_stdout(*args)
    assert result.returncode == 1
    assert result.stderr == (
        "jpki: standard output was closed before everything was written: output lost\n"
    )


@pytest.mark.parametrize("output", ["", "  ", "new-dir/", "{tmp}"])
def test_output_naming_a_directory_or_nothing_is_a_usage_error(
    jpki: Jpki, tmp_path: Path, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = jpki("--sim", "--lang", "en", "cert", "read", "auth", "-o", output.format(tmp=tmp_path))
    assert run.code == 2
    assert run.out == ""
    assert "wrote" not in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_profile_with_card_is_a_usage_error(jpki: Jpki, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    assert jpki("sim", "new", "-o", str(card)).code == 0
    before = card.read_bytes()
    for args in (
        ("--card", str(card), "--profile", "minor", "status"),
        ("--card", str(card), "status", "--profile", "minor"),
    ):
        with pytest.raises(SystemExit) as stopped:
            jpki(*args)
        assert stopped.value.code == 2
    assert card.read_bytes() == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sim_serve_says_what_it_waits_for_and_gives_up(jpki: Jpki) -> None:
    port = _free_port()  # nothing listens there: like no pcscd, or no vpcd driver
    run = jpki("--lang", "en", "sim", "serve", "--port", str(port), "--connect-timeout", "0.3")
    assert run.code == 3
    first, second = run.err.splitlines()
    assert first.startswith(f"waiting for pcscd's vpcd driver to connect on 127.0.0.1:{port}")
    assert "giving up after 0.3 s (--connect-timeout)" in first
    assert second.startswith(f"jpki: nothing took the card on 127.0.0.1:{port} within 0.3 s")


def test_sim_serve_with_a_card_file_releases_it_after_giving_up(jpki: Jpki, tmp_path: Path) -> None:
    from sim.store import lock_card_file

    card = tmp_path / "card.json"
    assert jpki("sim", "new", "-o", str(card)).code == 0
    port = _free_port()
    run = jpki("sim", "serve", "--card", str(card), "--port", str(port), "--connect-timeout", "0.2")
    assert run.code == 3
    lock_card_file(card, timeout=0).release()  # not left locked


def test_connect_timeout_is_checked(jpki: Jpki) -> None:
    with pytest.raises(SystemExit) as stopped:
        jpki("sim", "serve", "--connect-timeout", "soon")
    assert stopped.value.code == 2
