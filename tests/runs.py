"""What tests share about running ``jpki``: the outcome of an in-process run, and how a
subprocess that a test interrupts is started."""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from typing import Any


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
