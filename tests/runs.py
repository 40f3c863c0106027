"""What tests share about running ``jpki``: the outcome of an in-process run, how a
subprocess that a test interrupts is started, and code run in a fresh interpreter."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@dataclass
class JpkiRun:
    """The outcome of one in-process ``jpki`` run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.out)


def default_sigint() -> None:
    """``preexec_fn`` of a subprocess a test sends Ctrl-C to.

    Python installs its KeyboardInterrupt handler only when SIGINT is not ignored at start-up,
    and a run started in the background inherits SIGINT ignored: restore the default first.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run *code* (dedented) in a fresh interpreter at the repository's root; it must exit 0."""
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed
