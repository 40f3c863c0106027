"""PC/SC readers through pyscard: the only package of the toolkit that imports ``smartcard``.

Four modules: ``_codes`` (PC/SC return codes and the translation of pyscard's exceptions),
``_readers`` (listing, choosing and waiting for readers and cards), ``_watch``
(:class:`ReaderWatcher`: every reader and card change, from pcscd's notifications) and
``_connection`` (:class:`PcscConnection` and :func:`open_reader`). pyscard is imported on
first use, so the package (its value types, the reader-matching rules and the error
translation) loads without it. The PC/SC API is used directly
(``smartcard.scard``): one context per connection, released by :meth:`PcscConnection.close`,
never by a finalizer. Every PC/SC failure becomes a :class:`~apdu.errors.TransportError`
subclass, whichever of pyscard's two exception roots (or plain return codes) it came from.

Things worth knowing about pcsc-lite (observed with pcscd 1.9.9):

* Connecting exclusively while any other program has the card open, or connecting at all
  while another program holds it exclusively, fails at once with
  ``SCARD_E_SHARING_VIOLATION``; there is no waiting.
* A command or a transaction started while another program holds a transaction on the card
  waits (the client library retries) until that transaction ends, however long that is.
* A card removed between commands answers the next command with ``SCARD_W_REMOVED_CARD``
  once pcscd has noticed; a card pulled during a command gives ``SCARD_E_NOT_TRANSACTED``
  (or an empty answer) first. Both are reported as :class:`~apdu.errors.CardRemovedError`.
"""

from __future__ import annotations

from ._codes import error_for_code, pcsc_code_name, translate_exception
from ._connection import Disposition, PcscConnection, open_reader
from ._readers import (
    ReaderInfo,
    choose_reader,
    list_readers,
    match_readers,
    wait_for_card,
    wait_for_card_removal,
)

TYPE_CHECKING = False  # the watcher is imported for type checkers only; see __getattr__
if TYPE_CHECKING:
    from ._watch import PNP_NOTIFICATION, ReaderSnapshot, ReaderWatcher

__all__ = [
    "PNP_NOTIFICATION",
    "Disposition",
    "PcscConnection",
    "ReaderInfo",
    "ReaderSnapshot",
    "ReaderWatcher",
    "choose_reader",
    "error_for_code",
    "list_readers",
    "match_readers",
    "open_reader",
    "pcsc_code_name",
    "translate_exception",
    "wait_for_card",
    "wait_for_card_removal",
]


def __getattr__(name: str) -> object:
    """The reader watcher's names, imported on first use: opening one reader (every command but
    the counter's) needs neither its threads nor its logging."""
    if name in ("PNP_NOTIFICATION", "ReaderSnapshot", "ReaderWatcher"):
        from . import _watch

        value = getattr(_watch, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
