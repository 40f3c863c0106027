"""A simulated card kept in a JSON file: save it, load it, never leave half a file behind.

The file is ``{"format": "jpki-sim-card", "version": 1, "card": {...}}`` where ``card`` is
:meth:`~sim.carddata.CardData.to_dict`. What a card file guarantees (SECURITY.md says the same):

* **PINs are stored as salted hashes** (scrypt, with its salt and parameters beside the hash):
  a file never holds a PIN in clear once written by this toolkit. Older files with clear
  values are still read, and are rewritten hashed the first time they are used.
* **Writes are atomic and durable**: the new content goes to a temporary file (mode 0600,
  same directory), is fsync'd, renamed over the target, and the directory is fsync'd; a
  crash leaves the old file or the new one. A temporary file left by a killed process holds
  hashes only and is removed the next time the card is opened.
* **Symlinks are followed**: a write replaces the file the link points to, never the link.
* **A read-only file is never written**: the write fails with :class:`CardFileError`.
* **One user at a time**: :func:`lock_card_file` takes an exclusive ``flock`` on a lock file
  beside the card (``.NAME.lock``), waiting at most a given time
  (:data:`DEFAULT_LOCK_TIMEOUT`) before :class:`CardInUseError`. On a read-only file system
  (where nobody can write the card) it is read without a lock.
* **Size**: a card file larger than :data:`CARD_FILE_LIMIT` bytes is refused unread.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from apdu.lazylog import LazyLogger
from jpki.atomic import atomic_writer, remove_stale_temporaries
from jpki.errors import InputError
from jpki.texts import Msg
from sim.carddata import CardData
from sim.chip.applets.card_info import CARD_INFO_PIN_TRIES
from sim.chip.applets.jpki import AUTH_PIN_TRIES, SIGN_PASSWORD_TRIES
from sim.chip.applets.juki import JUKI_PIN_TRIES

__all__ = [
    "CARD_FILE_LIMIT",
    "DEFAULT_LOCK_TIMEOUT",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "PIN_MAX_TRIES",
    "CardFileError",
    "CardInUseError",
    "CardLock",
    "card_file_writable",
    "LOCK_TIMEOUT_VARIABLE",
    "load_card_data",
    "lock_card_file",
    "lock_timeout",
    "real_card_path",
    "remove_card_temporaries",
    "save_card_data",
]

logger = LazyLogger(__name__)

FORMAT_NAME = "jpki-sim-card"
"""The ``format`` field of a card file."""

FORMAT_VERSION = 1
"""The ``version`` of the card files this module writes and reads."""

CARD_FILE_LIMIT = 1 << 20
"""The largest card file read (1 MiB; a card with four certificates and keys is ~20 kB)."""

DEFAULT_LOCK_TIMEOUT = 10.0
"""How long (seconds) opening a card file waits for another user of it to finish, unless the
environment variable ``JPKI_CARD_LOCK_TIMEOUT`` names another time."""

LOCK_TIMEOUT_VARIABLE = "JPKI_CARD_LOCK_TIMEOUT"
"""The environment variable that overrides :data:`DEFAULT_LOCK_TIMEOUT` (seconds, >= 0)."""

_LOCK_POLL = 0.05

PIN_MAX_TRIES: Mapping[str, int] = MappingProxyType(
    {
        "auth_pin": AUTH_PIN_TRIES,
        "sign_password": SIGN_PASSWORD_TRIES,
        "card_info_pin": CARD_INFO_PIN_TRIES,
        "juki_pin": JUKI_PIN_TRIES,
    }
)
"""The tries of a fresh PIN, by the :class:`~sim.carddata.CardData` field that holds it."""


class CardFileError(InputError):
    """A card file that cannot be read or written: missing, not JSON, wrong version, invalid.

    :param path: the file.
    :param reason: what is wrong with it.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(Msg("sim.card_file.unusable", path=os.fspath(path), reason=reason))
        self.path = Path(path)
        self.reason = reason


class CardInUseError(CardFileError):
    """Another process holds the card file (it is being used or served).

    :param path: the card file.
    :param waited: how long this process waited for it, in seconds.
    """

    def __init__(self, path: str | os.PathLike[str], waited: float) -> None:
        super().__init__(
            path, f"in use by another program (waited {waited:g} s); try again when it is done"
        )
        self.waited = waited


def real_card_path(path: str | os.PathLike[str]) -> Path:
    """The file *path* names, symlinks followed (what is read, locked and replaced)."""
    return Path(os.path.realpath(path))


