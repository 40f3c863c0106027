"""Writing a file so that a crash never leaves it half-written.

The data goes to a temporary file in the same directory, is flushed to disk, and only then
replaces the target in one rename; the directory is synced so the rename survives a crash.
The temporary file is created with mode 0600 (it may hold personal data) and is removed on
every path out of the writer, Ctrl-C included. Only SIGKILL or a power cut can leave one
behind: :func:`remove_stale_temporaries` deletes those, for a caller that knows no other writer
of the same target is running (e.g. one holding a lock on it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_writer", "remove_stale_temporaries", "write_atomically"]

_SUFFIX = ".tmp"
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")  # what tempfile puts between prefix and suffix


def _prefix(target: Path) -> str:
    return f".{target.name}."


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
        fd, temporary = tempfile.mkstemp(prefix=_prefix(target), suffix=_SUFFIX, dir=directory)
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


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files :func:`atomic_writer` made for *path* and left behind.

    Only names of exactly that shape (``.NAME.xxxxxxxx.tmp``) are touched. The caller must
    know that no writer of *path* is running. Returns the files removed.

    :raises OSError: the directory cannot be listed.
    """
    target = Path(path)
    prefix = _prefix(target)
    removed = []
    for entry in os.scandir(target.parent):
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_SUFFIX)):
            continue
        middle = name[len(prefix) : -len(_SUFFIX)]
        if _RANDOM_PART.fullmatch(middle) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
