"""End-to-end fixtures: the real pcscd with the vsmartcard vpcd readers, and served cards.

The tests here need ``pcscd`` running with the ``vsmartcard-vpcd`` driver (readers
``Virtual PCD 00 00`` and ``Virtual PCD 00 01``). Without them the tests are skipped, or fail
when ``JPKI_REQUIRE_PCSC=1`` (CI sets it so that a broken stack cannot pass silently).
A served card is a ``python -m jpki sim serve`` subprocess; readiness and removal are read
from pcscd (``SCardGetStatusChange``), never guessed with sleeps.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

from bench.procs import start_process

REPO = Path(__file__).resolve().parents[2]

#: The vpcd slots of Debian's reader configuration: port -> PC/SC reader name.
VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}

_HOW_TO_ENABLE = (
    "install pcscd and vsmartcard-vpcd (apt-get install pcscd vsmartcard-vpcd) and pyscard, "
    "then run the tests through scripts/pcscd-session "
    "(e.g. scripts/pcscd-session python -m pytest tests/e2e)"
)
_START_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0


def pcsc_required() -> bool:
    """Whether a missing PC/SC stack is a failure (``JPKI_REQUIRE_PCSC=1``) rather than a skip."""
    return os.environ.get("JPKI_REQUIRE_PCSC", "") == "1"


def stack_unavailable(reason: str) -> None:
    """Skip the test, or fail it when the PC/SC stack is required."""
    message = f"{reason}; {_HOW_TO_ENABLE}"
    if pcsc_required():
        pytest.fail(f"JPKI_REQUIRE_PCSC=1 but {message}", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class PcscStack:
    """The running PC/SC stack: the reader names pcscd lists."""

    readers: tuple[str, ...]


@pytest.fixture(scope="session")
def pcsc_stack() -> PcscStack:
    """pcscd is running and lists both vpcd readers (else skip, or fail if required)."""
    try:
        import smartcard  # noqa: F401 - only checking that pyscard is installed
    except ImportError:
        stack_unavailable("pyscard is not installed")
    from apdu.errors import PcscUnavailableError
    from apdu.pcsc import list_readers

    try:
        readers = list_readers()
    except PcscUnavailableError as exc:
        stack_unavailable(str(exc))
    names = tuple(reader.name for reader in readers)
    missing = [name for name in VPCD_READERS.values() if name not in names]
    if missing:
        stack_unavailable(
            f"pcscd does not list the vpcd readers {missing} (readers: {list(names)})"
        )
    return PcscStack(names)


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@dataclass
class ServedCard:
    """A ``jpki sim serve`` subprocess feeding one vpcd reader."""

    reader: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    stopped: bool = field(default=False)

    def output(self) -> str:
        """What the serving process wrote to stderr so far."""
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the process (SIGTERM), check it exited cleanly and pcscd saw the card go."""
        if self.stopped:
            return
        self.stopped = True
        from apdu.pcsc import wait_for_card_removal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"'jpki sim serve' ignored SIGTERM:\n{self.output()}")
        assert code == 0, f"'jpki sim serve' exited with {code}:\n{self.output()}"
        assert wait_for_card_removal(self.reader, _STOP_TIMEOUT), (
            f"pcscd still sees a card in '{self.reader}' after the simulator stopped"
        )


ServeCard = Callable[..., ServedCard]


