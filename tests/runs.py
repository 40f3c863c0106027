"""What a test sees of one ``jpki`` run made in process: exit status, stdout, stderr."""

from __future__ import annotations

import json
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