@dataclass(eq=False, slots=True)
class CardLock:
    """An exclusive lock on a card file, held until :meth:`release` (or the process ends).

    The lock is an ``flock`` on ``.NAME.lock`` beside the card, not on the card itself: an
    atomic write replaces the card's inode, which would silently drop a lock held on it.

    :param path: the card file this lock is for.
    :param _fd: the open lock file holding the ``flock`` (None: nothing to hold, as on a
        read-only file system).
    """

    path: Path
    _fd: int | None = field(default=None, repr=False)

    def release(self) -> None:
        """Let the next user in; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock

    def __enter__(self) -> CardLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def lock_card_file(path: str | os.PathLike[str], *, timeout: float | None = None) -> CardLock:
    """Take the exclusive lock of the card file *path* (symlinks followed).

    :param timeout: seconds to wait for another user; 0 fails at once; None for
        :func:`lock_timeout`.
    :raises CardInUseError: the card is still in use after *timeout*.
    :raises CardFileError: the lock file cannot be created (e.g. a read-only directory).
    """
    if timeout is None:
        timeout = lock_timeout()
    card = real_card_path(path)
    lock_path = card.with_name(f".{card.name}.lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock_path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.EROFS or not os.access(card.parent, os.W_OK):
            # Nothing can be written there, by this process either: reading needs no lock
            # (writes are atomic), and a PIN try will fail to be recorded, as it must.
            logger.info("card file %s is on a read-only file system; not locked", card)
            return CardLock(card, None)
        raise CardFileError(card, f"cannot lock it: {exc.strerror or exc}") from exc
    deadline = time.monotonic() + max(timeout, 0.0)
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return CardLock(card, fd)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise CardInUseError(card, timeout) from None
            if not told:
                logger.warning("card file %s is in use; waiting up to %g s", card, timeout)
                told = True
            time.sleep(_LOCK_POLL)
        except OSError as exc:
            os.close(fd)
            raise CardFileError(card, f"cannot lock it: {exc.strerror or exc}") from exc
        except BaseException:
            os.close(fd)
            raise


def lock_timeout() -> float:
    """The lock wait in force: ``JPKI_CARD_LOCK_TIMEOUT`` if set and valid, else the default.

    :raises InputError: the variable is set to something that is not a time in seconds.
    """
    text = os.environ.get(LOCK_TIMEOUT_VARIABLE)
    if text is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise InputError(f"{LOCK_TIMEOUT_VARIABLE} must be a number of seconds 0-86400")
    return seconds


def remove_card_temporaries(path: str | os.PathLike[str]) -> None:
    """Delete temporary files a killed writer of the card file *path* left behind.

    Call it with the card's lock held: then no live writer owns such a file.
    """
    with contextlib.suppress(OSError):
        remove_stale_temporaries(real_card_path(path))


def card_file_writable(path: Path) -> bool:
    """Whether the existing file *path* may be replaced: its owner-write bit is set and the
    process may write it (a missing file counts as writable).

    The mode bit is checked as well as :func:`os.access`, so that a file made read-only is
    respected even by a process that could override it (root).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return bool(mode & 0o200) and os.access(path, os.W_OK)


def save_card_data(data: CardData, path: str | os.PathLike[str]) -> None:
    """Write *data* to *path* atomically and durably, every PIN as a salted hash.

    A symlink is followed (the file it points to is replaced). An existing file that is not
    writable (read-only mode or mount) is refused, not replaced.

    :raises CardFileError: the file or its directory cannot be written.
    """
    target = real_card_path(path)
    if not card_file_writable(target):
        raise CardFileError(target, "cannot write it: the file is read-only")
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "card": data.with_hashed_pins().to_dict(),
    }
    try:
        _write_json_atomically(target, document)
    except OSError as exc:
        raise CardFileError(target, f"cannot write it: {exc.strerror or exc}") from exc


def _write_json_atomically(target: Path, document: dict[str, Any]) -> None:
    with atomic_writer(target) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        json.dump(document, text, ensure_ascii=False, indent=2)
        text.write("\n")
        text.flush()
        text.detach()


def load_card_data(path: str | os.PathLike[str]) -> CardData:
    """Read the card kept in *path* (at most :data:`CARD_FILE_LIMIT` bytes).

    :raises CardFileError: a missing, unreadable or oversized file, bad JSON, another format
        or version, or card data that does not make a card (the message names the entry).
    """
    source = Path(path)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(CARD_FILE_LIMIT + 1)
    except FileNotFoundError:
        raise CardFileError(source, "no such file") from None
    except OSError as exc:
        raise CardFileError(source, f"cannot read it: {exc.strerror or exc}") from exc
    if len(raw) > CARD_FILE_LIMIT:
        raise CardFileError(source, f"larger than {CARD_FILE_LIMIT} bytes: not a card file")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CardFileError(source, "not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise CardFileError(
            source, f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    except RecursionError:
        raise CardFileError(source, "not a card file (nested too deeply)") from None
    return _card_from_document(source, document)


def _card_from_document(source: Path, document: object) -> CardData:
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise CardFileError(source, f"not a simulated card file (no format {FORMAT_NAME!r})")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise CardFileError(
            source, f"version {version!r} is not supported (this toolkit reads {FORMAT_VERSION})"
        )
    card = document.get("card")
    if not isinstance(card, dict):
        raise CardFileError(source, "the 'card' entry is missing or not an object")
    try:
        data = CardData.from_dict(card)
    except KeyError as exc:
        raise CardFileError(source, f"invalid card data: missing entry {exc}") from exc
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        # Messages of CardData never carry PIN values.
        raise CardFileError(source, f"invalid card data: {exc}") from exc
    for name, max_tries in PIN_MAX_TRIES.items():
        tries = getattr(data, name).tries_left
        if tries is not None and tries > max_tries:
            raise CardFileError(source, f"invalid card data: {name} has at most {max_tries} tries")
    return data
