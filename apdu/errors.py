"""The toolkit's single exception tree.

Every error the toolkit raises derives from :class:`ToolkitError`. The ``apdu`` layer
defines the root, the transport branch and :class:`ApduError`; the ``jpki`` layer adds its
domain errors (wrong PIN, PIN required, not a My Number Card, ...) under the same root, so a
caller needs one ``except ToolkitError`` to catch everything that is expected.
"""

from __future__ import annotations

from .status import describe_sw

__all__ = [
    "AmbiguousReaderError",
    "ApduError",
    "BadResponseError",
    "CardRemovedError",
    "MalformedApduError",
    "NoCardError",
    "PcscUnavailableError",
    "ProtocolError",
    "ReaderBusyError",
    "ReaderNotFoundError",
    "ToolkitError",
    "TransportError",
]


class ToolkitError(Exception):
    """Root of every error the toolkit raises on purpose."""


class MalformedApduError(ToolkitError):
    """Bytes that are not a well-formed command APDU, or fields out of range."""


class TransportError(ToolkitError):
    """The reader, the PC/SC service or the link to the card failed."""


class PcscUnavailableError(TransportError):
    """The PC/SC service is not running or cannot be reached."""


class ReaderNotFoundError(TransportError):
    """No reader, or no reader matching the requested name."""


class AmbiguousReaderError(TransportError):
    """Several readers match the requested name."""


class NoCardError(TransportError):
    """The reader has no card in it."""


class CardRemovedError(TransportError):
    """The card went away (or was reset) while an operation was running."""


class ReaderBusyError(TransportError):
    """Another program holds the reader exclusively."""


class BadResponseError(TransportError):
    """The card answered something that is not a response APDU (truncated, garbage)."""


class ProtocolError(ToolkitError):
    """The card's answers broke the ISO 7816-4 exchange (endless chaining, bad lengths)."""


class ApduError(ToolkitError):
    """The card answered with a status word other than ``9000``.

    :param sw: the status word, ``SW1 << 8 | SW2``.
    :param data: the response data that came with it (usually empty).
    """

    def __init__(self, sw: int, data: bytes = b"") -> None:
        self.sw = sw
        self.data = data
        super().__init__(f"card answered {sw:04X}: {describe_sw(sw)}")

    @property
    def meaning(self) -> str:
        """What the status word means, in English."""
        return describe_sw(self.sw)
