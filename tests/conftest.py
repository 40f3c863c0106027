"""Fixtures shared by every test folder: running ``jpki`` in process, the public test data."""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jpki.cli.main import main
from tests.runs import JpkiRun

if TYPE_CHECKING:
    from sim.factory.pki import SimulatedCa


def pytest_configure(config: pytest.Config) -> None:
    """Keep the simulator's certificate cache inside this run, never in the user's home.

    A clone alone must pass: no test reads anything outside the repository and the run's own
    temporary files. Subprocesses inherit the variable.
    """
    cache = tempfile.mkdtemp(prefix="jpki-test-cache-")
    os.environ["XDG_CACHE_HOME"] = cache
    config.add_cleanup(functools.partial(shutil.rmtree, cache, ignore_errors=True))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """With ``JPKI_NO_SKIP=1`` (set by ``scripts/test``, so in CI) a skipped test fails.

    Everything the suite needs (pcscd, vpcd, OpenSC, pcsc-tools, openssl, pyscard) is
    installed by the test command, so a skip there means something is broken, and a skip must
    never be counted as a pass.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("JPKI_NO_SKIP") == "1":
        report.outcome = "failed"
        report.longrepr = f"skipped, but JPKI_NO_SKIP=1 forbids skips: {report.longrepr}"


@pytest.fixture
def jpki(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., JpkiRun]:
    """Run ``jpki ARGS`` in process; ``stdin=`` feeds standard input."""

    def run(*args: str, stdin: str | None = None) -> JpkiRun:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return JpkiRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def pins_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set PIN environment variables: ``pins_env(auth="1234", sign="ABCD1234")``."""

    def set_pins(**pins: str) -> None:
        for key, value in pins.items():
            monkeypatch.setenv(f"JPKI_{key.upper()}_PIN", value)

    return set_pins


@pytest.fixture(autouse=True)
def _no_pins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start with no PIN variables, whatever the developer's shell has."""
    for name in ("JPKI_AUTH_PIN", "JPKI_SIGN_PIN", "JPKI_CARD_INFO_PIN", "JPKI_JUKI_PIN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def card_file(tmp_path: Path) -> Path:
    """A card file of the ``adult`` profile (full PINs, both certificates) in *tmp_path*."""
    from sim.factory.profiles import build_card_data
    from sim.store import save_card_data

    path = tmp_path / "card.json"
    save_card_data(build_card_data("adult"), path)
    return path


@pytest.fixture(scope="session")
def sim_sign_ca() -> SimulatedCa:
    """The simulated signature CA (``O=JPKI-SIM``); its DER is the same on every build."""
    from sim.factory import pki

    return pki.build_ca(pki.CaKind.SIGN)


@pytest.fixture(scope="session")
def sim_auth_ca() -> SimulatedCa:
    """The simulated user-authentication CA (``O=JPKI-SIM``)."""
    from sim.factory import pki

    return pki.build_ca(pki.CaKind.AUTH)


@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The public real certificates copied into ``tests/data`` (provenance in its README)."""
    return Path(__file__).resolve().parent / "data"
