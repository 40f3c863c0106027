"""Writing a file so that a crash never leaves it half-written.

The data goes to a temporary file in the same directory, is flushed to disk, and only then
replaces the target in one rename; the directory is synced so the rename survives a crash.
The temporary file is created with mode 0600 (it may hold PINs or personal data).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_writer", "write_atomically"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces *path* when the block ends.

    If the block raises, the target is untouched and the temporary file is removed.
    """
    target = Path(path)
    directory = target.parent
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        # Name the file the user asked for, not the temporary one beside it.
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace *path* with *data* atomically."""
    with atomic_writer(path) as handle:
        handle.write(data)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
