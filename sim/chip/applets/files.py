"""Elementary files of the simulated card, each with its access rule.

Files are immutable values; only PINs (:class:`~sim.chip.applets.pins.Pin`) change. Every file ID
of the card is in ``0001``-``001E``, so the same number doubles as the short EF identifier.
"""

from __future__ import annotations

from dataclasses import dataclass

from .keys import RsaSigner
from .pins import Pin

__all__ = [
    "FILLER",
    "BinaryFile",
    "ElementaryFile",
    "KeyFile",
    "RecordFile",
    "padded",
    "padded_file",
]

FILLER = 0xFF
"""The byte after the object in a transparent EF (the text AP shows ``FF``)."""


def _check_fid(fid: int) -> None:
    if not 0x0001 <= fid <= 0xFFFE:
        raise ValueError(f"a file ID is 0001-FFFE, not {fid:#06x}")


def padded(content: bytes, size: int, filler: int = FILLER) -> bytes:
    """*content* followed by *filler* up to *size* bytes (never cut)."""
    if len(content) >= size:
        return bytes(content)
    return bytes(content) + bytes((filler,)) * (size - len(content))


def padded_file(content: bytes, minimum_size: int) -> bytes:
    """*content* in an EF of *minimum_size* bytes, or of the next multiple of 256 if larger."""
    return padded(content, max(minimum_size, -(-len(content) // 256) * 256))


@dataclass(frozen=True, slots=True)
class BinaryFile:
    """A transparent EF, read with READ BINARY.

    :param fid: the file ID.
    :param content: every byte of the file, filler included (its length is the file size).
    :param read_pins: PINs (by file ID, in the same application) any one of which must be
        verified to read the file; empty means free.
    """

    fid: int
    content: bytes
    read_pins: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _check_fid(self.fid)
        if not self.content:
            raise ValueError("a transparent EF holds at least one byte")


@dataclass(frozen=True, slots=True)
class RecordFile:
    """A record-structured EF, read with READ RECORD.

    :param fid: the file ID.
    :param records: the records, record number 1 first.
    :param read_pins: as for :class:`BinaryFile`.
    """

    fid: int
    records: tuple[bytes, ...]
    read_pins: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _check_fid(self.fid)


@dataclass(frozen=True, slots=True)
class KeyFile:
    """A private-key EF: never readable, usable by COMPUTE DIGITAL SIGNATURE only.

    :param fid: the file ID.
    :param signer: the key.
    :param pin: file ID of the PIN that must be verified before each use.
    """

    fid: int
    signer: RsaSigner
    pin: int

    def __post_init__(self) -> None:
        _check_fid(self.fid)


ElementaryFile = BinaryFile | RecordFile | KeyFile | Pin
"""Anything SELECT EF can make current."""
