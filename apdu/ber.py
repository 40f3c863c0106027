"""Lenient BER-TLV reading, as ISO 7816-4 files on real cards need it.

The card-info applications of the My Number Card use private multi-byte tags (``FF 10``,
``DF 21``) and long-form lengths where the short form would do (``FF 40 82 00 9F``). This
module accepts both; it refuses only what cannot be read (indefinite lengths, truncation).
"""

from __future__ import annotations

from collections.abc import Iterator

from ._value import FrozenValue
from .errors import ToolkitError

__all__ = ["BerError", "BerHeader", "Tlv", "iter_tlv", "parse_header"]

_MAX_LENGTH_OCTETS = 4


class BerError(ToolkitError):
    """Bytes that cannot be read as BER-TLV."""


class BerHeader(FrozenValue):
    """The tag and length of one BER object.

    :param tag: the tag bytes, e.g. ``b"\\x30"`` or ``b"\\xff\\x10"``.
    :param header_length: how many bytes the tag and length take.
    :param value_length: how many value bytes follow the header.
    """

    __slots__ = ("tag", "header_length", "value_length")

    tag: bytes
    header_length: int
    value_length: int

    def __init__(self, tag: bytes, header_length: int, value_length: int) -> None:
        self._set_fields(tag, header_length, value_length)

    @property
    def total_length(self) -> int:
        """Header plus value: the size of the whole object."""
        return self.header_length + self.value_length


class Tlv(FrozenValue):
    """One BER object: its tag and its value bytes."""

    __slots__ = ("tag", "value")

    tag: bytes
    value: bytes

    def __init__(self, tag: bytes, value: bytes) -> None:
        self._set_fields(tag, value)


def parse_header(data: bytes, offset: int = 0) -> BerHeader:
    """Read the tag and length at *offset*; non-minimal long-form lengths are accepted.

    :raises BerError: truncated header, indefinite length or a length over 4 octets.
    """
    pos = offset
    if pos >= len(data):
        raise BerError("no BER object: the data ends before a tag")
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise BerError("BER tag is truncated")
            more = data[pos] & 0x80
            pos += 1
            if not more:
                break
    tag = bytes(data[offset:pos])
    if pos >= len(data):
        raise BerError(f"BER object {tag.hex().upper()} has no length byte")
    length_byte = data[pos]
    pos += 1
    if length_byte < 0x80:
        value_length = length_byte
    elif length_byte == 0x80:
        raise BerError("indefinite BER lengths are not supported")
    else:
        octets = length_byte & 0x7F
        if octets > _MAX_LENGTH_OCTETS:
            raise BerError(f"BER length of {octets} octets is too large")
        if pos + octets > len(data):
            raise BerError("BER length is truncated")
        value_length = int.from_bytes(data[pos : pos + octets], "big")
        pos += octets
    return BerHeader(tag, pos - offset, value_length)


def iter_tlv(data: bytes) -> Iterator[Tlv]:
    """Yield the objects that follow one another in *data*.

    Trailing ``FF``/``00`` filler after the last object is ignored, as real card files have it.

    :raises BerError: an object whose value runs past the end of the data.
    """
    pos = 0
    while pos < len(data):
        if all(b in (0x00, 0xFF) for b in data[pos:]):
            return
        header = parse_header(data, pos)
        start = pos + header.header_length
        end = start + header.value_length
        if end > len(data):
            raise BerError(
                f"BER object {header.tag.hex().upper()} says {header.value_length} bytes, "
                f"{len(data) - start} follow"
            )
        yield Tlv(header.tag, bytes(data[start:end]))
        pos = end
