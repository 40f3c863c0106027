"""Reading the small files a user points the toolkit at (certificates, configurations)."""

from __future__ import annotations

import os
from collections.abc import Callable

from apdu.errors import ToolkitError

__all__ = ["read_limited"]


def read_limited(
    path: str | os.PathLike[str], limit: int, error: Callable[[str], ToolkitError]
) -> bytes:
    """The bytes of *path*, refusing a file larger than *limit* (a wrong path, not data).

    :param error: makes the exception to raise from a one-line message that names the file.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {name}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise error(f"{name} is larger than {limit} bytes")
    return data
