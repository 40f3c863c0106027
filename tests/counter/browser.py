"""The real-browser harness: the ``jpki counter`` command through pcscd, simulated cards served
to pcscd's vpcd readers, and one headless Chromium driven by Selenium."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.procs import start_process

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "counter"
"""Screenshots and PDFs the browser tests keep (named in the README; not committed)."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}
#: Bounds on waits for other processes (they end as soon as the thing happens).
START = 30.0
STOP = 15.0


def unavailable(reason: str) -> None:
    """Skip, or fail when the PC/SC stack is required (``JPKI_REQUIRE_PCSC=1``, as in CI)."""
    if os.environ.get("JPKI_REQUIRE_PCSC", "") == "1":
        pytest.fail(f"JPKI_REQUIRE_PCSC=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def subprocess_env(home: Path | None = None) -> dict[str, str]:
    """The environment of the programs the tests start (the checkout on the path)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if home is not None:
        env["HOME"] = str(home)
        env["TMPDIR"] = str(home)
    return env


@dataclass
class ServedCard:
    """A ``jpki sim serve`` process feeding one vpcd reader."""

    reader: str
    process: subprocess.Popen[bytes]

    def take_away(self) -> None:
        """Stop serving (the card leaves the reader) and wait until pcscd has seen it go."""
        from apdu.pcsc import wait_for_card_removal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=STOP)
        assert wait_for_card_removal(self.reader, STOP), f"a card stayed in {self.reader}"


def serve_card(profile: str, port: int = 35963) -> ServedCard:
    """Put a simulated card of *profile* into the vpcd reader of *port*."""
    from apdu.pcsc import wait_for_card

    process = start_process(
        [sys.executable, "-m", "jpki", "sim", "serve", "--profile", profile, "--port", str(port)],
        env=subprocess_env(),
    )
    served = ServedCard(VPCD_READERS[port], process)
    wait_for_card(served.reader, START)
    return served


@dataclass
class CounterServer:
    """``jpki counter`` run as a user runs it, its stderr kept for the log checks."""

    process: subprocess.Popen[str]
    url: str
    home: Path
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        """Everything the server wrote to stderr so far."""
        return "".join(self.lines)

    def stop(self) -> int:
        """Interrupt it as Ctrl-C does; its exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP)


def start_counter(home: Path, *extra: str) -> CounterServer:
    """Start ``python -m jpki --debug counter`` in *home* (its working and home directory)."""
    process = start_process(
        [
            sys.executable,
            "-m",
            "jpki",
            "--debug",
            "counter",
            "--port",
            "0",
            "--today",
            "2026-11-22",
            "--lang",
            "ja",
            *extra,
        ],
        cwd=home,
        env=subprocess_env(home),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    url = ""
    for line in process.stderr:
        lines.append(line)
        if "http://127.0.0.1:" in line:
            url = line[line.index("http://") :].split()[0].rstrip("/（(")
            break
    if not url:
        process.wait(timeout=STOP)
        pytest.fail(f"jpki counter did not start:\n{''.join(lines)}")
    server = CounterServer(process, url, home, lines)
    stream = process.stderr

    def drain() -> None:
        for line in stream:
            lines.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return server


def new_browser() -> object:
    """Headless Chromium (Debian's) through chromedriver, with the console log kept."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        unavailable("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1300",
        "--lang=ja",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def poppler(program: str) -> str:
    """The path of a poppler-utils program, or skip/fail."""
    found = shutil.which(program)
    if found is None:
        unavailable(f"{program} (poppler-utils) is not installed")
    assert found is not None
    return found