@pytest.fixture
def served_card(pcsc_stack: PcscStack, tmp_path: Path) -> Iterator[ServeCard]:
    """Start ``python -m jpki sim serve`` on a vpcd port; returns the running card.

    Call it as ``served_card(port=35963, echo=True)`` (or ``profile=...``, ``card=...``,
    ``atr=HEX``, ``remove_after=N``, ``reader_profile=NAME``, ``sign_delay_ms=N``). It
    returns once pcscd reports the card present in the
    port's reader (unless ``wait_present=False``). At teardown every card still served is
    stopped and its reader checked empty.
    """
    from apdu.errors import NoCardError
    from apdu.pcsc import list_readers, wait_for_card

    started: list[ServedCard] = []

    def serve(
        port: int = 35963,
        *,
        echo: bool = False,
        profile: str | None = None,
        card: str | Path | None = None,
        atr: str | None = None,
        remove_after: int | None = None,
        reader_profile: str | None = None,
        sign_delay_ms: int | None = None,
        wait_present: bool = True,
    ) -> ServedCard:
        reader = VPCD_READERS[port]
        busy = [r for r in list_readers() if r.name == reader and r.card_present]
        assert not busy, f"'{reader}' already holds a card: is another simulator serving it?"
        command = [sys.executable, "-m", "jpki", "sim", "serve", "--port", str(port)]
        if echo:
            command.append("--echo")
        if profile is not None:
            command += ["--profile", profile]
        if card is not None:
            command += ["--card", str(card)]
        if atr is not None:
            command += ["--atr", atr]
        if remove_after is not None:
            command += ["--remove-after", str(remove_after)]
        if reader_profile is not None:
            command += ["--reader-profile", reader_profile]
        if sign_delay_ms is not None:
            command += ["--sign-delay-ms", str(sign_delay_ms)]
        log = tmp_path / f"serve-{port}-{len(started)}.log"
        with log.open("wb") as stderr:
            process = start_process(command, env=_subprocess_env(), stderr=stderr)
        served = ServedCard(reader, port, process, log)
        started.append(served)
        if not wait_present:
            return served
        # Wait in pcscd (SCardGetStatusChange) in short slices, to notice an early exit.
        remaining = int(_START_TIMEOUT / 0.5)
        while True:
            try:
                wait_for_card(reader, 0.5)
            except NoCardError:
                if process.poll() is not None:
                    pytest.fail(
                        f"'jpki sim serve' exited with {process.returncode}:\n{served.output()}"
                    )
                remaining -= 1
                if remaining <= 0:
                    pytest.fail(f"no card appeared in '{reader}':\n{served.output()}")
                continue
            return served

    yield serve
    failures: list[BaseException] = []
    for served in started:
        try:
            served.stop()
        except BaseException as exc:  # stop every card before reporting the first failure
            failures.append(exc)
    if failures:
        raise failures[0]


# --- programs: jpki as a subprocess, OpenSC, pcsc-tools, openssl ---------------------------
# Used by test_cli_pcsc.py, test_opensc_interop.py and test_pcsc_tools.py.


@pytest.fixture(scope="session")
def tools() -> ModuleType:
    """The helper module ``tests/e2e/tools.py`` (this folder is no package, so load it by path)."""
    name = "jpki_e2e_tools"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("tools.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being created
        spec.loader.exec_module(module)
    return module


#: Debian package of each external program the tests run.
_PROGRAM_PACKAGES = {
    "opensc-tool": "opensc",
    "pkcs15-tool": "opensc",
    "pkcs11-tool": "opensc",
    "pcsc_scan": "pcsc-tools",
    "scriptor": "pcsc-tools",
    "openssl": "openssl",
}


def _not_installed(message: str) -> NoReturn:
    """Skip the test, or fail it when the PC/SC stack is required (it includes the tools)."""
    if pcsc_required():
        pytest.fail(f"JPKI_REQUIRE_PCSC=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_program(pcsc_stack: PcscStack) -> Callable[[str], str]:
    """``require_program(NAME)``: the program's path; skip (or fail if required) when missing."""

    def require(name: str) -> str:
        path = shutil.which(name)
        if path is None:
            _not_installed(f"'{name}' is not installed (apt-get install {_PROGRAM_PACKAGES[name]})")
        return path

    return require


@pytest.fixture(scope="session")
def opensc_pkcs11_module(pcsc_stack: PcscStack, tools: ModuleType) -> Path:
    """OpenSC's PKCS#11 module; skip (or fail if required) when it is not installed."""
    module: Path | None = tools.pkcs11_module()
    if module is None:
        _not_installed("opensc-pkcs11.so is not installed (apt-get install opensc-pkcs11)")
    return module
