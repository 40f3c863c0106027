"""What tests of file loaders share: a file with bad contents must be refused clearly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def assert_refused(
    tmp_path: Path,
    content: bytes,
    load: Callable[[Path], object],
    error: type[Exception],
    message: str,
) -> None:
    """Write *content* to a file and load it: *load* must raise *error* matching *message*."""
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        load(path)
